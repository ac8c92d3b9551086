package siteweb

import (
	"errors"
	"fmt"
	"net/http"

	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/site"
	"fangkong/internal/summary"
	"fangkong/internal/web"
)

// siteIn is the site form, or the JSON of its API twin.
type siteIn struct {
	UnitCode       string `json:"unit_code"`
	Name           string `json:"name"`
	Address        string `json:"address"`
	ContactName    string `json:"contact_name"`
	ContactPhone   string `json:"contact_phone"`
	Status         string `json:"status"`
	StaffTestEvery int    `json:"staff_test_every"`
	Version        int64  `json:"version"`
}

func (in siteIn) site(id int64) site.Site {
	return site.Site{ID: id, UnitCode: in.UnitCode, Name: in.Name, Address: in.Address, ContactName: in.ContactName,
		ContactPhone: in.ContactPhone, Status: in.Status, StaffTestEvery: in.StaffTestEvery, Version: in.Version}
}

// saveSite creates a site (id 0) or updates the one in the path; it also
// returns what was sent, to show the form again.
func (h *Handler) saveSite(r *http.Request, id int64) (site.Site, site.Site, error) {
	var in siteIn
	if err := web.Bind(r, &in); err != nil {
		return site.Site{}, in.site(id), err
	}
	if id == 0 {
		x, err := h.sites.CreateSite(r.Context(), web.Actor(r), web.User(r).Scope(), in.site(0))
		return x, in.site(id), err
	}
	x, err := h.sites.UpdateSite(r.Context(), web.Actor(r), web.User(r).Scope(), in.site(id))
	return x, in.site(id), err
}

func (h *Handler) siteOf(r *http.Request) (site.Site, error) {
	id, err := web.PathID(r)
	if err != nil {
		return site.Site{}, err
	}
	return h.sites.Site(r.Context(), web.User(r).Scope(), id)
}

type listView struct {
	Sites []site.Site
	Total site.Occupancy
	// Day and Todo are the day's work at the sites in the user's scope
	// (今日待办); none when the list is narrowed to a unit.
	Day  string
	Todo []summary.Figure
}

// todo is the day's work at the sites of the user's whole scope, for the
// list not narrowed to a unit (?unit=): its figures count that scope.
func (h *Handler) todo(r *http.Request) (string, []summary.Figure, error) {
	if r.URL.Query().Get("unit") != "" {
		return "", nil, nil
	}
	return h.sites.Today(r.Context(), web.User(r).Scope())
}

func (h *Handler) siteList(w http.ResponseWriter, r *http.Request) error {
	unitErr, err := h.srv.ListUnit(r)
	if err != nil {
		return err
	}
	list, err := h.sites.Sites(r.Context(), web.User(r).Scope(), r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	var total site.Occupancy
	for _, x := range list {
		total.Add(x.Occupancy)
	}
	day, todo, err := h.todo(r)
	if err != nil {
		return err
	}
	return h.pages.RenderList(w, r, unitErr, "site_list", "集中隔离点", listView{Sites: list, Total: total, Day: day, Todo: todo})
}

type formView struct {
	S        site.Site
	IsNew    bool
	Units    []jurisdiction.Unit
	Statuses []string
}

// formOf is the site form: the units a site may belong to are the
// counties and townships of the user's scope.
func (h *Handler) formOf(r *http.Request, x site.Site, isNew bool) formView {
	ctx, scope := r.Context(), web.User(r).Scope()
	var units []jurisdiction.Unit
	for _, lvl := range []int{jurisdiction.LevelCounty, jurisdiction.LevelTownship} {
		if us, err := h.units.Units(ctx, scope, lvl); err == nil {
			units = append(units, us...)
		}
	}
	return formView{S: x, IsNew: isNew, Units: units, Statuses: site.SiteStatuses}
}

func (h *Handler) siteNew(w http.ResponseWriter, r *http.Request) error {
	x := site.Site{UnitCode: web.User(r).UnitCode, Status: site.SiteActive, StaffTestEvery: 1}
	return h.render(w, r, "site_form", "新增隔离点", h.formOf(r, x, true))
}

func (h *Handler) siteCreate(w http.ResponseWriter, r *http.Request) error {
	x, sent, err := h.saveSite(r, 0)
	if err != nil {
		return h.pages.FormError(w, r, err, "site_form", "新增隔离点", h.formOf(r, sent, true))
	}
	return web.Redirect(w, r, fmt.Sprintf("/sites/%d", x.ID), "隔离点已新增，请添加房间并完成三区两通道检查")
}

func (h *Handler) siteEdit(w http.ResponseWriter, r *http.Request) error {
	x, err := h.siteOf(r)
	if err != nil {
		return err
	}
	return h.render(w, r, "site_form", "修改隔离点", h.formOf(r, x, false))
}

func (h *Handler) siteUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	x, sent, err := h.saveSite(r, id)
	if errors.Is(err, errs.ErrNotFound) {
		return err
	}
	if err != nil {
		return h.pages.FormError(w, r, err, "site_form", "修改隔离点", h.formOf(r, sent, false))
	}
	return web.Redirect(w, r, fmt.Sprintf("/sites/%d", x.ID), "已保存")
}

