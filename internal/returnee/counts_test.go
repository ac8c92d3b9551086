package returnee_test

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
)

var countsSeed = flag.Int64("counts.seed", 0, "seed of TestCountersMatchRecount (0: from the clock)")

// TestCountersMatchRecount performs a seeded random mix of writes to the
// ledger and the sweeps — registrations, merged reports, corrections,
// verifications, re-levelling after a risk-area change, visits and their
// corrections, and raw multi-row INSERT, UPDATE and DELETE statements as a
// bulk loader or a clean-up would send, one of them rolled back — and
// compares the counters the triggers keep (returnee_counts,
// returnee_day_counts, sweep_visit_counts) with a full recount after every
// step, failing at the first difference. At the end every unit's Tally,
// 底数 and sweep figures are checked against the rows. Run again with
// -counts.seed=N to repeat a failure.
func TestCountersMatchRecount(t *testing.T) {
	t.Parallel()
	seed := dbtest.MixSeed(*countsSeed)
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		m := &mix{Mix: dbtest.NewMix(t, d, seed), e: e, county: jurisdiction.Grant(dbtest.County), ids: map[string]bool{}}
		m.households()
		steps := []dbtest.Step{
			{Name: "record", Fn: m.record}, {Name: "record", Fn: m.record}, {Name: "record", Fn: m.record}, {Name: "merged report", Fn: m.mergedReport},
			{Name: "correction", Fn: m.correct}, {Name: "verification", Fn: m.verify}, {Name: "re-level", Fn: m.relevel}, {Name: "place pending", Fn: m.placePending},
			{Name: "visit", Fn: m.visit}, {Name: "visit", Fn: m.visit}, {Name: "raw bulk insert", Fn: m.bulkInsert}, {Name: "raw multi-row update", Fn: m.bulkUpdate},
			{Name: "raw delete", Fn: m.rawDelete}, {Name: "raw visit writes", Fn: m.rawVisits}, {Name: "rolled back", Fn: m.rolledBack},
		}
		done := m.Run(150, steps, "counters", m.compare)
		m.checkFigures()
		if done["record"] < 10 || done["visit"] < 5 {
			t.Errorf("the mix did too little: %v", done)
		}
	})
}

type mix struct {
	*dbtest.Mix
	e      *env
	county jurisdiction.Scope
	ids    map[string]bool
	homes  []registry.Household
	sweeps []int64
}

var arrivalUnits = []string{dbtest.VillageA, dbtest.GroupA1, dbtest.VillageA2, dbtest.VillageB}

func (m *mix) unit() string { return arrivalUnits[m.Rng.Intn(len(arrivalUnits))] }

// day is an arrival day of December 2021 or January 2022 up to the
// clock's day (2022-01-10).
func (m *mix) day() string {
	return time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, m.Rng.Intn(41)).Format("2006-01-02")
}

func (m *mix) origin() (code, detail string) {
	switch m.Rng.Intn(4) {
	case 0:
		return "610113", "明德门小区"
	case 1:
		return "610113", ""
	case 2:
		return "420102", ""
	}
	return "110101", ""
}

func (m *mix) idNumber() string {
	for {
		born := time.Date(1950+m.Rng.Intn(60), time.Month(1+m.Rng.Intn(12)), 1+m.Rng.Intn(28), 0, 0, 0, 0, time.UTC)
		id := dbtest.ID(fmt.Sprintf("610118%s%03d", born.Format("20060102"), m.Rng.Intn(1000)))
		if !m.ids[id] {
			m.ids[id] = true
			return id
		}
	}
}

// households creates a few households in every unit and two sweeps: the
// county's and township A's.
func (m *mix) households() {
	for _, u := range arrivalUnits {
		for i := range 4 {
			h, err := m.e.reg.CreateHousehold(m.Ctx, who, m.county, registry.Household{UnitCode: u, Address: fmt.Sprintf("%s-%d号", u, i)})
			if err != nil {
				m.T.Fatal(err)
			}
			m.homes = append(m.homes, h)
		}
	}
	for _, w := range []returnee.Sweep{{Name: "全县排查", StartsOn: "2022-01-01"}, {Name: "甘亭排查", StartsOn: "2022-01-02", UnitCode: dbtest.TownshipA}} {
		s, err := m.e.svc.OpenSweep(m.Ctx, who, m.county, w)
		if err != nil {
			m.T.Fatal(err)
		}
		m.sweeps = append(m.sweeps, s.ID)
	}
}

