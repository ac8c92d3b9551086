package inspectweb

import (
	"fmt"
	"net/http"
	"strconv"

	"fangkong/internal/inspect"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/web"
)

type findingsView struct {
	Filter   inspect.Filter
	Findings []inspect.Finding
	Total    int
	Statuses []string
	Paging   web.Paging
}

// findings lists findings of ?unit= by ?status= (or open) or ?overdue=1;
// Total is the count the summary shows.
func (h *Handler) findings(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	page := web.PageOf(r)
	const per = 100
	f := inspect.Filter{Unit: q.Get("unit"), Status: q.Get("status"), Overdue: q.Get("overdue") == "1"}
	scope := web.User(r).Scope()
	total, err := h.svc.Count(r.Context(), scope, f)
	if err != nil {
		return err
	}
	f.Limit, f.Offset = per+1, (page-1)*per
	list, err := h.svc.Findings(r.Context(), scope, f)
	if err != nil {
		return err
	}
	v := findingsView{Filter: f, Total: total, Statuses: inspect.Statuses, Paging: web.PagingFor(r, page, len(list))}
	v.Findings = list[:min(len(list), per)]
	return h.pages.Render(w, r, http.StatusOK, "findings", "督查问题", v)
}

type findingView struct {
	inspect.Finding
	Steps []inspect.Step // the rectification's record, oldest first
}

func (h *Handler) finding(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := h.svc.Finding(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	steps, err := h.svc.Steps(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "finding", "督查问题", findingView{f, steps})
}

func (h *Handler) photo(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	b, t, err := h.svc.Photo(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", t)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(b)
	return err
}

func (h *Handler) step(w http.ResponseWriter, r *http.Request, do func(id, version int64) (inspect.Finding, error), done string) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseInt(r.FormValue("version"), 10, 64)
	f, err := do(id, version)
	if err != nil {
		cur, gerr := h.svc.Finding(r.Context(), web.User(r).Scope(), id)
		if gerr != nil {
			return gerr
		}
		steps, _ := h.svc.Steps(r.Context(), web.User(r).Scope(), cur.ID)
		return h.pages.FormError(w, r, err, "finding", "督查问题", findingView{cur, steps})
	}
	return web.Redirect(w, r, fmt.Sprintf("/findings/%d", f.ID), done+f.Status)
}

func (h *Handler) progress(w http.ResponseWriter, r *http.Request) error {
	return h.step(w, r, func(id, version int64) (inspect.Finding, error) {
		return h.svc.Progress(r.Context(), web.Actor(r), web.User(r).Scope(), id, version, r.FormValue("status"), r.FormValue("note"))
	}, "整改进度：")
}

func (h *Handler) review(w http.ResponseWriter, r *http.Request) error {
	return h.step(w, r, func(id, version int64) (inspect.Finding, error) {
		return h.svc.Review(r.Context(), web.Actor(r), web.User(r).Scope(), id, version, r.FormValue("pass") == "1", r.FormValue("note"))
	}, "复核结果：")
}

type bulletinView struct {
	Unit   jurisdiction.Unit
	Groups []inspect.Group
	Total  int
}

// bulletin is the printable 通报 of ?unit=: findings by township.
func (h *Handler) bulletin(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	unit, groups, err := h.svc.Bulletin(r.Context(), u.Scope(), web.FirstOf(r.URL.Query().Get("unit"), u.UnitCode))
	if err != nil {
		return err
	}
	v := bulletinView{Unit: unit, Groups: groups}
	for _, g := range groups {
		v.Total += len(g.Findings)
	}
	return h.pages.Render(w, r, http.StatusOK, "bulletin", "督查通报 · "+unit.Name, v)
}
