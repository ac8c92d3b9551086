package tracing_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
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
	"fangkong/internal/place"
	"fangkong/internal/policy"
	"fangkong/internal/registry"
	"fangkong/internal/site"
	"fangkong/internal/tracing"
)

var who = audit.Actor{UserID: 1, Username: "liudiao", Role: "tracing", Unit: dbtest.County, IP: "127.0.0.1"}

// fixed is 2026-03-10 09:00 in Shanghai.
var fixed = time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)

func at(s string) int64 {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, clock.Shanghai)
	if err != nil {
		panic(err)
	}
	return t.UnixMilli()
}

type env struct {
	t        *testing.T
	d        *db.DB
	svc      *tracing.Service
	reg      *registry.Service
	sites    *site.Service
	county   jurisdiction.Scope
	n        int
	hh       registry.Household
	casePers registry.Person
}

func setup(t *testing.T, d *db.DB) *env { return setupWith(t, d, notify.Discard) }

// setupWith is setup with the notifications n.
func setupWith(t *testing.T, d *db.DB, n notify.Emitter) *env {
	dbtest.Tree(t, d)
	ctx := context.Background()
	now := func() time.Time { return fixed }
	units := jurisdiction.NewStore(d, now)
	reg := registry.NewService(d, units, now)
	ps := policy.NewStore(d, now)
	if err := ps.EnsureDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	ms := measure.NewService(d, ps, measure.NoRoundResults, notify.Discard, now)
	sites := site.NewService(d, units, ms, now)
	svc := tracing.NewService(d, reg, ms, sites, place.CodesOnly(), nil, n, now)
	if err := svc.EnsureRules(ctx); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, d: d, svc: svc, reg: reg, sites: sites, county: jurisdiction.Grant(dbtest.County)}
}

func (e *env) person(name, unit string, hh int64) registry.Person {
	e.t.Helper()
	e.n++
	rel := ""
	if hh != 0 {
		rel = map[bool]string{true: "户主", false: "配偶"}[e.n == 1]
	}
	p, err := e.reg.CreatePerson(context.Background(), who, e.county, registry.Person{Name: name, UnitCode: unit, HouseholdID: hh, Relation: rel,
		IDNumber: dbtest.ID(fmt.Sprintf("%s1990%04d%03d", unit[:6], 101+e.n, e.n)), Phone: fmt.Sprintf("139%08d", e.n)})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) place(name, unit string) tracing.Place {
	e.t.Helper()
	p, err := e.svc.CreatePlace(context.Background(), who, e.county, tracing.Place{Name: name, UnitCode: unit, Kind: "农贸市场"})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) scan(p tracing.Place, pid int64, idn, name string, when int64) {
	e.t.Helper()
	var pidArg any
	if pid != 0 {
		pidArg = pid
	}
	if _, err := e.d.W().Exec(`INSERT INTO tracing_scans (place_id, scanned_at, person_id, name, id_number, phone, source) VALUES ($1, $2, $3, $4, $5, '', 'test')`,
		p.ID, when, pidArg, name, idn); err != nil {
		e.t.Fatal(err)
	}
}

// sample registers a sample at a point by direct insert (a round with one
// point and one tube).
func (e *env) samples(pointName string, list map[int64]int64) {
	e.t.Helper()
	x := e.d.W()
	must := func(_ any, err error) {
		if err != nil {
			e.t.Helper()
			e.t.Fatal(err)
		}
	}
	must(x.Exec(`INSERT INTO test_campaigns (id, unit_code, name, starts_on, ends_on, pool_size, created_by, created_at, updated_at)
		VALUES (900, $1, '第一轮', '2026-03-05', '2026-03-07', 10, 1, 0, 0)`, dbtest.County))
	must(x.Exec(`INSERT INTO test_points (id, campaign_id, unit_code, name, created_at) VALUES (901, 900, $1, $2, 0)`, dbtest.VillageA, pointName))
	must(x.Exec(`INSERT INTO test_tubes (id, campaign_id, barcode, point_id, unit_code, pool_size, opened_at, opened_by) VALUES (902, 900, 'T902', 901, $1, 10, 0, 1)`, dbtest.VillageA))
	i := 0
	for pid, when := range list {
		i++
		must(x.Exec(`INSERT INTO test_samples (scan_id, campaign_id, person_id, tube_id, point_id, unit_code, sampled_at, sampler_id)
			VALUES ($1, 900, $2, 902, 901, $3, $4, 1)`, fmt.Sprintf("s%d", i), pid, dbtest.VillageA, when))
	}
}