type detailView struct {
	S      site.Site
	Floors []site.Floor
	Stays  []site.Stay
}

func (h *Handler) sitePage(w http.ResponseWriter, r *http.Request) error {
	x, err := h.siteOf(r)
	if err != nil {
		return err
	}
	ctx, scope := r.Context(), web.User(r).Scope()
	rooms, err := h.sites.Rooms(ctx, scope, x.ID)
	if err != nil {
		return err
	}
	stays, err := h.sites.Stays(ctx, scope, site.StayFilter{SiteID: x.ID, Open: true, Limit: 500})
	if err != nil {
		return err
	}
	return h.render(w, r, "site_detail", x.Name, detailView{S: x, Floors: site.Floors(rooms), Stays: stays})
}

// ---- API ----

type sitesJSON struct {
	Sites []siteJSON `json:"sites"`
	Today *todayJSON `json:"today,omitempty"`
}

// todoJSON is one figure of the day's work, as GET /api/v1/today has it.
type todoJSON struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count int    `json:"count"`
	Link  string `json:"link"`
	Late  bool   `json:"late"`
}

// todayJSON is the day's work at the sites of the user's scope.
type todayJSON struct {
	Day   string     `json:"day"`
	Items []todoJSON `json:"items"`
}

// siteDetailJSON is a site with its rooms.
type siteDetailJSON struct {
	siteJSON
	Rooms []roomJSON `json:"rooms"`
}

func (h *Handler) apiSites(w http.ResponseWriter, r *http.Request) error {
	if err := h.srv.UnitQuery(r); err != nil {
		return err
	}
	list, err := h.sites.Sites(r.Context(), web.User(r).Scope(), r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	out := sitesJSON{Sites: sitesOut(list)}
	day, todo, err := h.todo(r)
	if err != nil {
		return err
	}
	if todo != nil {
		out.Today = &todayJSON{Day: day, Items: make([]todoJSON, 0, len(todo))}
		for _, f := range todo {
			out.Today.Items = append(out.Today.Items, todoJSON{Key: f.Key, Label: f.Label, Count: f.Value, Link: f.Link, Late: f.Late})
		}
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) apiCreateSite(w http.ResponseWriter, r *http.Request) error {
	x, _, err := h.saveSite(r, 0)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, siteOut(x))
}

func (h *Handler) apiSite(w http.ResponseWriter, r *http.Request) error {
	x, err := h.siteOf(r)
	if err != nil {
		return err
	}
	rooms, err := h.sites.Rooms(r.Context(), web.User(r).Scope(), x.ID)
	if err != nil {
		return err
	}
	out := siteDetailJSON{siteJSON: siteOut(x), Rooms: make([]roomJSON, 0, len(rooms))}
	for _, rm := range rooms {
		out.Rooms = append(out.Rooms, roomOut(rm))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) apiUpdateSite(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	x, _, err := h.saveSite(r, id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, siteOut(x))
}
