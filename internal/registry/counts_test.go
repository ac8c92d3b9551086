package registry_test

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

var countsSeed = flag.Int64("counts.seed", 0, "seed of TestCountersMatchRecount (0: from the clock)")

// TestCountersMatchRecount performs a seeded random mix of every kind of
// write to people and households — the service's creates, edits, unit
// moves, household moves, 注销 and 撤销注销, merges and ledger imports, and
// raw multi-row INSERT, UPDATE and DELETE statements as a bulk loader or a
// clean-up would send, one of them rolled back — and compares the roll-up
// counters the triggers keep (people_counts, household_counts, and per
// township and village people_level_counts, household_level_counts) with a full
// recount after every step, failing at the first difference. Run again
// with -counts.seed=N to repeat a failure.
func TestCountersMatchRecount(t *testing.T) {
	t.Parallel()
	seed := dbtest.MixSeed(*countsSeed)
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		m := &mix{Mix: dbtest.NewMix(t, d, seed), s: setup(t, d), county: jurisdiction.Grant(dbtest.County), ids: map[string]bool{}}
		steps := []dbtest.Step{
			{Name: "create household", Fn: m.createHousehold}, {Name: "create person", Fn: m.createPerson}, {Name: "create person", Fn: m.createPerson},
			{Name: "edit person", Fn: m.editPerson}, {Name: "edit person", Fn: m.editPerson}, {Name: "move household", Fn: m.moveHousehold},
			{Name: "deregister", Fn: m.deregister}, {Name: "reinstate", Fn: m.reinstate}, {Name: "merge", Fn: m.merge}, {Name: "ledger import", Fn: m.importLedger},
			{Name: "raw bulk insert", Fn: m.bulkInsert}, {Name: "raw multi-row update", Fn: m.bulkUpdate}, {Name: "raw delete", Fn: m.rawDelete},
			{Name: "rolled back", Fn: m.rolledBack},
		}
		m.Run(160, steps, "counters", m.compare)
		m.checkStats()
		if m.people < 50 {
			t.Errorf("only %d people created: the mix did too little", m.people)
		}
	})
}

type mix struct {
	*dbtest.Mix
	s      *registry.Service
	county jurisdiction.Scope
	ids    map[string]bool // ID numbers handed out
	people int
}

var residentUnits = []string{dbtest.VillageA, dbtest.GroupA1, dbtest.VillageA2, dbtest.VillageB}

func (m *mix) unit() string { return residentUnits[m.Rng.Intn(len(residentUnits))] }
func (m *mix) residence() string {
	return registry.ResidenceStatuses[m.Rng.Intn(len(registry.ResidenceStatuses))]
}
func (m *mix) groups() registry.SpecialGroup {
	if m.Rng.Intn(3) == 0 {
		return registry.SpecialGroup(m.Rng.Intn(64))
	}
	return 0
}

// idNumber hands out a new valid ID number.
func (m *mix) idNumber() string {
	for {
		born := time.Date(1940+m.Rng.Intn(80), time.Month(1+m.Rng.Intn(12)), 1+m.Rng.Intn(28), 0, 0, 0, 0, time.UTC)
		id := dbtest.ID(fmt.Sprintf("610118%s%03d", born.Format("20060102"), m.Rng.Intn(1000)))
		if !m.ids[id] {
			m.ids[id] = true
			return id
		}
	}
}

// nextNo returns a free 户编号 of a village as CreateHousehold numbers them
// (the highest number + 1), counting those handed out in next.
func (m *mix) nextNo(village string, next map[string]int) string {
	if next[village] == 0 {
		var max string
		if err := m.D.R().QueryRow("SELECT COALESCE(MAX(no), '') FROM households WHERE no >= $1 AND no < $2",
			village+"-", village+".").Scan(&max); err != nil {
			m.T.Fatal(err)
		}
		n := 0
		if max != "" {
			fmt.Sscanf(max[len(village)+1:], "%d", &n)
		}
		next[village] = n
	}
	next[village]++
	return fmt.Sprintf("%s-%04d", village, next[village])
}

func (m *mix) createHousehold() {
	_, err := m.s.CreateHousehold(m.Ctx, who, m.county, registry.Household{UnitCode: m.unit(), Address: fmt.Sprintf("新村%d号", m.Rng.Intn(1000))})
	m.OK(err)
}

