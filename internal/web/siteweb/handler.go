// Package siteweb holds the pages and JSON API of the quarantine sites
// (集中隔离点): sites and their rooms, the checklist of three zones and two
// passages, the staff and their tests, transfers, check-in and check-out
// of the people in quarantine, and the occupancy dashboard.
package siteweb

import (
	"context"
	"embed"
	"net/http"
	"time"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/site"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Units lists the units of a level in a scope (行政区划): a site belongs
// to a county or a township.
type Units interface {
	Units(ctx context.Context, scope jurisdiction.Scope, level int) ([]jurisdiction.Unit, error)
}

// Handler serves the sites' pages and API.
type Handler struct {
	srv   *web.Server
	sites *site.Service
	units Units
	pages *web.Pages
	now   func() time.Time
}

// New parses the templates (a broken one panics: they are embedded).
func New(srv *web.Server, sites *site.Service, units Units) *Handler {
	return &Handler{srv: srv, sites: sites, units: units, pages: srv.MustPages(templates, "templates", nil), now: srv.Now}
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, name, title string, d any) error {
	return h.pages.Render(w, r, http.StatusOK, name, title, d)
}
