package returnee_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
	"fangkong/internal/sheet"
)

var who = audit.Actor{UserID: 1, Username: "worker", Role: "village", Unit: dbtest.VillageA}

type assigned struct {
	person    int64
	cat, day0 string
}

// recorder is the measures service as the ledger sees it: it notes what
// it is given, checks that it runs inside the transaction that stored the
// arrival (and sees the person and the arrival there), and fails when told.
type recorder struct {
	d    *db.DB
	got  []assigned
	fail error
	bad  []string
}

func (r *recorder) AssignCategory(ctx context.Context, _ audit.Actor, personID int64, category, dayZero, source, _ string) error {
	if !r.d.InTransaction(ctx) {
		r.bad = append(r.bad, "assigner called outside the arrival's transaction")
	}
	var n int
	if err := r.d.Reader(ctx).QueryRowContext(ctx, "SELECT COUNT(*) FROM returnees WHERE person_id = $1", personID).Scan(&n); err != nil || n == 0 {
		r.bad = append(r.bad, fmt.Sprintf("assigner does not see the arrival of %d (%s): %d, %v", personID, source, n, err))
	}
	if r.fail != nil {
		return r.fail
	}
	r.got = append(r.got, assigned{personID, category, dayZero})
	return nil
}

type env struct {
	reg  *registry.Service
	risk *riskarea.Service
	svc  *returnee.Service
	rec  *recorder
	now  time.Time
}

func setup(t *testing.T, d *db.DB) *env { return setupWith(t, d, riskarea.NoNames) }

