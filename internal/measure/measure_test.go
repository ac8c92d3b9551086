package measure_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/notify"
	"fangkong/internal/policy"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func at(day, hm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, clock.Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

var (
	actorA = audit.Actor{UserID: 1, Username: "cunA", Role: "village", Unit: dbtest.VillageA}
	actorB = audit.Actor{UserID: 2, Username: "cunB", Role: "village", Unit: dbtest.VillageB}
	cmd    = audit.Actor{UserID: 3, Username: "zhihui", Role: "command", Unit: dbtest.County}
	scopeA = jurisdiction.Grant(dbtest.VillageA)
	scopeB = jurisdiction.Grant(dbtest.VillageB)
	county = jurisdiction.Grant(dbtest.County)
)

func setup(t *testing.T, d *db.DB, c *fakeClock) *measure.Service {
	t.Helper()
	dbtest.Tree(t, d)
	ps := policy.NewStore(d, c.now)
	if err := ps.EnsureDefaults(context.Background()); err != nil {
		t.Fatal(err)
	}
	return measure.NewService(d, ps, measure.NoRoundResults, notify.Discard, c.now)
}

func addPerson(t testing.TB, d *db.DB, unit, name string) int64 {
	t.Helper()
	var id int64
	if err := d.W().QueryRow(`INSERT INTO people (name, unit_code, phone, created_at, updated_at) VALUES ($1, $2, '13912345678', 0, 0) RETURNING id`,
		name, unit).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.R().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAssignWorkAlertsRelease(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &fakeClock{at("2022-07-03", "10:00")}
		s := setup(t, d, c)
		pa := addPerson(t, d, dbtest.GroupA1, "张密接")
		pb := addPerson(t, d, dbtest.VillageB, "李外村")

		// Out of scope: village B cannot assign village A's person.
		if err := s.AssignCategory(ctx, actorB, pa, "close_contact", "2022-07-01", "流调", ""); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("assign outside scope: %v", err)
		}
		if err := s.AssignCategory(ctx, actorA, pa, "密切接触者", "2022-07-01", "流调", "同车"); err != nil {
			t.Fatal(err)
		}
		// The same again is a no-op.
		if err := s.AssignCategory(ctx, actorA, pa, "close_contact", "2022-07-01", "流调", ""); err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM measures WHERE person_id = $1", pa); n != 1 {
			t.Fatalf("%d measures after repeating", n)
		}
		for _, bad := range [][2]string{{"nobody", "2022-07-01"}, {"close_contact", "2022-7-1x"}, {"close_contact", "2022-07-04"}, {"close_contact", ""}} {
			if err := s.AssignCategory(ctx, actorA, pa, bad[0], bad[1], "", ""); !errs.IsInvalid(err) {
				t.Errorf("assign %v: %v", bad, err)
			}
		}
		m, err := s.Active(ctx, scopeA, pa)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Phases) != 2 || m.Phases[0].Start != "2022-07-02" || m.Phases[0].End != "2022-07-08" ||
			m.Phases[1].Start != "2022-07-09" || m.Phases[1].End != "2022-07-11" || m.EndDate != "2022-07-11" {
			t.Fatalf("phases %+v end %s", m.Phases, m.EndDate)
		}
		var dues []string
		for _, tt := range m.Tests {
			dues = append(dues, tt.Due)
		}
		if strings.Join(dues, ",") != "2022-07-02,2022-07-03,2022-07-04,2022-07-06,2022-07-08,2022-07-11" {
			t.Fatalf("tests %v", dues)
		}
		if !strings.Contains(m.Explanation, "密切接触者") || !strings.Contains(m.Explanation, "第九版") || !strings.Contains(m.Explanation, "2022-07-01") {
			t.Errorf("explanation %s", m.Explanation)
		}
		if _, err := s.Get(ctx, scopeB, m.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("village B sees village A's measure: %v", err)
		}
		if err := s.AssignCategory(ctx, actorB, pb, "medium_risk_area", "2022-07-02", "返乡登记", ""); err != nil {
			t.Fatal(err)
		}

		// Work list of village A on 07-03: two checks and one test due.
		wl, err := s.Work(ctx, scopeA, dbtest.VillageA, "2022-07-03")
		if err != nil {
			t.Fatal(err)
		}
		if len(wl.Checks) != 1 || wl.ChecksDue != 2 || len(wl.Tests) != 1 || wl.Checks[0].Name != "张密接" {
			t.Fatalf("work list %+v", wl)
		}
		if _, err := s.Work(ctx, scopeA, dbtest.VillageB, "2022-07-03"); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("work list of another village: %v", err)
		}
		wlB, _ := s.Work(ctx, scopeB, dbtest.VillageB, "2022-07-03")
		if len(wlB.Checks) != 1 || wlB.Checks[0].Name != "李外村" {
			t.Errorf("village B work list %+v", wlB)
		}
		if _, err := s.RecordCheck(ctx, actorB, scopeB, m.ID, measure.CheckInput{Temp: "36.5"}); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("check outside scope: %v", err)
		}
		if _, err := s.RecordCheck(ctx, actorA, scopeA, m.ID, measure.CheckInput{Temp: "45"}); !errs.IsInvalid(err) {
			t.Errorf("bad temperature: %v", err)
		}
		if _, err := s.RecordCheck(ctx, actorA, scopeA, m.ID, measure.CheckInput{Temp: "36.5"}); err != nil {
			t.Fatal(err)
		}
		// The person's own link: abnormal → alert to the township.
		if _, err := s.RecordCheckByToken(ctx, m.Token, measure.CheckInput{Temp: "37.3", Symptoms: []string{"干咳"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordCheckByToken(ctx, "x"+m.Token[1:]+"y", measure.CheckInput{Temp: "36.5"}); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("bad token: %v", err)
		}
		alerts, _ := s.Alerts(ctx, scopeA, measure.AlertFilter{Open: true})
		if len(alerts) != 1 || alerts[0].Kind != measure.AlertAbnormal || alerts[0].Level != jurisdiction.LevelTownship {
			t.Fatalf("alerts %+v", alerts)
		}
		if a, _ := s.Alerts(ctx, scopeB, measure.AlertFilter{}); len(a) != 0 {
			t.Errorf("village B sees %d alerts", len(a))
		}
		if err := s.HandleAlert(ctx, actorB, scopeB, alerts[0].ID, "x"); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("handle outside scope: %v", err)
		}
		if err := s.HandleAlert(ctx, actorA, scopeA, alerts[0].ID, "乡镇卫生院已上门复测"); err != nil {
			t.Fatal(err)
		}
		wl, _ = s.Work(ctx, scopeA, dbtest.VillageA, "2022-07-03")
		if wl.ChecksDone != 2 {
			t.Errorf("checks done %d", wl.ChecksDone)
		}
		// Sample today's test.
		if err := s.RecordSample(ctx, actorA, scopeA, wl.Tests[0].TestID); err != nil {
			t.Fatal(err)
		}

		// Sweep: 07-03's checks done and test sampled; 07-04 missed entirely.
		r, err := s.Sweep(ctx, at("2022-07-04", "01:00")) // inside the grace period
		if err != nil || r.MissedChecks+r.MissedTests != 0 {
			t.Fatalf("sweep in grace: %+v %v", r, err)
		}
		r, _ = s.Sweep(ctx, at("2022-07-05", "03:00"))
		// A: 07-04 check and test missed; 07-02 (before assignment) ignored;
		// B: 07-03 and 07-04 checks and the 07-03 test missed.
		if r.MissedChecks != 3 || r.MissedTests != 2 {
			t.Fatalf("sweep: %+v", r)
		}
		r, _ = s.Sweep(ctx, at("2022-07-05", "03:30"))
		if r.MissedChecks+r.MissedTests+r.Escalated != 0 {
			t.Fatalf("second sweep not idempotent: %+v", r)
		}
		r, _ = s.Sweep(ctx, at("2022-07-05", "09:30"))
		if r.Escalated != 5 {
			t.Fatalf("escalation to township: %+v", r)
		}
		r, _ = s.Sweep(ctx, at("2022-07-05", "15:31"))
		open, _ := s.Alerts(ctx, scopeA, measure.AlertFilter{Open: true})
		for _, a := range open {
			if a.Level != jurisdiction.LevelCounty {
				t.Errorf("alert %s at level %d after 12 h", a.Kind, a.Level)
			}
		}

		// Release: not before the end, nor with results missing.
		if _, err := s.Release(ctx, actorA, scopeA, m.ID, ""); !errs.IsInvalid(err) {
			t.Fatalf("early release: %v", err)
		}
		c.t = at("2022-07-11", "18:00")
		m, _ = s.Get(ctx, scopeA, m.ID)
		for _, tt := range m.Tests {
			if err := s.RecordTestResult(ctx, actorA, scopeA, tt.ID, "阴性"); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.RecordTestResult(ctx, actorA, scopeA, m.Tests[0].ID, "maybe"); !errs.IsInvalid(err) {
			t.Errorf("bad result: %v", err)
		}
		el, _ := s.Eligible(ctx, county, "")
		if len(el) != 1 || el[0].ID != m.ID {
			t.Fatalf("eligible %+v", el)
		}
		if _, err := s.Release(ctx, actorB, scopeB, m.ID, ""); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("release outside scope: %v", err)
		}
		m, err = s.Release(ctx, actorA, scopeA, m.ID, "期满解除")
		if err != nil || m.Status != measure.StatusReleased || m.ReleasedOn != "2022-07-11" {
			t.Fatalf("release: %+v %v", m.Status, err)
		}
		if _, err := s.RecordCheckByToken(ctx, m.Token, measure.CheckInput{Temp: "36.5"}); !errs.IsInvalid(err) {
			t.Errorf("check after release: %v", err)
		}
		ov, err := s.Overview(ctx, county, dbtest.County, "2022-07-05")
		if err != nil {
			t.Fatal(err)
		}
		if ov.Total.Active != 1 || ov.Total.ByType[policy.HomeQuarantine] != 1 {
			t.Errorf("overview %+v", ov.Total)
		}
		tr, err := s.Trend(ctx, county, "", "2022-07-05", 7)
		if err != nil || len(tr) != 7 || tr[4].ByType[policy.Central] != 1 || tr[4].Total != 2 {
			t.Errorf("trend %+v %v", tr, err)
		}
		// Each day of a trend read in one pass equals that day counted on
		// its own (in phase that day, assigned and released that day).
		tr, err = s.Trend(ctx, county, "", "2022-07-14", 14)
		if err != nil || len(tr) != 14 {
			t.Fatalf("trend of 14 days: %v %v", tr, err)
		}
		moves := 0
		for _, td := range tr {
			byType := map[string]int{}
			rows, err := d.R().QueryContext(ctx, `SELECT ph.type, COUNT(*) FROM measure_phases ph JOIN measures m ON m.id = ph.measure_id
				WHERE ph.end_date >= $1 AND ph.start_date <= $1 AND m.status IN ('active', 'released')
				AND (m.released_on = '' OR m.released_on > $1) AND m.assigned_on <= $1 GROUP BY ph.type`, td.Day)
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for rows.Next() {
				var ty string
				var n int
				if err := rows.Scan(&ty, &n); err != nil {
					t.Fatal(err)
				}
				byType[ty], total = n, total+n
			}
			rows.Close()
			assigned := count(t, d, "SELECT COUNT(*) FROM measures WHERE assigned_on = $1", td.Day)
			released := count(t, d, "SELECT COUNT(*) FROM measures WHERE released_on = $1", td.Day)
			if !maps.Equal(td.ByType, byType) || td.Total != total || td.Assigned != assigned || td.Released != released {
				t.Errorf("trend on %s: %+v, counted alone %v %d assigned %d released %d", td.Day, td, byType, total, assigned, released)
			}
			moves += td.Assigned + td.Released
		}
		if moves < 2 {
			t.Errorf("the window holds %d assignments and releases: the check tests too little", moves)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE entity = 'measure'"); n < 3 {
			t.Errorf("%d measure audit entries", n)
		}
	})
}

