package legacyweb

import (
	"net/http"
	"strconv"
	"strings"

	"fangkong/internal/auth"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/web"
)

type childRow struct {
	Unit jurisdiction.Unit
	registry.Counts
}

type unitView struct {
	Unit         jurisdiction.Unit
	Crumbs       []web.Crumb
	Total        registry.Counts
	Children     []childRow
	Direct       registry.Counts // registered at this unit itself, not in a child
	Summary      registry.Summary
	Residences   []string
	Groups       []string
	Grids        []jurisdiction.Grid
	Responsibles []jurisdiction.Responsible
	Duties       []string
	IsVillage    bool
	ResidentUnit bool
	// Returnees counts the returnees under the unit (nil without people.read).
	Returnees *returnee.Tally
	// PendingReports counts self-reports (自主报备) waiting to be confirmed.
	PendingReports int
}

// unitPage is the drill-down: a unit, its children with live counts, and,
// for a village, its groups, grids and responsible people.
func (s *Handler) unitPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.User(r)
	scope := u.Scope()
	unit, err := s.Units.Get(ctx, scope, r.PathValue("code"))
	if err != nil {
		return err
	}
	v := unitView{Unit: unit, Residences: registry.ResidenceStatuses, Duties: jurisdiction.Duties,
		IsVillage: unit.Level == jurisdiction.LevelVillage, ResidentUnit: unit.Level >= jurisdiction.LevelVillage}
	if v.Crumbs, err = s.Crumbs(r, unit.Code); err != nil {
		return err
	}
	children, err := s.Units.Children(ctx, scope, unit.Code)
	if err != nil {
		return err
	}
	unitScope := jurisdiction.ScopeOf(unit.Code)
	counts, summary, err := s.Registry.Stats(ctx, unitScope)
	if err != nil {
		return err
	}
	v.Summary = summary
	rolled := registry.RollUp(children, counts)
	for _, c := range children {
		v.Children = append(v.Children, childRow{Unit: c, Counts: rolled[c.Code]})
	}
	for _, c := range counts {
		v.Total.People += c.People
		v.Total.Households += c.Households
	}
	v.Direct = counts[unit.Code]
	for _, sg := range registry.SpecialGroups {
		v.Groups = append(v.Groups, sg.Name)
	}
	if v.IsVillage {
		if v.Grids, err = s.Units.Grids(ctx, scope, unit.Code); err != nil {
			return err
		}
	}
	if v.Responsibles, err = s.Units.Responsibles(ctx, scope, unit.Code); err != nil {
		return err
	}
	if u.Can(auth.CapPeopleRead) && s.Returnees != nil {
		t, err := s.Returnees.Summary(ctx, scope, unit.Code)
		if err != nil {
			return err
		}
		v.Returnees = &t
		if v.PendingReports, err = s.Returnees.PendingSelfReports(ctx, scope, unit.Code); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "unit", unit.Name, v)
}

func (s *Handler) addGroup(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	g, err := s.Units.AddGroup(r.Context(), web.User(r).Scope(), code, r.FormValue("name"))
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/units/"+code, "已新增"+g.Kind+"："+g.Name)
}

func (s *Handler) addGrid(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	g, err := s.Units.AddGrid(r.Context(), web.User(r).Scope(), code, r.FormValue("name"))
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/units/"+code, "已新增网格："+g.Name)
}

func (s *Handler) addResponsible(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	grid, _ := strconv.ParseInt(r.FormValue("grid_id"), 10, 64)
	_, err := s.Units.AddResponsible(r.Context(), web.User(r).Scope(), jurisdiction.Responsible{
		UnitCode: code, GridID: grid, Duty: r.FormValue("duty"), Name: r.FormValue("name"), Phone: r.FormValue("phone")})
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/units/"+code, "已新增责任人")
}

func (s *Handler) deleteResponsible(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := s.Units.DeleteResponsible(r.Context(), web.User(r).Scope(), id); err != nil {
		return err
	}
	back := r.FormValue("back")
	if !strings.HasPrefix(back, "/units/") {
		back = "/"
	}
	return web.Redirect(w, r, back, "已删除责任人")
}

func (s *Handler) home(w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, "/units/"+web.User(r).UnitCode, http.StatusSeeOther)
	return nil
}