// setupWith is setup with place knowledge (riskarea.NoNames: codes only).
func setupWith(t *testing.T, d *db.DB, names riskarea.NameResolver) *env {
	dbtest.Tree(t, d)
	now := time.Date(2022, 1, 10, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	units := jurisdiction.NewStore(d, clock)
	e := &env{reg: registry.NewService(d, units, clock), rec: &recorder{d: d}, now: now}
	t.Cleanup(func() {
		for _, b := range e.rec.bad {
			t.Error(b)
		}
	})
	levels := riskarea.NewLookup(d, names)
	e.svc = returnee.NewService(d, e.reg, units, levels, e.rec, clock)
	e.risk = riskarea.NewService(d, levels, e.svc, clock)
	ctx := context.Background()
	for _, en := range []riskarea.Entry{
		{Code: "610113", Level: "中", EffectiveFrom: "2021-12-20"},
		{Code: "610113", Detail: "明德门小区", Level: "高", EffectiveFrom: "2021-12-22"},
		{Code: "4201", Level: "低", EffectiveFrom: "2021-12-01", EffectiveTo: "2021-12-31"},
	} {
		if _, err := e.risk.Add(ctx, who, en); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func TestRecordAndMerge(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		villageA, villageB := jurisdiction.Grant(dbtest.VillageA), jurisdiction.Grant(dbtest.VillageB)
		h, err := e.reg.CreateHousehold(ctx, who, villageA, registry.Household{UnitCode: dbtest.VillageA, Address: "西街7号"})
		if err != nil {
			t.Fatal(err)
		}
		id := dbtest.ID("61011819900101123")
		// Unknown person: created in the household; the level is the one on the departure day.
		a, merged, err := e.svc.Record(ctx, who, villageA, returnee.Arrival{Name: "返乡甲", IDNumber: id, Phone: "13800138000",
			HouseholdID: h.ID, OriginCode: "610113", OriginDetail: "明德门 小区", DepartedOn: "2021-12-21", ArrivedOn: "2021-12-23",
			Transport: "自驾", TransportNo: "陕A12345", Source: returnee.SourceSweep})
		if err != nil || merged {
			t.Fatalf("record: %v merged=%v", err, merged)
		}
		if a.PersonID == 0 || a.VillageCode != dbtest.VillageA || a.OriginLevel != riskarea.Medium {
			t.Errorf("arrival %+v (the 小区 was high only from 12-22; left 12-21 → medium)", a)
		}
		p, err := e.reg.ViewPerson(ctx, who, villageA, a.PersonID)
		if err != nil || p.HouseholdID != h.ID || p.Residence != registry.ResidentBack {
			t.Errorf("person created %+v %v", p, err)
		}
		// The push list reports the same arrival two days later, leaving on 12-22: merged, level raised.
		b, merged, err := e.svc.Record(ctx, who, villageA, returnee.Arrival{Name: "返乡甲", IDNumber: id, VillageCode: dbtest.VillageA,
			OriginCode: "610113", OriginDetail: "明德门小区", DepartedOn: "2021-12-22", ArrivedOn: "2021-12-25", Source: returnee.SourcePush,
			SourceRef: "push-task:9", Symptoms: "无"})
		if err != nil || !merged || b.ID != a.ID {
			t.Fatalf("merge: %v merged=%v id %d vs %d", err, merged, b.ID, a.ID)
		}
		if b.OriginLevel != riskarea.High || len(b.Sources) != 2 || b.Transport != "自驾" || b.Symptoms != "无" {
			t.Errorf("merged %+v", b)
		}
		// The same source again, within the window: still one arrival.
		if _, merged, _ := e.svc.Record(ctx, who, villageA, returnee.Arrival{PersonID: a.PersonID, OriginCode: "610113",
			ArrivedOn: "2021-12-24", Source: returnee.SourcePush}); !merged {
			t.Error("third report not merged")
		}
		// A later trip is a new arrival.
		c, merged, err := e.svc.Record(ctx, who, villageA, returnee.Arrival{PersonID: a.PersonID, OriginCode: "420102",
			DepartedOn: "2021-12-31", ArrivedOn: "2022-01-01", Source: returnee.SourceEmployer})
		if err != nil || merged || c.OriginLevel != riskarea.Low {
			t.Errorf("second trip: %+v %v merged=%v", c, err, merged)
		}
		rows, err := e.svc.List(ctx, villageA, returnee.Filter{})
		if err != nil || len(rows) != 2 {
			t.Fatalf("list: %d %v", len(rows), err)
		}
		if rows[1].IDMasked == id || rows[1].IDNumber != "" || rows[1].PhoneMasked != "138****8000" {
			t.Errorf("list not masked: %+v", rows[1])
		}
		// Scoping: village B sees nothing and cannot record into A.
		if rows, _ := e.svc.List(ctx, villageB, returnee.Filter{}); len(rows) != 0 {
			t.Errorf("village B lists %d", len(rows))
		}
		if _, err := e.svc.View(ctx, who, villageB, a.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("view from B: %v", err)
		}
		if _, _, err := e.svc.Record(ctx, who, villageB, returnee.Arrival{Name: "某人", IDNumber: id, VillageCode: dbtest.VillageB,
			OriginCode: "610113", ArrivedOn: "2021-12-23", Source: returnee.SourcePush}); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("recording A's person from B: %v", err)
		}
		if _, _, err := e.svc.Record(ctx, who, villageB, returnee.Arrival{Name: "某人", VillageCode: dbtest.VillageA, Sex: "男",
			BirthDate: "1990-01-01", OriginCode: "610113", ArrivedOn: "2021-12-23", Source: returnee.SourcePush}); !errs.IsInvalid(err) {
			t.Errorf("recording into A from B: %v", err)
		}
		// Verification, and the control categories handed over.
		if _, err := e.svc.SetStatus(ctx, who, villageA, a.ID, returnee.StatusVerified, "已见本人", 0); err != nil {
			t.Fatal(err)
		}
		want := []assigned{{a.PersonID, returnee.CategoryMediumRisk, "2021-12-21"}, {a.PersonID, returnee.CategoryHighRisk, "2021-12-22"},
			{a.PersonID, returnee.CategoryLowRisk, "2022-01-01"}, {a.PersonID, returnee.CategoryHighRisk, "2021-12-22"}}
		if fmt.Sprint(e.rec.got) != fmt.Sprint(want) {
			t.Errorf("assigned %v, want %v", e.rec.got, want)
		}
		// Bad input.
		for _, bad := range []returnee.Arrival{
			{Name: "x", VillageCode: dbtest.VillageA, OriginCode: "610113", ArrivedOn: "2022-02-01", Source: returnee.SourcePush},
			{Name: "x", VillageCode: dbtest.VillageA, OriginCode: "610113", ArrivedOn: "2021-12-01", DepartedOn: "2021-12-02", Source: returnee.SourcePush},
			{Name: "x", VillageCode: dbtest.VillageA, OriginCode: "610113", ArrivedOn: "2021-12-01", Source: "电话"},
			{Name: "x", VillageCode: dbtest.TownshipA, Sex: "男", BirthDate: "1990-01-01", OriginCode: "610113", ArrivedOn: "2021-12-01", Source: returnee.SourcePush},
			{Name: "x", VillageCode: dbtest.VillageA, OriginCode: "61011", ArrivedOn: "2021-12-01", Source: returnee.SourcePush},
		} {
			if _, _, err := e.svc.Record(ctx, who, villageA, bad); !errs.IsInvalid(err) {
				t.Errorf("bad arrival %+v: %v", bad, err)
			}
		}
		// A correction: the second trip came from the 小区 in 雁塔区 → high.
		got, _ := e.svc.Get(ctx, villageA, c.ID)
		up, err := e.svc.Update(ctx, who, villageA, returnee.Arrival{ID: c.ID, OriginCode: "610113", OriginDetail: "明德门小区",
			DepartedOn: "2021-12-31", ArrivedOn: "2022-01-01", Transport: "客车", Version: got.Version})
		if err != nil || up.OriginLevel != riskarea.High || up.Sources[0] != returnee.SourceEmployer {
			t.Errorf("update: %+v %v", up, err)
		}
		if _, err := e.svc.Update(ctx, who, villageA, returnee.Arrival{ID: c.ID, OriginCode: "610113", ArrivedOn: "2022-01-01",
			Version: got.Version}); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("stale update: %v", err)
		}
		if _, err := e.svc.Update(ctx, who, villageB, returnee.Arrival{ID: c.ID, ArrivedOn: "2022-01-01", Version: up.Version}); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("update from B: %v", err)
		}
		if last := e.rec.got[len(e.rec.got)-1]; last != (assigned{a.PersonID, returnee.CategoryHighRisk, "2021-12-31"}) {
			t.Errorf("after the correction, assigned %v", last)
		}
		var buf bytes.Buffer
		if n, err := e.svc.Export(ctx, who, villageA, dbtest.VillageA, &buf); err != nil || n != 2 {
			t.Errorf("export: %d rows, %v", n, err)
		}
		if rd, err := sheet.Open(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil || !rd.Next() || rd.Row()[3] != id {
			t.Errorf("export content: %v", err)
		}
		if _, err := e.svc.Export(ctx, who, villageB, dbtest.VillageA, &buf); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("export of A from B: %v", err)
		}
		st, err := e.svc.StatsOf(ctx, jurisdiction.Grant(dbtest.County), dbtest.TownshipA)
		if err != nil || st.Tally.Total != 2 || st.Tally.ByRank[3] != 2 || len(st.Weeks) != 2 {
			t.Errorf("stats %+v %v", st, err)
		}
	})
}