func (m *mix) createPerson() {
	p := registry.Person{Name: "居民", UnitCode: m.unit(), Residence: m.residence(), Groups: m.groups(), Sex: "女", BirthDate: "1990-01-01"}
	if m.Rng.Intn(4) > 0 {
		p.IDNumber = m.idNumber()
	}
	if hh := m.Pick("SELECT id FROM households"); hh != 0 && m.Rng.Intn(2) == 0 {
		p.HouseholdID, p.Relation = hh, "其他"
	}
	if _, err := m.s.CreatePerson(m.Ctx, who, m.county, p); m.OK(err) {
		m.people++
	}
}

func (m *mix) editPerson() {
	id := m.Pick("SELECT id FROM people WHERE active = 1")
	if id == 0 {
		return
	}
	p, err := m.s.ViewPerson(m.Ctx, who, m.county, id)
	if !m.OK(err) {
		return
	}
	switch m.Rng.Intn(3) {
	case 0:
		p.Residence = m.residence()
	case 1:
		p.Groups = m.groups()
	default: // a move out of the household to another unit
		p.HouseholdID, p.Relation, p.UnitCode = 0, "", m.unit()
	}
	_, err = m.s.UpdatePerson(m.Ctx, who, m.county, p)
	m.OK(err)
}

func (m *mix) moveHousehold() {
	id := m.Pick("SELECT id FROM households WHERE unit_code = $1 OR unit_code = $2", dbtest.VillageA, dbtest.GroupA1)
	if id == 0 {
		return
	}
	h, err := m.s.Household(m.Ctx, m.county, id)
	if !m.OK(err) {
		return
	}
	h.UnitCode = map[string]string{dbtest.VillageA: dbtest.GroupA1, dbtest.GroupA1: dbtest.VillageA}[h.UnitCode]
	_, err = m.s.UpdateHousehold(m.Ctx, who, m.county, h)
	m.OK(err)
}

func (m *mix) deregister() {
	if id := m.Pick("SELECT id FROM people WHERE active = 1"); id != 0 {
		_, err := m.s.Deregister(m.Ctx, who, m.county, id, "迁出", "2026-01-02")
		m.OK(err)
	}
}

func (m *mix) reinstate() {
	if id := m.Pick("SELECT id FROM people WHERE active = 0 AND merged_into IS NULL"); id != 0 {
		_, err := m.s.Reinstate(m.Ctx, who, m.county, id)
		m.OK(err)
	}
}

func (m *mix) merge() {
	keep := m.Pick("SELECT id FROM people WHERE active = 1")
	drop := m.Pick("SELECT id FROM people WHERE merged_into IS NULL AND id_number IS NULL")
	if keep != 0 && drop != 0 {
		_, err := m.s.Merge(m.Ctx, who, m.county, keep, drop)
		m.OK(err)
	}
}

// importLedger imports a CSV of new people (some in new households, some
// with bad rows) and of registered people with a new residence, group set
// and unit, in one of the two modes.
func (m *mix) importLedger() {
	var b strings.Builder
	b.WriteString(strings.Join([]string{registry.ColVillageCode, registry.ColGroupCode, registry.ColHouseholdNo, registry.ColAddress,
		registry.ColName, registry.ColIDNumber, registry.ColRelation, registry.ColResidence, registry.ColGroups}, ",") + "\n")
	row := func(unit, hh, id string) {
		village, group := unit[:12], ""
		if len(unit) > 12 {
			group = unit
		}
		rel := ""
		if hh != "" {
			rel = "户主"
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s,居民,%s,%s,%s,%s\n", village, group, hh, "台账路1号", id, rel, m.residence(), registry.GroupNames(m.groups()))
	}
	next := map[string]int{}
	for i := 0; i < 1+m.Rng.Intn(8); i++ {
		hh := ""
		unit := m.unit()
		if m.Rng.Intn(2) == 0 {
			hh = m.nextNo(unit[:12], next)
		}
		row(unit, hh, m.idNumber())
	}
	rows, err := m.D.R().QueryContext(m.Ctx, "SELECT id_number FROM people WHERE id_number IS NOT NULL AND household_id IS NULL AND active = 1")
	if err != nil {
		m.T.Fatal(err)
	}
	var known []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		known = append(known, id)
	}
	rows.Close()
	for i, k := range m.Rng.Perm(len(known)) {
		if i == 3 {
			break
		}
		row(m.unit(), "", known[k])
	}
	if m.Rng.Intn(3) == 0 {
		row(m.unit(), "", dbtest.BadID("61011819900101099")) // a bad row: all-or-nothing applies nothing
	}
	mode := []registry.ImportMode{registry.ImportAllOrNothing, registry.ImportGoodRows}[m.Rng.Intn(2)]
	csv := b.String()
	rep, err := m.s.ImportLedger(m.Ctx, who, m.county, strings.NewReader(csv), int64(len(csv)), mode)
	if m.OK(err) {
		if !rep.Applied {
			m.Applied-- // refused as a whole: nothing written
		}
		m.people += rep.PeopleCreated
	}
}

