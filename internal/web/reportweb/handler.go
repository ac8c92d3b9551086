// Package reportweb is the daily report (日报告/零报告) on the web: who
// under a unit has reported today, the form on which a cadre reviews the
// compiled figures, confirms each zero and submits, every version as a
// printable page and as XLSX, and the county's templates.
package reportweb

import (
	"embed"
	"html/template"

	"fangkong/internal/auth"
	"fangkong/internal/report"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Handler serves the daily reports.
type Handler struct {
	srv     *web.Server
	reports *report.Service
	pages   *web.Pages
}

// New parses the templates.
func New(srv *web.Server, reports *report.Service) *Handler {
	return &Handler{srv: srv, reports: reports, pages: srv.MustPages(templates, "templates", template.FuncMap{"stamp": report.Stamp})}
}

// Routes: the status, the form, a version, its export, the templates.
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		web.Page("GET /reports", auth.CapReportsRead, h.status),
		web.Page("GET /reports/new", auth.CapReportsSubmit, h.draft),
		web.Page("POST /reports", auth.CapReportsSubmit, h.submit),
		web.Page("GET /reports/templates", auth.CapReportsRead, h.templates),
		web.Page("POST /reports/templates", auth.CapReportsManage, h.saveTemplate),
		web.Page("GET /reports/{id}", auth.CapReportsRead, h.version),
		web.API("GET /api/v1/reports", auth.CapReportsRead, h.apiStatus),
		web.API("GET /api/v1/reports/{id}", auth.CapReportsRead, h.apiReport),
		web.Page("GET /reports/{id}/export", auth.CapReportsRead, h.export),
	}
}