type fact struct {
	name, source string
	at           int64
}

func facts(list []tracing.Contact, parent bool) []string {
	var out []string
	for _, c := range list {
		if (c.ParentID != 0) != parent {
			continue
		}
		for _, ev := range c.Evidence {
			out = append(out, fmt.Sprintf("%s %s %s", c.Name, ev.Source, clock.Format(ev.At)))
		}
	}
	sort.Strings(out)
	return out
}

// TestCandidatesKnownAnswer plants a transmission with scans inside and
// just outside the ± N minute and look-back windows, a household, a
// sampling point and a person not in the registry, and checks that the
// candidates (who, from which source, at which exposure time) are exactly
// the planted answer; then judges, hands off in one transaction, and finds
// the secondary contacts of a close contact since its last exposure.
func TestCandidatesKnownAnswer(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		hh, err := e.reg.CreateHousehold(ctx, who, e.county, registry.Household{UnitCode: dbtest.VillageA, Address: "西街社区3号楼"})
		if err != nil {
			t.Fatal(err)
		}
		c := e.person("病例甲", dbtest.VillageA, hh.ID)
		spouse := e.person("同户乙", dbtest.VillageA, hh.ID)
		_ = spouse
		market, shop, far := e.place("西街农贸市场", dbtest.VillageA), e.place("东街超市", dbtest.VillageA2), e.place("余下药店", dbtest.VillageB)
		in30, before30, out31 := e.person("后三十分", dbtest.VillageA2, 0), e.person("前三十分", dbtest.VillageA, 0), e.person("三十一分", dbtest.VillageA, 0)
		edge, early, other := e.person("窗口起点", dbtest.VillageB, 0), e.person("窗口之前", dbtest.VillageB, 0), e.person("别处扫码", dbtest.VillageA, 0)
		s15, s16 := e.person("采样十五分", dbtest.VillageA, 0), e.person("采样十六分", dbtest.VillageA, 0)
		outsider := dbtest.ID("61012419880808123") // 周至县, not in the registry
		// Onset 2026-03-08: window from 2026-03-04 00:00 to isolation 2026-03-10 08:00.
		t0 := at("2026-03-06 12:00")
		e.scan(market, c.ID, c.IDNumber, c.Name, t0)
		e.scan(market, in30.ID, in30.IDNumber, in30.Name, t0+30*60000)
		e.scan(market, in30.ID, in30.IDNumber, in30.Name, t0+5*60000)
		e.scan(market, before30.ID, before30.IDNumber, before30.Name, t0-30*60000)
		e.scan(market, out31.ID, out31.IDNumber, out31.Name, t0+31*60000)
		e.scan(market, 0, outsider, "外县丙", t0+10*60000)
		e.scan(shop, other.ID, other.IDNumber, other.Name, t0) // another place at the same time
		// The case at the pharmacy at the window's first minute and one minute before it.
		e.scan(far, c.ID, c.IDNumber, c.Name, at("2026-03-04 00:00"))
		e.scan(far, edge.ID, edge.IDNumber, edge.Name, at("2026-03-04 00:20"))
		e.scan(far, c.ID, c.IDNumber, c.Name, at("2026-03-03 23:00"))
		e.scan(far, early.ID, early.IDNumber, early.Name, at("2026-03-03 22:50"))
		// After isolation: not in the window.
		e.scan(far, c.ID, c.IDNumber, c.Name, at("2026-03-10 08:30"))
		e.scan(far, other.ID, other.IDNumber, other.Name, at("2026-03-10 08:31"))
		s0 := at("2026-03-07 09:00")
		e.samples("西街采样点", map[int64]int64{c.ID: s0, s15.ID: s0 - 15*60000, s16.ID: s0 + 16*60000})

		kase, err := e.svc.CreateCase(ctx, who, e.county, tracing.CaseInput{PersonID: c.ID, Classification: "无症状感染者",
			FoundVia: "混管复核", FoundAt: at("2026-03-10 08:00"), OnsetDate: "2026-03-08", SampledAt: s0})
		if err != nil {
			t.Fatal(err)
		}
		if got := clock.Format(kase.WindowFrom); got != "2026-03-04 00:00:00" {
			t.Fatalf("window from %s", got)
		}
		if _, err := e.svc.Refresh(ctx, who, e.county, kase.ID); err != nil {
			t.Fatal(err)
		}
		list, err := e.svc.Contacts(ctx, e.county, tracing.ContactFilter{CaseID: kase.ID})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"前三十分 scan 2026-03-06 11:30:00",
			"后三十分 scan 2026-03-06 12:05:00",
			"后三十分 scan 2026-03-06 12:30:00",
			"外县丙 scan 2026-03-06 12:10:00",
			"同户乙 household 2026-03-10 08:00:00",
			"窗口起点 scan 2026-03-04 00:20:00",
			"采样十五分 sample 2026-03-07 08:45:00",
		}
		sort.Strings(want)
		if got := facts(list, false); !slices.Equal(got, want) {
			t.Fatalf("candidates:\n got %q\nwant %q", got, want)
		}
		byName := map[string]tracing.Contact{}
		for _, x := range list {
			byName[x.Name] = x
		}
		if x := byName["外县丙"]; !x.Outside || x.PersonID != 0 {
			t.Errorf("outsider %+v: want outside, no person", x)
		}
		if x := byName["后三十分"]; clock.Format(x.LastExposure) != "2026-03-06 12:30:00" {
			t.Errorf("last exposure %s", clock.Format(x.LastExposure))
		}
		// A refresh adds nothing twice.
		if _, err := e.svc.Refresh(ctx, who, e.county, kase.ID); err != nil {
			t.Fatal(err)
		}
		again, _ := e.svc.Contacts(ctx, e.county, tracing.ContactFilter{CaseID: kase.ID})
		if len(again) != len(list) {
			t.Fatalf("refresh: %d contacts, then %d", len(list), len(again))
		}

		// Judge: 后三十分 and 外县丙 close, 采样十五分 secondary, 窗口起点 excluded.
		if _, err := e.svc.Judge(ctx, who, e.county, kase.ID, tracing.JudgeInput{ContactIDs: []int64{byName["后三十分"].ID, byName["外县丙"].ID, byName["同户乙"].ID},
			Category: tracing.CatClose}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Judge(ctx, who, e.county, kase.ID, tracing.JudgeInput{ContactIDs: []int64{byName["采样十五分"].ID}, Category: tracing.CatSecondary}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Judge(ctx, who, e.county, kase.ID, tracing.JudgeInput{ContactIDs: []int64{byName["窗口起点"].ID}, Category: tracing.CatExcluded}); err != nil {
			t.Fatal(err)
		}
		// Secondary candidates: the close contact 后三十分 at the shop after
		// its last exposure (in) and before it (out); 三十一分, one minute after
		// its last scan at the market, is one too.
		sec, sec2 := e.person("次密接丁", dbtest.VillageA2, 0), e.person("早于暴露", dbtest.VillageA2, 0)
		e.scan(shop, in30.ID, in30.IDNumber, in30.Name, at("2026-03-07 10:00"))
		e.scan(shop, sec.ID, sec.IDNumber, sec.Name, at("2026-03-07 10:10"))
		e.scan(shop, in30.ID, in30.IDNumber, in30.Name, at("2026-03-06 09:00"))
		e.scan(shop, sec2.ID, sec2.IDNumber, sec2.Name, at("2026-03-06 09:05"))
		if _, err := e.svc.Refresh(ctx, who, e.county, kase.ID); err != nil {
			t.Fatal(err)
		}
		list, _ = e.svc.Contacts(ctx, e.county, tracing.ContactFilter{CaseID: kase.ID})
		if got, want := facts(list, true), []string{"三十一分 scan 2026-03-06 12:31:00", "次密接丁 scan 2026-03-07 10:10:00"}; !slices.Equal(got, want) {
			t.Fatalf("secondary candidates %q, want %q", got, want)
		}

		// Hand-off into a site: a person with an open stay elsewhere makes the
		// whole hand-off fail and nothing is written.
		st, err := e.sites.CreateSite(ctx, who, e.county, site.Site{Name: "甘亭隔离酒店", UnitCode: dbtest.TownshipA})
		if err != nil {
			t.Fatal(err)
		}
		st2, err := e.sites.CreateSite(ctx, who, e.county, site.Site{Name: "余下隔离点", UnitCode: dbtest.TownshipB})
		if err != nil {
			t.Fatal(err)
		}
		ids := []int64{byName["后三十分"].ID, byName["外县丙"].ID, byName["采样十五分"].ID, byName["同户乙"].ID}
		if _, err := e.sites.Transfer(ctx, who, e.county, st2.ID, site.TransferInput{PersonID: spouse.ID, Reason: "其他"}); err != nil {
			t.Fatal(err)
		}
		count := func(q string, args ...any) int {
			var n int
			if err := d.R().QueryRow(q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if _, err := e.svc.HandOff(ctx, who, e.county, kase.ID, tracing.HandOffInput{ContactIDs: ids, SiteID: st.ID}); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("hand-off with a person already at a site: %v", err)
		}
		if n := count(`SELECT COUNT(*) FROM measures WHERE source = '流调'`); n != 0 {
			t.Fatalf("failed hand-off left %d measures", n)
		}
		res, err := e.svc.HandOff(ctx, who, e.county, kase.ID, tracing.HandOffInput{ContactIDs: ids[:3], SiteID: st.ID})
		if err != nil {
			t.Fatal(err)
		}
		if res.Assigned != 2 || res.Transferred != 2 || res.Xiecha != 1 {
			t.Fatalf("hand-off %+v", res)
		}
		if n := count(`SELECT COUNT(*) FROM measures WHERE person_id = $1 AND category = 'close_contact' AND day_zero = '2026-03-06' AND status = 'active'`, in30.ID); n != 1 {
			t.Errorf("close contact measure with day zero 2026-03-06: %d", n)
		}
		if n := count(`SELECT COUNT(*) FROM measures WHERE person_id = $1 AND category = 'secondary_contact' AND day_zero = '2026-03-07'`, s15.ID); n != 1 {
			t.Errorf("secondary contact measure: %d", n)
		}
		if n := count(`SELECT COUNT(*) FROM site_stays WHERE site_id = $1 AND open = 1`, st.ID); n != 2 {
			t.Errorf("stays at the site: %d", n)
		}
		x, _ := e.svc.Contacts(ctx, e.county, tracing.ContactFilter{Outside: true})
		if len(x) != 1 || x[0].Name != "外县丙" || x[0].Status != tracing.StatusXiecha {
			t.Errorf("协查 list %+v", x)
		}
		// A village sees its own contacts only, and no case outside it.
		vA2 := jurisdiction.Grant(dbtest.VillageA2)
		mine, _ := e.svc.Contacts(ctx, vA2, tracing.ContactFilter{})
		for _, m := range mine {
			if m.UnitCode != dbtest.VillageA2 {
				t.Errorf("village A2 sees contact of %s", m.UnitCode)
			}
		}
		if len(mine) != 2 {
			t.Errorf("village A2 sees %d contacts, want 2", len(mine))
		}
		if _, err := e.svc.ViewCase(ctx, who, vA2, kase.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("village A2 reads the case: %v", err)
		}
		if n := count(`SELECT COUNT(*) FROM audit_log WHERE entity = 'tracing_case' AND action = 'view'`); n != 0 {
			t.Errorf("refused view audited")
		}
		if _, err := e.svc.ViewCase(ctx, who, jurisdiction.Grant(dbtest.VillageA), kase.ID); err != nil {
			t.Fatal(err)
		}
		if n := count(`SELECT COUNT(*) FROM audit_log WHERE entity = 'tracing_case' AND action = 'view'`); n != 1 {
			t.Errorf("view not audited")
		}
	})
}

func dbtestScope(code string) jurisdiction.Scope { return jurisdiction.Grant(code) }
