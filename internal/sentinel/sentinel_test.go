package sentinel_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/registry"
	"fangkong/internal/sentinel"
)

var who = audit.Actor{UserID: 1, Username: "shaodian", Role: "sentinel", Unit: dbtest.TownshipA, IP: "127.0.0.1"}
var town = audit.Actor{UserID: 2, Username: "zhenjie", Role: "township", Unit: dbtest.TownshipA, IP: "127.0.0.1"}

// start is 2026-03-10 09:00 in Shanghai.
var start = time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)

// fakeClock is the test's time, moved by the test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// intake records the positive reports handed to it, and whether inside the
// result's transaction.
type intake struct {
	d       *db.DB
	got     []sentinel.Report
	outside bool
	fail    error
}

func (i *intake) OpenCase(ctx context.Context, _ audit.Actor, r sentinel.Report) error {
	if !i.d.InTransaction(ctx) {
		i.outside = true
	}
	if i.fail != nil {
		return i.fail
	}
	i.got = append(i.got, r)
	return nil
}

type env struct {
	s      *sentinel.Service
	clk    *fakeClock
	reg    *registry.Service
	cases  *intake
	all    jurisdiction.Scope
	townA  jurisdiction.Scope
	clinic sentinel.Sentinel // VillageA's village clinic
}

func setup(t *testing.T, d *db.DB) env {
	t.Helper()
	dbtest.Tree(t, d)
	clk := &fakeClock{t: start}
	units := jurisdiction.NewStore(d, clk.now)
	reg := registry.NewService(d, units, clk.now)
	cases := &intake{d: d}
	e := env{s: sentinel.NewService(d, units, reg, cases, notify.Discard, clk.now), clk: clk, reg: reg, cases: cases,
		all: jurisdiction.System("test"), townA: jurisdiction.Grant(dbtest.TownshipA)}
	e.clinic = e.mk(t, dbtest.VillageA, "西街村卫生室", sentinel.KindVillageClinic)
	return e
}

func (e env) mk(t *testing.T, unit, name, kind string) sentinel.Sentinel {
	t.Helper()
	x, err := e.s.CreateSentinel(context.Background(), town, e.all, sentinel.Sentinel{UnitCode: unit, Name: name, Kind: kind,
		ContactName: "李医生", ContactPhone: "13800138000"})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestSentinelUnits(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		if e.clinic.MayTreatFever {
			t.Error("a village clinic may not treat fever")
		}
		fc := e.mk(t, dbtest.TownshipA, "甘亭卫生院发热门诊", sentinel.KindFeverClinic)
		if !fc.MayTreatFever {
			t.Error("a fever clinic treats fever")
		}
		_, err := e.s.CreateSentinel(ctx, town, e.townA, sentinel.Sentinel{UnitCode: dbtest.VillageB, Name: "余下药店", Kind: sentinel.KindPharmacy})
		if !errs.IsInvalid(err) {
			t.Errorf("a sentinel outside the scope: %v", err)
		}
		_, err = e.s.CreateSentinel(ctx, town, e.all, sentinel.Sentinel{UnitCode: dbtest.VillageA, Name: "西街村卫生室", Kind: sentinel.KindVillageClinic})
		if !errors.Is(err, errs.ErrConflict) {
			t.Errorf("a second sentinel of the same name: %v", err)
		}
		if _, err := e.s.Sentinel(ctx, jurisdiction.Grant(dbtest.TownshipB), e.clinic.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("another township reads the clinic: %v", err)
		}
		// An account of TownshipA binds to the clinic; one of TownshipB may not.
		if err := e.s.Bind(ctx, town, e.all, e.clinic.ID, sentinel.Account{ID: 7, Username: "b", Role: "sentinel", UnitCode: dbtest.TownshipB}); !errs.IsInvalid(err) {
			t.Errorf("binding an account of another township: %v", err)
		}
	})
}

