package site_test

import (
	"context"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/site"
)

// Site and staff names refuse control characters and direction overrides;
// a staff member's ID number born after today is refused.
func TestJunkSiteInputRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		town := jurisdiction.Grant(dbtest.TownshipA)
		for _, name := range []string{"隔离\x00点", "\u202e点离隔", "\u200b\u200b"} {
			if _, err := e.s.CreateSite(ctx, who, town, site.Site{UnitCode: dbtest.TownshipA, Name: name}); !errs.IsInvalid(err) {
				t.Errorf("site named %q: %v", name, err)
			}
		}
		x, err := e.s.CreateSite(ctx, who, town, site.Site{UnitCode: dbtest.TownshipA, Name: "一号\u200b隔离点"})
		if err != nil || x.Name != "一号隔离点" {
			t.Fatalf("site %q: %v", x.Name, err)
		}
		for what, st := range map[string]site.Staff{
			"NUL in the name":         {Name: "医\x00生", Post: "医生"},
			"LRO in the post":         {Name: "张医生", Post: "\u202d医生"},
			"ID with a birth in 2999": {Name: "张医生", Post: "医生", IDNumber: dbtest.ID("61011829990101007")},
		} {
			if _, err := e.s.AddStaff(ctx, who, town, x.ID, st); !errs.IsInvalid(err) {
				t.Errorf("staff, %s: %v", what, err)
			}
		}
	})
}