func TestSupersedeAndHandOff(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &fakeClock{at("2022-07-03", "10:00")}
		s := setup(t, d, c)
		p := addPerson(t, d, dbtest.VillageA, "王")
		if err := s.AssignCategory(ctx, actorA, p, "secondary_contact", "2022-07-01", "流调", ""); err != nil {
			t.Fatal(err)
		}
		m1, _ := s.Active(ctx, scopeA, p)
		m2, err := s.Assign(ctx, actorA, scopeA, measure.AssignInput{PersonID: p, Category: "high_risk_post", Choice: "居家", DayZero: "2022-07-02"})
		if err != nil {
			t.Fatal(err)
		}
		if m2.Phases[0].Type != policy.HomeQuarantine {
			t.Errorf("high-risk post, home: %+v", m2.Phases)
		}
		old, _ := s.Get(ctx, scopeA, m1.ID)
		if old.Status != measure.StatusSuperseded {
			t.Errorf("old measure %s", old.Status)
		}
		if err := s.AssignCategory(ctx, actorA, p, "confirmed", "2022-07-03", "核酸", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Active(ctx, scopeA, p); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("active after hand-off: %v", err)
		}
		if err := s.RecordSiteEvent(ctx, actorA, scopeA, p, "入住", "某隔离点"); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("site event without active measure: %v", err)
		}
	})
}