func TestFeverReportClockEscalatesAndResultCloses(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		p, err := e.reg.CreatePerson(ctx, who, e.all, registry.Person{Name: "发热张三", IDNumber: dbtest.ID("61011819800101123"), UnitCode: dbtest.VillageA})
		if err != nil {
			t.Fatal(err)
		}
		// Found half an hour ago, reported now: the township has 2 hours.
		r, err := e.s.ReportFever(ctx, who, e.townA, e.clinic, sentinel.ReportInput{Name: "发热张三", IDNumber: p.IDNumber, Temp: "38.6℃",
			Symptoms: "咳嗽", Drugs: "布洛芬", Action: sentinel.ActionRefer, FoundAt: start.Add(-30 * time.Minute).UnixMilli()})
		if err != nil {
			t.Fatal(err)
		}
		if r.PersonID != p.ID || r.Status != sentinel.StatusReported || r.TempTenths != 386 || r.DelayMinutes() != 30 {
			t.Fatalf("report: %+v", r)
		}
		if want := start.Add(2 * time.Hour).UnixMilli(); r.AckDueAt != want {
			t.Fatalf("ack due %d, want %d", r.AckDueAt, want)
		}
		// Within the clock nothing escalates.
		e.clk.add(119 * time.Minute)
		if res, err := e.s.Sweep(ctx, e.clk.now()); err != nil || res.Escalated != 0 {
			t.Fatalf("sweep within the clock: %+v %v", res, err)
		}
		// Past it the report goes up to the county, once.
		e.clk.add(2 * time.Minute)
		if res, err := e.s.Sweep(ctx, e.clk.now()); err != nil || res.Escalated != 1 {
			t.Fatalf("sweep past the clock: %+v %v", res, err)
		}
		if res, err := e.s.Sweep(ctx, e.clk.now()); err != nil || res.Escalated != 0 {
			t.Fatalf("second sweep: %+v %v", res, err)
		}
		esc, err := e.s.Reports(ctx, jurisdiction.Grant(dbtest.County), sentinel.ReportFilter{Status: "escalated"})
		if err != nil || len(esc) != 1 || esc[0].ID != r.ID || !esc[0].Escalated() || !esc[0].Overdue(e.clk.now()) {
			t.Fatalf("the county's escalated list: %+v %v", esc, err)
		}
		if n, _ := e.s.CountReports(ctx, jurisdiction.Grant(dbtest.TownshipB), sentinel.ReportFilter{}); n != 0 {
			t.Errorf("TownshipB sees %d of TownshipA's reports", n)
		}
		// The state machine: no skipping to a result.
		if _, err := e.s.Advance(ctx, town, e.townA, r.ID, sentinel.StatusNegative, ""); !errs.IsInvalid(err) {
			t.Errorf("result before sampling: %v", err)
		}
		if _, err := e.s.Advance(ctx, town, jurisdiction.Grant(dbtest.TownshipB), r.ID, sentinel.StatusAcked, ""); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("another township acknowledges: %v", err)
		}
		for _, to := range []string{sentinel.StatusAcked, sentinel.StatusSampled, sentinel.StatusSent, sentinel.StatusNegative} {
			if r, err = e.s.Advance(ctx, town, e.townA, r.ID, to, ""); err != nil {
				t.Fatalf("→ %s: %v", to, err)
			}
		}
		got, err := e.s.ViewReport(ctx, town, e.townA, r.ID)
		if err != nil || got.Status != sentinel.StatusNegative || got.Open() || got.AckedBy != "zhenjie" || got.ResultAt == 0 || got.Flagged {
			t.Fatalf("closed report: %+v %v", got, err)
		}
		if _, err := e.s.Advance(ctx, town, e.townA, r.ID, sentinel.StatusPositive, ""); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("a second result: %v", err)
		}
		if len(e.cases.got) != 0 {
			t.Errorf("a negative opened a case")
		}
		// The account that reported the person sees them in full (look-up workflow).
		if why, err := e.s.InWorkflow(ctx, who, e.townA, p.ID); err != nil || why == "" {
			t.Errorf("workflow: %q %v", why, err)
		}
		if why, _ := e.s.InWorkflow(ctx, audit.Actor{Username: "other"}, e.townA, p.ID); why != "" {
			t.Errorf("another account's workflow: %q", why)
		}
	})
}