// Dates are taken as people type them: 2021年12月23日, 2021/12/21,
// 2021年12月22日5时34分 are stored as 2021-12-23, 2021-12-21 and
// 2021-12-22 05:34; a date that is none is refused.
func TestRecordTakesDatesAsTyped(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		villageA := jurisdiction.Grant(dbtest.VillageA)
		a, _, err := e.svc.Record(ctx, who, villageA, returnee.Arrival{Name: "返乡乙", Sex: "女", BirthDate: "1990年1月2日",
			VillageCode: dbtest.VillageA, OriginCode: "610113", DepartedOn: "2021/12/21", ArrivedOn: "2021年12月23日",
			TestSampledAt: "2021年12月22日5时34分", Source: returnee.SourceSweep})
		if err != nil {
			t.Fatalf("record: %v", err)
		}
		if a.ArrivedOn != "2021-12-23" || a.DepartedOn != "2021-12-21" || a.TestSampledAt != "2021-12-22 05:34" {
			t.Errorf("stored arrived %q, departed %q, tested %q", a.ArrivedOn, a.DepartedOn, a.TestSampledAt)
		}
		// Reported again with a later test: merged, the later test kept;
		// then with an earlier one: the later still kept.
		for _, tested := range []string{"2021-12-23 08:00", "2021-12-20"} {
			b, merged, err := e.svc.Record(ctx, who, villageA, returnee.Arrival{PersonID: a.PersonID, VillageCode: dbtest.VillageA,
				OriginCode: "610113", ArrivedOn: "2021-12-23", TestSampledAt: tested, Source: returnee.SourcePush})
			if err != nil || !merged || b.TestSampledAt != "2021-12-23 08:00" {
				t.Errorf("reported again, tested %s: merged %v, test %q, %v", tested, merged, b.TestSampledAt, err)
			}
		}
		if _, _, err := e.svc.Record(ctx, who, villageA, returnee.Arrival{Name: "返乡丙", Sex: "女", BirthDate: "1990-01-03",
			VillageCode: dbtest.VillageA, OriginCode: "610113", ArrivedOn: "上周", Source: returnee.SourceSweep}); !errs.IsInvalid(err) {
			t.Errorf("arrived 上周: %v", err)
		}
	})
}

