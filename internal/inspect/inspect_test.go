package inspect_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/inspect"
	"fangkong/internal/jurisdiction"
)

var inspector = audit.Actor{UserID: 1, Username: "ducha", Role: "inspector"}

// A PNG's first bytes: enough for content sniffing.
var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")

func day(offset int) string { return clock.Day(time.Now().AddDate(0, 0, offset)) }

// A finding names leader, person, measure and deadline; it moves 待整改 →
// 待复核 → (退回) 整改中 → 待复核 → 已销号 and no further; one past its
// deadline is overdue, counted late in the summary and escalated once;
// outside the scope nothing is found; the 通报 groups by township.
func TestFindingLifecycle(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		units := jurisdiction.NewStore(d, time.Now)
		s := inspect.NewService(d, units, time.Now)
		ctx, county := t.Context(), jurisdiction.Grant(dbtest.County)
		insp, err := s.CreateInspection(ctx, inspector, county, inspect.Inspection{UnitCode: dbtest.VillageA, ObjectType: "village",
			ObjectName: "西街社区", Covert: true, Team: "县督查一组", VisitedOn: day(-3)}, map[string]bool{"网格员、包保责任人在岗": true})
		if err != nil {
			t.Fatal(err)
		}
		failed := 0
		for _, c := range insp.Checklist {
			if !c.OK {
				failed++
			}
		}
		if failed != 1 || len(insp.Checklist) < 5 {
			t.Errorf("checklist: %+v", insp.Checklist)
		}
		base := inspect.Finding{Problem: "网格员不在岗", Leader: "王书记", Person: "李网格", Measure: "落实24小时值守", Deadline: day(2)}
		bad := base
		bad.Leader = ""
		var iv *errs.Invalid
		if _, err := s.AddFinding(ctx, inspector, county, insp.ID, bad, nil); !errors.As(err, &iv) || iv.Field != "leader" {
			t.Errorf("no leader: %v", err)
		}
		bad = base
		bad.Deadline = day(-4)
		if _, err := s.AddFinding(ctx, inspector, county, insp.ID, bad, nil); !errors.As(err, &iv) || iv.Field != "deadline" {
			t.Errorf("deadline before the visit: %v", err)
		}
		bad = base
		bad.UnitCode = dbtest.VillageB
		if _, err := s.AddFinding(ctx, inspector, county, insp.ID, bad, nil); !errors.As(err, &iv) || iv.Field != "unit_code" {
			t.Errorf("responsible unit outside the inspected one: %v", err)
		}
		f, err := s.AddFinding(ctx, inspector, county, insp.ID, base, png)
		if err != nil {
			t.Fatal(err)
		}
		if b, typ, err := s.Photo(ctx, county, f.ID); err != nil || typ != "image/png" || len(b) != len(png) {
			t.Errorf("photo: %s %d %v", typ, len(b), err)
		}
		if f, err = s.Progress(ctx, inspector, county, f.ID, f.Version, inspect.StatusReview, "已安排专人值守"); err != nil || f.Status != inspect.StatusReview {
			t.Fatalf("to review: %v", err)
		}
		if f, err = s.Review(ctx, inspector, county, f.ID, f.Version, false, "夜间仍无人"); err != nil || f.Status != inspect.StatusProgress {
			t.Fatalf("sent back: %v", err)
		}
		if _, err := s.Review(ctx, inspector, county, f.ID, f.Version, true, ""); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("review of a finding not waiting for it: %v", err)
		}
		if f, err = s.Progress(ctx, inspector, county, f.ID, f.Version, inspect.StatusReview, "夜班已排"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Review(ctx, inspector, county, f.ID, f.Version-1, true, ""); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("stale version: %v", err)
		}
		if f, err = s.Review(ctx, inspector, county, f.ID, f.Version, true, "复核通过"); err != nil || f.Status != inspect.StatusClosed || f.ClosedAt.IsZero() {
			t.Fatalf("closed: %v", err)
		}
		// Overdue: due yesterday, still open.
		late := base
		late.Problem, late.Deadline = "登记台账不全", day(-1)
		lf, err := s.AddFinding(ctx, inspector, county, insp.ID, late, nil)
		if err != nil || !lf.Overdue || lf.Escalated {
			t.Fatalf("overdue finding: %+v %v", lf, err)
		}
		card, err := s.Summary(ctx, county, dbtest.County, day(0))
		if o, _ := card.Get("inspect.overdue"); err != nil || o.Value != 1 || !o.Late {
			t.Errorf("summary overdue: %+v %v", o, err)
		}
		if o, _ := card.Get("inspect.open"); o.Value != 1 {
			t.Errorf("summary open: %+v", o)
		}
		if n, err := s.Escalate(ctx); err != nil || n != 1 {
			t.Errorf("escalate: %d %v", n, err)
		}
		if n, _ := s.Escalate(ctx); n != 0 {
			t.Errorf("escalated twice: %d", n)
		}
		if lf, _ = s.Finding(ctx, county, lf.ID); !lf.Escalated {
			t.Error("not marked escalated")
		}
		if _, err := s.Finding(ctx, jurisdiction.Grant(dbtest.TownshipB), lf.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("another township: %v", err)
		}
		if n, _ := s.Count(ctx, jurisdiction.Grant(dbtest.TownshipB), inspect.Filter{Status: "open"}); n != 0 {
			t.Errorf("another township counts %d", n)
		}
		_, groups, err := s.Bulletin(ctx, county, dbtest.County)
		if err != nil || len(groups) != 1 || groups[0].Unit.Code != dbtest.TownshipA || len(groups[0].Findings) != 2 {
			t.Errorf("bulletin: %+v %v", groups, err)
		}
	})
}

// The visit date is taken as typed (2026年12月7日); a date it cannot read
// or a day after today says which.
func TestVisitDateAsTyped(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		units := jurisdiction.NewStore(d, time.Now)
		s := inspect.NewService(d, units, time.Now)
		ctx, county := t.Context(), jurisdiction.Grant(dbtest.County)
		y := time.Now().In(clock.Shanghai).AddDate(0, 0, -1)
		typed := fmt.Sprintf("%d年%d月%d日", y.Year(), int(y.Month()), y.Day())
		in := inspect.Inspection{UnitCode: dbtest.VillageA, ObjectType: "village", ObjectName: "西街社区", Team: "县督查一组", VisitedOn: typed}
		insp, err := s.CreateInspection(ctx, inspector, county, in, nil)
		if err != nil || insp.VisitedOn != day(-1) {
			t.Fatalf("visited %q: stored %q, %v", typed, insp.VisitedOn, err)
		}
		for v, want := range map[string]string{"": "请填写检查日期", "上周三": "无法识别", day(1): "不能晚于今天"} {
			in.VisitedOn = v
			var iv *errs.Invalid
			if _, err := s.CreateInspection(ctx, inspector, county, in, nil); !errors.As(err, &iv) || !strings.Contains(iv.Message, want) {
				t.Errorf("visited %q: %v, want %q", v, err, want)
			}
		}
	})
}
