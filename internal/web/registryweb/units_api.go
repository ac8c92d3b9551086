package registryweb

import (
	"net/http"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/web"
)

func (h *Handler) apiUnit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	scope := web.User(r).Scope()
	unit, err := h.units.Get(ctx, scope, r.PathValue("code"))
	if err != nil {
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
	counts, _, err := h.registry.StatsBy(ctx, unitScope, childDigits(children))
	if err != nil {
		return err
	}
	rolled := registry.RollUp(append(children, unit), counts)
	out := unitTreeJSON{Unit: unitOut(unit, rolled[unit.Code]), Children: make([]unitJSON, 0, len(children))}
	for _, c := range children {
		out.Children = append(out.Children, unitOut(c, rolled[c.Code]))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) apiGrids(w http.ResponseWriter, r *http.Request) error {
	grids, err := h.units.Grids(r.Context(), web.User(r).Scope(), r.PathValue("code"))
	if err != nil {
		return err
	}
	out := gridsJSON{Grids: make([]gridJSON, 0, len(grids))}
	for _, g := range grids {
		out.Grids = append(out.Grids, gridOut(g))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) apiResponsibles(w http.ResponseWriter, r *http.Request) error {
	list, err := h.units.Responsibles(r.Context(), web.User(r).Scope(), r.PathValue("code"))
	if err != nil {
		return err
	}
	out := responsiblesJSON{Responsibles: make([]responsibleJSON, 0, len(list))}
	for _, x := range list {
		out.Responsibles = append(out.Responsibles, responsibleOut(x))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// nameIn is the form and the body of a new group or grid.
type nameIn struct {
	Name string `json:"name"`
}

// responsibleIn is the form and the body of a new responsible person.
type responsibleIn struct {
	GridID int64  `json:"grid_id"`
	Duty   string `json:"duty"`
	Name   string `json:"name"`
	Phone  string `json:"phone"`
}

// addGroup adds a villagers' group (村民小组) or a residential compound to
// the village {code}.
func (h *Handler) addGroup(r *http.Request) (jurisdiction.Unit, error) {
	var in nameIn
	if err := web.Bind(r, &in); err != nil {
		return jurisdiction.Unit{}, err
	}
	g, err := h.units.AddGroup(r.Context(), web.User(r).Scope(), r.PathValue("code"), in.Name)
	return g, web.OnInput(r, err, map[string]string{"名称": "name"})
}

func (h *Handler) addGrid(r *http.Request) (jurisdiction.Grid, error) {
	var in nameIn
	if err := web.Bind(r, &in); err != nil {
		return jurisdiction.Grid{}, err
	}
	g, err := h.units.AddGrid(r.Context(), web.User(r).Scope(), r.PathValue("code"), in.Name)
	return g, web.OnInput(r, err, map[string]string{"名称": "name"})
}

func (h *Handler) addResponsible(r *http.Request) (jurisdiction.Responsible, error) {
	var in responsibleIn
	if err := web.Bind(r, &in); err != nil {
		return jurisdiction.Responsible{}, err
	}
	x, err := h.units.AddResponsible(r.Context(), web.User(r).Scope(), jurisdiction.Responsible{UnitCode: r.PathValue("code"),
		GridID: in.GridID, Duty: in.Duty, Name: in.Name, Phone: in.Phone})
	return x, web.OnInput(r, err, map[string]string{"姓名": "name", "手机号": "phone", "职责": "duty", "网格": "grid_id"})
}

func (h *Handler) deleteResponsible(r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	return h.units.DeleteResponsible(r.Context(), web.User(r).Scope(), id)
}

func (h *Handler) apiAddGroup(w http.ResponseWriter, r *http.Request) error {
	g, err := h.addGroup(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, unitOut(g, registry.Counts{}))
}

func (h *Handler) apiAddGrid(w http.ResponseWriter, r *http.Request) error {
	g, err := h.addGrid(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, gridOut(g))
}

func (h *Handler) apiAddResponsible(w http.ResponseWriter, r *http.Request) error {
	x, err := h.addResponsible(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, responsibleOut(x))
}

func (h *Handler) apiDeleteResponsible(w http.ResponseWriter, r *http.Request) error {
	if err := h.deleteResponsible(r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