func TestPolicyVersionsImmutable(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		c := &fakeClock{at("2022-07-03", "10:00")}
		setup(t, d, c)
		if _, err := d.W().Exec("UPDATE policy_versions SET effective_from = '2020-01-01'"); err == nil {
			t.Error("a policy version was updated in place")
		}
		if _, err := d.W().Exec("DELETE FROM policy_versions"); err == nil {
			t.Error("a policy version was deleted")
		}
	})
}

// A version that lengthens 集中隔离 to 14 days, applied and reverted.
func fourteenDays(t *testing.T, ps *policy.Store, name string, days int) *policy.Version {
	t.Helper()
	base, err := ps.ByName(context.Background(), policy.Ninth)
	if err != nil {
		t.Fatal(err)
	}
	v := *base
	v.Name, v.BasedOn, v.EffectiveFrom = name, base.Name, "2022-07-01"
	v.Rules = append([]policy.Rule(nil), base.Rules...)
	for i, r := range v.Rules {
		if r.Category == "close_contact" {
			r.Phases = append([]policy.PhaseRule(nil), r.Phases...)
			r.Phases[0].Days = days
			r.Phases[0].TestDays = []int{1, 4, 7}
			if days >= 14 {
				r.Phases[0].TestDays = []int{1, 4, 7, 14}
			}
			v.Rules[i] = r
		}
	}
	out, err := ps.CreateVersion(context.Background(), cmd, v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReplanPreviewEqualsApply(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &fakeClock{at("2022-07-20", "10:00")}
		s := setup(t, d, c)
		v14 := fourteenDays(t, s.Policy(), "县2022-14天", 14)
		// Close contacts from several day zeros under the 14-day version.
		for i, dz := range []string{"2022-07-01", "2022-07-05", "2022-07-10", "2022-07-15", "2022-07-19"} {
			for _, unit := range []string{dbtest.VillageA, dbtest.VillageB} {
				p := addPerson(t, d, unit, fmt.Sprintf("密接%d", i))
				if _, err := s.Assign(ctx, cmd, county, measure.AssignInput{PersonID: p, Category: "close_contact", DayZero: dz, Version: v14.Name}); err != nil {
					t.Fatal(err)
				}
			}
		}
		p := addPerson(t, d, dbtest.VillageA, "中风险")
		s.Assign(ctx, cmd, county, measure.AssignInput{PersonID: p, Category: "medium_risk_area", DayZero: "2022-07-18"})
		nine, _ := s.Policy().ByName(ctx, policy.Ninth)
		pre, err := s.Preview(ctx, county, nine.ID)
		if err != nil {
			t.Fatal(err)
		}
		// End dates under 14+3: 07-18, 07-22, 07-27, 08-01, 08-05; under 7+3:
		// 07-11 (already past), 07-15 (past → released), 07-20, 07-25, 07-29.
		want := measure.Counts{Total: 11, Shortened: 6, Released: 2, Unchanged: 3}
		if pre.Counts != want {
			t.Fatalf("preview %+v, want %+v", pre.Counts, want)
		}
		if len(pre.ByUnit) != 2 || pre.ByUnit[0].Code != dbtest.VillageA || pre.ByUnit[0].Total != 6 || pre.ByUnit[0].Name == "" {
			t.Errorf("by unit %+v", pre.ByUnit)
		}
		preA, _ := s.Preview(ctx, scopeA, nine.ID)
		if preA.Counts.Total != 6 {
			t.Errorf("village A preview %+v", preA.Counts)
		}
		got, err := s.Apply(ctx, cmd, county, nine.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Counts != pre.Counts {
			t.Fatalf("apply %+v != preview %+v", got.Counts, pre.Counts)
		}
		// Applying again changes nothing.
		again, _ := s.Preview(ctx, county, nine.ID)
		if again.Counts.Unchanged != 11 {
			t.Errorf("after apply: %+v", again.Counts)
		}
		var end string
		d.R().QueryRow("SELECT end_date FROM measures WHERE day_zero = '2022-07-15' ORDER BY id LIMIT 1").Scan(&end)
		if end != "2022-07-25" {
			t.Errorf("re-planned end %s", end)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM measure_phases ph JOIN measures m ON m.id = ph.measure_id WHERE m.category = 'close_contact' AND ph.type = 'central_quarantine' AND ph.start_date = '2022-07-16' AND ph.end_date = '2022-07-22'"); n != 2 {
			t.Errorf("%d re-planned central phases", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM measure_tests t JOIN measures m ON m.id = t.measure_id WHERE m.day_zero = '2022-07-15' AND m.category = 'close_contact'"); n != 12 {
			t.Errorf("%d re-planned tests", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM measures WHERE policy_version = $1", policy.Ninth); n != 11 {
			t.Errorf("%d measures on the ninth edition", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE entity = 'measure' AND summary LIKE '%重新计算%'"); n != 11 {
			t.Errorf("%d re-plan audit entries", n)
		}
		el, _ := s.Eligible(ctx, county, "")
		_ = el // released-by-policy people still need negative results
	})
}

func TestAssignManyThenReplan(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &fakeClock{at("2022-07-20", "10:00")}
		s := setup(t, d, c)
		v14 := fourteenDays(t, s.Policy(), "县14天", 14)
		var ins []measure.AssignInput
		for i := 0; i < 120; i++ {
			unit := []string{dbtest.VillageA, dbtest.VillageA2, dbtest.VillageB}[i%3]
			p := addPerson(t, d, unit, fmt.Sprintf("批量%d", i))
			ins = append(ins, measure.AssignInput{PersonID: p, Category: "close_contact", DayZero: policy.AddDays("2022-07-20", -(i % 14)), Version: v14.Name})
		}
		// Outside scope: the whole batch is refused.
		if _, err := s.AssignMany(ctx, actorA, scopeA, ins); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("batch with other villages' people from village A: %v", err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM measures"); n != 0 {
			t.Fatalf("%d measures after a refused batch", n)
		}
		if n, err := s.AssignMany(ctx, cmd, county, ins); err != nil || n != 120 {
			t.Fatalf("assign many: %d %v", n, err)
		}
		one, _ := s.Active(ctx, county, ins[5].PersonID)
		if len(one.Phases) != 2 || one.Phases[0].Days() != 14 || len(one.Tests) != 5 {
			t.Fatalf("bulk measure %+v", one)
		}
		nine, _ := s.Policy().ByName(ctx, policy.Ninth)
		pre, err := s.Preview(ctx, county, nine.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Apply(ctx, cmd, county, nine.ID)
		if err != nil || got.Counts != pre.Counts || got.Counts.Total != 120 || got.Counts.Shortened+got.Counts.Released+got.Counts.Unchanged != 120 {
			t.Fatalf("apply %+v preview %+v %v", got.Counts, pre.Counts, err)
		}
		// Every measure's stored end now matches the ninth edition's plan.
		if n := count(t, d, "SELECT COUNT(*) FROM measures m JOIN measure_phases ph ON ph.measure_id = m.id AND ph.seq = 2 WHERE ph.end_date <> m.end_date"); n != 0 {
			t.Errorf("%d measures whose end is not their last phase's", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM measure_phases WHERE type = 'central_quarantine' AND end_date <> start_date AND start_date <> '' AND end_date > start_date AND end_date >= '2022-08-01'"); n != 0 {
			t.Errorf("%d central phases still 14 days long", n)
		}
	})
}

// Tests due before the person was traced are not skipped: they block
// release until recorded or waived; the ones after must be taken.
func TestLateAssignmentRelease(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &fakeClock{at("2022-07-05", "09:00")}
		s := setup(t, d, c)
		p := addPerson(t, d, dbtest.VillageA, "晚发现")
		if err := s.AssignCategory(ctx, actorA, p, "close_contact", "2022-07-01", "流调", ""); err != nil {
			t.Fatal(err)
		}
		m, _ := s.Active(ctx, scopeA, p)
		if len(m.Tests) != 6 || m.Tests[0].Due != "2022-07-02" {
			t.Fatalf("the stored schedule is the table's: %+v", m.Tests)
		}
		c.t = at("2022-07-11", "20:00")
		for _, tt := range m.Tests {
			if tt.Due >= "2022-07-05" {
				if err := s.RecordTestResult(ctx, actorA, scopeA, tt.ID, "negative"); err != nil {
					t.Fatal(err)
				}
			}
		}
		m, _ = s.Get(ctx, scopeA, m.ID)
		if ok, why := m.Eligibility("2022-07-11"); ok || !strings.Contains(why, "2022-07-02、2022-07-03、2022-07-04") || !strings.Contains(why, "列管之前") {
			t.Fatalf("eligible with three tests missing: %v %s", ok, why)
		}
		if el, _ := s.Eligible(ctx, scopeA, ""); len(el) != 0 {
			t.Fatalf("eligible list %d", len(el))
		}
		// A test due after the assignment cannot be waived.
		if _, err := s.Waive(ctx, actorA, scopeA, m.ID, []int64{m.Tests[3].ID}, "来不及"); !errs.IsInvalid(err) {
			t.Errorf("waiving a test due after the assignment: %v", err)
		}
		if _, err := s.Waive(ctx, actorA, scopeA, m.ID, nil, "列管时已过应检日，无法补检"); err != nil {
			t.Fatal(err)
		}
		if el, _ := s.Eligible(ctx, scopeA, ""); len(el) != 1 {
			t.Fatalf("eligible list after the waivers %d", len(el))
		}
		// The sweep never asks for the days before the assignment.
		r, _ := s.Sweep(ctx, at("2022-07-05", "03:00"))
		if r.MissedChecks+r.MissedTests != 0 {
			t.Errorf("sweep before assignment: %+v", r)
		}
	})
}

// fakeRounds are testing-round results by person and day.
type fakeRounds map[int64]map[string]measure.RoundResult

func (f fakeRounds) NegativeOn(_ context.Context, person int64, days []string) (map[string]measure.RoundResult, error) {
	out := map[string]measure.RoundResult{}
	for _, d := range days {
		if r, ok := f[person][d]; ok {
			out[d] = r
		}
	}
	return out, nil
}

// The probe's case: a close contact assigned today with day zero 11 days
// ago has all six tests due before the assignment. It is not releasable
// until each is recorded (here two from testing rounds) or waived with a
// reason, audited; the notice's figures are the tests recorded.
func TestReleaseCertifiesOnlyTestsTaken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &fakeClock{at("2022-07-12", "10:00")}
		s := setup(t, d, c)
		rounds := fakeRounds{}
		s = measure.NewService(d, s.Policy(), rounds, notify.Discard, c.now)
		p := addPerson(t, d, dbtest.VillageA, "十一天前")
		m, err := s.Assign(ctx, actorA, scopeA, measure.AssignInput{PersonID: p, Category: "close_contact", DayZero: "2022-07-01"})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Tests) != 6 || m.EndDate > "2022-07-12" {
			t.Fatalf("plan: end %s, %d tests", m.EndDate, len(m.Tests))
		}
		ok, why := m.Eligibility("2022-07-12")
		if ok || !strings.Contains(why, "还有 6 次检测") || !strings.Contains(why, "2022-07-02、2022-07-03、2022-07-04、2022-07-06、2022-07-08、2022-07-11") {
			t.Fatalf("releasable with no test taken: %v %s", ok, why)
		}
		if el, _ := s.Eligible(ctx, scopeA, ""); len(el) != 0 {
			t.Errorf("listed as releasable: %d", len(el))
		}
		if _, err := s.Release(ctx, actorA, scopeA, m.ID, ""); !errs.IsInvalid(err) {
			t.Fatalf("released with no test taken: %v", err)
		}
		// Two testing-round results come in; a waiver needs a reason.
		rounds[p] = map[string]measure.RoundResult{
			"2022-07-03": {SampledAt: at("2022-07-03", "08:00").UnixMilli(), ResultAt: at("2022-07-03", "20:00").UnixMilli(), Where: "全员核酸 第一轮（管 T1）"},
			"2022-07-08": {SampledAt: at("2022-07-08", "08:00").UnixMilli(), ResultAt: at("2022-07-08", "20:00").UnixMilli(), Where: "全员核酸 第二轮（管 T2）"},
		}
		if _, err := s.Waive(ctx, actorA, scopeA, m.ID, nil, ""); !errs.IsInvalid(err) {
			t.Errorf("waiver without a reason: %v", err)
		}
		if _, err := s.Waive(ctx, actorB, scopeB, m.ID, nil, "无法补检"); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("waiver from another village: %v", err)
		}
		res, err := s.Waive(ctx, actorA, scopeA, m.ID, nil, "列管时已过应检日，无法补检")
		if err != nil || res.Recorded != 2 || res.Waived != 4 {
			t.Fatalf("waive: %+v %v", res, err)
		}
		if ok, why := res.Measure.Eligibility("2022-07-12"); !ok || !strings.Contains(why, "4 次经核准免检") {
			t.Errorf("after recording and waiving: %v %s", ok, why)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE entity = 'measure_test' AND summary LIKE '%免检%'"); n != 4 {
			t.Errorf("%d waivers audited", n)
		}
		m, err = s.Release(ctx, actorA, scopeA, m.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if rec, w := m.Recorded(), m.Waivers(); len(rec) != 2 || rec[0].Source != "全员核酸 第一轮（管 T1）" || len(w) != 4 || w[0].WaivedReason == "" || w[0].WaivedBy != "cunA" {
			t.Errorf("recorded %+v, waived %+v", rec, w)
		}
	})
}

