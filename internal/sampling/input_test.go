package sampling_test

import (
	"context"
	"math"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/sampling"
)

// The planning calculator and the sampling points refuse NaN, infinities
// and negative counts instead of computing with them.
func TestPlanAndPointRefuseBadNumbers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, 1, 5)
		good := sampling.PlanInput{UnitCode: dbtest.County, Days: 1}
		if _, err := f.svc.Plan(ctx, county, 0, good); err != nil {
			t.Fatal(err)
		}
		for name, change := range map[string]func(*sampling.PlanInput){
			"days NaN":          func(p *sampling.PlanInput) { p.Days = math.NaN() },
			"days +Inf":         func(p *sampling.PlanInput) { p.Days = math.Inf(1) },
			"days negative":     func(p *sampling.PlanInput) { p.Days = -2 },
			"hours NaN":         func(p *sampling.PlanInput) { p.HoursPerDay = math.NaN() },
			"hours negative":    func(p *sampling.PlanInput) { p.HoursPerDay = -8 },
			"hours -Inf":        func(p *sampling.PlanInput) { p.HoursPerDay = math.Inf(-1) },
			"per sampler < 0":   func(p *sampling.PlanInput) { p.PerSamplerDay = -360 },
			"samplers < 0":      func(p *sampling.PlanInput) { p.Samplers = -1 },
			"lab < 0":           func(p *sampling.PlanInput) { p.LabPerHour = -1 },
			"pool size < 0":     func(p *sampling.PlanInput) { p.PoolSize = -10 },
			"pool size unknown": func(p *sampling.PlanInput) { p.PoolSize = 7 },
		} {
			in := good
			change(&in)
			if p, err := f.svc.Plan(ctx, county, 0, in); !errs.IsInvalid(err) {
				t.Errorf("%s: %v, %+v", name, err, p)
			}
		}
		for _, bad := range []sampling.Point{{Tables: -1}, {Teams: -3}} {
			bad.CampaignID, bad.UnitCode, bad.Name = f.campaign.ID, dbtest.VillageA, "负数采样点"
			if _, err := f.svc.AddPoint(ctx, manager, county, bad); !errs.IsInvalid(err) {
				t.Errorf("point with %d tables and %d teams: %v", bad.Tables, bad.Teams, err)
			}
		}
	})
}
