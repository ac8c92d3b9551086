// Package specialweb is special reports (特报) on the web: the open
// reports of a unit's subtree with their acknowledgement clocks, opening
// one by hand, a report's page with the acknowledgement of the caller's
// level (the cadre's name) and closing it.
package specialweb

import (
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/special"
	"fangkong/internal/summary"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Handler serves special reports.
type Handler struct {
	srv   *web.Server
	svc   *special.Service
	pages *web.Pages
}

// New parses the templates.
func New(srv *web.Server, svc *special.Service) *Handler {
	return &Handler{srv: srv, svc: svc, pages: srv.MustPages(templates, "templates", nil)}
}

// Routes: the list, opening one, a report, acknowledgement, closing.
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		web.Page("GET /special", auth.CapSpecialRead, h.list),
		web.Page("GET /special/new", auth.CapSpecialWrite, h.newForm),
		web.Page("POST /special", auth.CapSpecialWrite, h.open),
		web.Page("GET /special/{id}", auth.CapSpecialRead, h.show),
		web.API("GET /api/v1/special", auth.CapSpecialRead, h.apiList),
		web.API("GET /api/v1/special/{id}", auth.CapSpecialRead, h.apiShow),
		web.Page("POST /special/{id}/ack", auth.CapSpecialWrite, h.ack),
		web.Page("POST /special/{id}/close", auth.CapSpecialWrite, h.close),
	}
}

type listView struct {
	Unit    string
	All     bool
	Late    bool // only the reports of 特报逾期未确认
	Total   int  // how many reports the list holds (共 N 条)
	Now     time.Time
	Card    summary.Card
	Reports []special.Report
}

// listOf is the view of the list a query asks for: late=1 the open
// reports with a clock passed unacknowledged (the figure 特报逾期未确认),
// all=1 every report of the last 30 days, otherwise the open ones.
func listOf(q url.Values) string {
	switch {
	case q.Get("late") == "1":
		return special.ViewLate
	case q.Get("all") == "1":
		return special.ViewAll
	}
	return special.ViewOpen
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	q := r.URL.Query()
	view := listOf(q)
	v := listView{Unit: web.FirstOf(q.Get("unit"), u.UnitCode), All: view == special.ViewAll, Late: view == special.ViewLate, Now: h.srv.Now()}
	var err error
	if v.Card, err = h.svc.Summary(r.Context(), u.Scope(), v.Unit, clock.Day(v.Now)); err != nil {
		return err
	}
	if v.Reports, v.Total, err = h.svc.Listing(r.Context(), u.Scope(), v.Unit, view); err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "list", "特报", v)
}

type formView struct {
	Form  special.Trigger
	Kinds []struct{ Kind, Label string }
}

func (h *Handler) newForm(w http.ResponseWriter, r *http.Request) error {
	return h.pages.Render(w, r, http.StatusOK, "form", "新增特报", formView{Form: special.Trigger{Unit: web.User(r).UnitCode, Kind: "positive"},
		Kinds: special.Kinds})
}

func (h *Handler) open(w http.ResponseWriter, r *http.Request) error {
	tr := special.Trigger{Kind: r.FormValue("kind"), Unit: r.FormValue("unit_code"), Title: r.FormValue("title"), Content: r.FormValue("content")}
	typed := tr.Unit
	code, err := h.srv.UnitCode(r.Context(), web.User(r).Scope(), "unit_code", tr.Unit)
	var rep special.Report
	if err == nil {
		tr.Unit = code
		rep, err = h.svc.Open(r.Context(), web.Actor(r), web.User(r).Scope(), tr)
	}
	if err != nil {
		tr.Unit = typed
		return h.pages.FormError(w, r, err, "form", "新增特报", formView{Form: tr, Kinds: special.Kinds})
	}
	return web.Redirect(w, r, fmt.Sprintf("/special/%d", rep.ID), "已发出特报："+rep.Title)
}

type showView struct {
	special.Report
	Now   time.Time
	Cadre string
	Note  string
}

func (h *Handler) show(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	rep, err := h.svc.Get(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "show", "特报："+rep.Title, showView{Report: rep, Now: h.srv.Now()})
}

func (h *Handler) after(w http.ResponseWriter, r *http.Request, id int64, v showView, err error, done string) error {
	if err != nil {
		cur, gerr := h.svc.Get(r.Context(), web.User(r).Scope(), id)
		if gerr != nil {
			return gerr
		}
		v.Report, v.Now = cur, h.srv.Now()
		return h.pages.FormError(w, r, err, "show", "特报："+cur.Title, v)
	}
	return web.Redirect(w, r, fmt.Sprintf("/special/%d", id), done)
}

func (h *Handler) ack(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	cadre := r.FormValue("cadre")
	_, err = h.svc.Acknowledge(r.Context(), web.Actor(r), web.User(r).Scope(), id, cadre)
	return h.after(w, r, id, showView{Cadre: cadre}, err, "已确认特报")
}

func (h *Handler) close(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	note := r.FormValue("note")
	_, err = h.svc.Close(r.Context(), web.Actor(r), web.User(r).Scope(), id, note)
	return h.after(w, r, id, showView{Note: note}, err, "已关闭特报")
}