func TestPositiveResultFlagsAndOpensCase(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		r, err := e.s.ReportFever(ctx, who, e.townA, e.clinic, sentinel.ReportInput{Name: "阳性李四", Phone: "13912345678", Temp: "39",
			Action: sentinel.ActionSample})
		if err != nil {
			t.Fatal(err)
		}
		if r.PersonID != 0 {
			t.Errorf("an unregistered person linked to %d", r.PersonID)
		}
		if _, err := e.s.Advance(ctx, town, e.townA, r.ID, sentinel.StatusSampled, "咽拭子"); err != nil {
			t.Fatal(err)
		}
		e.cases.fail = errors.New("intake down")
		if _, err := e.s.Advance(ctx, town, e.townA, r.ID, sentinel.StatusPositive, ""); err == nil {
			t.Fatal("a failing intake must undo the result")
		}
		if got, _ := e.s.ViewReport(ctx, town, e.townA, r.ID); got.Status != sentinel.StatusSampled || got.Flagged {
			t.Fatalf("after the failed intake: %+v", got)
		}
		e.cases.fail = nil
		if _, err := e.s.Advance(ctx, town, e.townA, r.ID, sentinel.StatusPositive, ""); err != nil {
			t.Fatal(err)
		}
		if len(e.cases.got) != 1 || e.cases.got[0].ID != r.ID || e.cases.outside {
			t.Fatalf("intake: %+v outside=%v", e.cases.got, e.cases.outside)
		}
		fl, err := e.s.Reports(ctx, jurisdiction.Grant(dbtest.County), sentinel.ReportFilter{Status: "flagged"})
		if err != nil || len(fl) != 1 || fl[0].Name != "阳性李四" {
			t.Fatalf("flagged: %+v %v", fl, err)
		}
		// Validation: what the sentinel typed comes back per field.
		for _, c := range []struct {
			in    sentinel.ReportInput
			field string
		}{
			{sentinel.ReportInput{Name: "王五", Phone: "13912345678", Temp: "NaN", Action: sentinel.ActionHome}, "temp"},
			{sentinel.ReportInput{Name: "王五", Temp: "38", Action: sentinel.ActionHome}, "id_number"},
			{sentinel.ReportInput{Name: "王五", Phone: "13912345678", Temp: "38", Action: "吃药"}, "action"},
			{sentinel.ReportInput{Name: "", Phone: "13912345678", Temp: "38", Action: sentinel.ActionHome}, "name"},
			{sentinel.ReportInput{Name: "王五", Phone: "13912345678", Temp: "38", Action: sentinel.ActionHome, FoundAt: start.Add(3 * time.Hour).UnixMilli()}, "found_at"},
		} {
			_, err := e.s.ReportFever(ctx, who, e.townA, e.clinic, c.in)
			var iv *errs.Invalid
			if !errors.As(err, &iv) || iv.Field != c.field {
				t.Errorf("%+v: %v, want a message on %s", c.in, err, c.field)
			}
		}
	})
}

