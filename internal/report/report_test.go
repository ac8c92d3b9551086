package report_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/apptest"
	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/policy"
	"fangkong/internal/registry"
	"fangkong/internal/report"
)

var cadre = audit.Actor{UserID: 1, Username: "cadre", Role: "village"}

// world is the fixture tree with people under measures, on a clock the
// test moves.
type world struct {
	e   *apptest.Env
	mu  sync.Mutex
	now time.Time
}

func (w *world) clock() time.Time { w.mu.Lock(); defer w.mu.Unlock(); return w.now }
func (w *world) set(hhmm string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, _ := time.ParseInLocation("2006-01-02 15:04", "2026-12-06 "+hhmm, clock.Shanghai)
	w.now = t
}

func start(t *testing.T, d *db.DB) *world {
	dbtest.Tree(t, d)
	w := &world{}
	w.set("15:30")
	w.e = apptest.StartWith(t, d, func(c *app.Config) { c.Now = w.clock })
	return w
}

// underMeasure registers n people in unit under a close-contact measure.
func (w *world) underMeasure(t *testing.T, unit string, n int, seed string) {
	t.Helper()
	ctx, all := context.Background(), jurisdiction.System("test")
	for i := range n {
		p, err := w.e.App.Registry.CreatePerson(ctx, cadre, all, registry.Person{Name: fmt.Sprintf("管控%s%d", seed, i),
			IDNumber: dbtest.ID(fmt.Sprintf("61011819800101%s0%d", seed, i)), UnitCode: unit})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.e.App.Measures.Assign(ctx, cadre, all, measure.AssignInput{PersonID: p.ID, Category: "close_contact",
			DayZero: policy.AddDays(clock.Day(w.clock()), -1)}); err != nil {
			t.Fatal(err)
		}
	}
}

// confirmAll is the input confirming every figure of a draft as compiled.
func confirmAll(d report.Draft, note string) report.Input {
	in := report.Input{Unit: d.Unit.Code, Seen: map[string]int{}, Zero: map[string]bool{}, Note: note, Confirmer: "张三"}
	for _, l := range d.Lines {
		in.Seen[l.Key] = l.Value
		if l.Known && l.Value == 0 {
			in.Zero[l.Key] = true
		}
	}
	return in
}

func line(t *testing.T, lines []report.Line, key string) report.Line {
	t.Helper()
	for _, l := range lines {
		if l.Key == key {
			return l
		}
	}
	t.Fatalf("no line %s", key)
	return report.Line{}
}

