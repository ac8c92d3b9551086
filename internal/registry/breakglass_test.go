package registry_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// A read outside the jurisdiction needs an exact ID number and a reason;
// it is granted once, for ten minutes, to the one who asked, and both the
// request and the read are in the audit log of the person's jurisdiction.
func TestBreakGlass(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		clock := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
		now := func() time.Time { return clock }
		s := registry.NewService(d, jurisdiction.NewStore(d, now), now)
		all := jurisdiction.System("test")
		idB := dbtest.ID("61011819800101077")
		pb, err := s.CreatePerson(ctx, who, all, registry.Person{Name: "余下丙", IDNumber: idB, Phone: "13800007777", UnitCode: dbtest.VillageB})
		if err != nil {
			t.Fatal(err)
		}
		pa, err := s.CreatePerson(ctx, who, all, registry.Person{Name: "西街甲", IDNumber: dbtest.ID("61011819800101078"), UnitCode: dbtest.VillageA})
		if err != nil {
			t.Fatal(err)
		}
		tracer := audit.Actor{UserID: 7, Username: "liudiao", Role: "tracing", Unit: dbtest.TownshipA}
		other := audit.Actor{UserID: 8, Username: "other", Role: "tracing", Unit: dbtest.TownshipA}
		scope := jurisdiction.Grant(dbtest.TownshipA)
		const why = "西安市雁塔区协查函2026-118号，密接排查"

		for what, args := range map[string][3]string{
			"no reason":     {idB, "协查", ""},
			"short reason":  {idB, "协查", "查一下"},
			"unknown kind":  {idB, "好奇", why},
			"RLO in reason": {idB, "协查", why + "\u202e"},
			"bad ID number": {"610118198001010770", "协查", why},
		} {
			if _, _, err := s.RequestBreakGlass(ctx, tracer, scope, args[0], args[1], args[2]); !errs.IsInvalid(err) {
				t.Errorf("%s: %v", what, err)
			}
		}
		if _, _, err := s.RequestBreakGlass(ctx, tracer, scope, dbtest.ID("61011819800101079"), "协查", why); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("unknown person: %v", err)
		}
		g, inside, err := s.RequestBreakGlass(ctx, tracer, scope, pa.IDNumber, "协查", why)
		if err != nil || !inside || g.ID != 0 || g.PersonID != pa.ID {
			t.Errorf("person inside the jurisdiction: %+v %v %v", g, inside, err)
		}
		g, inside, err = s.RequestBreakGlass(ctx, tracer, scope, idB, "协查", why)
		if err != nil || inside || g.ID == 0 || g.PersonID != pb.ID {
			t.Fatalf("grant: %+v %v %v", g, inside, err)
		}
		if _, err := s.UseBreakGlass(ctx, other, g.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("someone else's grant: %v", err)
		}
		read, err := s.UseBreakGlass(ctx, tracer, g.ID)
		if err != nil || read.Person.ID != pb.ID || read.Person.IDNumber != idB || read.Person.Phone != "13800007777" || read.Grant.Reason != why {
			t.Fatalf("read: %+v %v", read, err)
		}
		if _, err := s.UseBreakGlass(ctx, tracer, g.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("second read of one grant: %v", err)
		}
		g2, _, err := s.RequestBreakGlass(ctx, tracer, scope, idB, "紧急救治", "县医院急诊来电，患者昏迷需核实身份")
		if err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(registry.BreakGlassTTL + time.Second)
		if _, err := s.UseBreakGlass(ctx, tracer, g2.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("expired grant: %v", err)
		}
		// The person's jurisdiction sees the requests and the read; the
		// reader's own township does not (the person is not theirs).
		log := audit.NewLog(d, now)
		seen, err := log.List(ctx, jurisdiction.Grant(dbtest.TownshipB), audit.Filter{Action: audit.ActionBreakGlass})
		if err != nil || len(seen) != 2 || !strings.Contains(seen[1].Summary, why) || seen[1].Username != "liudiao" {
			t.Errorf("township B's break-glass entries: %+v %v", seen, err)
		}
		views, _ := log.List(ctx, jurisdiction.Grant(dbtest.VillageB), audit.Filter{Action: audit.ActionView, EntityID: fmt.Sprint(pb.ID)})
		if len(views) != 1 || !strings.Contains(views[0].Summary, why) {
			t.Errorf("the read in village B's log: %+v", views)
		}
		if mine, _ := log.List(ctx, jurisdiction.Grant(dbtest.VillageA), audit.Filter{Action: audit.ActionBreakGlass}); len(mine) != 0 {
			t.Errorf("village A sees %d break-glass entries about village B", len(mine))
		}
	})
}
