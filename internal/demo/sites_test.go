package demo_test

import (
	"context"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/demo"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/site"
)

// checkSites checks the demo county's quarantine sites: a few hundred
// rooms, some occupied by demo people, a gap against the standard.
func checkSites(t *testing.T, d *db.DB, people int) {
	ctx := context.Background()
	units := jurisdiction.NewStore(d, time.Now)
	dash, err := site.NewService(d, units, site.NoMeasures, time.Now).Occupancy(ctx, jurisdiction.Grant(demo.CountyCode), "")
	if err != nil {
		t.Fatal(err)
	}
	o := dash.Total
	if o.Sites != 5 || o.Rooms < 250 || o.In < 40 || o.Transfer == 0 || o.Dirty == 0 || o.Residents < people*95/100 {
		t.Errorf("demo occupancy %+v", o)
	}
	if o.Need != (o.Residents*20+9999)/10000 || o.Gap != max(0, o.Need-o.Usable) {
		t.Errorf("standard: %+v", o)
	}
}
