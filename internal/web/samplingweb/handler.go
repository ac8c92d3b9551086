// Package samplingweb holds the pages and JSON API of mass testing
// (全员核酸): the rounds (campaigns) with their sampling points and labs,
// the scan page and API, the personal and household codes (一户一码),
// transport boxes, lab results, single-tube retests, coverage with the
// untested list, and the capacity plan. The scan page loads
// /static/retry.js and /static/sampling.js from the core.
package samplingweb

import (
	"embed"
	"net/http"
	"time"

	"fangkong/internal/sampling"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Handler serves the mass-testing pages and API.
type Handler struct {
	srv      *web.Server
	sampling *sampling.Service
	pages    *web.Pages
	now      func() time.Time
}

// New parses the templates (a broken one panics: they are embedded).
func New(srv *web.Server, svc *sampling.Service) *Handler {
	return &Handler{srv: srv, sampling: svc, pages: srv.MustPages(templates, "templates", nil), now: srv.Now}
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, name, title string, d any) error {
	return h.pages.Render(w, r, http.StatusOK, name, title, d)
}