func (m *mix) record() {
	code, detail := m.origin()
	arrived := m.day()
	departed := ""
	if m.Rng.Intn(2) == 0 {
		departed = arrived
	}
	_, _, err := m.e.svc.Record(m.Ctx, who, m.county, returnee.Arrival{Name: "返乡" + fmt.Sprint(m.Rng.Intn(1000)), IDNumber: m.idNumber(),
		VillageCode: m.unit(), OriginCode: code, OriginDetail: detail, DepartedOn: departed, ArrivedOn: arrived,
		Source: returnee.Sources[m.Rng.Intn(len(returnee.Sources))]})
	m.OK(err)
}

// mergedReport reports a recorded person's arrival again, within days of
// it: merged into that arrival (its origin level may rise).
func (m *mix) mergedReport() {
	id := m.Pick("SELECT id FROM returnees")
	if id == 0 {
		return
	}
	a, err := m.e.svc.Get(m.Ctx, m.county, id)
	if err != nil {
		m.T.Fatal(err)
	}
	code, detail := m.origin()
	_, _, err = m.e.svc.Record(m.Ctx, who, m.county, returnee.Arrival{PersonID: a.PersonID, OriginCode: code, OriginDetail: detail,
		ArrivedOn: a.ArrivedOn, Source: returnee.SourcePush})
	m.OK(err)
}

// correct edits an arrival's origin and day.
func (m *mix) correct() {
	id := m.Pick("SELECT id FROM returnees")
	if id == 0 {
		return
	}
	a, err := m.e.svc.Get(m.Ctx, m.county, id)
	if err != nil {
		m.T.Fatal(err)
	}
	code, detail := m.origin()
	_, err = m.e.svc.Update(m.Ctx, who, m.county, returnee.Arrival{ID: id, OriginCode: code, OriginDetail: detail,
		ArrivedOn: m.day(), Version: a.Version})
	m.OK(err)
}

func (m *mix) verify() {
	id := m.Pick("SELECT id FROM returnees")
	if id == 0 {
		return
	}
	_, err := m.e.svc.SetStatus(m.Ctx, who, m.county, id, returnee.Statuses[m.Rng.Intn(len(returnee.Statuses))], "", 0)
	m.OK(err)
}

// relevel lists an origin as a risk area (or changes its level): the
// arrivals from it are re-levelled in one statement per level.
func (m *mix) relevel() {
	code, _ := m.origin()
	levels := []string{"低", "中", "高"}
	_, err := m.e.risk.Add(m.Ctx, who, riskarea.Entry{Code: code, Level: levels[m.Rng.Intn(3)], EffectiveFrom: m.day()})
	m.OK(err)
}

func (m *mix) placePending() {
	id := m.Pick("SELECT id FROM returnees")
	if id == 0 {
		return
	}
	place := ""
	if m.Rng.Intn(2) == 0 {
		place = returnee.PlacePending
	}
	m.Exec("UPDATE returnees SET origin_status = $1, version = version + 1 WHERE id = $2", place, id)
}

// visit marks (or corrects) a household's visit in one of the sweeps.
func (m *mix) visit() {
	h := m.homes[m.Rng.Intn(len(m.homes))]
	_, err := m.e.svc.MarkVisit(m.Ctx, who, m.county, returnee.Visit{SweepID: m.sweeps[m.Rng.Intn(len(m.sweeps))], HouseholdID: h.ID,
		Present: "户主", Returnees: m.Rng.Intn(4)})
	m.OK(err)
}

// bulkInsert copies a share of the ledger as new arrivals, moved and
// re-ranked, in one statement.
func (m *mix) bulkInsert() {
	m.Exec(`INSERT INTO returnees (person_id, unit_code, name, origin_rank, status, origin_status, arrived_on, created_at, updated_at)
		SELECT person_id, $1, name, (origin_rank + 1) % 4, status, origin_status, arrived_on, created_at, updated_at
		FROM returnees WHERE id % 3 = $2`, m.unit(), m.Rng.Intn(3))
}

