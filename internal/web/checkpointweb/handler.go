// Package checkpointweb holds the pages and JSON API of the checkpoints
// (卡口): the checkpoint's own page, the fast check log of a vehicle and
// its people (with the offline outbox), the register of entrances and
// checkpoints with their statuses and shift rosters, the day's figures and
// night coverage, the checkpoint rules (versions), the villages' list of
// people handed over to receive, and the outgoing 协查 list.
package checkpointweb

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"fangkong/internal/checkpoint"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Handler serves the checkpoints' pages and API.
type Handler struct {
	cps   *checkpoint.Service
	units *jurisdiction.Store
	pages *web.Pages
	now   func() time.Time
}

// New parses the templates (a broken one panics: they are embedded).
func New(srv *web.Server, cps *checkpoint.Service, units *jurisdiction.Store) *Handler {
	return &Handler{cps: cps, units: units, pages: srv.MustPages(templates, "templates", template.FuncMap{
		"fever": func(tenths int) string { return fmt.Sprintf("%.1f", float64(tenths)/10) }}), now: srv.Now}
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, name, title string, d any) error {
	return h.pages.Render(w, r, http.StatusOK, name, title, d)
}
