// Package todayweb is the day's work of a village or township (今日待办):
// one page listing what is to be done today in the user's unit — push
// tasks to verify, health checks and tests due, self-reports to confirm,
// households left in open sweeps, open alerts, places to pick — each a
// count linking to its list. The counts come from the domains (Source);
// internal/app passes them in.
package todayweb

import (
	"context"
	"embed"
	"net/http"
	"slices"

	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Source is a domain's part of the day's work for a unit inside scope
// (a unit outside it is not found): figures, each the count of the list it
// links to.
type Source interface {
	Todo(ctx context.Context, scope jurisdiction.Scope, unit, day string) ([]summary.Figure, error)
}

// Handler serves the day's work.
type Handler struct {
	srv     *web.Server
	units   *jurisdiction.Store
	sources []Source
	pages   *web.Pages
}

// New parses the templates; sources are listed in the page's order.
func New(srv *web.Server, units *jurisdiction.Store, sources ...Source) *Handler {
	return &Handler{srv: srv, units: units, sources: sources, pages: srv.MustPages(templates, "templates", nil)}
}

// Routes: the page and its JSON twin. The daily work is measures.write's
// (the roles that keep the ledger: village, township, command).
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		web.Page("GET /today", auth.CapMeasuresWrite, h.page),
		web.API("GET /api/v1/today", auth.CapMeasuresWrite, h.api),
	}
}

// todayView is the page: the unit, the day and the figures.
type todayView struct {
	Unit    jurisdiction.Unit
	Day     string
	Figures []summary.Figure
	Total   int
}

// today computes the day's work of ?unit= (default: the user's unit).
func (h *Handler) today(r *http.Request) (todayView, error) {
	ctx := r.Context()
	scope := web.User(r).Scope()
	code := r.URL.Query().Get("unit")
	if code == "" {
		code = scope.Code()
	}
	unit, err := h.units.Get(ctx, scope, code)
	if err != nil {
		return todayView{}, err
	}
	v := todayView{Unit: unit, Day: clock.Day(h.srv.Now())}
	for _, s := range h.sources {
		figs, err := s.Todo(ctx, scope, unit.Code, v.Day)
		if err != nil {
			return v, err
		}
		for _, f := range figs {
			v.Total += f.Value
		}
		v.Figures = append(v.Figures, figs...)
	}
	// What is overdue first, then what waits, then what is done; each
	// group in the domains' order.
	rank := func(f summary.Figure) int {
		switch {
		case f.Value > 0 && f.Late:
			return 0
		case f.Value > 0:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(v.Figures, func(a, b summary.Figure) int { return rank(a) - rank(b) })
	return v, nil
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request) error {
	v, err := h.today(r)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "today", "今日待办", v)
}

// itemJSON is one count of GET /api/v1/today.
type itemJSON struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count int    `json:"count"`
	Link  string `json:"link"`
	Late  bool   `json:"late"`
}

// todayJSON is the answer of GET /api/v1/today.
type todayJSON struct {
	Unit  string     `json:"unit"`
	Day   string     `json:"day"`
	Items []itemJSON `json:"items"`
}

func (h *Handler) api(w http.ResponseWriter, r *http.Request) error {
	v, err := h.today(r)
	if err != nil {
		return err
	}
	out := todayJSON{Unit: v.Unit.Code, Day: v.Day, Items: make([]itemJSON, 0, len(v.Figures))}
	for _, f := range v.Figures {
		out.Items = append(out.Items, itemJSON{Key: f.Key, Label: f.Label, Count: f.Value, Link: f.Link, Late: f.Late})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}
