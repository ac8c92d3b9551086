package special_test

import (
	"sync"
	"testing"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/special"
)

// The late view lists exactly what 特报逾期未确认 counts: open reports with
// a clock passed unacknowledged (not one within its clocks, not a closed
// one, not one whose late stage was acknowledged), and says how many; the
// figure links to it.
func TestLateViewIsTheLateFigure(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		var mu sync.Mutex
		now, _ := time.ParseInLocation("2006-01-02 15:04", "2026-12-06 08:00", clock.Shanghai)
		clk := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		s := special.NewService(d, jurisdiction.NewStore(d, clk), notify.Discard, clk)
		ctx, sys := t.Context(), jurisdiction.System("test")
		open := func(unit, title string) special.Report {
			r, err := s.Open(ctx, cadre, sys, special.Trigger{Kind: "other", Unit: unit, Title: title})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		late := open(dbtest.VillageA, "逾期")
		closed := open(dbtest.VillageA, "已关闭")
		acked := open(dbtest.VillageA2, "镇街已确认")
		if _, err := s.Close(ctx, cadre, sys, closed.ID, "已处置"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Acknowledge(ctx, cadre, jurisdiction.Grant(dbtest.TownshipA), acked.ID, "钱镇长"); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		now = now.Add(90 * time.Minute) // the township's clock (60 min) passed, the county's (120 min) not
		mu.Unlock()
		open(dbtest.VillageA, "新开")
		card, err := s.Summary(ctx, sys, dbtest.TownshipA, "")
		if err != nil {
			t.Fatal(err)
		}
		f, _ := card.Get("special.late")
		list, n, err := s.Listing(ctx, sys, dbtest.TownshipA, special.ViewLate)
		if err != nil || n != 1 || len(list) != 1 || list[0].ID != late.ID || f.Value != n {
			t.Fatalf("late view: %d %+v %v, figure %+v", n, list, err, f)
		}
		if f.Link != "/special?late=1&unit="+dbtest.TownshipA {
			t.Errorf("特报逾期未确认 links to %s", f.Link)
		}
		if _, n, _ := s.Listing(ctx, sys, dbtest.TownshipA, special.ViewOpen); n != 3 {
			t.Errorf("open view: %d, want 3", n)
		}
		if _, _, err := s.Listing(ctx, sys, dbtest.TownshipA, "nope"); err == nil {
			t.Errorf("an unknown view is listed")
		}
	})
}
