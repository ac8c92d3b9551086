package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

const pageSize = 50

// paging reads ?page= and builds the previous/next query strings.
type paging struct {
	Page       int
	Prev, Next string
}

func pageOf(r *http.Request) int {
	p, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if p < 1 {
		p = 1
	}
	return p
}

func pagingFor(r *http.Request, page, got int) paging {
	pg := paging{Page: page}
	q := r.URL.Query()
	if page > 1 {
		q.Set("page", strconv.Itoa(page-1))
		pg.Prev = q.Encode()
	}
	if got > pageSize {
		q.Set("page", strconv.Itoa(page+1))
		pg.Next = q.Encode()
	}
	return pg
}

func groupOf(name string) registry.SpecialGroup {
	g, _ := registry.ParseGroupNames(name)
	return g
}

func personFilter(q url.Values, page int) registry.PersonFilter {
	hh, _ := strconv.ParseInt(q.Get("household"), 10, 64)
	return registry.PersonFilter{Unit: q.Get("unit"), Q: strings.TrimSpace(q.Get("q")), Residence: q.Get("residence"),
		Group: groupOf(q.Get("group")), HouseholdID: hh, Deregistered: q.Get("status") == "left",
		Limit: pageSize + 1, Offset: (page - 1) * pageSize}
}

func (s *Server) peopleList(w http.ResponseWriter, r *http.Request) error {
	page := pageOf(r)
	f := personFilter(r.URL.Query(), page)
	rows, err := s.Registry.People(r.Context(), currentUser(r).Scope(), f)
	if err != nil {
		return err
	}
	pg := pagingFor(r, page, len(rows))
	if len(rows) > pageSize {
		rows = rows[:pageSize]
	}
	var groups []string
	for _, sg := range registry.SpecialGroups {
		groups = append(groups, sg.Name)
	}
	return s.render(w, r, http.StatusOK, "people", "人员", map[string]any{
		"Rows": rows, "Paging": pg, "Q": r.URL.Query(), "Residences": registry.ResidenceStatuses, "Groups": groups})
}

func (s *Server) personPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	scope := currentUser(r).Scope()
	p, err := s.Registry.ViewPerson(ctx, actor(r), scope, id)
	if err != nil {
		return err
	}
	d := map[string]any{"P": p, "LeaveReasons": registry.LeaveReasons, "Today": clock.Day(s.Now())}
	if p.HouseholdID != 0 {
		if h, err := s.Registry.Household(ctx, scope, p.HouseholdID); err == nil {
			d["Household"] = h
		}
	}
	if c, err := s.crumbs(r, p.UnitCode); err == nil {
		d["Path"] = c
	}
	if from, err := s.Registry.MergedFrom(ctx, scope, p.ID); err == nil {
		d["MergedFrom"] = from
	}
	if s.Sampling != nil && p.Active { // 采样码, made on first view
		if code, err := s.Sampling.PersonCode(ctx, scope, p.ID); err == nil {
			d["SamplingCode"], d["SamplingQR"] = code, qrSVG(code, 120)
		}
	}
	return s.render(w, r, http.StatusOK, "person", p.Name, d)
}

// personForm is the data of the add/edit form.
type personForm struct {
	P          registry.Person
	Household  *registry.Household
	Relations  []string
	Residences []string
	Groups     []struct {
		Bit  registry.SpecialGroup
		Name string
	}
	Units []jurisdiction.Unit
	IsNew bool
}

func (s *Server) personFormData(r *http.Request, p registry.Person, isNew bool) (personForm, error) {
	f := personForm{P: p, Relations: registry.Relations, Residences: registry.ResidenceStatuses, Groups: registry.SpecialGroups, IsNew: isNew}
	ctx := r.Context()
	scope := currentUser(r).Scope()
	if p.HouseholdID != 0 {
		h, err := s.Registry.Household(ctx, scope, p.HouseholdID)
		if err != nil {
			return f, err
		}
		f.Household = &h
	}
	units, err := s.residentUnits(r)
	if err != nil {
		return f, err
	}
	f.Units = units
	return f, nil
}

// residentUnits lists the villages and groups a user may register people in
// (capped: a county user types the code instead).
func (s *Server) residentUnits(r *http.Request) ([]jurisdiction.Unit, error) {
	scope := currentUser(r).Scope()
	if jurisdiction.LevelOfCode(scope.Code()) < jurisdiction.LevelTownship {
		return nil, nil
	}
	villages, err := s.Units.Units(r.Context(), scope, jurisdiction.LevelVillage)
	if err != nil {
		return nil, err
	}
	groups, err := s.Units.Units(r.Context(), scope, jurisdiction.LevelGroup)
	if err != nil {
		return nil, err
	}
	return append(villages, groups...), nil
}

