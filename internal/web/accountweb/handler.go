// Package accountweb holds the pages and JSON API of accounts and their
// administration (账号与管理): signing in and out, the own password and API
// tokens, the users admin and the audit log.
package accountweb

import (
	"embed"
	"html/template"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Handler serves sign-in, the own account, the users admin and the audit
// log.
type Handler struct {
	srv   *web.Server
	auth  *auth.Service
	audit *audit.Log
	pages *web.Pages
}

// New parses the templates (embedded: a broken one panics).
func New(srv *web.Server, accounts *auth.Service, log *audit.Log) *Handler {
	return &Handler{srv: srv, auth: accounts, audit: log, pages: srv.MustPages(templates, "templates", template.FuncMap{
		"actionName":  audit.ActionName,
		"entityName":  audit.EntityName,
		"entityPage":  audit.EntityPage,
		"entityKinds": audit.EntityKinds,
	})}
}