// Results that come in after the assignment count at release.
func TestReleaseTakesLateRoundResults(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &fakeClock{at("2022-07-20", "10:00")}
		s := setup(t, d, c)
		rounds := fakeRounds{}
		s = measure.NewService(d, s.Policy(), rounds, notify.Discard, c.now)
		p := addPerson(t, d, dbtest.VillageA, "密接的密接")
		m, err := s.Assign(ctx, actorA, scopeA, measure.AssignInput{PersonID: p, Category: "secondary_contact", DayZero: "2022-07-08"})
		if err != nil {
			t.Fatal(err)
		}
		rounds[p] = map[string]measure.RoundResult{}
		for _, tt := range m.Tests {
			rounds[p][tt.Due] = measure.RoundResult{SampledAt: at(tt.Due, "09:00").UnixMilli(), ResultAt: at(tt.Due, "21:00").UnixMilli(), Where: "全员核酸"}
		}
		if m, err = s.Release(ctx, actorA, scopeA, m.ID, ""); err != nil || len(m.Recorded()) != len(m.Tests) || len(m.Waivers()) != 0 {
			t.Fatalf("release with late round results: %v %+v", err, m.Tests)
		}
	})
}

// The service's days are Shanghai days whatever time.Local is: 23:59 and
// 00:01 Shanghai fall on different days in Los Angeles and UTC alike.
func TestServiceDaysInShanghai(t *testing.T) {
	saved := time.Local
	defer func() { time.Local = saved }()
	for _, tz := range []string{"America/Los_Angeles", "UTC"} {
		loc, _ := time.LoadLocation(tz)
		time.Local = loc
		dbtest.Each(t, func(t *testing.T, d *db.DB) {
			ctx := context.Background()
			c := &fakeClock{at("2022-07-03", "23:59").In(loc)}
			s := setup(t, d, c)
			p := addPerson(t, d, dbtest.VillageA, "午夜")
			// Day zero "today" in Shanghai is accepted, tomorrow is not.
			if err := s.AssignCategory(ctx, actorA, p, "close_contact", "2022-07-04", "", ""); !errs.IsInvalid(err) {
				t.Errorf("%s: a day zero of tomorrow (Shanghai) accepted: %v", tz, err)
			}
			if err := s.AssignCategory(ctx, actorA, p, "close_contact", "2022-07-03", "", ""); err != nil {
				t.Fatal(err)
			}
			m, _ := s.Active(ctx, scopeA, p)
			if m.AssignedOn != "2022-07-03" || m.Phases[0].Start != "2022-07-04" {
				t.Errorf("%s: assigned %s, first phase %s", tz, m.AssignedOn, m.Phases[0].Start)
			}
			if _, err := s.RecordCheck(ctx, actorA, scopeA, m.ID, measure.CheckInput{Temp: "36.4"}); err != nil {
				t.Fatal(err)
			}
			c.t = at("2022-07-04", "00:01").In(loc)
			if _, err := s.RecordCheck(ctx, actorA, scopeA, m.ID, measure.CheckInput{Temp: "36.5"}); err != nil {
				t.Fatal(err)
			}
			m, _ = s.Get(ctx, scopeA, m.ID)
			if len(m.Checks) != 2 || m.Checks[0].Day != "2022-07-04" || m.Checks[1].Day != "2022-07-03" {
				t.Errorf("%s: check days %+v", tz, m.Checks)
			}
			wl, _ := s.Work(ctx, scopeA, dbtest.VillageA, "")
			if wl.Day != "2022-07-04" || len(wl.Tests) != 1 {
				t.Errorf("%s: work list of %s with %d tests", tz, wl.Day, len(wl.Tests))
			}
			// 07-04's checks are missed only after 02:00 Shanghai on 07-05.
			if r, _ := s.Sweep(ctx, at("2022-07-05", "01:59").In(loc)); r.MissedChecks != 0 {
				t.Errorf("%s: sweep inside the grace period: %+v", tz, r)
			}
			if r, _ := s.Sweep(ctx, at("2022-07-05", "02:00").In(loc)); r.MissedChecks != 1 {
				t.Errorf("%s: sweep after the grace period: %+v", tz, r)
			}
		})
	}
}