func TestSweepCoverage(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		county, villageA, villageB := jurisdiction.Grant(dbtest.County), jurisdiction.Grant(dbtest.VillageA), jurisdiction.Grant(dbtest.VillageB)
		var hA, hB []registry.Household
		for i := 0; i < 4; i++ {
			h, err := e.reg.CreateHousehold(ctx, who, county, registry.Household{UnitCode: dbtest.VillageA, Address: fmt.Sprintf("西街%d号", i)})
			if err != nil {
				t.Fatal(err)
			}
			hA = append(hA, h)
		}
		for i := 0; i < 2; i++ {
			h, _ := e.reg.CreateHousehold(ctx, who, county, registry.Household{UnitCode: dbtest.VillageB, Address: fmt.Sprintf("余下%d号", i)})
			hB = append(hB, h)
		}
		w, err := e.svc.OpenSweep(ctx, who, county, returnee.Sweep{Name: "春节前第一轮", StartsOn: "2022-01-05"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.OpenSweep(ctx, who, villageA, returnee.Sweep{Name: "x", UnitCode: dbtest.VillageB}); !errs.IsInvalid(err) {
			t.Errorf("sweep over another village: %v", err)
		}
		mark := func(scope jurisdiction.Scope, h registry.Household, n int) error {
			_, err := e.svc.MarkVisit(ctx, who, scope, returnee.Visit{SweepID: w.ID, HouseholdID: h.ID, Present: "户主、配偶", Returnees: n})
			return err
		}
		for i, h := range hA[:3] {
			if err := mark(villageA, h, i%2); err != nil {
				t.Fatal(err)
			}
		}
		if err := mark(villageA, hA[0], 2); err != nil { // a correction, not a second visit
			t.Fatal(err)
		}
		if err := mark(villageA, hB[0], 0); !errs.IsInvalid(err) {
			t.Errorf("village A marking a B household: %v", err)
		}
		if err := mark(villageB, hB[0], 0); err != nil {
			t.Fatal(err)
		}
		rep, err := e.svc.Report(ctx, county, w.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if rep.Total.Households != 6 || rep.Total.Visited != 4 || rep.Total.Returnees != 3 || len(rep.Townships) != 2 || len(rep.Pending) != 2 {
			t.Errorf("county report %+v", rep)
		}
		ra, err := e.svc.Report(ctx, villageA, w.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if ra.Total.Households != 4 || ra.Total.Visited != 3 || len(ra.Villages) != 1 || len(ra.Pending) != 1 || ra.Pending[0].ID != hA[3].ID {
			t.Errorf("village A report %+v", ra)
		}
		for _, v := range ra.Visits {
			if v.UnitCode != dbtest.VillageA {
				t.Errorf("village A sees visit in %s", v.UnitCode)
			}
		}
		// A sweep over village B alone is invisible to village A.
		wb, err := e.svc.OpenSweep(ctx, who, county, returnee.Sweep{Name: "余下专项", UnitCode: dbtest.VillageB})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Report(ctx, villageA, wb.ID, ""); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("village A reading B's sweep: %v", err)
		}
		if list, _ := e.svc.Sweeps(ctx, villageA); len(list) != 1 || list[0].ID != w.ID {
			t.Errorf("village A sweeps %+v", list)
		}
		if _, err := e.svc.CloseSweep(ctx, who, villageA, w.ID); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("village closing a county sweep: %v", err)
		}
		if _, err := e.svc.CloseSweep(ctx, who, county, w.ID); err != nil {
			t.Fatal(err)
		}
		if err := mark(villageA, hA[3], 0); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("marking a closed sweep: %v", err)
		}
	})
}

