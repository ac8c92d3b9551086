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
	"fangkong/internal/site"
)

// TestDemoSites loads a small demo county and checks its quarantine sites:
// a few hundred rooms, some occupied by demo people, a gap against the
// standard.
func TestDemoSites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		units := jurisdiction.NewStore(d, time.Now)
		if _, err := demo.Load(ctx, d, units, auth.NewService(d, units, time.Now), demo.Options{People: 20000}); err != nil {
			t.Fatal(err)
		}
		dash, err := site.NewService(d, units, site.NoMeasures, time.Now).Occupancy(ctx, jurisdiction.Grant(demo.CountyCode), "")
		if err != nil {
			t.Fatal(err)
		}
		o := dash.Total
		if o.Sites != 5 || o.Rooms < 250 || o.In < 40 || o.Transfer == 0 || o.Dirty == 0 || o.Residents < 19000 {
			t.Errorf("demo occupancy %+v", o)
		}
		if o.Need != (o.Residents*20+9999)/10000 || o.Gap != max(0, o.Need-o.Usable) {
			t.Errorf("standard: %+v", o)
		}
	})
}
