package registryweb

import (
	"net/http"
	"strings"

	"fangkong/internal/auth"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/summary"
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
	// Cards are the domains' headline figures for the unit (返乡人员,
	// 推送核查, 管控措施, …), those the user may see.
	Cards []summary.Card
}

// home sends a user to their day's work: a village or township cadre to
// 今日待办 (/today), the command centre to its picture (/command), 卡口,
// 哨点, 流调, 核酸, 隔离点 and 督查 to their own work's pages, another
// look-up role to 查找, everyone else to their own unit.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	to := "/units/" + u.UnitCode
	switch {
	case (u.Role == auth.RoleVillage || u.Role == auth.RoleTownship) && u.Can(auth.CapMeasuresWrite):
		to = "/today"
	case u.Role == auth.RoleCommand && u.Can(auth.CapPictureView):
		to = "/command"
	case u.Can(auth.CapSentinelReport):
		to = "/sentinel"
	case u.Can(auth.CapCheckpointLog): // a checkpoint's home is its check log
		to = "/checks"
	case u.Role == auth.RoleTracing: // the cases and contacts to trace
		to = "/tracing/cases"
	case u.Role == auth.RoleSampling: // the testing rounds and their points
		to = "/sampling"
	case u.Role == auth.RoleSite: // the quarantine sites and their stays
		to = "/sites"
	case u.Role == auth.RoleInspector: // inspections and their findings
		to = "/inspections"
	case !u.Can(auth.CapPeopleRead) && u.Can(auth.CapPeopleLookup):
		to = "/lookup"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// unitPage is the drill-down: a unit, its children with live counts, and,
// for a village, its groups, grids and responsible people.
func (h *Handler) unitPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.User(r)
	scope := u.Scope()
	unit, err := h.units.Get(ctx, scope, r.PathValue("code"))
	if err != nil {
		return err
	}
	// The domains' cards are read while the registry counts its people.
	type cardsResult struct {
		cards []summary.Card
		err   error
	}
	cardsDone := make(chan cardsResult, 1)
	go func() {
		c, err := h.srv.Cards(r, h.summaries, unit.Code)
		cardsDone <- cardsResult{c, err}
	}()
	v := unitView{Unit: unit, Residences: registry.ResidenceStatuses, Duties: jurisdiction.Duties,
		IsVillage: unit.Level == jurisdiction.LevelVillage, ResidentUnit: unit.Level >= jurisdiction.LevelVillage}
	if v.Crumbs, err = h.srv.Crumbs(r, unit.Code); err != nil {
		return err
	}
	children, err := h.units.Children(ctx, scope, unit.Code)
	if err != nil {
		return err
	}
	unitScope, err := scope.Narrow(unit.Code)
	if err != nil {
		return err
	}
	counts, summary, err := h.registry.StatsBy(ctx, unitScope, childDigits(children))
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
	v.Groups = groupNameList()
	if v.IsVillage {
		if v.Grids, err = h.units.Grids(ctx, scope, unit.Code); err != nil {
			return err
		}
	}
	if v.Responsibles, err = h.units.Responsibles(ctx, scope, unit.Code); err != nil {
		return err
	}
	cr := <-cardsDone
	if cr.err != nil {
		return cr.err
	}
	v.Cards = cr.cards
	return h.pages.Render(w, r, http.StatusOK, "unit", unit.Name, v)
}

// childDigits is the length of the children's codes, which StatsBy cuts
// the counters to (0 without children: every code as it is).
func childDigits(children []jurisdiction.Unit) int {
	if len(children) == 0 {
		return 0
	}
	return len(children[0].Code)
}

// groupNameList names the special groups (特殊群体), for the filters.
func groupNameList() []string {
	var groups []string
	for _, sg := range registry.SpecialGroups {
		groups = append(groups, sg.Name)
	}
	return groups
}

func (h *Handler) addGroupPage(w http.ResponseWriter, r *http.Request) error {
	g, err := h.addGroup(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/units/"+r.PathValue("code"), "已新增"+g.Kind+"："+g.Name)
}

func (h *Handler) addGridPage(w http.ResponseWriter, r *http.Request) error {
	g, err := h.addGrid(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/units/"+r.PathValue("code"), "已新增网格："+g.Name)
}

func (h *Handler) addResponsiblePage(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.addResponsible(r); err != nil {
		return err
	}
	return web.Redirect(w, r, "/units/"+r.PathValue("code"), "已新增责任人")
}

func (h *Handler) deleteResponsiblePage(w http.ResponseWriter, r *http.Request) error {
	if err := h.deleteResponsible(r); err != nil {
		return err
	}
	back := web.BackTo(r, "/")
	if !strings.HasPrefix(back, "/units/") {
		back = "/"
	}
	return web.Redirect(w, r, back, "已删除责任人")
}
