package samplingweb

import (
	"net/http"

	"fangkong/internal/sampling"
	"fangkong/internal/web"
)

// campaignDetail is a round with its coverage below ?unit= (default the
// caller's part), points, labs and turnaround.
type campaignDetail struct {
	C          sampling.Campaign
	Cov        sampling.Coverage
	Points     []sampling.Point
	Labs       []sampling.Lab
	Turnaround []sampling.Turnaround
}

func (h *Handler) detailOf(r *http.Request) (campaignDetail, error) {
	var d campaignDetail
	var err error
	if d.C, err = h.campaignOf(r); err != nil {
		return d, err
	}
	ctx, scope := r.Context(), web.User(r).Scope()
	if d.Cov, err = h.sampling.Coverage(ctx, scope, d.C.ID, r.URL.Query().Get("unit")); err != nil {
		return d, err
	}
	if d.Points, err = h.sampling.Points(ctx, scope, d.C.ID); err != nil {
		return d, err
	}
	if d.Labs, err = h.sampling.Labs(ctx, scope, d.C.ID); err != nil {
		return d, err
	}
	d.Turnaround, err = h.sampling.Turnarounds(ctx, scope, d.C.ID)
	return d, err
}

// campaignView is the round's page: Parent is the unit above when the
// coverage is of a part of it; Manage whether the user runs the round.
type campaignView struct {
	campaignDetail
	Parent string
	Manage bool
}

func (h *Handler) samplingCampaign(w http.ResponseWriter, r *http.Request) error {
	d, err := h.detailOf(r)
	if err != nil {
		return err
	}
	scope := web.User(r).Scope()
	v := campaignView{campaignDetail: d, Manage: scope.Contains(d.C.UnitCode)}
	if len(d.Cov.Unit.Code) > len(d.C.UnitCode) && d.Cov.Unit.ParentCode != "" && scope.Contains(d.Cov.Unit.ParentCode) {
		v.Parent = d.Cov.Unit.ParentCode
	}
	return h.render(w, r, "sampling_campaign", d.C.Name, v)
}

type campaignDetailJSON struct {
	Campaign   campaignJSON       `json:"campaign"`
	Unit       string             `json:"unit"`
	Coverage   unitCoverageJSON   `json:"coverage"`
	Children   []unitCoverageJSON `json:"children"`
	LastHour   int                `json:"last_hour"`
	PerHour    float64            `json:"per_hour"`
	Projected  int64              `json:"projected_finish"`
	SlowDays   int                `json:"slow_days,omitempty"` // instead of a finish more than 3 days out
	Tubes      int                `json:"tubes"`
	Resulted   int                `json:"tubes_resulted"`
	PosTubes   int                `json:"tubes_positive_or_invalid"`
	Points     []pointJSON        `json:"points"`
	Labs       []labJSON          `json:"labs"`
	Turnaround []turnaroundJSON   `json:"turnaround"`
}

func (h *Handler) apiCampaign(w http.ResponseWriter, r *http.Request) error {
	d, err := h.detailOf(r)
	if err != nil {
		return err
	}
	cov := d.Cov
	out := campaignDetailJSON{Campaign: campaignOut(d.C), Unit: cov.Unit.Code, Coverage: unitCoverageOut(cov.Total),
		Children: make([]unitCoverageJSON, 0, len(cov.Children)), LastHour: cov.LastHour, PerHour: cov.PerHour,
		Projected: cov.Projected, SlowDays: cov.SlowDays, Tubes: cov.Tubes, Resulted: cov.Resulted, PosTubes: cov.PosTubes,
		Points: make([]pointJSON, 0, len(d.Points)), Labs: make([]labJSON, 0, len(d.Labs)),
		Turnaround: make([]turnaroundJSON, 0, len(d.Turnaround))}
	for _, k := range cov.Children {
		out.Children = append(out.Children, unitCoverageOut(k))
	}
	for _, p := range d.Points {
		out.Points = append(out.Points, pointOut(p, false))
	}
	for _, l := range d.Labs {
		out.Labs = append(out.Labs, labOut(l, false))
	}
	for _, t := range d.Turnaround {
		out.Turnaround = append(out.Turnaround, turnaroundJSON{LabID: t.LabID, Lab: t.LabName, KeyGroup: t.Key, Samples: t.Samples,
			AvgHours: t.AvgHours, MaxHours: t.MaxHours, TargetHours: t.TargetHours, Within: t.Within})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}