func TestSelfReport(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		villageA, villageB := jurisdiction.Grant(dbtest.VillageA), jurisdiction.Grant(dbtest.VillageB)
		pa, err := e.svc.Poster(ctx, villageA, dbtest.VillageA)
		if err != nil || len(pa.Token) < 20 {
			t.Fatalf("poster %+v %v", pa, err)
		}
		if again, _ := e.svc.Poster(ctx, villageA, dbtest.VillageA); again.Token != pa.Token {
			t.Error("poster token changed on second read")
		}
		if _, err := e.svc.Poster(ctx, villageA, dbtest.VillageB); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("poster of B from A: %v", err)
		}
		report := func(token, ip string, i int) (int64, error) {
			return e.svc.SubmitSelfReport(ctx, token, returnee.SelfReport{Name: fmt.Sprintf("自报%d", i),
				IDNumber: dbtest.ID(fmt.Sprintf("6101181995010100%d", i)), Address: "西街9号", OriginCode: "610113",
				DepartedOn: "2021-12-24", ArrivedOn: "2021-12-25", Transport: "火车", TransportNo: "G1234", IP: ip})
		}
		if _, err := report("no-such-token-000000000", "10.0.0.1", 0); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("unknown token: %v", err)
		}
		var first int64
		for i := 0; i < returnee.SelfReportsPerIP; i++ {
			id, err := report(pa.Token, "10.0.0.1", i)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = id
			}
		}
		if _, err := report(pa.Token, "10.0.0.1", 9); !errors.Is(err, errs.ErrTooMany) {
			t.Errorf("sixth report from one address: %v", err)
		}
		if _, err := report(pa.Token, "10.0.0.2", 9); err != nil {
			t.Errorf("another address: %v", err)
		}
		if _, err := e.svc.SubmitSelfReport(ctx, pa.Token, returnee.SelfReport{Name: "x", ArrivedOn: "2021-12-25", OriginCode: "610113", IP: "10.0.0.3"}); !errs.IsInvalid(err) {
			t.Errorf("report without ID number: %v", err)
		}
		// The queue is village A's only; B sees nothing and cannot confirm.
		qa, _ := e.svc.SelfReports(ctx, villageA, "", "", 0)
		if len(qa) != 6 || qa[0].IDNumber == "" || qa[0].IDNumber[4:8] != "****" {
			t.Errorf("A's queue %d %+v", len(qa), qa[0])
		}
		if qb, _ := e.svc.SelfReports(ctx, villageB, "", "", 0); len(qb) != 0 {
			t.Errorf("B's queue %d", len(qb))
		}
		if _, _, err := e.svc.ConfirmSelfReport(ctx, who, villageB, first, 0); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("B confirming A's report: %v", err)
		}
		a, merged, err := e.svc.ConfirmSelfReport(ctx, who, villageA, first, 0)
		if err != nil || merged || a.Status != returnee.StatusVerified || a.Sources[0] != returnee.SourceSelfReport || a.OriginLevel != riskarea.Medium {
			t.Fatalf("confirm: %+v %v", a, err)
		}
		if _, _, err := e.svc.ConfirmSelfReport(ctx, who, villageA, first, 0); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("confirming twice: %v", err)
		}
		if err := e.svc.RejectSelfReport(ctx, who, villageA, qa[1].ID); err != nil {
			t.Error(err)
		}
		if pending, _ := e.svc.SelfReports(ctx, villageA, "", returnee.ReportPending, 0); len(pending) != 4 {
			t.Errorf("pending %d", len(pending))
		}
		// A rotated token stops the old poster.
		np, err := e.svc.RotatePoster(ctx, who, villageA, dbtest.VillageA)
		if err != nil || np.Token == pa.Token {
			t.Fatal(err)
		}
		if _, err := e.svc.PosterByToken(ctx, pa.Token); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("old token: %v", err)
		}
	})
}

