package duty_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/duty"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

var cadre = audit.Actor{UserID: 1, Username: "zhiban", Role: "township"}

// A shift nobody checked in to 30 minutes after its start is a gap: on
// the summary, alerted once; a check-in closes it; a spot check records
// who answered; OnDuty names who is on duty now for the unit; outside the
// scope nothing is found.
func TestRosterGapCheckInSpotCheck(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		var mu sync.Mutex
		now, _ := time.ParseInLocation("2006-01-02 15:04", "2026-12-06 07:50", clock.Shanghai)
		clk := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		set := func(hhmm string) {
			mu.Lock()
			defer mu.Unlock()
			now, _ = time.ParseInLocation("2006-01-02 15:04", "2026-12-06 "+hhmm, clock.Shanghai)
		}
		s := duty.NewService(d, jurisdiction.NewStore(d, clk), clk)
		ctx, scope := t.Context(), jurisdiction.Grant(dbtest.County)
		var iv *errs.Invalid
		if _, err := s.AddShift(ctx, cadre, scope, duty.Input{UnitCode: dbtest.TownshipA, Day: "2026-12-06", Start: "08:00", Hours: 24,
			Person: "赵值班"}); !errors.As(err, &iv) || iv.Field != "leader" {
			t.Fatalf("no leader: %v", err)
		}
		a, err := s.AddShift(ctx, cadre, scope, duty.Input{UnitCode: dbtest.TownshipA, Day: "2026-12-06", Start: "08:00", Hours: 24,
			Leader: "钱镇长", Person: "赵值班", Phone: "13800000000"})
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.AddShift(ctx, cadre, scope, duty.Input{UnitCode: dbtest.TownshipB, Day: "2026-12-06", Start: "08:00", Hours: 12,
			Leader: "孙镇长", Person: "李值班"})
		if err != nil {
			t.Fatal(err)
		}
		set("08:40")
		card, err := s.Summary(ctx, scope, dbtest.County, "2026-12-06")
		if on, _ := card.Get("duty.on"); err != nil || on.Value != 2 {
			t.Errorf("on duty: %+v %v", on, err)
		}
		if gap, _ := card.Get("duty.gap"); gap.Value != 2 || !gap.Late {
			t.Errorf("gap: %+v", gap)
		}
		if n, err := s.Gaps(ctx); err != nil || n != 2 {
			t.Errorf("alerts: %d %v", n, err)
		}
		if n, _ := s.Gaps(ctx); n != 0 {
			t.Errorf("alerted twice: %d", n)
		}
		if a, err = s.CheckIn(ctx, cadre, scope, a.ID); err != nil || a.CheckedInAt.IsZero() {
			t.Fatalf("check-in: %v", err)
		}
		if _, err := s.CheckIn(ctx, cadre, scope, a.ID); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("second check-in: %v", err)
		}
		card, _ = s.Summary(ctx, scope, dbtest.TownshipA, "2026-12-06")
		if gap, _ := card.Get("duty.gap"); gap.Value != 0 || gap.Late {
			t.Errorf("gap after the check-in: %+v", gap)
		}
		if b, err = s.SpotCheck(ctx, cadre, scope, b.ID, false, ""); err != nil || b.Checks != 1 || b.Unanswered != 1 {
			t.Errorf("spot check unanswered: %+v %v", b, err)
		}
		if a, err = s.SpotCheck(ctx, cadre, scope, a.ID, true, "赵值班"); err != nil || a.Checks != 1 || a.Unanswered != 0 {
			t.Errorf("spot check answered: %+v %v", a, err)
		}
		on, err := s.OnDuty(ctx, scope, dbtest.TownshipA, clk())
		if err != nil || len(on) != 1 || on[0].Person != "赵值班" || on[0].Leader != "钱镇长" {
			t.Errorf("on duty now: %+v %v", on, err)
		}
		if on, _ := s.OnDuty(ctx, scope, dbtest.TownshipB, clk().Add(13*time.Hour)); len(on) != 0 {
			t.Errorf("after the shift: %+v", on)
		}
		if _, err := s.Shift(ctx, jurisdiction.Grant(dbtest.TownshipB), a.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("another township: %v", err)
		}
		if _, err := s.OnDuty(ctx, jurisdiction.Grant(dbtest.TownshipB), dbtest.TownshipA, clk()); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("another township's duty: %v", err)
		}
		roster, err := s.Roster(ctx, jurisdiction.Grant(dbtest.TownshipA), dbtest.TownshipA, "2026-12-06")
		if err != nil || len(roster) != 1 {
			t.Errorf("township roster: %d %v", len(roster), err)
		}
	})
}
