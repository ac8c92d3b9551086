package special_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/special"
)

var cadre = audit.Actor{UserID: 1, Username: "tebao", Role: "township"}

// A 特报 opened by a trigger for a village has a township stage (60 min)
// and a county stage (120 min). Acknowledged by the township in time, its
// township stage is never escalated; the county's clock passes and is
// escalated exactly once; the summary shows it late until the county
// acknowledges. A trigger's ref opens one report only. A report no level
// acknowledges escalates both stages once.
func TestTriggerClockEscalatesOnce(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		var mu sync.Mutex
		now, _ := time.ParseInLocation("2006-01-02 15:04", "2026-12-06 08:00", clock.Shanghai)
		clk := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		set := func(hhmm string) {
			mu.Lock()
			defer mu.Unlock()
			now, _ = time.ParseInLocation("2006-01-02 15:04", "2026-12-06 "+hhmm, clock.Shanghai)
		}
		s := special.NewService(d, jurisdiction.NewStore(d, clk), notify.Discard, clk)
		ctx, sys := t.Context(), jurisdiction.System("test")
		county, township := jurisdiction.Grant(dbtest.County), jurisdiction.Grant(dbtest.TownshipA)
		var iv *errs.Invalid
		if _, err := s.Open(ctx, cadre, sys, special.Trigger{Kind: "nope", Unit: dbtest.VillageA, Title: "x"}); !errors.As(err, &iv) || iv.Field != "kind" {
			t.Fatalf("bad kind: %v", err)
		}
		if _, err := s.Open(ctx, cadre, township, special.Trigger{Kind: "other", Unit: dbtest.VillageB, Title: "x"}); !errors.As(err, &iv) || iv.Field != "unit_code" {
			t.Fatalf("outside the scope: %v", err)
		}
		tr := special.Trigger{Kind: "positive", Unit: dbtest.VillageA, Title: "西街社区发现阳性病例", Ref: "tracing_case:1"}
		a, err := s.Open(ctx, cadre, sys, tr)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := s.Open(ctx, cadre, sys, tr); err != nil || again.ID != a.ID {
			t.Fatalf("the same trigger opened another: %d %d %v", again.ID, a.ID, err)
		}
		if len(a.Acks) != 2 || a.Acks[0].Level != 4 || a.Acks[1].Level != 3 ||
			!a.Acks[0].Due.Equal(a.OpenedAt.Add(time.Hour)) || !a.Acks[1].Due.Equal(a.OpenedAt.Add(2*time.Hour)) {
			t.Fatalf("stages: %+v", a.Acks)
		}
		b, err := s.Open(ctx, cadre, sys, special.Trigger{Kind: "cluster", Unit: dbtest.VillageB, Title: "余下村聚集"})
		if err != nil {
			t.Fatal(err)
		}
		// The township acknowledges a in time; a township user cannot
		// acknowledge the county's stage for it.
		set("08:30")
		if _, err := s.Acknowledge(ctx, cadre, township, a.ID, ""); !errors.As(err, &iv) || iv.Field != "cadre" {
			t.Fatalf("no cadre: %v", err)
		}
		if a, err = s.Acknowledge(ctx, cadre, township, a.ID, "钱镇长"); err != nil || a.Acks[0].Cadre != "钱镇长" || a.Acks[0].AckedAt.IsZero() {
			t.Fatalf("township ack: %+v %v", a.Acks, err)
		}
		if _, err := s.Acknowledge(ctx, cadre, township, a.ID, "钱镇长"); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("twice: %v", err)
		}
		if _, err := s.Acknowledge(ctx, cadre, township, b.ID, "钱镇长"); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("outside: %v", err)
		}
		if n, err := s.Escalate(ctx); err != nil || n != 0 {
			t.Fatalf("escalated before any clock: %d %v", n, err)
		}
		card, _ := s.Summary(ctx, county, dbtest.County, "2026-12-06")
		if f, _ := card.Get("special.late"); f.Value != 0 || f.Late {
			t.Errorf("late before a clock: %+v", f)
		}
		// 09:30: b's township clock has passed; a's township acknowledged.
		set("09:30")
		if n, _ := s.Escalate(ctx); n != 1 {
			t.Errorf("09:30 escalations: %d, want 1 (b's township)", n)
		}
		// 10:30: both county clocks have passed.
		set("10:30")
		if n, _ := s.Escalate(ctx); n != 2 {
			t.Errorf("10:30 escalations: %d, want 2", n)
		}
		if n, _ := s.Escalate(ctx); n != 0 {
			t.Errorf("escalated twice: %d", n)
		}
		a, _ = s.Get(ctx, county, a.ID)
		if !a.Acks[0].EscalatedAt.IsZero() || a.Acks[1].EscalatedAt.IsZero() {
			t.Errorf("a's stages: %+v", a.Acks)
		}
		card, _ = s.Summary(ctx, county, dbtest.County, "2026-12-06")
		if f, _ := card.Get("special.open"); f.Value != 2 {
			t.Errorf("open: %+v", f)
		}
		if f, _ := card.Get("special.late"); f.Value != 2 || !f.Late {
			t.Errorf("late: %+v", f)
		}
		if a, err = s.Acknowledge(ctx, cadre, county, a.ID, "孙县长"); err != nil || a.Acks[1].Cadre != "孙县长" {
			t.Fatalf("county ack: %+v %v", a.Acks, err)
		}
		if _, err := s.Close(ctx, cadre, county, b.ID, ""); !errors.As(err, &iv) || iv.Field != "note" {
			t.Fatalf("close without a note: %v", err)
		}
		if b, err = s.Close(ctx, cadre, county, b.ID, "已处置"); err != nil || b.ClosedAt.IsZero() {
			t.Fatalf("close: %v", err)
		}
		card, _ = s.Summary(ctx, county, dbtest.County, "2026-12-06")
		if f, _ := card.Get("special.late"); f.Value != 0 {
			t.Errorf("late after ack and close: %+v", f)
		}
		if list, _ := s.List(ctx, county, "", false); len(list) != 1 || list[0].ID != a.ID {
			t.Errorf("open list: %+v", list)
		}
		if list, _ := s.List(ctx, county, "", true); len(list) != 2 {
			t.Errorf("all: %d", len(list))
		}
	})
}

// A township cadre who opens a village's 特报 has received it: the
// township's stage is confirmed by them at once, and only the county's
// remains.
func TestOpenerConfirmsOwnLevel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		now := time.Date(2026, 12, 6, 8, 0, 0, 0, clock.Shanghai)
		clk := func() time.Time { return now }
		s := special.NewService(d, jurisdiction.NewStore(d, clk), notify.Discard, clk)
		opener := audit.Actor{UserID: 99, Username: "zhen-a", Role: "township", Unit: dbtest.TownshipA}
		r, err := s.Open(t.Context(), opener, jurisdiction.Grant(dbtest.TownshipA), special.Trigger{Kind: "positive", Unit: dbtest.VillageA, Title: "发现1例阳性"})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Acks) != 2 || r.Acks[0].Level != 4 || r.Acks[0].AckedAt.IsZero() || r.Acks[0].AckedBy != "zhen-a" || !r.Acks[1].AckedAt.IsZero() {
			t.Errorf("stages after a township cadre opened it: %+v", r.Acks)
		}
	})
}