func TestConcurrentReportsMerge(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		county := jurisdiction.Grant(dbtest.County)
		p, err := e.reg.CreatePerson(ctx, who, county, registry.Person{Name: "并发甲", Sex: "女", BirthDate: "1992-03-04", UnitCode: dbtest.VillageB})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errc := make(chan error, 8)
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, _, err := e.svc.Record(ctx, who, county, returnee.Arrival{PersonID: p.ID, OriginCode: "610113",
					ArrivedOn: fmt.Sprintf("2021-12-%02d", 20+i%3), Source: returnee.Sources[i%len(returnee.Sources)]})
				errc <- err
			}(i)
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Error(err)
			}
		}
		rows, _ := e.svc.List(ctx, county, returnee.Filter{PersonID: p.ID})
		if len(rows) != 1 || len(rows[0].Sources) != len(returnee.Sources) {
			t.Errorf("8 concurrent reports: %d arrivals, %+v", len(rows), rows)
		}
	})
}

// TestRelevelOnListChange: an entry added late, with a past effective date,
// or closed early, changes the stored level of the arrivals it concerns.
func TestRelevelOnListChange(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		county := jurisdiction.Grant(dbtest.County)
		a, _, err := e.svc.Record(ctx, who, county, returnee.Arrival{Name: "未央归", Sex: "男", BirthDate: "1985-05-05",
			VillageCode: dbtest.VillageB, OriginCode: "610112003", DepartedOn: "2021-12-24", ArrivedOn: "2021-12-25", Source: returnee.SourceSweep})
		if err != nil || a.OriginLevel != "" {
			t.Fatalf("record: %+v %v", a, err)
		}
		other, _, _ := e.svc.Record(ctx, who, county, returnee.Arrival{Name: "别处归", Sex: "女", BirthDate: "1986-06-06",
			VillageCode: dbtest.VillageB, OriginCode: "610104", DepartedOn: "2021-12-24", ArrivedOn: "2021-12-25", Source: returnee.SourceSweep})
		level := func(id int64) string {
			r, err := e.svc.Get(ctx, county, id)
			if err != nil {
				t.Fatal(err)
			}
			return r.OriginLevel
		}
		en, err := e.risk.Add(ctx, who, riskarea.Entry{Code: "610112", Level: "中", EffectiveFrom: "2021-12-23"})
		if err != nil {
			t.Fatal(err)
		}
		if got := level(a.ID); got != riskarea.Medium {
			t.Errorf("after the late entry: %q", got)
		}
		if got := level(other.ID); got != "" {
			t.Errorf("an arrival from elsewhere changed to %q", got)
		}
		if last := e.rec.got[len(e.rec.got)-1]; last != (assigned{a.PersonID, returnee.CategoryMediumRisk, "2021-12-24"}) {
			t.Errorf("hand-over after the late entry: %v", last)
		}
		if _, err := e.risk.Close(ctx, who, en.ID, "2021-12-23"); err != nil {
			t.Fatal(err)
		}
		if got := level(a.ID); got != "" {
			t.Errorf("after closing the entry on 12-23: %q", got)
		}
		csv := "区划代码,风险等级,生效日期\n6101,低,2021-12-01\n"
		if _, err := e.risk.Import(ctx, who, strings.NewReader(csv), int64(len(csv)), registry.ImportAllOrNothing); err != nil {
			t.Fatal(err)
		}
		if got, got2 := level(a.ID), level(other.ID); got != riskarea.Low || got2 != riskarea.Low {
			t.Errorf("after importing 西安 low: %q, %q", got, got2)
		}
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM audit_log WHERE entity = 'returnee' AND summary LIKE '风险地区清单变更%'").Scan(&n)
		if n != 4 {
			t.Errorf("relevel audit entries %d, want 4", n)
		}
	})
}

