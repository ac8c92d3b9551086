package registryweb

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/registry"
	"fangkong/internal/web"
)

// householdsView is the household list's data.
type householdsView struct {
	Rows   []registry.Household
	Paging web.Paging
	Q      url.Values
}

// householdView is the household page's data.
type householdView struct {
	H       registry.Household
	Members []registry.PersonRow
	Path    []web.Crumb
	Grid    string // the grid's name
}

// householdFilter reads the household list's filter from the query.
func householdFilter(q url.Values) registry.HouseholdFilter {
	grid, _ := strconv.ParseInt(q.Get("grid"), 10, 64)
	return registry.HouseholdFilter{Unit: q.Get("unit"), GridID: grid, Q: strings.TrimSpace(q.Get("q"))}
}

func (h *Handler) householdList(w http.ResponseWriter, r *http.Request) error {
	unitErr, err := h.srv.ListUnit(r)
	if err != nil {
		return err
	}
	page := web.PageOf(r)
	q := r.URL.Query()
	f := householdFilter(q)
	f.Limit, f.Offset = web.PageSize+1, (page-1)*web.PageSize
	rows, err := h.registry.Households(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	pg := web.PagingFor(r, page, len(rows))
	if len(rows) > web.PageSize {
		rows = rows[:web.PageSize]
	}
	return h.pages.RenderList(w, r, unitErr, "households", "户", householdsView{Rows: rows, Paging: pg, Q: q})
}

func (h *Handler) apiHouseholds(w http.ResponseWriter, r *http.Request) error {
	if err := h.srv.UnitQuery(r); err != nil {
		return err
	}
	q := r.URL.Query()
	f := householdFilter(q)
	f.Limit, f.Offset = web.ListParams(q)
	rows, err := h.registry.Households(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	out := householdsJSON{Households: make([]householdJSON, 0, len(rows)), Limit: f.Limit, Offset: f.Offset}
	for _, hh := range rows {
		j := householdOut(hh)
		j.CadreTel = personal.MaskPhone(j.CadreTel) // a list masks every phone; the household's own page shows it
		out.Households = append(out.Households, j)
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// household reads the household {id} and its members.
func (h *Handler) household(r *http.Request) (registry.Household, []registry.PersonRow, error) {
	id, err := web.PathID(r)
	if err != nil {
		return registry.Household{}, nil, err
	}
	scope := web.User(r).Scope()
	hh, err := h.registry.ViewHousehold(r.Context(), web.Actor(r), scope, id)
	if err != nil {
		return hh, nil, err
	}
	members, err := h.registry.Members(r.Context(), scope, id)
	return hh, members, err
}

func (h *Handler) householdPage(w http.ResponseWriter, r *http.Request) error {
	hh, members, err := h.household(r)
	if err != nil {
		return err
	}
	v := householdView{H: hh, Members: members}
	if c, err := h.srv.Crumbs(r, hh.UnitCode); err == nil {
		v.Path = c
	}
	if hh.GridID != 0 {
		if grids, err := h.units.Grids(r.Context(), web.User(r).Scope(), jurisdiction.VillageOf(hh.UnitCode)); err == nil {
			for _, g := range grids {
				if g.ID == hh.GridID {
					v.Grid = g.Name
				}
			}
		}
	}
	return h.pages.Render(w, r, http.StatusOK, "household", "户 "+hh.No, v)
}

func (h *Handler) apiHousehold(w http.ResponseWriter, r *http.Request) error {
	hh, members, err := h.household(r)
	if err != nil {
		return err
	}
	hh.Members = len(members)
	out := householdDetailJSON{Household: householdOut(hh), Members: make([]personJSON, 0, len(members))}
	for _, m := range members {
		out.Members = append(out.Members, personRowOut(m))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}
