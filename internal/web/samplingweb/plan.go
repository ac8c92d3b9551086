package samplingweb

import (
	"net/http"
	"strconv"

	"fangkong/internal/sampling"
	"fangkong/internal/web"
)

// The capacity plan (检测能力测算): how long a round takes with the
// samplers and lab capacity at hand.

type planView struct {
	P                                 sampling.Plan
	Campaign                          int64
	SamplingDays, LabDays, FinishDays string
}

func (h *Handler) samplingPlan(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	campaign, _ := strconv.ParseInt(r.FormValue("campaign"), 10, 64)
	unit, err := h.srv.NamedUnit(r.Context(), u.Scope(), "unit", r.FormValue("unit"))
	if err != nil {
		return err
	}
	in := sampling.PlanInput{UnitCode: unit, Days: web.FormFloat(r, "days"), HoursPerDay: web.FormFloat(r, "hours"),
		Samplers: web.FormInt(r, "samplers"), PerSamplerDay: web.FormInt(r, "per_sampler"), LabPerHour: web.FormInt(r, "lab_per_hour"),
		PoolSize: web.FormInt(r, "pool_size")}
	if in.UnitCode == "" {
		in.UnitCode = u.UnitCode
	}
	if in.Days == 0 {
		in.Days = 2
	}
	p, err := h.sampling.Plan(r.Context(), u.Scope(), campaign, in)
	if err != nil {
		return err
	}
	return h.render(w, r, "sampling_plan", "检测能力测算", planView{P: p, Campaign: campaign,
		SamplingDays: sampling.Days(p.SamplingDays), LabDays: sampling.Days(p.LabDays), FinishDays: sampling.Days(p.FinishDays)})
}
