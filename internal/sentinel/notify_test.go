package sentinel_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/notify/notifytest"
	"fangkong/internal/sentinel"
)

// inbox lists a user's messages as "kind unit link".
func inbox(t *testing.T, d *db.DB, user int64) []string {
	return notifytest.Inbox(t, d, user, "")
}

func keys(t *testing.T, d *db.DB, key string) int {
	t.Helper()
	var n int
	if err := d.R().QueryRow(`SELECT COUNT(*) FROM notify_dedup WHERE dedup_key = $1`, key).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A new fever report tells the township; its escalation the township and
// the county command; a positive result both — each once, in the report's
// transaction (a result undone tells nobody).
func TestSentinelAlertsAreNotified(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		n := notify.NewService(d, sentinel.Events, []notify.Channel{notifytest.SMS{}}, nil, notify.NoRoster, notify.Options{}, e.clk.now)
		s := sentinel.NewService(d, jurisdiction.NewStore(d, e.clk.now), e.reg, e.cases, n, e.clk.now)
		tu := notifytest.AddUser(t, d, "zhen", "township", dbtest.TownshipA, "13800000002")
		cu := notifytest.AddUser(t, d, "xian", "command", dbtest.County, "13800000003")
		vu := notifytest.AddUser(t, d, "cun", "village", dbtest.VillageA, "13800000001")

		r, err := s.ReportFever(ctx, who, e.townA, e.clinic, sentinel.ReportInput{Name: "发热王五", Phone: "13912345670", Temp: "38.5",
			Action: sentinel.ActionSample})
		if err != nil {
			t.Fatal(err)
		}
		link := fmt.Sprintf("/sentinel-reports/%d", r.ID)
		if got := inbox(t, d, tu); len(got) != 1 || got[0] != sentinel.EventReported+" "+dbtest.VillageA+" "+link {
			t.Fatalf("township inbox after the report: %q", got)
		}
		if got := inbox(t, d, cu); len(got) != 0 {
			t.Fatalf("the county told of a new report: %q", got)
		}
		if k := keys(t, d, fmt.Sprintf("%s|sentinel-report:%d", sentinel.EventReported, r.ID)); k != 1 {
			t.Fatalf("report key: %d", k)
		}

		e.clk.add(2*time.Hour + time.Minute)
		for range 2 {
			if _, err := s.Sweep(ctx, e.clk.now()); err != nil {
				t.Fatal(err)
			}
		}
		esc := sentinel.EventEscalated + " " + dbtest.VillageA + " " + link
		if got := inbox(t, d, tu); len(got) != 2 || got[1] != esc {
			t.Fatalf("township inbox after the escalation: %q", got)
		}
		if got := inbox(t, d, cu); len(got) != 1 || got[0] != esc {
			t.Fatalf("county inbox after the escalation: %q", got)
		}

		if _, err := s.Advance(ctx, town, e.townA, r.ID, sentinel.StatusSampled, ""); err != nil {
			t.Fatal(err)
		}
		// The case cannot be opened: the result rolls back, nobody is told.
		e.cases.fail = errors.New("tracing down")
		if _, err := s.Advance(ctx, town, e.townA, r.ID, sentinel.StatusPositive, ""); err == nil {
			t.Fatal("the failed intake did not undo the result")
		}
		if got := inbox(t, d, cu); len(got) != 1 {
			t.Fatalf("a rolled-back result told the county: %q", got)
		}
		e.cases.fail = nil
		if _, err := s.Advance(ctx, town, e.townA, r.ID, sentinel.StatusPositive, ""); err != nil {
			t.Fatal(err)
		}
		pos := sentinel.EventPositive + " " + dbtest.VillageA + " " + link
		if got := inbox(t, d, cu); len(got) != 2 || got[1] != pos {
			t.Fatalf("county inbox after the positive: %q", got)
		}
		if got := inbox(t, d, tu); len(got) != 3 || got[2] != pos {
			t.Fatalf("township inbox after the positive: %q", got)
		}
		if got := inbox(t, d, vu); len(got) != 0 {
			t.Fatalf("the village told: %q", got)
		}
		var sms int
		d.R().QueryRow(`SELECT COUNT(*) FROM notify_outbox WHERE kind = $1 AND channel = 'sms'`, sentinel.EventPositive).Scan(&sms)
		if sms != 2 {
			t.Fatalf("%d SMS of the positive, want 2 (township and county)", sms)
		}
	})
}

// A report referred to a fever clinic (转诊) tells the clinic's contact too:
// it must receive the patient.
func TestReferralTellsTheClinic(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		n := notify.NewService(d, sentinel.Events, []notify.Channel{notifytest.SMS{}}, nil, notify.NoRoster, notify.Options{}, e.clk.now)
		s := sentinel.NewService(d, jurisdiction.NewStore(d, e.clk.now), e.reg, e.cases, n, e.clk.now)
		fc, err := s.CreateSentinel(ctx, town, e.all, sentinel.Sentinel{UnitCode: dbtest.TownshipA, Name: "甘亭卫生院发热门诊",
			Kind: sentinel.KindFeverClinic, ContactName: "赵医生", ContactPhone: "13700000077"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReportFever(ctx, who, e.townA, e.clinic, sentinel.ReportInput{Name: "发热赵六", Phone: "13912345671", Temp: "38.2",
			Action: sentinel.ActionRefer, ReferTo: fc.ID}); err != nil {
			t.Fatal(err)
		}
		var k int
		d.R().QueryRow(`SELECT COUNT(*) FROM notify_outbox WHERE kind = $1 AND channel = 'sms' AND target = '13700000077'`, sentinel.EventReported).Scan(&k)
		if k != 1 {
			t.Errorf("the fever clinic referred to was sent %d messages, want 1", k)
		}
	})
}
