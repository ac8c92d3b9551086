package legacyweb

import (
	"net/http"
	"strings"

	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
	"fangkong/internal/web"
)

func (s *Handler) apiRiskAreas(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, offset := web.ListParams(q)
	list, err := s.RiskAreas.List(r.Context(), riskarea.Filter{On: q.Get("on"), Code: q.Get("code"), Active: q.Get("active") == "1",
		Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	out := make([]riskAreaJSON, 0, len(list))
	for _, e := range list {
		out = append(out, riskAreaOut(e))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"risk_areas": out})
}

func (s *Handler) apiRiskLevel(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	day := strings.TrimSpace(q.Get("date"))
	if !web.ValidDate(day) {
		return errInvalidDate
	}
	m, err := s.RiskAreas.LevelOn(r.Context(), q.Get("code"), q.Get("detail"), day)
	if err != nil {
		return err
	}
	out := map[string]any{"code": q.Get("code"), "detail": q.Get("detail"), "date": day, "level": m.Level, "rank": m.Rank()}
	if m.Level != "" {
		out["entry"] = riskAreaOut(m.Entry)
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (s *Handler) apiRiskAreaAdd(w http.ResponseWriter, r *http.Request) error {
	var in riskAreaIn
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	e, err := s.RiskAreas.Add(r.Context(), web.Actor(r), in.entry())
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, riskAreaOut(e))
}

func (s *Handler) apiRiskAreaClose(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		EffectiveTo string `json:"effective_to"`
	}
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	e, err := s.RiskAreas.Close(r.Context(), web.Actor(r), id, strings.TrimSpace(in.EffectiveTo))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, riskAreaOut(e))
}

func (s *Handler) apiRiskAreaImport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.importRiskAreas(r)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if rep.BadRows > 0 {
		status = http.StatusUnprocessableEntity
	}
	return web.WriteJSON(w, status, rep)
}

func (s *Handler) apiReturnees(w http.ResponseWriter, r *http.Request) error {
	f := returneeFilter(r.URL.Query(), 1)
	f.Limit, f.Offset = web.ListParams(r.URL.Query())
	rows, err := s.Returnees.List(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	out := make([]arrivalJSON, 0, len(rows))
	for _, x := range rows {
		out = append(out, rowOut(x))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"returnees": out})
}

func (s *Handler) apiReturneeCreate(w http.ResponseWriter, r *http.Request) error {
	var in arrivalIn
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	a, merged, err := s.Returnees.Record(r.Context(), web.Actor(r), web.User(r).Scope(), in.arrival())
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if merged {
		status = http.StatusOK
	}
	return web.WriteJSON(w, status, map[string]any{"returnee": arrivalOut(a, false), "merged": merged})
}

func (s *Handler) apiReturnee(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	a, err := s.Returnees.View(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, arrivalOut(a, true))
}

func (s *Handler) apiReturneeStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in statusIn
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	a, err := s.Returnees.SetStatus(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Status, in.Note, in.Version)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, arrivalOut(a, false))
}

type tallyJSON struct {
	High    int `json:"high"`
	Medium  int `json:"medium"`
	Low     int `json:"low"`
	None    int `json:"none"`
	Total   int `json:"total"`
	Pending int `json:"pending"`
}

func tallyOut(t returnee.Tally) tallyJSON {
	return tallyJSON{High: t.ByRank[3], Medium: t.ByRank[2], Low: t.ByRank[1], None: t.ByRank[0], Total: t.Total, Pending: t.Pending}
}