// TestAssignArrivalDayZeroFromRule: a returnee's day zero is the date the
// rule in force counts from — leaving the area under 第九版, arrival under
// the 2021 rural rules.
func TestAssignArrivalDayZeroFromRule(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &fakeClock{at("2022-07-05", "10:00")}
		s := setup(t, d, c)
		p := addPerson(t, d, dbtest.VillageA, "返")
		if err := s.AssignArrival(ctx, actorA, p, "medium_risk_area", "2022-07-01", "2022-07-03", "返乡登记", ""); err != nil {
			t.Fatal(err)
		}
		m, err := s.Active(ctx, scopeA, p)
		if err != nil {
			t.Fatal(err)
		}
		if m.DayZero != "2022-07-01" || m.Phases[0].End != "2022-07-08" {
			t.Errorf("第九版, medium-risk returnee: day zero %s, phase ends %s; want leaving 2022-07-01, 2022-07-08", m.DayZero, m.Phases[0].End)
		}
		q := addPerson(t, d, dbtest.VillageA, "春")
		if err := s.AssignArrival(ctx, actorA, q, "high_risk_area", "2021-02-01", "2021-02-03", "返乡登记", ""); err != nil {
			t.Fatal(err)
		}
		m, err = s.Active(ctx, scopeA, q)
		if err != nil {
			t.Fatal(err)
		}
		if m.DayZero != "2021-02-03" || m.Phases[0].End != "2021-02-17" {
			t.Errorf("2021 rules, high-risk returnee: day zero %s, phase ends %s; want arrival 2021-02-03, 2021-02-17", m.DayZero, m.Phases[0].End)
		}
	})
}