// A report compiled at the cut-off carries the figures direct SQL counts
// over the same data at that time, and is stamped with that time.
func TestCompileEqualsSQL(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		w := start(t, d)
		w.underMeasure(t, dbtest.VillageA, 3, "1")
		w.underMeasure(t, dbtest.VillageB, 2, "2")
		w.set("16:00")
		for _, unit := range []string{dbtest.County, dbtest.TownshipA, dbtest.VillageB} {
			dr, err := w.e.App.Reports.Compile(t.Context(), jurisdiction.Grant(dbtest.County), unit)
			if err != nil {
				t.Fatal(err)
			}
			if got := report.Stamp(dr.AsOf); got != "2026-12-06 16:00" {
				t.Errorf("截至 %s, want 2026-12-06 16:00", got)
			}
			lo, hi := jurisdiction.Grant(unit).Args()
			var want int
			if err := d.R().QueryRowContext(t.Context(), `SELECT COUNT(DISTINCT person_id) FROM measures
				WHERE status = 'active' AND unit_code >= $1 AND unit_code < $2`, lo, hi).Scan(&want); err != nil {
				t.Fatal(err)
			}
			if l := line(t, dr.Lines, "measure.active"); !l.Known || l.Value != want || want == 0 {
				t.Errorf("%s: 在管控人员 %d (known %v), SQL counts %d", unit, l.Value, l.Known, want)
			}
			if err := d.R().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM site_stays s JOIN sites x ON x.id = s.site_id
				WHERE s.status = '在住' AND x.unit_code >= $1 AND x.unit_code < $2`, lo, hi).Scan(&want); err != nil {
				t.Fatal(err)
			}
			if l := line(t, dr.Lines, "site.in"); l.Value != want {
				t.Errorf("%s: 集中隔离在住 %d, SQL counts %d", unit, l.Value, want)
			}
		}
	})
}

// A figure at zero is not submitted until confirmed (零报告); figures that
// moved while the cadre reviewed them send the form back; a resubmission
// is a new version and the first stays; a township's draft sums its
// villages' confirmed reports.
func TestSubmitZeroVersionsRollUp(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		w := start(t, d)
		w.underMeasure(t, dbtest.VillageA, 2, "1")
		ctx, scope := t.Context(), jurisdiction.Grant(dbtest.County)
		rs := w.e.App.Reports
		dr, err := rs.Compile(ctx, scope, dbtest.VillageA)
		if err != nil {
			t.Fatal(err)
		}
		in := confirmAll(dr, "")
		var zeroKey string
		for k := range in.Zero {
			zeroKey = k
		}
		if zeroKey == "" {
			t.Fatal("no zero figure in the draft")
		}
		delete(in.Zero, zeroKey)
		_, _, err = rs.Submit(ctx, cadre, scope, in)
		var iv *errs.Invalid
		if !errors.As(err, &iv) || iv.Field != "zero_"+zeroKey {
			t.Fatalf("unconfirmed zero %s: %v", zeroKey, err)
		}
		in.Zero[zeroKey] = true
		in.Seen["measure.active"] = 7
		if _, _, err := rs.Submit(ctx, cadre, scope, in); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("figures moved: %v, want a conflict", err)
		}
		in = confirmAll(dr, "第一版")
		r1, _, err := rs.Submit(ctx, cadre, scope, in)
		if err != nil {
			t.Fatal(err)
		}
		if !r1.OnTime || r1.Version != 1 || line(t, r1.Lines, zeroKey).ZeroConfirmed != true {
			t.Errorf("first version: %+v", r1)
		}
		w.underMeasure(t, dbtest.VillageA, 1, "3")
		w.set("16:45") // after the village deadline (16:30)
		dr, err = rs.Compile(ctx, scope, dbtest.VillageA)
		if err != nil {
			t.Fatal(err)
		}
		r2, _, err := rs.Submit(ctx, cadre, scope, confirmAll(dr, "第二版"))
		if err != nil {
			t.Fatal(err)
		}
		if r2.Version != 2 || r2.OnTime {
			t.Errorf("resubmission: version %d on time %v", r2.Version, r2.OnTime)
		}
		vs, err := rs.Versions(ctx, scope, dbtest.VillageA, "2026-12-06")
		if err != nil || len(vs) != 2 || vs[0].Note != "第二版" || vs[1].Note != "第一版" ||
			line(t, vs[1].Lines, "measure.active").Value != 2 || line(t, vs[0].Lines, "measure.active").Value != 3 {
			t.Fatalf("versions: %d %v", len(vs), err)
		}
		// Roll-up: the township's draft sums the latest village reports.
		w.underMeasure(t, dbtest.VillageA2, 4, "4")
		dr2, err := rs.Compile(ctx, scope, dbtest.VillageA2)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := rs.Submit(ctx, cadre, scope, confirmAll(dr2, "")); err != nil {
			t.Fatal(err)
		}
		tw, err := rs.Compile(ctx, scope, dbtest.TownshipA)
		if err != nil {
			t.Fatal(err)
		}
		if l := line(t, tw.Lines, "measure.active"); l.Children != 7 || l.Reported != 2 || l.Value != 7 {
			t.Errorf("township roll-up: own %d, villages %d from %d reports", l.Value, l.Children, l.Reported)
		}
		// Outside the scope: not found.
		if _, err := rs.Compile(ctx, jurisdiction.Grant(dbtest.TownshipB), dbtest.VillageA); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("another township's village: %v", err)
		}
	})
}

// Reports missing at the deadline raise an alert once per unit; a unit
// that reported raises none; the status counts the missing and marks them
// late after the deadline.
func TestMissingReportsAlert(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		w := start(t, d)
		ctx, scope := t.Context(), jurisdiction.Grant(dbtest.County)
		rs := w.e.App.Reports
		dr, err := rs.Compile(ctx, scope, dbtest.VillageA)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := rs.Submit(ctx, cadre, scope, confirmAll(dr, "")); err != nil {
			t.Fatal(err)
		}
		if n, err := rs.CheckMissing(ctx); err != nil || n != 0 {
			t.Fatalf("before the deadline: %d alerts, %v", n, err)
		}
		st, err := rs.Status(ctx, scope, dbtest.County, "2026-12-06")
		if err != nil || st.Missing != 5 || st.Late {
			t.Fatalf("before the deadline: missing %d late %v (%v)", st.Missing, st.Late, err)
		}
		w.set("16:31") // villages' deadline passed, townships' not
		n, err := rs.CheckMissing(ctx)
		if err != nil || n != 2 {
			t.Fatalf("after the village deadline: %d alerts (want 2: VillageA2, VillageB), %v", n, err)
		}
		w.set("17:31") // the county's too
		if n, err = rs.CheckMissing(ctx); err != nil || n != 3 {
			t.Fatalf("after every deadline: %d more alerts (want 3: two townships, the county), %v", n, err)
		}
		if n, err = rs.CheckMissing(ctx); err != nil || n != 0 {
			t.Fatalf("a second check raised %d alerts again", n)
		}
		as, err := rs.Alerts(ctx, scope, dbtest.County, "2026-12-06")
		if err != nil || len(as) != 5 {
			t.Fatalf("alerts: %d %v", len(as), err)
		}
		for _, a := range as {
			if a.Unit.Code == dbtest.VillageA {
				t.Errorf("the village that reported was alerted")
			}
		}
		st, err = rs.Status(ctx, scope, dbtest.County, "2026-12-06")
		if err != nil || st.Missing != 5 || !st.Late {
			t.Fatalf("after the deadline: missing %d late %v (%v)", st.Missing, st.Late, err)
		}
		card, err := rs.Summary(ctx, scope, dbtest.County, "2026-12-06")
		if f, ok := card.Get("report.missing"); err != nil || !ok || f.Value != 5 || !f.Late {
			t.Errorf("summary: %+v %v", f, err)
		}
		ts, err := rs.Status(ctx, jurisdiction.Grant(dbtest.TownshipB), dbtest.TownshipB, "2026-12-06")
		if err != nil || ts.Missing != 2 || len(ts.Children) != 1 || ts.Children[0].Latest != nil || !ts.Children[0].Alerted {
			t.Errorf("township B: missing %d, %+v (%v)", ts.Missing, ts.Children, err)
		}
	})
}
