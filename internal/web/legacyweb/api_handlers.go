package legacyweb

import (
	"net/http"
	"strconv"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/web"
)

func (s *Handler) apiUnit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	scope := web.User(r).Scope()
	unit, err := s.Units.Get(ctx, scope, r.PathValue("code"))
	if err != nil {
		return err
	}
	children, err := s.Units.Children(ctx, scope, unit.Code)
	if err != nil {
		return err
	}
	counts, err := s.Registry.CountsByUnit(ctx, jurisdiction.ScopeOf(unit.Code))
	if err != nil {
		return err
	}
	rolled := registry.RollUp(append(children, unit), counts)
	out := unitOut(unit, rolled[unit.Code])
	kids := make([]unitJSON, 0, len(children))
	for _, c := range children {
		kids = append(kids, unitOut(c, rolled[c.Code]))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"unit": out, "children": kids})
}

func (s *Handler) apiGrids(w http.ResponseWriter, r *http.Request) error {
	grids, err := s.Units.Grids(r.Context(), web.User(r).Scope(), r.PathValue("code"))
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(grids))
	for _, g := range grids {
		out = append(out, map[string]any{"id": g.ID, "village_code": g.VillageCode, "name": g.Name})
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"grids": out})
}

func responsibleOut(x jurisdiction.Responsible) map[string]any {
	return map[string]any{"id": x.ID, "unit_code": x.UnitCode, "grid_id": x.GridID, "duty": x.Duty, "name": x.Name, "phone": x.Phone}
}

func (s *Handler) apiResponsibles(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Units.Responsibles(r.Context(), web.User(r).Scope(), r.PathValue("code"))
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(list))
	for _, x := range list {
		out = append(out, responsibleOut(x))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"responsibles": out})
}

type nameIn struct {
	Name string `json:"name"`
}

func (s *Handler) apiAddGroup(w http.ResponseWriter, r *http.Request) error {
	var in nameIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	g, err := s.Units.AddGroup(r.Context(), web.User(r).Scope(), r.PathValue("code"), in.Name)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, unitOut(g, registry.Counts{}))
}

func (s *Handler) apiAddGrid(w http.ResponseWriter, r *http.Request) error {
	var in nameIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	g, err := s.Units.AddGrid(r.Context(), web.User(r).Scope(), r.PathValue("code"), in.Name)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, map[string]any{"id": g.ID, "village_code": g.VillageCode, "name": g.Name})
}

func (s *Handler) apiAddResponsible(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		GridID int64  `json:"grid_id"`
		Duty   string `json:"duty"`
		Name   string `json:"name"`
		Phone  string `json:"phone"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	x, err := s.Units.AddResponsible(r.Context(), web.User(r).Scope(), jurisdiction.Responsible{UnitCode: r.PathValue("code"),
		GridID: in.GridID, Duty: in.Duty, Name: in.Name, Phone: in.Phone})
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, responsibleOut(x))
}

func (s *Handler) apiDeleteResponsible(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := s.Units.DeleteResponsible(r.Context(), web.User(r).Scope(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Handler) apiPeople(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := personFilter(q, 1)
	f.Limit, f.Offset = web.ListParams(q)
	rows, err := s.Registry.People(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	out := make([]personJSON, 0, len(rows))
	for _, p := range rows {
		out = append(out, personRowOut(p))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"people": out, "limit": f.Limit, "offset": f.Offset})
}

func (s *Handler) apiPerson(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	p, err := s.Registry.ViewPerson(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, s.personOut(p))
}

func (s *Handler) apiCreatePerson(w http.ResponseWriter, r *http.Request) error {
	var in personIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	p, err := in.person()
	if err != nil {
		return err
	}
	created, err := s.Registry.CreatePerson(r.Context(), web.Actor(r), web.User(r).Scope(), p)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, s.personOut(created))
}

func (s *Handler) apiUpdatePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in personIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	p, err := in.person()
	if err != nil {
		return err
	}
	p.ID = id
	updated, err := s.Registry.UpdatePerson(r.Context(), web.Actor(r), web.User(r).Scope(), p)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, s.personOut(updated))
}

func (s *Handler) apiMerge(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Other int64 `json:"other"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	kept, err := s.Registry.Merge(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Other)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, s.personOut(kept))
}

func (s *Handler) apiDeregister(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
		Date   string `json:"date"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.Registry.Deregister(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Reason, in.Date)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, s.personOut(p))
}

func (s *Handler) apiReinstate(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	p, err := s.Registry.Reinstate(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, s.personOut(p))
}

func (s *Handler) apiHouseholds(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, offset := web.ListParams(q)
	grid, _ := strconv.ParseInt(q.Get("grid"), 10, 64)
	rows, err := s.Registry.Households(r.Context(), web.User(r).Scope(), registry.HouseholdFilter{
		Unit: q.Get("unit"), GridID: grid, Q: q.Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	out := make([]householdJSON, 0, len(rows))
	for _, h := range rows {
		out = append(out, householdOut(h))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"households": out, "limit": limit, "offset": offset})
}

func (s *Handler) apiHousehold(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	scope := web.User(r).Scope()
	h, err := s.Registry.Household(r.Context(), scope, id)
	if err != nil {
		return err
	}
	members, err := s.Registry.Members(r.Context(), scope, id)
	if err != nil {
		return err
	}
	h.Members = len(members)
	ms := make([]personJSON, 0, len(members))
	for _, m := range members {
		ms = append(ms, personRowOut(m))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"household": householdOut(h), "members": ms})
}

func (s *Handler) apiCreateHousehold(w http.ResponseWriter, r *http.Request) error {
	var in householdIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	h, err := s.Registry.CreateHousehold(r.Context(), web.Actor(r), web.User(r).Scope(), in.household())
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, householdOut(h))
}

func (s *Handler) apiUpdateHousehold(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in householdIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	h := in.household()
	h.ID = id
	h, err = s.Registry.UpdateHousehold(r.Context(), web.Actor(r), web.User(r).Scope(), h)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, householdOut(h))
}

func (s *Handler) apiImport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.importLedger(r)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if rep.BadRows > 0 {
		status = http.StatusUnprocessableEntity
	}
	return web.WriteJSON(w, status, rep)
}