// bulkInsert adds households and people with db.Inserter, as the demo
// loader and benchmarks do (multi-row statements on PostgreSQL), some of
// the people inactive.
func (m *mix) bulkInsert() {
	err := m.D.Tx(m.Ctx, func(tx *sql.Tx) error {
		n := 1 + m.Rng.Intn(300)
		hids, err := m.D.AllocIDs(m.Ctx, tx, "households", 3)
		if err != nil {
			return err
		}
		hh, err := m.D.NewInserter(m.Ctx, tx, "households", []string{"id", "no", "unit_code", "address", "created_at", "updated_at"}, "")
		if err != nil {
			return err
		}
		units := make([]string, len(hids))
		next := map[string]int{}
		for i, id := range hids {
			units[i] = m.unit()
			if err := hh.Add(id, m.nextNo(units[i][:12], next), units[i], "批量路", 0, 0); err != nil {
				return err
			}
		}
		if err := hh.Close(); err != nil {
			return err
		}
		pp, err := m.D.NewInserter(m.Ctx, tx, "people", []string{"name", "household_id", "unit_code", "residence", "groups", "active", "created_at", "updated_at"}, "")
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			k := m.Rng.Intn(len(hids) + 1)
			var hid any
			unit := m.unit()
			if k < len(hids) {
				hid, unit = hids[k], units[k]
			}
			active := 1
			if m.Rng.Intn(5) == 0 {
				active = 0
			}
			if err := pp.Add("批量", hid, unit, m.residence(), int64(m.groups()), active, 0, 0); err != nil {
				return err
			}
		}
		m.people += n
		return pp.Close()
	})
	if err != nil {
		m.T.Fatal(err)
	}
	m.Applied++
}

// bulkUpdate changes many people in one statement: residence, unit, or
// the active flag, over a random third of a unit.
func (m *mix) bulkUpdate() {
	from, to, k := m.unit(), m.unit(), m.Rng.Intn(3)
	var q string
	var args []any
	switch m.Rng.Intn(4) {
	case 0:
		q, args = "UPDATE people SET residence = $1 WHERE unit_code = $2 AND id % 3 = $3", []any{m.residence(), from, k}
	case 1:
		q, args = "UPDATE people SET unit_code = $1 WHERE unit_code = $2 AND id % 3 = $3 AND household_id IS NULL", []any{to, from, k}
	case 2:
		q, args = "UPDATE people SET active = 1 - active WHERE unit_code = $1 AND id % 3 = $2 AND merged_into IS NULL", []any{from, k}
	default:
		q, args = "UPDATE people SET groups = groups + 1, residence = $1, unit_code = $2 WHERE id % 5 = $3 AND household_id IS NULL",
			[]any{m.residence(), to, k}
	}
	m.Exec(q, args...)
}

// rawDelete deletes people nothing refers to, and empty households.
func (m *mix) rawDelete() {
	m.Exec(`DELETE FROM people WHERE id % 7 = $1 AND unit_code = $2
		AND NOT EXISTS (SELECT 1 FROM person_merges pm WHERE pm.kept_id = people.id OR pm.merged_id = people.id)
		AND NOT EXISTS (SELECT 1 FROM people k WHERE k.merged_into = people.id)`, m.Rng.Intn(7), m.unit())
	m.Exec(`DELETE FROM households WHERE id % 2 = $1
		AND NOT EXISTS (SELECT 1 FROM people p WHERE p.household_id = households.id)`, m.Rng.Intn(2))
}