// bulkUpdate moves, re-statuses and re-dates a share of the ledger in one
// statement (rows whose keys change and rows whose keys stay).
func (m *mix) bulkUpdate() {
	m.Exec(`UPDATE returnees SET unit_code = CASE WHEN id % 2 = 0 THEN $1 ELSE unit_code END,
		status = CASE WHEN id % 5 = 0 THEN $2 ELSE status END, arrived_on = CASE WHEN id % 7 = 0 THEN $3 ELSE arrived_on END,
		origin_rank = CASE WHEN id % 4 = 1 THEN 3 - origin_rank ELSE origin_rank END
		WHERE id % 3 = $4`, m.unit(), returnee.Statuses[m.Rng.Intn(len(returnee.Statuses))], m.day(), m.Rng.Intn(3))
}

func (m *mix) rawDelete() {
	m.Exec(`DELETE FROM returnees WHERE id % 11 = $1
		AND id NOT IN (SELECT returnee_id FROM self_reports WHERE returnee_id IS NOT NULL)`, m.Rng.Intn(11))
}

// rawVisits deletes, moves or re-counts a share of the visits, or copies
// one sweep's visits into the other, in one statement.
func (m *mix) rawVisits() {
	switch m.Rng.Intn(4) {
	case 0:
		m.Exec("DELETE FROM sweep_visits WHERE id % 4 = $1", m.Rng.Intn(4))
	case 1:
		m.Exec("UPDATE sweep_visits SET unit_code = $1 WHERE id % 3 = $2", m.unit(), m.Rng.Intn(3))
	case 2:
		m.Exec("UPDATE sweep_visits SET returnees = returnees + id % 3 WHERE id % 2 = $1", m.Rng.Intn(2))
	default:
		from, to := m.sweeps[0], m.sweeps[1]
		if m.Rng.Intn(2) == 0 {
			from, to = to, from
		}
		m.Exec(`INSERT INTO sweep_visits (sweep_id, household_id, unit_code, visited_on, visited_by, returnees, created_at, updated_at)
			SELECT $1, household_id, unit_code, visited_on, visited_by, returnees, created_at, updated_at FROM sweep_visits v
			WHERE sweep_id = $2 AND NOT EXISTS (SELECT 1 FROM sweep_visits x WHERE x.sweep_id = $1 AND x.household_id = v.household_id)`,
			to, from)
	}
}

// rolledBack writes inside a transaction that fails: nothing may remain.
func (m *mix) rolledBack() {
	boom := errors.New("boom")
	err := m.D.InTx(m.Ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE returnees SET unit_code = $1, status = $2", dbtest.VillageB, returnee.StatusLeft); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sweep_visits"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		m.T.Fatalf("rolled back: %v", err)
	}
}

