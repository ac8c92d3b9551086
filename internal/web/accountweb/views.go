package accountweb

import (
	"html/template"
	"net/url"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
)

// loginView is the login page's data: the double-submit token and where to
// go after.
type loginView struct {
	CSRF string
	Next string
}

// accountView is the own account page's data.
type accountView struct {
	Tokens   []auth.APIToken
	NewToken string // shown once, right after it is made
}

// auditView is the audit page's data.
type auditView struct {
	Entries []audit.Entry
	Q       url.Values
	Next    template.URL // link to the next (older) page, "" on the last
	Actions []string
	// BreakGlass counts the break-the-glass requests about the
	// jurisdiction's people in the last 7 days.
	BreakGlass int
}

// usersView is the users admin page's data; Form refills the new-account
// form after an error.
type usersView struct {
	Users []auth.User
	Roles []auth.RoleInfo
	Form  url.Values
	// UnitNames are the names of the users' units by code (a unit that
	// cannot be read shows its code).
	UnitNames map[string]string
}
