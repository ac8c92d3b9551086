package readinessweb

import (
	"net/http"

	"fangkong/internal/web"
)

// The JSON twin of the readiness page: the unit's score, its checks and
// their gaps, the drill-down rows, the tracing team roster and the plans.

type checkJSON struct {
	Key    string `json:"key"`
	Label  string `json:"label"`
	Target int    `json:"target"`
	Actual string `json:"actual"`
	Met    bool   `json:"met"`
	Gap    string `json:"gap,omitempty"`
}

type rowJSON struct {
	UnitCode string   `json:"unit_code"`
	UnitName string   `json:"unit_name"`
	Score    int      `json:"score"`
	Gaps     []string `json:"gaps"`
}

type tracerJSON struct {
	ID       int64  `json:"id"`
	UnitCode string `json:"unit_code"`
	UnitName string `json:"unit_name"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
}

type planJSON struct {
	ID       int64  `json:"id"`
	UnitCode string `json:"unit_code"`
	UnitName string `json:"unit_name"`
	Kind     string `json:"kind"`
	Title    string `json:"title"`
	HeldOn   string `json:"held_on,omitempty"`
	Findings string `json:"findings,omitempty"`
}

type figuresJSON struct {
	Residents  int    `json:"residents"`
	Rooms      int    `json:"rooms"`
	Tracers    int    `json:"tracers"`
	Police     int    `json:"police"`
	Samplers   int    `json:"samplers"`
	Entrances  int    `json:"entrances"`
	Manned     int    `json:"manned"`
	DutyUnits  int    `json:"duty_units"`
	DutyFilled int    `json:"duty_filled"`
	Plans      int    `json:"plans"`
	LastDrill  string `json:"last_drill,omitempty"`
}

type readinessJSON struct {
	UnitCode string       `json:"unit_code"`
	UnitName string       `json:"unit_name"`
	Score    int          `json:"score"`
	Met      int          `json:"met"`
	Figures  figuresJSON  `json:"figures"`
	Checks   []checkJSON  `json:"checks"`
	Children []rowJSON    `json:"children"`
	Tracers  []tracerJSON `json:"tracers"`
	Plans    []planJSON   `json:"plans"`
}

// api is GET /api/v1/readiness?unit=.
func (h *Handler) api(w http.ResponseWriter, r *http.Request) error {
	v, err := h.view(r, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	rep := v.Report
	out := readinessJSON{UnitCode: rep.Unit.Code, UnitName: rep.Unit.Name, Score: rep.Score(), Met: rep.Met, Figures: figuresJSON(rep.Figures),
		Checks: []checkJSON{}, Children: []rowJSON{}, Tracers: []tracerJSON{}, Plans: []planJSON{}}
	for _, c := range rep.Checks {
		out.Checks = append(out.Checks, checkJSON{Key: c.Key, Label: c.Label, Target: c.Target, Actual: c.Actual, Met: c.Met, Gap: c.Gap})
	}
	for _, c := range rep.Children {
		out.Children = append(out.Children, rowJSON{UnitCode: c.Unit.Code, UnitName: c.Unit.Name, Score: c.Score, Gaps: append([]string{}, c.Gaps...)})
	}
	for _, t := range v.Tracers {
		out.Tracers = append(out.Tracers, tracerJSON{ID: t.ID, UnitCode: t.UnitCode, UnitName: t.UnitName, Name: t.Name, Kind: t.Kind})
	}
	for _, p := range v.Plans {
		out.Plans = append(out.Plans, planJSON{ID: p.ID, UnitCode: p.UnitCode, UnitName: p.UnitName, Kind: p.Kind, Title: p.Title,
			HeldOn: p.HeldOn, Findings: p.Findings})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}
