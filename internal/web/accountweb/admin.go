package accountweb

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/web"
)

// auditFilter reads the audit filter from the query string.
func auditFilter(r *http.Request) audit.Filter {
	q := r.URL.Query()
	f := audit.Filter{Username: strings.TrimSpace(q.Get("user")), Action: q.Get("action"), Entity: q.Get("entity"),
		EntityID: strings.TrimSpace(q.Get("entity_id")), Unit: strings.TrimSpace(q.Get("unit")), Limit: 100}
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if t, err := time.ParseInLocation("2006-01-02", q.Get("from"), clock.Shanghai); err == nil {
		f.From = t.UnixMilli()
	}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("to"), clock.Shanghai); err == nil {
		f.To = t.AddDate(0, 0, 1).UnixMilli()
	}
	return f
}

// withheld replaces a summary the reader may not see.
const withheld = "（涉及个人信息，本角色不显示说明）"

// readEntries lists the audit entries for r's user. A reader who may not
// read personal records (the administrator) sees who did what to which
// record and when, but not the summaries that name residents or their
// health (查看病例 张三); requests to look across jurisdictions keep
// theirs, as their reasons are what is reviewed.
func (h *Handler) readEntries(r *http.Request, f audit.Filter) ([]audit.Entry, error) {
	u := web.User(r)
	entries, err := h.audit.List(r.Context(), u.Scope(), f)
	if err != nil || u.Can(auth.CapPeopleRead) {
		return entries, err
	}
	for i, e := range entries {
		if audit.Personal(e.Entity) && e.Action != audit.ActionBreakGlass && e.Summary != "" {
			entries[i].Summary = withheld
		}
	}
	return entries, nil
}

func (h *Handler) auditPage(w http.ResponseWriter, r *http.Request) error {
	f := auditFilter(r)
	entries, err := h.readEntries(r, f)
	if err != nil {
		return err
	}
	var next template.URL
	if len(entries) == f.Limit {
		q := r.URL.Query()
		q.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		next = web.PageLink(q.Encode())
	}
	actions := []string{audit.ActionView, audit.ActionExport, audit.ActionCreate, audit.ActionUpdate, audit.ActionMerge, audit.ActionImport,
		audit.ActionLogin, audit.ActionLookup, audit.ActionBreakGlass, audit.ActionPurge, audit.ActionDelete}
	// Reads of the jurisdiction's people from outside it (跨辖区查看) in the
	// last 7 days, called out above the log.
	glass, err := h.audit.List(r.Context(), web.User(r).Scope(), audit.Filter{Action: audit.ActionBreakGlass,
		From: h.srv.Now().Add(-7 * 24 * time.Hour).UnixMilli(), Limit: 500, Few: true})
	if err != nil {
		return err
	}
	requests := 0
	for _, e := range glass {
		if e.EntityID != "0" { // "0": a search for someone nobody registered, by one of ours
			requests++
		}
	}
	return h.pages.Render(w, r, http.StatusOK, "audit", "审计日志", auditView{Entries: entries, Q: r.URL.Query(), Next: next, Actions: actions,
		BreakGlass: requests})
}

func (h *Handler) usersPage(w http.ResponseWriter, r *http.Request) error {
	return h.showUsers(w, r, http.StatusOK, "", "")
}

func (h *Handler) showUsers(w http.ResponseWriter, r *http.Request, status int, flash, errMsg string) error {
	scope := web.User(r).Scope()
	users, err := h.auth.Users(r.Context(), scope)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, u := range users {
		if _, done := names[u.UnitCode]; done || u.UnitCode == "" || h.srv.Units == nil {
			continue
		}
		names[u.UnitCode] = ""
		if unit, err := h.srv.Units.Get(r.Context(), scope, u.UnitCode); err == nil {
			names[u.UnitCode] = unit.Name
		}
	}
	return h.pages.RenderView(w, r, status, "users", web.View{Title: "用户管理", Flash: flash, Error: errMsg,
		D: usersView{Users: users, Roles: auth.Roles, Form: r.PostForm, UnitNames: names}})
}

// newUserIn is the new-account form and the body of POST /api/v1/users.
type newUserIn struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	UnitCode    string `json:"unit_code"`
	Phone       string `json:"phone"`
	Password    string `json:"password"`
}

// createUser binds the new account and creates it; the admin's accounts
// must change their password at first login.
func (h *Handler) createUser(r *http.Request) (auth.User, error) {
	var in newUserIn
	if err := web.Bind(r, &in); err != nil {
		return auth.User{}, err
	}
	if !strings.HasPrefix(r.URL.Path, "/api/") { // a form: the password as typed (Bind trims)
		in.Password = r.FormValue("password")
	}
	return h.auth.CreateUser(r.Context(), web.Actor(r), web.User(r).Scope(), auth.NewUser{Username: in.Username, DisplayName: in.DisplayName,
		Role: auth.Role(in.Role), UnitCode: in.UnitCode, Phone: in.Phone, Password: in.Password, MustChange: true})
}

func (h *Handler) userCreate(w http.ResponseWriter, r *http.Request) error {
	u, err := h.createUser(r)
	if err != nil {
		status, msg, _ := web.StatusOf(err)
		if status == http.StatusBadRequest || status == http.StatusConflict {
			return h.showUsers(w, r, status, "", msg)
		}
		return err
	}
	return web.Redirect(w, r, "/admin/users", "已创建账号 "+u.Username+"，首次登录须修改密码")
}

func (h *Handler) userResetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := h.auth.SetPassword(r.Context(), web.Actor(r), web.User(r).Scope(), id, r.FormValue("password"), true); err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/users", "密码已重置，该用户下次登录须修改密码")
}

func (h *Handler) userDisable(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if id == web.User(r).ID {
		return web.Redirect(w, r, "/admin/users", "不能停用自己的账号")
	}
	disable := r.FormValue("disabled") == "1"
	if err := h.auth.SetDisabled(r.Context(), web.Actor(r), web.User(r).Scope(), id, disable); err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/users", "已更新账号状态")
}

// usersImportView is the result of a bulk account file: the accounts made
// with their first-login passwords (shown this once, to print and hand
// out) and every bad row.
type usersImportView struct {
	R auth.UserImport
}

// usersImport makes accounts from a file (批量开通账号): one row per account.
func (h *Handler) usersImport(w http.ResponseWriter, r *http.Request) error {
	f, size, err := web.SaveUpload(r, "file")
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := h.auth.ImportUsers(r.Context(), web.Actor(r), web.User(r).Scope(), f, size, r.FormValue("mode") == "good")
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(rep.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	// The passwords are on this page only: never cached, never stored.
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "users_import", "批量开通账号", usersImportView{R: rep})
}
