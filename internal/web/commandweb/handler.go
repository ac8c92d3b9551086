// Package commandweb is the command centre's operating picture (指挥部态势)
// on the web: one screen answering "what is late, and where" for a unit,
// by child unit with drill-down, each figure the domain's own summary and a
// link to the list behind it, with a trend drawn as SVG on the server.
package commandweb

import (
	"embed"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/command"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Handler serves the picture.
type Handler struct {
	srv     *web.Server
	svc     *command.Service
	sources []web.SummarySource
	pages   *web.Pages
}

// New parses the templates; sources are the domains' summaries in order
// (internal/app's list).
func New(srv *web.Server, svc *command.Service, sources []web.SummarySource) *Handler {
	h := &Handler{srv: srv, svc: svc, sources: sources}
	h.pages = srv.MustPages(templates, "templates", template.FuncMap{"spark": command.Spark, "neg": func(n int) int { return -n }})
	return h
}

// Routes: the picture.
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		// The picture bounds its own work — one computation per scope at a
		// time (single flight), served from the cache meanwhile — so twenty
		// screens opening it at once share one computation instead of being
		// shed as a heavy route.
		web.Page("GET /command", auth.CapPictureView, h.page).OwnLimits(),
		web.API("GET /api/v1/command", auth.CapPictureView, h.api).OwnLimits(),
	}
}

// visible returns the sources the user may see and the name of that set.
func (h *Handler) visible(u auth.User) (string, []summary.Source) {
	var set []string
	var out []summary.Source
	for i, s := range h.sources {
		if s.Cap == web.AnyUser || u.Can(s.Cap) {
			set = append(set, strconv.Itoa(i))
			out = append(out, s.Source)
		}
	}
	return strings.Join(set, ","), out
}

type pictureView struct {
	command.Picture
	Crumbs  []web.Crumb
	Columns []summary.Figure // the figures shown per child: those that can be late
	Drill   bool             // children open their own picture
	// Rest is, per column, what the unit counts beyond its children's sum
	// (a push task still in the county's queue, not routed to a township):
	// shown as a row of its own, so the rows add up to the unit's figure.
	// Nil when every column adds up. A figure of the unit itself (NoSum,
	// such as 未达标项) has no remainder.
	Rest []summary.Figure
	// Titles are the card title of each figure key, shown with the figure
	// wherever it stands without its card (逾期与未办, the columns): 已逾期
	// alone does not say what is overdue.
	Titles map[string]string
}

// Title is the card title of the figure with key.
func (v pictureView) Title(key string) string { return v.Titles[key] }

// Cell is the child's value of a column's figure.
func (v pictureView) Cell(c command.Child, key string) *summary.Figure {
	if f, ok := c.Figure(key); ok {
		return &f
	}
	return nil
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request) error {
	unitErr, err := h.srv.ListUnit(r)
	if err != nil {
		return err
	}
	u := web.User(r)
	code := r.URL.Query().Get("unit")
	if code == "" {
		code = u.UnitCode
	}
	set, sources := h.visible(u)
	p, err := h.svc.Picture(r.Context(), u.Scope(), code, clock.Day(h.srv.Now()), set, sources)
	if err != nil {
		return err
	}
	v := pictureView{Picture: p, Drill: p.Unit.Level < jurisdiction.LevelVillage}
	if v.Crumbs, err = h.srv.Crumbs(r, p.Unit.Code); err != nil {
		return err
	}
	// Columns: every figure that is late for the unit or any child, in card order.
	late := map[string]bool{}
	for _, f := range p.Late {
		late[f.Key] = true
	}
	for _, c := range p.Children {
		for _, f := range c.Late {
			late[f.Key] = true
		}
	}
	v.Titles = map[string]string{}
	for _, c := range p.Cards {
		for _, f := range c.Figures {
			v.Titles[f.Key] = c.Title
			if late[f.Key] {
				v.Columns = append(v.Columns, f)
			}
		}
	}
	v.Rest = rest(v.Columns, p.Children)
	return h.pages.RenderList(w, r, unitErr, "command", "指挥部态势 · "+p.Unit.Name, v)
}

// rest is, per column, the unit's value less its children's, or nil when
// every column adds up. A remainder below zero is shown too: a gap the
// unit's own resources close (the county's quarantine hotel's rooms make
// the county's 房间缺口 smaller than its townships' together).
func rest(columns []summary.Figure, children []command.Child) []summary.Figure {
	var out []summary.Figure
	some := false
	for _, col := range columns {
		if col.NoSum {
			out = append(out, summary.Figure{Key: col.Key, Label: col.Label, NoSum: true})
			continue
		}
		sum := 0
		for _, c := range children {
			if f, ok := c.Figure(col.Key); ok {
				sum += f.Value
			}
		}
		r := summary.Figure{Key: col.Key, Label: col.Label, Value: col.Value - sum}
		some = some || r.Value != 0
		out = append(out, r)
	}
	if !some {
		return nil
	}
	return out
}
