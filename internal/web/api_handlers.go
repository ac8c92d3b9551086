package web

import (
	"net/http"
	"strconv"

	"fangkong/internal/auth"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	var caps []auth.Capability
	if ri, ok := u.Role.Info(); ok {
		caps = ri.Caps
	}
	return writeJSON(w, http.StatusOK, map[string]any{"id": u.ID, "username": u.Username, "display_name": u.DisplayName,
		"role": u.Role, "role_name": u.Role.Name(), "unit_code": u.UnitCode, "capabilities": caps})
}

func (s *Server) apiUnit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	scope := currentUser(r).Scope()
	unit, err := s.Units.Get(ctx, scope, r.PathValue("code"))
	if err != nil {
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
	counts, err := s.Registry.CountsByUnit(ctx, unitScope)
	if err != nil {
		return err
	}
	rolled := registry.RollUp(append(children, unit), counts)
	out := unitOut(unit, rolled[unit.Code])
	kids := make([]unitJSON, 0, len(children))
	for _, c := range children {
		kids = append(kids, unitOut(c, rolled[c.Code]))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"unit": out, "children": kids})
}

func (s *Server) apiGrids(w http.ResponseWriter, r *http.Request) error {
	grids, err := s.Units.Grids(r.Context(), currentUser(r).Scope(), r.PathValue("code"))
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(grids))
	for _, g := range grids {
		out = append(out, map[string]any{"id": g.ID, "village_code": g.VillageCode, "name": g.Name})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"grids": out})
}

func responsibleOut(x jurisdiction.Responsible) map[string]any {
	return map[string]any{"id": x.ID, "unit_code": x.UnitCode, "grid_id": x.GridID, "duty": x.Duty, "name": x.Name, "phone": x.Phone}
}

func (s *Server) apiResponsibles(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Units.Responsibles(r.Context(), currentUser(r).Scope(), r.PathValue("code"))
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(list))
	for _, x := range list {
		out = append(out, responsibleOut(x))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"responsibles": out})
}

type nameIn struct {
	Name string `json:"name"`
}

func (s *Server) apiAddGroup(w http.ResponseWriter, r *http.Request) error {
	var in nameIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	g, err := s.Units.AddGroup(r.Context(), currentUser(r).Scope(), r.PathValue("code"), in.Name)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, unitOut(g, registry.Counts{}))
}

func (s *Server) apiAddGrid(w http.ResponseWriter, r *http.Request) error {
	var in nameIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	g, err := s.Units.AddGrid(r.Context(), currentUser(r).Scope(), r.PathValue("code"), in.Name)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"id": g.ID, "village_code": g.VillageCode, "name": g.Name})
}

func (s *Server) apiAddResponsible(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		GridID int64  `json:"grid_id"`
		Duty   string `json:"duty"`
		Name   string `json:"name"`
		Phone  string `json:"phone"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	x, err := s.Units.AddResponsible(r.Context(), currentUser(r).Scope(), jurisdiction.Responsible{UnitCode: r.PathValue("code"),
		GridID: in.GridID, Duty: in.Duty, Name: in.Name, Phone: in.Phone})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, responsibleOut(x))
}

func (s *Server) apiDeleteResponsible(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.Units.DeleteResponsible(r.Context(), currentUser(r).Scope(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiPeople(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := personFilter(q, 1)
	f.Limit, f.Offset = listParams(q)
	rows, err := s.Registry.People(r.Context(), currentUser(r).Scope(), f)
	if err != nil {
		return err
	}
	out := make([]personJSON, 0, len(rows))
	for _, p := range rows {
		out = append(out, personRowOut(p))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"people": out, "limit": f.Limit, "offset": f.Offset})
}

func (s *Server) apiPerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.Registry.ViewPerson(r.Context(), actor(r), currentUser(r).Scope(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.personOut(p))
}

func (s *Server) apiCreatePerson(w http.ResponseWriter, r *http.Request) error {
	var in personIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := in.person()
	if err != nil {
		return err
	}
	created, err := s.Registry.CreatePerson(r.Context(), actor(r), currentUser(r).Scope(), p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, s.personOut(created))
}

func (s *Server) apiUpdatePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in personIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := in.person()
	if err != nil {
		return err
	}
	p.ID = id
	updated, err := s.Registry.UpdatePerson(r.Context(), actor(r), currentUser(r).Scope(), p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.personOut(updated))
}

func (s *Server) apiMerge(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Other int64 `json:"other"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	kept, err := s.Registry.Merge(r.Context(), actor(r), currentUser(r).Scope(), id, in.Other)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.personOut(kept))
}

