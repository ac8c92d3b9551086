package lookup_test

import (
	"context"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/lookup"
	"fangkong/internal/registry"
)

// A person of a group (小区/村民小组) is named with the township and
// village above it: the group's name alone (滨河花园, 八组) says nothing to
// the checkpoint officer, and its 15-digit code less.
func TestFindNamesTheUnitPath(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		clock := func() time.Time { return time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC) }
		reg := registry.NewService(d, jurisdiction.NewStore(d, clock), clock)
		all := jurisdiction.System("test")
		p, err := reg.CreatePerson(ctx, audit.Actor{Username: "seed"}, all, registry.Person{Name: "滨河甲", IDNumber: dbtest.ID("61011819800101009"), UnitCode: dbtest.GroupA1})
		if err != nil {
			t.Fatal(err)
		}
		s := lookup.NewService(d, codes{}, map[string][]lookup.Workflow{}, clock)
		who := audit.Actor{UserID: 9, Username: "kakou", Role: "checkpoint", Unit: dbtest.County}
		a, err := s.Find(ctx, who, jurisdiction.Grant(dbtest.County), lookup.Key{IDNumber: p.IDNumber}, false)
		if err != nil {
			t.Fatal(err)
		}
		if a.UnitPath != "甘亭街道 西街社区居委会 滨河花园" || a.UnitName != "滨河花园" {
			t.Errorf("unit path %q, name %q; want 甘亭街道 西街社区居委会 滨河花园", a.UnitPath, a.UnitName)
		}
		if a, err := s.Find(ctx, who, jurisdiction.Grant(dbtest.County), lookup.Key{IDNumber: p.IDNumber}, true); err != nil || a.UnitPath == "" {
			t.Errorf("browse: %q, %v", a.UnitPath, err)
		}
	})
}