// The measures' workflow for the look-up roles: people under an active
// measure that an account of the caller's role handed over, in scope.
func TestMeasureWorkflowByRole(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &fakeClock{at("2022-07-05", "09:00")}
		s := setup(t, d, c)
		p := addPerson(t, d, dbtest.VillageA, "密接")
		q := addPerson(t, d, dbtest.VillageA, "返乡")
		tracer := audit.Actor{UserID: 5, Username: "liudiao", Role: "tracing", Unit: dbtest.TownshipA}
		if err := s.AssignCategory(ctx, tracer, p, "close_contact", "2022-07-04", "流调", ""); err != nil {
			t.Fatal(err)
		}
		if err := s.AssignCategory(ctx, actorA, q, "close_contact", "2022-07-04", "", ""); err != nil {
			t.Fatal(err)
		}
		town := jurisdiction.Grant(dbtest.TownshipA)
		other := audit.Actor{UserID: 6, Username: "liudiao2", Role: "tracing", Unit: dbtest.TownshipA}
		for _, c := range []struct {
			who    audit.Actor
			scope  jurisdiction.Scope
			person int64
			in     bool
		}{{other, town, p, true}, {other, town, q, false}, {audit.Actor{UserID: 7, Role: "checkpoint"}, town, p, false}, {other, scopeB, p, false}} {
			if why, err := s.InWorkflow(ctx, c.who, c.scope, c.person); err != nil || (why != "") != c.in {
				t.Errorf("%s/%s, person %d: %q %v, want %v", c.who.Role, c.who.Username, c.person, why, err, c.in)
			}
		}
	})
}

