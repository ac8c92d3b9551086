package legacyweb

import (
	"net/http"

	"fangkong/internal/sampling"
	"fangkong/internal/web"
)

type campaignJSON struct {
	ID          int64                 `json:"id"`
	UnitCode    string                `json:"unit_code"`
	UnitName    string                `json:"unit_name"`
	Name        string                `json:"name"`
	Filter      sampling.TargetFilter `json:"filter"`
	StartsOn    string                `json:"starts_on"`
	EndsOn      string                `json:"ends_on"`
	PoolSize    int                   `json:"pool_size"`
	Status      string                `json:"status"`
	TargetCount int                   `json:"target_count"`
	StartedAt   int64                 `json:"started_at,omitempty"`
	ClosedAt    int64                 `json:"closed_at,omitempty"`
}

func campaignOut(c sampling.Campaign) campaignJSON {
	return campaignJSON{ID: c.ID, UnitCode: c.UnitCode, UnitName: c.UnitName, Name: c.Name, Filter: c.Filter, StartsOn: c.StartsOn,
		EndsOn: c.EndsOn, PoolSize: c.PoolSize, Status: c.Status, TargetCount: c.TargetCount, StartedAt: c.StartedAt, ClosedAt: c.ClosedAt}
}

func (s *Handler) apiCampaigns(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Sampling.Campaigns(r.Context(), web.User(r).Scope())
	if err != nil {
		return err
	}
	out := make([]campaignJSON, 0, len(list))
	for _, c := range list {
		out = append(out, campaignOut(c))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"campaigns": out})
}

func (s *Handler) apiCreateCampaign(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		UnitCode string                `json:"unit_code"`
		Name     string                `json:"name"`
		Filter   sampling.TargetFilter `json:"filter"`
		StartsOn string                `json:"starts_on"`
		EndsOn   string                `json:"ends_on"`
		PoolSize int                   `json:"pool_size"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.Sampling.CreateCampaign(r.Context(), web.Actor(r), web.User(r).Scope(), sampling.CampaignInput{UnitCode: in.UnitCode,
		Name: in.Name, Filter: in.Filter, StartsOn: in.StartsOn, EndsOn: in.EndsOn, PoolSize: in.PoolSize})
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, campaignOut(c))
}

type unitCoverageJSON struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Target   int    `json:"target"`
	Tested   int    `json:"tested"`
	Untested int    `json:"untested"`
	Sampled  int    `json:"sampled"`
	Retests  int    `json:"retests"`
	Pending  int    `json:"retests_pending"`
	Positive int    `json:"retests_positive"`
}

func unitCoverageOut(u sampling.UnitCoverage) unitCoverageJSON {
	return unitCoverageJSON{Code: u.Code, Name: u.Name, Target: u.Target, Tested: u.Tested, Untested: u.Untested(), Sampled: u.Sampled,
		Retests: u.Retests, Pending: u.Pending, Positive: u.Positive}
}

// apiCampaign returns the campaign with its coverage below ?unit= (default
// the caller's part), points, labs and turnaround.
func (s *Handler) apiCampaign(w http.ResponseWriter, r *http.Request) error {
	c, err := s.campaignOf(r)
	if err != nil {
		return err
	}
	ctx, scope := r.Context(), web.User(r).Scope()
	cov, err := s.Sampling.Coverage(ctx, scope, c.ID, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	points, err := s.Sampling.Points(ctx, scope, c.ID)
	if err != nil {
		return err
	}
	labs, err := s.Sampling.Labs(ctx, scope, c.ID)
	if err != nil {
		return err
	}
	ta, err := s.Sampling.Turnarounds(ctx, scope, c.ID)
	if err != nil {
		return err
	}
	kids := make([]unitCoverageJSON, 0, len(cov.Children))
	for _, k := range cov.Children {
		kids = append(kids, unitCoverageOut(k))
	}
	pts := make([]map[string]any, 0, len(points))
	for _, p := range points {
		pts = append(pts, map[string]any{"id": p.ID, "unit_code": p.UnitCode, "name": p.Name, "address": p.Address, "hours": p.Hours,
			"tables": p.Tables, "teams": p.Teams})
	}
	ls := make([]map[string]any, 0, len(labs))
	for _, l := range labs {
		ls = append(ls, map[string]any{"id": l.ID, "name": l.Name, "capacity_per_hour": l.CapacityPerHour})
	}
	tas := make([]map[string]any, 0, len(ta))
	for _, t := range ta {
		tas = append(tas, map[string]any{"lab_id": t.LabID, "lab": t.LabName, "key_group": t.Key, "samples": t.Samples,
			"avg_hours": t.AvgHours, "max_hours": t.MaxHours, "target_hours": t.TargetHours, "within_target": t.Within})
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"campaign": campaignOut(c), "unit": cov.Unit.Code, "coverage": unitCoverageOut(cov.Total),
		"children": kids, "last_hour": cov.LastHour, "per_hour": cov.PerHour, "projected_finish": cov.Projected,
		"tubes": cov.Tubes, "tubes_resulted": cov.Resulted, "tubes_positive_or_invalid": cov.PosTubes,
		"points": pts, "labs": ls, "turnaround": tas})
}

func (s *Handler) apiStartCampaign(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	c, err := s.Sampling.StartCampaign(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, campaignOut(c))
}

func (s *Handler) apiAddPoint(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		UnitCode string `json:"unit_code"`
		Name     string `json:"name"`
		Address  string `json:"address"`
		Hours    string `json:"hours"`
		Tables   int    `json:"tables"`
		Teams    int    `json:"teams"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.Sampling.AddPoint(r.Context(), web.Actor(r), web.User(r).Scope(), sampling.Point{CampaignID: id, UnitCode: in.UnitCode,
		Name: in.Name, Address: in.Address, Hours: in.Hours, Tables: in.Tables, Teams: in.Teams})
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, map[string]any{"id": p.ID, "campaign_id": p.CampaignID, "unit_code": p.UnitCode, "name": p.Name,
		"address": p.Address, "hours": p.Hours, "tables": p.Tables, "teams": p.Teams})
}

