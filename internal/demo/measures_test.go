package demo_test

import (
	"context"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/demo"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/notify"
	"fangkong/internal/policy"
)

// checkMeasures: the demo county has people under measures of several
// kinds, with checks, tests and some open alerts.
func checkMeasures(t *testing.T, d *db.DB) {
	ctx := context.Background()
	svc := measure.NewService(d, policy.NewStore(d, time.Now), measure.NoRoundResults, notify.Discard, time.Now)
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
}