func (s *Server) apiDeregister(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
		Date   string `json:"date"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.Registry.Deregister(r.Context(), actor(r), currentUser(r).Scope(), id, in.Reason, in.Date)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.personOut(p))
}

func (s *Server) apiReinstate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.Registry.Reinstate(r.Context(), actor(r), currentUser(r).Scope(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.personOut(p))
}

func (s *Server) apiHouseholds(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, offset := listParams(q)
	grid, _ := strconv.ParseInt(q.Get("grid"), 10, 64)
	rows, err := s.Registry.Households(r.Context(), currentUser(r).Scope(), registry.HouseholdFilter{
		Unit: q.Get("unit"), GridID: grid, Q: q.Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	out := make([]householdJSON, 0, len(rows))
	for _, h := range rows {
		out = append(out, householdOut(h))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"households": out, "limit": limit, "offset": offset})
}

func (s *Server) apiHousehold(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	scope := currentUser(r).Scope()
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
	return writeJSON(w, http.StatusOK, map[string]any{"household": householdOut(h), "members": ms})
}

func (s *Server) apiCreateHousehold(w http.ResponseWriter, r *http.Request) error {
	var in householdIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	h, err := s.Registry.CreateHousehold(r.Context(), actor(r), currentUser(r).Scope(), in.household())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, householdOut(h))
}

func (s *Server) apiUpdateHousehold(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in householdIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	h := in.household()
	h.ID = id
	h, err = s.Registry.UpdateHousehold(r.Context(), actor(r), currentUser(r).Scope(), h)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, householdOut(h))
}

func (s *Server) apiImport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.importLedger(r)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if rep.BadRows > 0 {
		status = http.StatusUnprocessableEntity
	}
	return writeJSON(w, status, rep)
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	entries, err := s.Audit.List(r.Context(), currentUser(r).Scope(), auditFilter(r))
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(entries))
	for _, e := range entries {
		out = append(out, map[string]any{"id": e.ID, "at": e.Time(), "username": e.Username, "role": e.Role, "action": e.Action,
			"entity": e.Entity, "entity_id": e.EntityID, "subject_unit": e.SubjectUnit, "summary": e.Summary, "ip": e.IP, "request_id": e.RequestID})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"entries": out})
}

func userOut(u auth.User) map[string]any {
	return map[string]any{"id": u.ID, "username": u.Username, "display_name": u.DisplayName, "role": u.Role,
		"unit_code": u.UnitCode, "must_change": u.MustChange, "disabled": u.Disabled}
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := s.Auth.Users(r.Context(), currentUser(r).Scope())
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(users))
	for _, u := range users {
		out = append(out, userOut(u))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"users": out})
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Username    string `json:"username"`
		DisplayName string `json:"display_name"`
		Role        string `json:"role"`
		UnitCode    string `json:"unit_code"`
		Phone       string `json:"phone"`
		Password    string `json:"password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, err := s.Auth.CreateUser(r.Context(), actor(r), currentUser(r).Scope(), auth.NewUser{Username: in.Username, DisplayName: in.DisplayName,
		Role: auth.Role(in.Role), UnitCode: in.UnitCode, Phone: in.Phone, Password: in.Password, MustChange: true})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, userOut(u))
}