// rowsOf returns the query's rows, each as one line, sorted.
func (m *mix) rowsOf(query string) []string {
	m.T.Helper()
	rows, err := m.D.R().QueryContext(m.Ctx, query)
	if err != nil {
		m.T.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			m.T.Fatal(err)
		}
		var b strings.Builder
		for _, v := range vals {
			if s, ok := v.([]byte); ok {
				v = string(s)
			}
			fmt.Fprintf(&b, "%v|", v)
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		m.T.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// compare returns how each counter table differs from a recount ("" when
// none does).
func (m *mix) compare() string {
	var diffs []string
	for _, c := range []struct{ name, counters, recount string }{
		{"returnee_counts", "SELECT lvl, unit_code, origin_rank, status, origin_status, n FROM returnee_counts",
			`SELECT l.lvl, SUBSTR(unit_code, 1, l.lvl), origin_rank, status, origin_status, COUNT(*)
			FROM returnees, (SELECT 9 AS lvl UNION ALL SELECT 12) l GROUP BY l.lvl, SUBSTR(unit_code, 1, l.lvl), origin_rank, status, origin_status`},
		{"returnee_day_counts", "SELECT lvl, unit_code, arrived_on, origin_rank, status, origin_status, n FROM returnee_day_counts",
			`SELECT l.lvl, SUBSTR(unit_code, 1, l.lvl), arrived_on, origin_rank, status, origin_status, COUNT(*)
			FROM returnees, (SELECT 6 AS lvl UNION ALL SELECT 9) l GROUP BY l.lvl, SUBSTR(unit_code, 1, l.lvl), arrived_on, origin_rank, status, origin_status`},
		{"sweep_visit_counts", "SELECT sweep_id, unit_code, n, returnees FROM sweep_visit_counts",
			"SELECT sweep_id, unit_code, COUNT(*), SUM(returnees) FROM sweep_visits GROUP BY sweep_id, unit_code"},
	} {
		got, want := m.rowsOf(c.counters), m.rowsOf(c.recount)
		if !slices.Equal(got, want) {
			diffs = append(diffs, fmt.Sprintf("%s:\n  counters %v\n  recount  %v", c.name, got, want))
		}
	}
	return strings.Join(diffs, "\n")
}

// checkFigures compares every unit's Tally and 底数 and the sweeps' figures
// with the same figures counted from the rows.
func (m *mix) checkFigures() {
	rows, err := m.e.svc.CountsByUnit(m.Ctx, m.county) // per unit code, from the rows
	if err != nil {
		m.T.Fatal(err)
	}
	for _, u := range []string{dbtest.County, dbtest.TownshipA, dbtest.TownshipB, dbtest.VillageA, dbtest.VillageA2, dbtest.VillageB, dbtest.GroupA1} {
		var want returnee.Tally
		for code, t := range rows {
			if strings.HasPrefix(code, u) {
				want.Total += t.Total
				want.Pending += t.Pending
				want.PlacePending += t.PlacePending
				for i := range want.ByRank {
					want.ByRank[i] += t.ByRank[i]
				}
			}
		}
		got, err := m.e.svc.Tally(m.Ctx, m.county, u)
		if err != nil || got != want {
			m.T.Errorf("Tally of %s: %+v, %v; the rows give %+v", u, got, err, want)
		}
		st, err := m.e.svc.StatsOf(m.Ctx, m.county, u)
		if err != nil || st.Tally != want {
			m.T.Errorf("StatsOf %s: %+v, %v; the rows give %+v", u, st.Tally, err, want)
			continue
		}
		var weeks returnee.Tally
		for _, w := range st.Weeks {
			weeks.Total += w.Total
			weeks.PlacePending += w.PlacePending
		}
		if weeks.Total != want.Total || weeks.PlacePending != want.PlacePending {
			m.T.Errorf("StatsOf %s: weeks add up to %+v, the unit has %+v", u, weeks, want)
		}
		sum := 0
		for _, c := range st.Children {
			sum += c.Total
		}
		if len(st.Children) > 0 && sum != want.Total {
			m.T.Errorf("StatsOf %s: the rows by child unit add up to %d, the unit has %d", u, sum, want.Total)
		}
		for _, c := range st.Children {
			if c.Unit.Code == u { // the returnees registered at u itself
				continue
			}
			var n int
			for code, t := range rows {
				if strings.HasPrefix(code, c.Unit.Code) {
					n += t.Total
				}
			}
			if c.Total != n {
				m.T.Errorf("StatsOf %s: child %s has %d, the rows give %d", u, c.Unit.Code, c.Total, n)
			}
		}
	}
	for _, id := range m.sweeps {
		for _, u := range []string{dbtest.County, dbtest.TownshipA, dbtest.VillageA, dbtest.GroupA1} {
			scope, _ := m.county.Narrow(u)
			rep, err := m.e.svc.Report(m.Ctx, scope, id, "")
			if errors.Is(err, errs.ErrNotFound) {
				continue
			}
			if err != nil {
				m.T.Fatal(err)
			}
			part := scope // the sweep's unit inside the scope
			if len(rep.Sweep.UnitCode) > len(u) {
				part, _ = m.county.Narrow(rep.Sweep.UnitCode)
			}
			lo, hi := part.Args()
			var visited, found int
			if err := m.D.R().QueryRowContext(m.Ctx, `SELECT COUNT(*), COALESCE(SUM(returnees), 0) FROM sweep_visits
				WHERE sweep_id = $3 AND `+scope.Where("unit_code", 1), lo, hi, id).Scan(&visited, &found); err != nil {
				m.T.Fatal(err)
			}
			if rep.Total.Visited != visited || rep.Total.Returnees != found {
				m.T.Errorf("sweep %d in %s: %d visited, %d found; the rows give %d, %d", id, u, rep.Total.Visited, rep.Total.Returnees, visited, found)
			}
		}
	}
}