func TestReturnsMissingResubmissionAndClocks(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		a2 := e.mk(t, dbtest.VillageA2, "东街药店", sentinel.KindPharmacy)
		b := e.mk(t, dbtest.VillageB, "余下个体诊所", sentinel.KindPrivateClinic)
		day := "2026-03-10"
		// VillageA's clinic reports 2, then corrects to a zero report.
		if _, err := e.s.SubmitReturn(ctx, who, e.townA, e.clinic, day, 2, ""); err != nil {
			t.Fatal(err)
		}
		rt, err := e.s.SubmitReturn(ctx, who, e.townA, e.clinic, day, 0, "更正")
		if err != nil || rt.Revisions != 2 || !rt.Zero() || rt.FirstAt != start.UnixMilli() {
			t.Fatalf("resubmission: %+v %v", rt, err)
		}
		if _, err := e.s.SubmitReturn(ctx, who, e.townA, e.clinic, day, -1, ""); !errs.IsInvalid(err) {
			t.Errorf("a negative count: %v", err)
		}
		if _, err := e.s.SubmitReturn(ctx, who, e.townA, e.clinic, "2026-03-11", 0, ""); !errs.IsInvalid(err) {
			t.Errorf("tomorrow's return: %v", err)
		}
		// Once a fever patient is reported one by one, that day's return
		// cannot say fewer: a zero report is refused, one is taken (the
		// day before, so the figures of day below stay as they are).
		if _, err := e.s.ReportFever(ctx, who, e.townA, e.clinic, sentinel.ReportInput{Name: "逐例甲", Phone: "13912345671", Temp: "38.2",
			Action: sentinel.ActionHome, FoundAt: start.Add(-24 * time.Hour).UnixMilli()}); err != nil {
			t.Fatal(err)
		}
		var iv *errs.Invalid
		if _, err := e.s.SubmitReturn(ctx, who, e.townA, e.clinic, "2026-03-09", 0, ""); !errors.As(err, &iv) || iv.Field != "fevers" || !strings.Contains(iv.Message, "已逐例报告发热病人 1 人") {
			t.Errorf("a zero report beside a case report: %v", err)
		}
		if rt, err := e.s.SubmitReturn(ctx, who, e.townA, e.clinic, "2026-03-09", 1, ""); err != nil || rt.Fevers != 1 {
			t.Errorf("a return counting the case report: %+v %v", rt, err)
		}
		// The pharmacy reports after the 16:00 cut-off; VillageB's clinic never.
		e.clk.add(8 * time.Hour) // 17:00
		if _, err := e.s.SubmitReturn(ctx, who, e.townA, a2, day, 3, ""); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.Returns(ctx, jurisdiction.Grant(dbtest.County), "", day)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Townships) != 2 || !got.PastCut {
			t.Fatalf("townships: %+v", got)
		}
		ta, tb := got.Townships[0], got.Townships[1]
		if ta.Code != dbtest.TownshipA || ta.Expected != 2 || ta.Reported != 2 || ta.Zero != 1 || ta.Missing != 0 || ta.OnTime != 1 || ta.Fevers != 3 {
			t.Errorf("TownshipA: %+v", ta)
		}
		if ta.OnTimeRate() != 50 || ta.ReportRate() != 100 {
			t.Errorf("TownshipA rates: %d %d", ta.OnTimeRate(), ta.ReportRate())
		}
		if tb.Code != dbtest.TownshipB || tb.Expected != 1 || tb.Reported != 0 || tb.Missing != 1 {
			t.Errorf("TownshipB: %+v", tb)
		}
		if got.Total.Expected != 3 || got.Total.Reported != 2 || got.Total.Missing != 1 {
			t.Errorf("total: %+v", got.Total)
		}
		if len(got.Missing) != 1 || got.Missing[0].ID != b.ID {
			t.Errorf("missing list: %+v", got.Missing)
		}
		// TownshipA's own view holds neither VillageB's sentinel nor its figure.
		own, err := e.s.Returns(ctx, e.townA, "", day)
		if err != nil || len(own.Townships) != 1 || len(own.Missing) != 0 || own.Total.Expected != 2 {
			t.Errorf("TownshipA's view: %+v %v", own, err)
		}
		if _, err := e.s.Returns(ctx, e.townA, dbtest.TownshipB, day); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("TownshipA asking for TownshipB: %v", err)
		}
		// Median report delay: 10 and 50 minutes → 30.
		for _, m := range []int{10, 50} {
			if _, err := e.s.ReportFever(ctx, who, e.townA, e.clinic, sentinel.ReportInput{Name: "发热", Phone: "13912345678", Temp: "38",
				Action: sentinel.ActionHome, FoundAt: e.clk.now().Add(-time.Duration(m) * time.Minute).UnixMilli()}); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := e.s.Returns(ctx, e.townA, "", day); got.Total.Reports != 2 || got.Total.MedianDelay != 30 {
			t.Errorf("delays: %+v", got.Total)
		}
		// Clocks are policy data: a version from the 10th gives 4 hours and a 20:00 cut-off.
		if err := e.s.SetClocks(ctx, town, sentinel.Clocks{EffectiveFrom: "2026-03-10", AckHours: 4, ReturnCutoff: "20:00", BuyerTestHours: 48}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.SetClocks(ctx, town, sentinel.Clocks{EffectiveFrom: "2026-03-10", AckHours: 6, ReturnCutoff: "20:00", BuyerTestHours: 48}); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("a second version of the same day: %v", err)
		}
		if err := e.s.SetClocks(ctx, town, sentinel.Clocks{EffectiveFrom: "2026-03-11", AckHours: 0, ReturnCutoff: "25:00"}); !errs.IsInvalid(err) {
			t.Errorf("bad clocks: %v", err)
		}
		if c, _ := e.s.ClocksOn(ctx, "2026-03-09"); c.AckHours != 2 {
			t.Errorf("before the version: %+v", c)
		}
		r, err := e.s.ReportFever(ctx, who, e.townA, e.clinic, sentinel.ReportInput{Name: "发热", Phone: "13912345678", Temp: "38", Action: sentinel.ActionHome})
		if err != nil || r.AckDueAt != e.clk.now().Add(4*time.Hour).UnixMilli() {
			t.Errorf("4-hour clock: %+v %v", r, err)
		}
		if got, _ := e.s.Returns(ctx, e.townA, "", day); got.Total.OnTime != 2 || got.PastCut {
			t.Errorf("with a 20:00 cut-off: %+v past=%v", got.Total, got.PastCut)
		}
	})
}