// rolledBack writes and rolls back: the counters roll back with the rows.
func (m *mix) rolledBack() {
	errRollback := errors.New("rollback")
	err := m.D.Tx(m.Ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(m.Ctx, "INSERT INTO people (name, unit_code, created_at, updated_at) VALUES ('过客', $1, 0, 0)", m.unit()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(m.Ctx, "UPDATE people SET residence = $1 WHERE unit_code = $2", m.residence(), m.unit()); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		m.T.Fatal(err)
	}
	m.Applied++
}

// compare returns the first difference between the counters and a full
// recount, or "".
func (m *mix) compare() string {
	m.T.Helper()
	read := func(q string) []string {
		rows, err := m.D.R().QueryContext(m.Ctx, q)
		if err != nil {
			m.T.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var key string
			var n int64
			if err := rows.Scan(&key, &n); err != nil {
				m.T.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s=%d", key, n))
		}
		slices.Sort(out)
		return out
	}
	pairs := [][2]string{
		{`SELECT unit_code || '/' || residence || '/' || CAST(groups AS TEXT), n FROM people_counts`,
			`SELECT unit_code || '/' || residence || '/' || CAST(groups AS TEXT), COUNT(*) FROM people WHERE active = 1
				GROUP BY unit_code, residence, groups`},
		{`SELECT unit_code, n FROM household_counts`, `SELECT unit_code, COUNT(*) FROM households GROUP BY unit_code`},
		// The level counters (0025): per township (9 digits) and village (12).
		{`SELECT CAST(digits AS TEXT) || '/' || unit_code || '/' || residence || '/' || CAST(groups AS TEXT), n FROM people_level_counts`,
			`SELECT CAST(l.digits AS TEXT) || '/' || SUBSTR(p.unit_code, 1, l.digits) || '/' || p.residence || '/' || CAST(p.groups AS TEXT), COUNT(*)
				FROM people p CROSS JOIN (SELECT 9 AS digits UNION ALL SELECT 12) l WHERE p.active = 1
				GROUP BY l.digits, SUBSTR(p.unit_code, 1, l.digits), p.residence, p.groups`},
		{`SELECT CAST(digits AS TEXT) || '/' || unit_code, n FROM household_level_counts`,
			`SELECT CAST(l.digits AS TEXT) || '/' || SUBSTR(h.unit_code, 1, l.digits), COUNT(*)
				FROM households h CROSS JOIN (SELECT 9 AS digits UNION ALL SELECT 12) l
				GROUP BY l.digits, SUBSTR(h.unit_code, 1, l.digits)`},
	}
	for _, p := range pairs {
		got, want := read(p[0]), read(p[1])
		for i := 0; i < max(len(got), len(want)); i++ {
			g, w := "(none)", "(none)"
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if g != w {
				return fmt.Sprintf("counter %s, recount %s (%d counters, %d recounted groups)", g, w, len(got), len(want))
			}
		}
	}
	return ""
}

// checkStats compares Stats, which reads the counters, with the figures
// a scan of people and households gives, for the county, a township, a
// village, a group and the whole country; StatsBy at every cut (which
// reads the level counters where they answer) with Stats summed in Go;
// and the totals other domains read (ResidentTotal, ResidentCounts,
// HouseholdTotal) with the scan.
func (m *mix) checkStats() {
	scopes := []jurisdiction.Scope{jurisdiction.System("counts test"), jurisdiction.Grant(dbtest.County),
		jurisdiction.Grant(dbtest.TownshipA), jurisdiction.Grant(dbtest.VillageA), jurisdiction.Grant(dbtest.GroupA1)}
	for _, scope := range scopes {
		code := scope.Code()
		counts, sum, err := m.s.Stats(m.Ctx, scope)
		if err != nil {
			m.T.Fatal(err)
		}
		lo, hi := scope.Args()
		var people, households, working, chronic int
		m.D.R().QueryRow("SELECT COUNT(*) FROM people WHERE active = 1 AND "+scope.Where("unit_code", 1), lo, hi).Scan(&people)
		m.D.R().QueryRow("SELECT COUNT(*) FROM households WHERE "+scope.Where("unit_code", 1), lo, hi).Scan(&households)
		m.D.R().QueryRow("SELECT COUNT(*) FROM people WHERE active = 1 AND residence = $3 AND "+scope.Where("unit_code", 1), lo, hi,
			registry.ResidentWorking).Scan(&working)
		m.D.R().QueryRow("SELECT COUNT(*) FROM people WHERE active = 1 AND (groups / $3) % 2 = 1 AND "+scope.Where("unit_code", 1), lo, hi,
			int64(registry.GroupChronic)).Scan(&chronic)
		var gotP, gotH int
		for _, c := range counts {
			gotP += c.People
			gotH += c.Households
		}
		if gotP != people || gotH != households || sum.ByResidence[registry.ResidentWorking] != working || sum.ByGroup["慢病"] != chronic {
			m.T.Errorf("Stats(%s): %d people, %d households, %d 外出务工, %d 慢病; a scan: %d, %d, %d, %d", scope,
				gotP, gotH, sum.ByResidence[registry.ResidentWorking], sum.ByGroup["慢病"], people, households, working, chronic)
		}
		var resTotal, hhTotal int
		if err := m.D.R().QueryRow(registry.ResidentTotal(scope, 1), lo, hi).Scan(&resTotal); err != nil {
			m.T.Fatal(err)
		}
		if err := m.D.R().QueryRow(registry.HouseholdTotal(scope, 1), lo, hi).Scan(&hhTotal); err != nil {
			m.T.Fatal(err)
		}
		byCounty := map[string]int{}
		rows, err := m.D.R().Query(registry.ResidentCounts(scope, 1), lo, hi)
		if err != nil {
			m.T.Fatal(err)
		}
		for rows.Next() {
			var c string
			var n int
			rows.Scan(&c, &n)
			byCounty[c] = n
		}
		rows.Close()
		if resTotal != people || hhTotal != households || (people > 0 || len(byCounty) > 0) && !reflect.DeepEqual(byCounty, map[string]int{dbtest.County: people}) {
			m.T.Errorf("%s: ResidentTotal %d, HouseholdTotal %d, ResidentCounts %v; a scan: %d people, %d households", scope,
				resTotal, hhTotal, byCounty, people, households)
		}
		// Cut in the database (the unit pages pass their children's code
		// length): Stats cut in Go, and the same Summary.
		for _, by := range []int{6, 9, 12, 15} {
			want := map[string]registry.Counts{}
			for c, n := range counts {
				k := c
				if len(k) > by {
					k = k[:by]
				}
				w := want[k]
				w.People += n.People
				w.Households += n.Households
				want[k] = w
			}
			got, bsum, err := m.s.StatsBy(m.Ctx, scope, by)
			if err != nil {
				m.T.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(bsum, sum) {
				m.T.Errorf("StatsBy(%s, %d): %v %v; Stats cut: %v %v", scope, by, got, bsum, want, sum)
			}
		}
		if code == "" {
			continue
		}
		// The roll-up into the children, as the unit page shows it.
		kids := []jurisdiction.Unit{}
		rows, err = m.D.R().Query(`SELECT code FROM units WHERE parent_code = $1`, code)
		if err != nil {
			m.T.Fatal(err)
		}
		for rows.Next() {
			var c string
			rows.Scan(&c)
			kids = append(kids, jurisdiction.Unit{Code: c})
		}
		rows.Close()
		if len(kids) == 0 {
			continue
		}
		by, _, err := m.s.StatsBy(m.Ctx, scope, len(kids[0].Code))
		if err != nil {
			m.T.Fatal(err)
		}
		if want, got := registry.RollUp(kids, counts), registry.RollUp(kids, by); !reflect.DeepEqual(want, got) || by[code] != counts[code] {
			m.T.Errorf("StatsBy(%s, %d): %v own %v; Stats: %v own %v", code, len(kids[0].Code), got, by[code], want, counts[code])
		}
	}
}

// TestCountersConcurrentWrites writes people from several goroutines at
// once — creates, moves between two units in both directions, 注销 — so
// that on PostgreSQL transactions update the same counter rows
// concurrently; the counters must still equal a recount, and no write may
// fail (a deadlock would surface as an error after InTx's retries).
func TestCountersConcurrentWrites(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		county := jurisdiction.Grant(dbtest.County)
		const workers, each = 6, 15
		errc := make(chan error, workers)
		for w := 0; w < workers; w++ {
			go func() {
				rng := rand.New(rand.NewSource(int64(w)))
				for i := 0; i < each; i++ {
					from, to := dbtest.VillageA, dbtest.VillageB
					if (w+i)%2 == 1 {
						from, to = to, from
					}
					p, err := s.CreatePerson(ctx, who, county, registry.Person{Name: "并发", Sex: "男", BirthDate: "1980-01-01",
						UnitCode: from, Residence: registry.ResidenceStatuses[rng.Intn(2)]})
					if err != nil {
						errc <- err
						return
					}
					// A multi-row move in one statement: both units' counters at once.
					if _, err := d.W().ExecContext(ctx, "UPDATE people SET unit_code = CASE WHEN unit_code = $1 THEN $2 ELSE $1 END WHERE id IN ($3, $4)",
						from, to, p.ID, p.ID-1); err != nil {
						errc <- err
						return
					}
					if i%3 == 0 {
						if _, err := s.Deregister(ctx, who, county, p.ID, "迁出", "2026-01-02"); err != nil && !errors.Is(err, errs.ErrConflict) {
							errc <- err
							return
						}
					}
				}
				errc <- nil
			}()
		}
		for w := 0; w < workers; w++ {
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
		}
		m := &mix{Mix: &dbtest.Mix{T: t, D: d, Ctx: ctx}, s: s}
		if diff := m.compare(); diff != "" {
			t.Fatalf("counters differ from a recount after concurrent writes: %s", diff)
		}
		var n int
		d.R().QueryRow("SELECT COALESCE(SUM(n), 0) FROM people_counts").Scan(&n)
		if want := workers * each * 2 / 3; n != want {
			t.Errorf("%d people counted, want %d", n, want)
		}
	})
}
