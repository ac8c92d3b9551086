package demo_test

import (
	"context"
	"testing"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/demo"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/policy"
)

// TestDemoMeasures: the demo county has people under measures of several
// kinds, with checks, tests and some open alerts.
func TestDemoMeasures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		units := jurisdiction.NewStore(d, time.Now)
		if _, err := demo.Load(ctx, d, units, auth.NewService(d, units, time.Now), demo.Options{People: 30000}); err != nil {
			t.Fatal(err)
		}
		svc := measure.NewService(d, policy.NewStore(d, time.Now), measure.NoRoundResults, time.Now)
		ov, err := svc.Overview(ctx, jurisdiction.Grant(demo.CountyCode), demo.CountyCode, "")
		if err != nil {
			t.Fatal(err)
		}
		if ov.Total.Active < 150 || ov.Total.ByType[policy.Central] == 0 || ov.Total.ByType[policy.HomeQuarantine] == 0 || ov.Total.OpenAlerts == 0 {
			t.Errorf("demo measures %+v", ov.Total)
		}
		var checks int
		d.R().QueryRow("SELECT COUNT(*) FROM measure_checks").Scan(&checks)
		if checks < 500 {
			t.Errorf("%d demo checks", checks)
		}
	})
}
