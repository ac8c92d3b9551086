package demo

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/notify"
	"fangkong/internal/place"
	"fangkong/internal/policy"
	"fangkong/internal/registry"
	"fangkong/internal/sampling"
	"fangkong/internal/site"
	"fangkong/internal/tracing"
)

// DemoScans is how many place-code scans the demo loads for a population:
// one a person (550,000 for the county). Two million, the figure,
// took 62 s of the demo's load on this 2-core machine, beyond the whole
// demo's budget; `fkbench tracing` measures the larger tables.
func DemoScans(people int) int { return min(2_000_000, people) }

// loadTracing adds an outbreak: a place code in every village and township
// seat, several days of scans across the county, cases found through the
// single-tube retests of a positive pool, their candidates computed, some
// judged and handed over to a quarantine site, a contact who became a case
// (the chain), and one cluster.
func loadTracing(ctx context.Context, d *db.DB, units *jurisdiction.Store, places *place.Resolver, now func() time.Time, seed int64, people int) error {
	all := demoCounty()
	ps := policy.NewStore(d, now)
	ms := measure.NewService(d, ps, measure.NoRoundResults, notify.Discard, now)
	svc := tracing.NewService(d, registry.NewService(d, units, now), ms, site.NewService(d, units, ms, now), places, nil, notify.Discard, now)
	if err := svc.EnsureRules(ctx); err != nil {
		return err
	}
	who := audit.Actor{Username: "demo", Role: "tracing", Unit: CountyCode}
	// Places: a clinic in every village, a market at every township seat.
	var placeIDs []int64
	byUnit := map[string][]int64{}
	for _, level := range []int{jurisdiction.LevelTownship, jurisdiction.LevelVillage} {
		us, err := units.Units(ctx, all, level)
		if err != nil {
			return err
		}
		for _, u := range us {
			name, kind := u.Name+"卫生室", "村卫生室"
			if level == jurisdiction.LevelTownship {
				name, kind = u.Name+"集市", "农贸市场"
			}
			p, err := svc.CreatePlace(ctx, who, all, tracing.Place{Name: name, UnitCode: u.Code, Kind: kind, Address: u.Name})
			if err != nil {
				return fmt.Errorf("demo place %s: %w", name, err)
			}
			placeIDs = append(placeIDs, p.ID)
			byUnit[u.Code] = append(byUnit[u.Code], p.ID)
		}
	}
	if err := loadScans(ctx, d, all, byUnit, now(), seed, DemoScans(people)); err != nil {
		return err
	}
	// Cases: the positive retests of the round, or the first village's people.
	var cases []tracing.Case
	rets, err := positiveRetests(ctx, d, units, now)
	if err != nil {
		return err
	}
	for _, r := range rets {
		c, err := svc.CaseFromRetest(ctx, who, all, r[0], r[1], "")
		if err != nil {
			return fmt.Errorf("demo case: %w", err)
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		lo, hi := all.Args()
		rows, err := d.R().QueryContext(ctx, `SELECT id FROM people WHERE active = 1 AND `+all.Where("unit_code", 1)+` AND id % 997 = 1 ORDER BY id LIMIT 3`, lo, hi)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			c, err := svc.CreateCase(ctx, who, all, tracing.CaseInput{PersonID: id, Classification: "确诊", FoundVia: "主动就诊",
				FoundAt: now().Add(-3 * time.Hour).UnixMilli(), OnsetDate: now().AddDate(0, 0, -1).Format("2006-01-02")})
			if err != nil {
				return err
			}
			cases = append(cases, c)
		}
	}
	if len(cases) == 0 {
		return nil
	}
	k, err := svc.CreateCluster(ctx, who, all, cases[0].UnitCode[:9], cases[0].UnitName+"聚集性疫情", "混管阳性复核发现")
	if err != nil {
		return err
	}
	var sites []site.Site
	if sites, err = site.NewService(d, units, ms, now).Sites(ctx, all, ""); err != nil {
		return err
	}
	for i, c := range cases {
		if err := svc.SetCluster(ctx, who, all, c.ID, k.ID); err != nil {
			return err
		}
		if i == 0 {
			if err := svc.MarkClock(ctx, who, all, c.ID, "report", 0); err != nil {
				return err
			}
			if _, err := svc.Prefill(ctx, who, all, c.ID); err != nil {
				return err
			}
		}
		if _, err := svc.Refresh(ctx, who, all, c.ID); err != nil {
			return err
		}
	}
	// The first case's household and three co-present people judged close
	// and sent to the county's site; one of them became a case.
	list, err := svc.Contacts(ctx, all, tracing.ContactFilter{CaseID: cases[0].ID, Limit: 50})
	if err != nil {
		return err
	}
	isCase := map[int64]bool{}
	for _, c := range cases {
		isCase[c.PersonID] = true
	}
	var judged []int64
	for _, x := range list {
		if x.PersonID != 0 && !x.Outside && !isCase[x.PersonID] && len(judged) < 4 {
			judged = append(judged, x.ID)
		}
	}
	if len(judged) == 0 {
		return nil
	}
	if _, err := svc.Judge(ctx, who, all, cases[0].ID, tracing.JudgeInput{ContactIDs: judged, Category: tracing.CatClose}); err != nil {
		return err
	}
	var siteID int64
	if len(sites) > 0 {
		siteID = sites[0].ID
	}
	if _, err := svc.HandOff(ctx, who, all, cases[0].ID, tracing.HandOffInput{ContactIDs: judged[:len(judged)-1], SiteID: siteID}); err != nil {
		return fmt.Errorf("demo hand-off: %w", err)
	}
	c2, err := svc.ConvertContact(ctx, who, all, judged[0], tracing.CaseInput{Classification: "确诊", FoundAt: now().Add(-30 * time.Minute).UnixMilli()})
	if err != nil {
		return fmt.Errorf("demo conversion: %w", err)
	}
	return svc.SetCluster(ctx, who, all, c2.ID, k.ID)
}

