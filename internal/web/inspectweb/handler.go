// Package inspectweb is supervision (督查) and rectification (整改) on the
// web: inspections with their checklist, findings with a photo, the
// rectification's steps to 销号, the list of findings by status or
// overdue, and the printable 通报 by township.
package inspectweb

import (
	"embed"

	"fangkong/internal/auth"
	"fangkong/internal/inspect"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Handler serves supervision.
type Handler struct {
	srv   *web.Server
	svc   *inspect.Service
	pages *web.Pages
}

// New parses the templates.
func New(srv *web.Server, svc *inspect.Service) *Handler {
	return &Handler{srv: srv, svc: svc, pages: srv.MustPages(templates, "templates", nil)}
}

// Routes: inspections, findings, the rectification steps and the 通报.
func (h *Handler) Routes() []web.Route {
	const R, W, X = auth.CapInspectRead, auth.CapInspectWrite, auth.CapInspectRectify
	return []web.Route{
		web.Page("GET /inspections", R, h.inspections),
		web.Page("GET /inspections/new", W, h.newInspection),
		web.Page("POST /inspections", W, h.createInspection),
		web.Page("GET /inspections/{id}", R, h.inspection),
		web.Page("POST /inspections/{id}/findings", W, h.addFinding),
		web.Page("GET /findings", R, h.findings),
		web.Page("GET /findings/bulletin", R, h.bulletin),
		web.Page("GET /findings/{id}", R, h.finding),
		web.Page("GET /findings/{id}/photo", R, h.photo),
		web.Page("POST /findings/{id}/progress", X, h.progress),
		web.Page("POST /findings/{id}/review", W, h.review),
	}
}