func (s *Handler) apiAddLab(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Name            string `json:"name"`
		CapacityPerHour int    `json:"capacity_per_hour"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	l, err := s.Sampling.AddLab(r.Context(), web.Actor(r), web.User(r).Scope(), sampling.Lab{CampaignID: id, Name: in.Name, CapacityPerHour: in.CapacityPerHour})
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, map[string]any{"id": l.ID, "campaign_id": l.CampaignID, "name": l.Name, "capacity_per_hour": l.CapacityPerHour})
}

func personRowsOut(rows []sampling.PersonRow, retests bool) []map[string]any {
	out := make([]map[string]any, 0, len(rows))
	for _, p := range rows {
		m := map[string]any{"person_id": p.PersonID, "name": p.Name, "id_masked": p.IDMasked, "phone_masked": p.PhoneMasked,
			"unit_code": p.UnitCode, "unit_name": p.UnitName, "address": p.Address, "household_no": p.HouseholdNo}
		if retests {
			m["pool_tube"], m["reason"], m["retest_tube"], m["retest_result"] = p.Tube, p.Reason, p.RetestTube, p.RetestResult
		}
		out = append(out, m)
	}
	return out
}

func (s *Handler) apiPeopleList(w http.ResponseWriter, r *http.Request, retests bool) error {
	c, err := s.campaignOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, offset := web.ListParams(q)
	list := s.Sampling.Untested
	if retests {
		list = s.Sampling.Retests
	}
	rows, total, err := list(r.Context(), web.User(r).Scope(), c.ID, q.Get("unit"), limit, offset)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"total": total, "limit": limit, "offset": offset, "people": personRowsOut(rows, retests)})
}

func (s *Handler) apiUntested(w http.ResponseWriter, r *http.Request) error {
	return s.apiPeopleList(w, r, false)
}
func (s *Handler) apiRetests(w http.ResponseWriter, r *http.Request) error {
	return s.apiPeopleList(w, r, true)
}

func (s *Handler) apiCloseTube(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	res, err := s.Sampling.CloseTube(r.Context(), web.Actor(r), web.User(r).Scope(), id, r.PathValue("tube"))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, res)
}

func boxOut(b sampling.Box) map[string]any {
	return map[string]any{"id": b.ID, "campaign_id": b.CampaignID, "code": b.Code, "point_id": b.PointID, "unit_code": b.UnitCode,
		"lab_id": b.LabID, "lab": b.LabName, "tubes": b.Tubes, "packed_at": b.PackedAt, "handed_at": b.HandedAt, "received_at": b.ReceivedAt}
}

func (s *Handler) apiPackBox(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		PointID int64    `json:"point_id"`
		Code    string   `json:"code"`
		Tubes   []string `json:"tubes"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	b, err := s.Sampling.PackBox(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.PointID, in.Code, in.Tubes)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, boxOut(b))
}

func (s *Handler) apiHandOver(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		LabID int64 `json:"lab_id"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	b, err := s.Sampling.HandOver(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.LabID)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, boxOut(b))
}

func (s *Handler) apiReceive(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	b, err := s.Sampling.Receive(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, boxOut(b))
}

// apiResults records results as JSON: {"lab_id", "mode": "all"|"good",
// "results": [{"tube", "result"}]}. Row errors answer 422 with the report.
func (s *Handler) apiResults(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		LabID   int64                `json:"lab_id"`
		Mode    string               `json:"mode"`
		Results []sampling.ResultRow `json:"results"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	rep, err := s.Sampling.RecordResults(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.LabID, in.Results, in.Mode == "good")
	if err != nil {
		return err
	}
	status := http.StatusOK
	if rep.BadRows > 0 {
		status = http.StatusUnprocessableEntity
	}
	return web.WriteJSON(w, status, rep)
}
