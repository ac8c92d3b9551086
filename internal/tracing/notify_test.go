package tracing_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/notify"
	"fangkong/internal/notify/notifytest"
	"fangkong/internal/registry"
	"fangkong/internal/site"
	"fangkong/internal/tracing"
)

// inbox lists a user's tracing messages as "kind unit link".
func inbox(t *testing.T, d *db.DB, user int64) []string {
	return notifytest.Inbox(t, d, user, "tracing.")
}

// A missed case clock is told to the command centre once; contacts handed
// over are told to their village, and a hand-off undone tells nobody.
func TestTracingAlertsAreNotified(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		n := notify.NewService(d, tracing.Events, []notify.Channel{notifytest.SMS{}}, nil, notify.NoRoster, notify.Options{},
			func() time.Time { return fixed })
		e := setupWith(t, d, n)
		cu := notifytest.AddUser(t, d, "xian", "command", dbtest.County, "13800000003")
		vu := notifytest.AddUser(t, d, "cun", "village", dbtest.VillageA, "13800000001")
		hh, err := e.reg.CreateHousehold(ctx, who, e.county, registry.Household{UnitCode: dbtest.VillageA, Address: "西街社区5号"})
		if err != nil {
			t.Fatal(err)
		}
		c := e.person("病例甲", dbtest.VillageA, hh.ID)
		spouse, child := e.person("同户乙", dbtest.VillageA, hh.ID), e.person("同户丙", dbtest.VillageA, hh.ID)
		// Found three hours ago: the 2-hour online report is missed.
		kase, err := e.svc.CreateCase(ctx, who, e.county, tracing.CaseInput{PersonID: c.ID, Classification: "确诊",
			FoundVia: "筛查", FoundAt: at("2026-03-10 06:00"), OnsetDate: "2026-03-09"})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := e.svc.Escalate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		missed := fmt.Sprintf("%s %s /tracing/cases/%d", tracing.EventClockMissed, dbtest.VillageA, kase.ID)
		if got := inbox(t, d, cu); len(got) != 1 || got[0] != missed {
			t.Fatalf("command inbox after the missed clock: %q", got)
		}
		var keys int
		d.R().QueryRow(`SELECT COUNT(*) FROM notify_dedup WHERE dedup_key = $1`,
			fmt.Sprintf("%s|tracing-case:%d:report", tracing.EventClockMissed, kase.ID)).Scan(&keys)
		if keys != 1 {
			t.Errorf("missed clock key: %d", keys)
		}

		if _, err := e.svc.Refresh(ctx, who, e.county, kase.ID); err != nil {
			t.Fatal(err)
		}
		list, err := e.svc.Contacts(ctx, e.county, tracing.ContactFilter{CaseID: kase.ID})
		if err != nil {
			t.Fatal(err)
		}
		byPerson := map[int64]int64{}
		for _, x := range list {
			byPerson[x.PersonID] = x.ID
		}
		ids := []int64{byPerson[spouse.ID], byPerson[child.ID]}
		if ids[0] == 0 || ids[1] == 0 {
			t.Fatalf("household contacts: %+v", list)
		}
		if _, err := e.svc.Judge(ctx, who, e.county, kase.ID, tracing.JudgeInput{ContactIDs: ids, Category: tracing.CatClose}); err != nil {
			t.Fatal(err)
		}
		st, err := e.sites.CreateSite(ctx, who, e.county, site.Site{Name: "甘亭隔离酒店", UnitCode: dbtest.TownshipA})
		if err != nil {
			t.Fatal(err)
		}
		other, err := e.sites.CreateSite(ctx, who, e.county, site.Site{Name: "余下隔离点", UnitCode: dbtest.TownshipB})
		if err != nil {
			t.Fatal(err)
		}
		// The child is at another site already: the hand-off of both fails, nobody is told.
		if _, err := e.sites.Transfer(ctx, who, e.county, other.ID, site.TransferInput{PersonID: child.ID, Reason: "其他"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.HandOff(ctx, who, e.county, kase.ID, tracing.HandOffInput{ContactIDs: ids, SiteID: st.ID}); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("hand-off with a person at a site: %v", err)
		}
		if got := inbox(t, d, vu); len(got) != 0 {
			t.Fatalf("a failed hand-off told the village: %q", got)
		}
		if _, err := e.svc.HandOff(ctx, who, e.county, kase.ID, tracing.HandOffInput{ContactIDs: ids[:1], SiteID: st.ID}); err != nil {
			t.Fatal(err)
		}
		if got := inbox(t, d, vu); len(got) != 1 || got[0] != tracing.EventHandOff+" "+dbtest.VillageA+" /measures/work" {
			t.Fatalf("village inbox after the hand-off: %q", got)
		}
		d.R().QueryRow(`SELECT COUNT(*) FROM notify_dedup WHERE dedup_key = $1`,
			fmt.Sprintf("%s|tracing-handoff:%d", tracing.EventHandOff, ids[0])).Scan(&keys)
		if keys != 1 {
			t.Errorf("hand-off key: %d", keys)
		}
		if got := inbox(t, d, cu); len(got) != 1 {
			t.Errorf("the command centre told of the hand-off: %q", got)
		}
	})
}
