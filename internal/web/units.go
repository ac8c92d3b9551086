package web

import (
	"net/http"
	"strconv"
	"strings"

	"fangkong/internal/auth"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
)

type crumb struct {
	Unit jurisdiction.Unit
	Link bool
}

// crumbs is the breadcrumb trail to a unit; units above the user's own are
// shown without a link (they would be not-found).
func (s *Server) crumbs(r *http.Request, code string) ([]crumb, error) {
	path, err := s.Units.Path(r.Context(), code)
	if err != nil {
		return nil, err
	}
	scope := currentUser(r).Scope()
	out := make([]crumb, 0, len(path))
	for _, p := range path {
		out = append(out, crumb{Unit: p, Link: scope.Contains(p.Code)})
	}
	return out, nil
}

type childRow struct {
	Unit jurisdiction.Unit
	registry.Counts
}

type unitView struct {
	Unit         jurisdiction.Unit
	Crumbs       []crumb
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
func (s *Server) unitPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := currentUser(r)
	scope := u.Scope()
	unit, err := s.Units.Get(ctx, scope, r.PathValue("code"))
	if err != nil {
		return err
	}
	v := unitView{Unit: unit, Residences: registry.ResidenceStatuses, Duties: jurisdiction.Duties,
		IsVillage: unit.Level == jurisdiction.LevelVillage, ResidentUnit: unit.Level >= jurisdiction.LevelVillage}
	if v.Crumbs, err = s.crumbs(r, unit.Code); err != nil {
		return err
	}
	children, err := s.Units.Children(ctx, scope, unit.Code)
	if err != nil {
		return err
	}
	unitScope, err := scope.Narrow(unit.Code)
	if err != nil {
		return err
	}
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

func (s *Server) addGroup(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	g, err := s.Units.AddGroup(r.Context(), currentUser(r).Scope(), code, r.FormValue("name"))
	if err != nil {
		return err
	}
	return redirect(w, r, "/units/"+code, "已新增"+g.Kind+"："+g.Name)
}

func (s *Server) addGrid(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	g, err := s.Units.AddGrid(r.Context(), currentUser(r).Scope(), code, r.FormValue("name"))
	if err != nil {
		return err
	}
	return redirect(w, r, "/units/"+code, "已新增网格："+g.Name)
}

func (s *Server) addResponsible(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	grid, _ := strconv.ParseInt(r.FormValue("grid_id"), 10, 64)
	_, err := s.Units.AddResponsible(r.Context(), currentUser(r).Scope(), jurisdiction.Responsible{
		UnitCode: code, GridID: grid, Duty: r.FormValue("duty"), Name: r.FormValue("name"), Phone: r.FormValue("phone")})
	if err != nil {
		return err
	}
	return redirect(w, r, "/units/"+code, "已新增责任人")
}

func (s *Server) deleteResponsible(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.Units.DeleteResponsible(r.Context(), currentUser(r).Scope(), id); err != nil {
		return err
	}
	back := r.FormValue("back")
	if !strings.HasPrefix(back, "/units/") {
		back = "/"
	}
	return redirect(w, r, back, "已删除责任人")
}
