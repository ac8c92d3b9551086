package registryweb

import (
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/personal"
	"fangkong/internal/registry"
	"fangkong/internal/summary"
	"fangkong/internal/web"
)

// peopleView is the people list's data.
type peopleView struct {
	Rows       []registry.PersonRow
	Paging     web.Paging
	Q          url.Values
	Residences []string
	Groups     []string
	// BreakGlass is the form "跨辖区查看" under an exact ID-number search
	// that found no one, for roles that may read outside the jurisdiction.
	BreakGlass *breakGlassForm
}

// breakGlassForm is the break-the-glass form's data.
type breakGlassForm struct {
	IDNumber, Kind, Reason string
	Kinds                  []string
}

// personView is the person page's data; what cannot be found is left out.
type personView struct {
	P            registry.Person
	LeaveReasons []string
	Today        string
	Household    *registry.Household
	Path         []web.Crumb
	MergedFrom   []registry.PersonRow
	SamplingCode string
	SamplingQR   template.HTML
	// Records are the person's records in every domain: open ones first,
	// then newest first.
	Records []summary.Record
}

func groupOf(name string) registry.SpecialGroup {
	g, _ := registry.ParseGroupNames(name)
	return g
}

// personFilter reads the people list's filter from the query (a page of
// the list; the API sets its own limit and offset).
func personFilter(q url.Values, page int) registry.PersonFilter {
	hh, _ := strconv.ParseInt(q.Get("household"), 10, 64)
	return registry.PersonFilter{Unit: q.Get("unit"), Q: strings.TrimSpace(q.Get("q")), Residence: q.Get("residence"),
		Group: groupOf(q.Get("group")), HouseholdID: hh, Deregistered: q.Get("status") == "left",
		Limit: web.PageSize + 1, Offset: (page - 1) * web.PageSize}
}

func (h *Handler) peopleList(w http.ResponseWriter, r *http.Request) error {
	unitErr, err := h.srv.ListUnit(r)
	if err != nil {
		return err
	}
	page := web.PageOf(r)
	f := personFilter(r.URL.Query(), page)
	rows, err := h.registry.SearchPeople(r.Context(), web.Actor(r), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	pg := web.PagingFor(r, page, len(rows))
	if len(rows) > web.PageSize {
		rows = rows[:web.PageSize]
	}
	v := peopleView{Rows: rows, Paging: pg, Q: r.URL.Query(), Residences: registry.ResidenceStatuses, Groups: groupNameList()}
	if id, err := personal.NormalizeIDNumber(f.Q); err == nil && len(rows) == 0 && web.User(r).Can(auth.CapPeopleBreakGlass) {
		v.BreakGlass = &breakGlassForm{IDNumber: id, Kinds: registry.BreakGlassKinds}
	}
	return h.pages.RenderList(w, r, unitErr, "people", "人员", v)
}

func (h *Handler) apiPeople(w http.ResponseWriter, r *http.Request) error {
	if err := h.srv.UnitQuery(r); err != nil {
		return err
	}
	q := r.URL.Query()
	f := personFilter(q, 1)
	f.Limit, f.Offset = web.ListParams(q)
	rows, err := h.registry.SearchPeople(r.Context(), web.Actor(r), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	out := peopleJSON{People: make([]personJSON, 0, len(rows)), Limit: f.Limit, Offset: f.Offset}
	for _, p := range rows {
		out.People = append(out.People, personRowOut(p))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// viewPerson reads the person {id} in full; the view is audited.
func (h *Handler) viewPerson(r *http.Request) (registry.Person, error) {
	id, err := web.PathID(r)
	if err != nil {
		return registry.Person{}, err
	}
	return h.registry.ViewPerson(r.Context(), web.Actor(r), web.User(r).Scope(), id)
}

func (h *Handler) personPage(w http.ResponseWriter, r *http.Request) error {
	p, err := h.viewPerson(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	scope := web.User(r).Scope()
	v := personView{P: p, LeaveReasons: registry.LeaveReasons, Today: clock.Day(h.srv.Now())}
	if p.HouseholdID != 0 {
		if hh, err := h.registry.Household(ctx, scope, p.HouseholdID); err == nil {
			v.Household = &hh
		}
	}
	if c, err := h.srv.Crumbs(r, p.UnitCode); err == nil {
		v.Path = c
	}
	if from, err := h.registry.MergedFrom(ctx, scope, p.ID); err == nil {
		v.MergedFrom = from
	}
	if p.Active { // 采样码, made on first view
		if code, err := h.codes.PersonCode(ctx, scope, p.ID); err == nil {
			v.SamplingCode, v.SamplingQR = code, web.QRSVG(code, 120)
		}
	}
	for _, src := range h.records {
		recs, err := src.PersonRecords(ctx, p.ID)
		if err != nil {
			return err
		}
		v.Records = append(v.Records, recs...)
	}
	sort.SliceStable(v.Records, func(i, j int) bool {
		a, b := v.Records[i], v.Records[j]
		if a.Open != b.Open {
			return a.Open
		}
		return a.Day > b.Day
	})
	return h.pages.Render(w, r, http.StatusOK, "person", p.Name, v)
}

func (h *Handler) apiPerson(w http.ResponseWriter, r *http.Request) error {
	p, err := h.viewPerson(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, h.personOut(p))
}

// callView is the 拨打 page: the person's and the household's phones as
// tel: links.
type callView struct {
	P         registry.Person
	Household *registry.Household
}

// callPage reveals a person's phone to call them (拨打), from a list where
// it is masked; reading it is a view of the person, in the audit log.
func (h *Handler) callPage(w http.ResponseWriter, r *http.Request) error {
	p, err := h.viewPerson(r)
	if err != nil {
		return err
	}
	v := callView{P: p}
	if p.HouseholdID != 0 {
		if hh, err := h.registry.Household(r.Context(), web.User(r).Scope(), p.HouseholdID); err == nil {
			v.Household = &hh
		}
	}
	return h.pages.Render(w, r, http.StatusOK, "person_call", "拨打 "+p.Name, v)
}