func (s *Server) personNew(w http.ResponseWriter, r *http.Request) error {
	hh, _ := strconv.ParseInt(r.URL.Query().Get("household"), 10, 64)
	p := registry.Person{HouseholdID: hh, UnitCode: r.URL.Query().Get("unit"), Residence: registry.ResidentLocal}
	f, err := s.personFormData(r, p, true)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "person_form", "登记人员", f)
}

// personFromForm reads the person form; a 户编号 typed in moves the person
// into that household (it must lie in the user's scope).
func (s *Server) personFromForm(r *http.Request) (registry.Person, error) {
	hh, _ := strconv.ParseInt(r.FormValue("household_id"), 10, 64)
	ver, _ := strconv.ParseInt(r.FormValue("version"), 10, 64)
	var groups registry.SpecialGroup
	for _, g := range r.Form["groups"] {
		n, _ := strconv.ParseInt(g, 10, 64)
		groups |= registry.SpecialGroup(n)
	}
	p := registry.Person{Name: r.FormValue("name"), IDNumber: r.FormValue("id_number"), Sex: r.FormValue("sex"),
		BirthDate: r.FormValue("birth_date"), Phone: r.FormValue("phone"), HouseholdID: hh, Relation: r.FormValue("relation"),
		UnitCode: r.FormValue("unit_code"), Residence: r.FormValue("residence"), Groups: groups, Note: r.FormValue("note"), Version: ver}
	if _, sent := r.Form["household_no"]; sent {
		p.HouseholdID = 0
		if no := strings.TrimSpace(r.FormValue("household_no")); no != "" {
			h, err := s.Registry.HouseholdByNo(r.Context(), currentUser(r).Scope(), no)
			if err != nil {
				return p, errs.Invalidf("户编号", "户编号 %s 不存在或不在您的辖区内", no)
			}
			p.HouseholdID = h.ID
		}
	}
	return p, nil
}

// formError re-renders a form with the validation message, or passes
// other errors on.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, err error, tmpl, title string, d any) error {
	status, msg, field := statusOf(err)
	if status != http.StatusBadRequest && status != http.StatusConflict {
		return err
	}
	return s.renderView(w, r, status, tmpl, view{Title: title, Error: msg, Field: field, D: d})
}

func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) error {
	r.ParseForm()
	p, err := s.personFromForm(r)
	created := p
	if err == nil {
		created, err = s.Registry.CreatePerson(r.Context(), actor(r), currentUser(r).Scope(), p)
	}
	if err != nil {
		f, ferr := s.personFormData(r, p, true)
		if ferr != nil {
			return err
		}
		return s.formError(w, r, err, "person_form", "登记人员", f)
	}
	if created.HouseholdID != 0 {
		return redirect(w, r, "/households/"+strconv.FormatInt(created.HouseholdID, 10), "已登记："+created.Name)
	}
	return redirect(w, r, "/people/"+strconv.FormatInt(created.ID, 10), "已登记")
}

func (s *Server) personEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.Registry.ViewPerson(r.Context(), actor(r), currentUser(r).Scope(), id)
	if err != nil {
		return err
	}
	f, err := s.personFormData(r, p, false)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "person_form", "修改人员信息", f)
}

func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.ParseForm()
	p, err := s.personFromForm(r)
	p.ID = id
	if err == nil {
		_, err = s.Registry.UpdatePerson(r.Context(), actor(r), currentUser(r).Scope(), p)
	}
	if err != nil {
		f, ferr := s.personFormData(r, p, false)
		if ferr != nil {
			return err
		}
		return s.formError(w, r, err, "person_form", "修改人员信息", f)
	}
	return redirect(w, r, "/people/"+strconv.FormatInt(id, 10), "已保存")
}

func (s *Server) personMerge(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	other, err := strconv.ParseInt(strings.TrimSpace(r.FormValue("other")), 10, 64)
	if err != nil {
		return errs.Invalidf("人员编号", "请填写要并入本记录的人员编号（数字）")
	}
	if _, err := s.Registry.Merge(r.Context(), actor(r), currentUser(r).Scope(), id, other); err != nil {
		return err
	}
	return redirect(w, r, "/people/"+strconv.FormatInt(id, 10), "已合并")
}

func (s *Server) personDeregister(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.Registry.Deregister(r.Context(), actor(r), currentUser(r).Scope(), id, r.FormValue("reason"), r.FormValue("date"))
	if err != nil {
		return err
	}
	return redirect(w, r, "/people/"+strconv.FormatInt(id, 10), "已注销："+p.LeftReason)
}

func (s *Server) personReinstate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := s.Registry.Reinstate(r.Context(), actor(r), currentUser(r).Scope(), id); err != nil {
		return err
	}
	return redirect(w, r, "/people/"+strconv.FormatInt(id, 10), "已撤销注销，恢复在册")
}