func (s *Handler) apiReturneeStats(w http.ResponseWriter, r *http.Request) error {
	st, err := s.Returnees.StatsOf(r.Context(), web.User(r).Scope(), r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	weeks := make([]map[string]any, 0, len(st.Weeks))
	for _, wk := range st.Weeks {
		weeks = append(weeks, map[string]any{"week_of": wk.Monday, "counts": tallyOut(wk.Tally)})
	}
	kids := make([]map[string]any, 0, len(st.Children))
	for _, c := range st.Children {
		kids = append(kids, map[string]any{"code": c.Unit.Code, "name": c.Unit.Name, "counts": tallyOut(c.Tally)})
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"unit": map[string]any{"code": st.Unit.Code, "name": st.Unit.Name},
		"counts": tallyOut(st.Tally), "weeks": weeks, "children": kids})
}

func sweepOut(sw returnee.Sweep) map[string]any {
	return map[string]any{"id": sw.ID, "unit_code": sw.UnitCode, "unit_name": sw.UnitName, "name": sw.Name, "starts_on": sw.StartsOn,
		"ends_on": sw.EndsOn, "closed": sw.Closed, "version": sw.Version}
}

func (s *Handler) apiSweeps(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Returnees.Sweeps(r.Context(), web.User(r).Scope())
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(list))
	for _, sw := range list {
		out = append(out, sweepOut(sw))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"sweeps": out})
}

func (s *Handler) apiSweepOpen(w http.ResponseWriter, r *http.Request) error {
	var in sweepIn
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	sw, err := s.Returnees.OpenSweep(r.Context(), web.Actor(r), web.User(r).Scope(), returnee.Sweep{Name: in.Name, UnitCode: in.UnitCode,
		StartsOn: in.StartsOn, EndsOn: in.EndsOn})
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, sweepOut(sw))
}

func coverageOut(c returnee.Coverage) map[string]any {
	return map[string]any{"code": c.Unit.Code, "name": c.Unit.Name, "households": c.Households, "visited": c.Visited,
		"returnees_found": c.Returnees, "percent": c.Percent()}
}

func (s *Handler) apiSweep(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	rep, err := s.Returnees.Report(r.Context(), web.User(r).Scope(), id, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	var towns, villages, pending []map[string]any
	for _, c := range rep.Townships {
		towns = append(towns, coverageOut(c))
	}
	for _, c := range rep.Villages {
		villages = append(villages, coverageOut(c))
	}
	for _, h := range rep.Pending {
		pending = append(pending, map[string]any{"id": h.ID, "no": h.No, "unit_code": h.UnitCode, "address": h.Address})
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"sweep": sweepOut(rep.Sweep), "total": coverageOut(rep.Total),
		"townships": towns, "villages": villages, "not_visited": pending})
}

func (s *Handler) apiSweepVisit(w http.ResponseWriter, r *http.Request) error {
	v, err := s.visit(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"id": v.ID, "sweep_id": v.SweepID, "household_id": v.HouseholdID,
		"household_no": v.HouseholdNo, "visited_on": v.VisitedOn, "visited_by": v.VisitedBy, "present": v.Present,
		"returnees_found": v.Returnees, "note": v.Note})
}

func (s *Handler) apiSelfReports(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, _ := web.ListParams(q)
	list, err := s.Returnees.SelfReports(r.Context(), web.User(r).Scope(), q.Get("unit"), q.Get("status"), limit)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(list))
	for _, x := range list {
		out = append(out, map[string]any{"id": x.ID, "village_code": x.VillageCode, "name": x.Name, "id_masked": x.IDNumber,
			"phone_masked": x.Phone, "address": x.Address, "origin_code": x.OriginCode, "origin_detail": x.OriginDetail,
			"departed_on": x.DepartedOn, "arrived_on": x.ArrivedOn, "transport": x.Transport, "transport_no": x.TransportNo,
			"status": x.Status, "returnee_id": x.ReturneeID})
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"self_reports": out})
}

func (s *Handler) apiSelfReportConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	a, merged, err := s.confirmReport(r, id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"returnee": arrivalOut(a, false), "merged": merged})
}

func (s *Handler) apiReturneeUpdate(w http.ResponseWriter, r *http.Request) error {
	a, err := s.updateArrival(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, arrivalOut(a, false))
}