// A version without rules for arrivals from risk areas (a new disease's):
// the returnee hook assigns nothing and does not fail the registration; a
// person choosing the category is told the version has no rule for it.
func TestHookWithoutRule(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &fakeClock{at("2026-12-07", "10:00")}
		s := setup(t, d, c)
		base, err := s.Policy().ByName(ctx, policy.Ninth)
		if err != nil {
			t.Fatal(err)
		}
		v := *base
		v.Name, v.BasedOn, v.EffectiveFrom = "猴痘2026", base.Name, "2026-12-01"
		v.Rules = nil
		for _, r := range base.Rules {
			if r.Category == "close_contact" {
				v.Rules = append(v.Rules, r)
			}
		}
		if _, err := s.Policy().CreateVersion(ctx, cmd, v); err != nil {
			t.Fatal(err)
		}
		p := addPerson(t, d, dbtest.VillageA, "返乡甲")
		if err := s.AssignArrival(ctx, cmd, p, "high_risk_area", "2026-12-05", "2026-12-06", "returnee:1", "test"); err != nil {
			t.Fatalf("the hook under a version without the category: %v", err)
		}
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM measures WHERE person_id = $1", p).Scan(&n)
		if n != 0 {
			t.Errorf("%d measures made up for a category the version has no rule for", n)
		}
		_, err = s.Assign(ctx, cmd, jurisdiction.System("test"), measure.AssignInput{PersonID: p, Category: "high_risk_area", DayZero: "2026-12-05"})
		if !errs.IsInvalid(err) || !strings.Contains(err.Error(), "没有") {
			t.Errorf("a person choosing the category: %v", err)
		}
	})
}