// TestRecordIsOneTransaction: recording an arrival creates the person
// (registry), the arrival and the control measure in one transaction; when
// the measure cannot be assigned, neither the person nor the arrival stays.
// Verifying, correcting and confirming a self-report likewise.
func TestRecordIsOneTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		villageA := jurisdiction.Grant(dbtest.VillageA)
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := d.R().QueryRow(q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		people, arrivals, audits := count("SELECT COUNT(*) FROM people"), count("SELECT COUNT(*) FROM returnees"),
			count("SELECT COUNT(*) FROM audit_log")
		nothingNew := func(step string) {
			t.Helper()
			if p, a, l := count("SELECT COUNT(*) FROM people"), count("SELECT COUNT(*) FROM returnees"),
				count("SELECT COUNT(*) FROM audit_log"); p != people || a != arrivals || l != audits {
				t.Errorf("%s: people %d→%d, arrivals %d→%d, audit %d→%d", step, people, p, arrivals, a, audits, l)
			}
		}
		e.rec.fail = errors.New("measures unavailable")
		id := dbtest.ID("61011819900101771")
		in := returnee.Arrival{Name: "回滚甲", IDNumber: id, VillageCode: dbtest.VillageA, OriginCode: "610113",
			DepartedOn: "2021-12-21", ArrivedOn: "2021-12-23", Source: returnee.SourceSweep}
		if _, _, err := e.svc.Record(ctx, who, villageA, in); !errors.Is(err, e.rec.fail) {
			t.Fatalf("record with a failing assigner: %v", err)
		}
		nothingNew("new person, failing assigner")
		if n := count("SELECT COUNT(*) FROM people WHERE id_number = $1", id); n != 0 {
			t.Errorf("person committed without the arrival: %d", n)
		}
		// The same report succeeds once measures work: nothing half-made is in the way.
		e.rec.fail = nil
		a, merged, err := e.svc.Record(ctx, who, villageA, in)
		if err != nil || merged || len(e.rec.got) != 1 {
			t.Fatalf("record again: %+v merged=%v %v, assigned %v", a, merged, err, e.rec.got)
		}
		people, arrivals, audits = count("SELECT COUNT(*) FROM people"), count("SELECT COUNT(*) FROM returnees"),
			count("SELECT COUNT(*) FROM audit_log")
		// A known person's new arrival: no arrival row stays.
		e.rec.fail = errors.New("measures unavailable")
		if _, _, err := e.svc.Record(ctx, who, villageA, returnee.Arrival{PersonID: a.PersonID, OriginCode: "610113",
			DepartedOn: "2022-01-05", ArrivedOn: "2022-01-06", Source: returnee.SourceEmployer}); !errors.Is(err, e.rec.fail) {
			t.Fatalf("second trip with a failing assigner: %v", err)
		}
		nothingNew("known person, failing assigner")
		// A merge that raises the level (the 小区 is high from 12-22).
		if _, _, err := e.svc.Record(ctx, who, villageA, returnee.Arrival{PersonID: a.PersonID, OriginCode: "610113",
			OriginDetail: "明德门小区", DepartedOn: "2021-12-22", ArrivedOn: "2021-12-23", Source: returnee.SourcePush}); !errors.Is(err, e.rec.fail) {
			t.Fatalf("raising merge with a failing assigner: %v", err)
		}
		nothingNew("raising merge, failing assigner")
		if got, _ := e.svc.Get(ctx, villageA, a.ID); got.OriginLevel != riskarea.Medium || len(got.Sources) != 1 {
			t.Errorf("merge committed without the measure: %+v", got)
		}
		// Verification and correction.
		if _, err := e.svc.SetStatus(ctx, who, villageA, a.ID, returnee.StatusVerified, "", 0); !errors.Is(err, e.rec.fail) {
			t.Fatalf("verify with a failing assigner: %v", err)
		}
		if _, err := e.svc.Update(ctx, who, villageA, returnee.Arrival{ID: a.ID, OriginCode: "610113", OriginDetail: "明德门小区",
			DepartedOn: "2021-12-22", ArrivedOn: "2021-12-23", Version: a.Version}); !errors.Is(err, e.rec.fail) {
			t.Fatalf("raising correction with a failing assigner: %v", err)
		}
		nothingNew("verify and correct, failing assigner")
		if got, _ := e.svc.Get(ctx, villageA, a.ID); got.Status != returnee.StatusPending || got.Version != a.Version {
			t.Errorf("verification committed without the measure: %+v", got)
		}
		// A list change that raises the level (relevel inside the list's transaction).
		if _, err := e.risk.Add(ctx, who, riskarea.Entry{Code: "6101", Level: "高", EffectiveFrom: "2021-12-01"}); !errors.Is(err, e.rec.fail) {
			t.Fatalf("risk-area change with a failing assigner: %v", err)
		}
		nothingNew("risk-area change, failing assigner")
		if list, _ := e.risk.List(ctx, riskarea.Filter{}); len(list) != 3 {
			t.Errorf("risk-area entry committed without the measures: %+v", list)
		}
	})
}