// positiveRetests marks the single-tube retests of the round's first
// positive pool: two members positive, the rest negative. It returns the
// positive (campaign, person) pairs.
func positiveRetests(ctx context.Context, d *db.DB, units *jurisdiction.Store, now func() time.Time) ([][2]int64, error) {
	rows, err := d.R().QueryContext(ctx, `SELECT campaign_id, person_id, tube_id FROM test_retests WHERE retest_result = ''
		ORDER BY tube_id, person_id LIMIT 40`)
	if err != nil {
		return nil, err
	}
	var list [][3]int64
	for rows.Next() {
		var x [3]int64
		if err := rows.Scan(&x[0], &x[1], &x[2]); err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, x)
	}
	rows.Close()
	if len(list) == 0 {
		return nil, nil
	}
	s := sampling.NewService(d, units, sampling.NoAssign, now)
	boss := audit.Actor{Username: "demo", Role: "sampling", Unit: CountyCode}
	var out [][2]int64
	for i, x := range list {
		if x[2] != list[0][2] {
			break
		}
		res := "阴性"
		if i < 2 {
			res = "阳性"
			out = append(out, [2]int64{x[0], x[1]})
		}
		if err := s.RecordRetest(ctx, boss, demoCounty(), x[0], x[1], fmt.Sprintf("RT%06d", i+1), res); err != nil {
			return nil, fmt.Errorf("demo retest: %w", err)
		}
	}
	return out, nil
}

// loadScans inserts n scans over the last five days, 07:00–21:00: each a
// random person of the county at their village's clinic (two in three) or
// their township's market, in transactions of 200,000 rows.
func loadScans(ctx context.Context, d *db.DB, all jurisdiction.Scope, byUnit map[string][]int64, now time.Time, seed int64, n int) error {
	lo, hi := all.Args()
	rows, err := d.R().QueryContext(ctx, `SELECT id, name, COALESCE(id_number, ''), phone, unit_code FROM people
		WHERE active = 1 AND `+all.Where("unit_code", 1), lo, hi)
	if err != nil {
		return err
	}
	type who struct {
		id                     int64
		name, idn, phone, unit string
	}
	var ppl []who
	for rows.Next() {
		var x who
		if err := rows.Scan(&x.id, &x.name, &x.idn, &x.phone, &x.unit); err != nil {
			rows.Close()
			return err
		}
		ppl = append(ppl, x)
	}
	rows.Close()
	if len(ppl) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 14))
	start := now.Add(-5 * 24 * time.Hour).Truncate(time.Hour).UnixMilli()
	const day, batch = int64(24 * 3600 * 1000), 200_000
	for done := 0; done < n; {
		k := min(batch, n-done)
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			ins, err := d.NewInserter(ctx, tx, "tracing_scans", []string{"place_id", "scanned_at", "person_id", "name", "id_number", "phone", "source"}, "")
			if err != nil {
				return err
			}
			defer ins.Close()
			for i := 0; i < k; i++ {
				p := ppl[rng.IntN(len(ppl))]
				places := byUnit[p.unit[:min(12, len(p.unit))]]
				if len(places) == 0 || rng.IntN(3) == 0 {
					if t := byUnit[p.unit[:9]]; len(t) > 0 {
						places = t
					}
				}
				if len(places) == 0 {
					continue
				}
				at := start + int64(rng.IntN(5))*day + (7+int64(rng.IntN(14)))*3600000 + int64(rng.IntN(3600))*1000
				if at > now.UnixMilli() {
					at -= day
				}
				if err := ins.Add(places[rng.IntN(len(places))], at, p.id, p.name, p.idn, p.phone, "import"); err != nil {
					return err
				}
			}
			return ins.Flush()
		})
		if err != nil {
			return fmt.Errorf("demo scans: %w", err)
		}
		done += k
	}
	return nil
}