// A new disease's version defines its own category (高风险暴露者: 21 days
// of home monitoring, tests on days 1, 7 and 21); people are put under it
// by its code or name, and it is shown by its name. A category without a
// name, with a malformed code, or named as a shipped one is refused.
func TestCategoryDefinedByAVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &fakeClock{at("2026-12-07", "10:00")}
		s := setup(t, d, c)
		base, err := s.Policy().ByName(ctx, policy.Ninth)
		if err != nil {
			t.Fatal(err)
		}
		rule := policy.Rule{Category: "high_risk_exposure", CategoryName: "高风险暴露者", DayZero: policy.ZeroExposure,
			FeverTenths: 375, Symptoms: []string{"发热", "皮疹", "淋巴结肿大"},
			Phases:      []policy.PhaseRule{{Type: policy.HomeMonitoring, Days: 21, TestDays: []int{1, 7, 21}, ChecksDaily: 1}},
			Description: "高风险暴露者：居家健康监测21天，第1、7、21天各检测一次"}
		v := *base
		v.Name, v.BasedOn, v.EffectiveFrom = "猴痘2026", base.Name, "2026-12-01"
		v.Rules = append(append([]policy.Rule(nil), base.Rules...), rule)
		for what, bad := range map[string]policy.Rule{
			"no name":        {Category: "rash_contact", DayZero: policy.ZeroExposure, Description: "x"},
			"bad code":       {Category: "皮疹接触", CategoryName: "皮疹接触者", DayZero: policy.ZeroExposure, Description: "x"},
			"a shipped name": {Category: "close2", CategoryName: "密切接触者", DayZero: policy.ZeroExposure, Description: "x"},
		} {
			w := v
			w.Name = "坏版本" + what
			w.Rules = append(append([]policy.Rule(nil), base.Rules...), bad)
			if _, err := s.Policy().CreateVersion(ctx, cmd, w); !errs.IsInvalid(err) {
				t.Errorf("%s: %v", what, err)
			}
		}
		if _, err := s.Policy().CreateVersion(ctx, cmd, v); err != nil {
			t.Fatal(err)
		}
		if policy.CategoryName("high_risk_exposure") != "高风险暴露者" {
			t.Errorf("the defined category is shown as %q", policy.CategoryName("high_risk_exposure"))
		}
		p := addPerson(t, d, dbtest.VillageA, "暴露甲")
		m, err := s.Assign(ctx, cmd, jurisdiction.System("test"), measure.AssignInput{PersonID: p, Category: "高风险暴露者", DayZero: "2026-12-06"})
		if err != nil {
			t.Fatal(err)
		}
		if m.Category != "high_risk_exposure" || m.PolicyVersion != "猴痘2026" || len(m.Phases) != 1 || m.Phases[0].Days() != 21 {
			t.Errorf("measure %+v", m)
		}
		// Its health checks use the rule's fever line (37.5 ℃) and symptoms.
		all := jurisdiction.System("test")
		for _, c := range []struct {
			temp     string
			symptoms []string
			abnormal bool
		}{{"37.4", nil, false}, {"37.5", nil, true}, {"36.8", []string{"皮疹"}, true}} {
			got, err := s.RecordCheck(ctx, cmd, all, m.ID, measure.CheckInput{Temp: c.temp, Symptoms: c.symptoms})
			if err != nil || got.Abnormal != c.abnormal {
				t.Errorf("check %s %v: abnormal %v, %v; want %v", c.temp, c.symptoms, got.Abnormal, err, c.abnormal)
			}
		}
		if got := s.SymptomsOf(ctx, m); len(got) != 3 || got[1] != "皮疹" {
			t.Errorf("symptoms of the measure: %v", got)
		}
		if all := policy.AllSymptoms(); !slices.Contains(all, "淋巴结肿大") || !slices.Contains(all, "干咳") {
			t.Errorf("the work list's symptoms lack the rule's or the defaults: %v", all)
		}
	})
}
