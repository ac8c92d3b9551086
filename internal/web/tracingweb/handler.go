// Package tracingweb holds the pages of cases and contact tracing (病例与流调):
// the case list with its clocks, the case page with candidates, judgment
// and hand-off, trajectories and their printable notice, contacts by unit,
// clusters and the chain graph, indicators, place codes and their posters,
// the scan-log import, the outgoing 协查 list, and the public scan page of
// places without the platform.
package tracingweb

import (
	"context"
	"embed"
	"html/template"
	"net/http"
	"time"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/site"
	"fangkong/internal/tracing"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Sites lists the quarantine sites a hand-off may send people to.
type Sites interface {
	Sites(ctx context.Context, scope jurisdiction.Scope, unit string) ([]site.Site, error)
}

// Handler serves the tracing pages.
type Handler struct {
	srv       *web.Server
	tracing   *tracing.Service
	sites     Sites
	pages     *web.Pages
	now       func() time.Time
	scanLimit *web.Limiter
}

// New parses the templates (a broken one panics: they are embedded).
func New(srv *web.Server, t *tracing.Service, sites Sites) *Handler {
	return &Handler{srv: srv, tracing: t, sites: sites, pages: srv.MustPages(templates, "templates", template.FuncMap{"categoryName": tracing.CategoryName}), now: srv.Now,
		scanLimit: web.NewLimiter(20, srv.Now)}
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, name, title string, d any) error {
	return h.pages.Render(w, r, http.StatusOK, name, title, d)
}

// public answers a public page's errors as a page without links to the
// login.
func (h *Handler) public(fn web.HandlerFunc) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := fn(w, r); err != nil {
			status, msg, _ := web.StatusOf(err)
			if status == http.StatusInternalServerError {
				h.srv.Logger.Error("public scan", "err", err, "request_id", web.RequestID(r))
			}
			if status == http.StatusNotFound {
				msg = "场所码无效或已停用"
			}
			h.srv.RenderError(w, r, status, msg)
		}
		return nil
	}
}
