package demo_test

import (
	"context"
	"testing"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/demo"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/registry"
	"fangkong/internal/sentinel"
)

// checkSentinels: the demo's sentinels report today with two village
// clinics missing, three fever reports of which two await the township,
// and three buyers to verify.
func checkSentinels(t *testing.T, d *db.DB) {
	ctx := context.Background()
	units := jurisdiction.NewStore(d, time.Now)
	svc := sentinel.NewService(d, units, registry.NewService(d, units, time.Now), sentinel.NoIntake, notify.Discard, time.Now)
	county := jurisdiction.Grant(demo.CountyCode)
	day, err := svc.Returns(ctx, county, "", clock.Day(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if day.Total.Expected != 15 || day.Total.Missing != 2 || len(day.Missing) != 2 {
		t.Errorf("returns: %+v", day.Total)
	}
	if n, _ := svc.CountReports(ctx, county, sentinel.ReportFilter{Status: sentinel.StatusReported}); n != 2 {
		t.Errorf("awaiting the township: %d", n)
	}
	if n, _ := svc.CountBuyers(ctx, county, sentinel.BuyerFilter{Status: sentinel.BuyerOpen}); n != 3 {
		t.Errorf("buyers to verify: %d", n)
	}
	var bound int
	if err := d.R().QueryRowContext(ctx, "SELECT COUNT(*) FROM sentinel_users").Scan(&bound); err != nil || bound != 1 {
		t.Errorf("the demo sentinel login is bound %d times (%v)", bound, err)
	}
}
