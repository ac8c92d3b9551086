package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	neturl "net/url"
	"os"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/demo"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/sheet"
)

// population generates the benchmark's people once, in memory.
type population struct {
	groups     []demo.Group
	households []registry.Household
	members    [][]registry.Person
	names      map[string]string
}

func generate(ctx context.Context, d *db.DB, people int) (*population, error) {
	units := jurisdiction.NewStore(d, time.Now)
	if _, err := units.ImportRegions(ctx, demo.Regions, demo.CountyCode); err != nil {
		return nil, err
	}
	vs, err := units.Units(ctx, benchCounty(demo.CountyCode), jurisdiction.LevelVillage)
	if err != nil {
		return nil, err
	}
	p := &population{names: map[string]string{}}
	var villages []demo.Village
	for _, v := range vs {
		villages = append(villages, demo.Village{Code: v.Code, Name: v.Name})
		p.names[v.Code] = v.Name
	}
	err = demo.Generate(demo.PopulationConfig{Seed: 7, CountyCode: demo.CountyCode, Villages: villages, People: people, Today: clock.Day(time.Now())},
		func(g demo.Group) error { p.groups = append(p.groups, g); p.names[g.Code] = g.Name; return nil },
		func(h registry.Household, ms []registry.Person) error {
			p.households = append(p.households, h)
			p.members = append(p.members, ms)
			return nil
		})
	return p, err
}

// writeLedger writes the population as a ledger XLSX (the export layout).
func (p *population) writeLedger(w io.Writer) (int, error) {
	sw, err := sheet.NewWriter(w, "台账", registry.LedgerHeaders, nil)
	if err != nil {
		return 0, err
	}
	rows := 0
	for i, h := range p.households {
		v := jurisdiction.VillageOf(h.UnitCode)
		for _, m := range p.members[i] {
			rows++
			if err := sw.WriteRow([]string{v, p.names[v], h.UnitCode, p.names[h.UnitCode], h.No, h.Address, h.Phone, "", "", "",
				m.Name, m.IDNumber, m.Sex, m.BirthDate, m.Phone, m.Relation, m.Residence, registry.GroupNames(m.Groups), m.Note}); err != nil {
				return rows, err
			}
		}
	}
	return rows, sw.Close()
}

// rawInsert is the limit: the same rows into the same tables, prepared
// inserts in batches of 10,000 per transaction, no parsing or checks.
func (p *population) rawInsert(ctx context.Context, d *db.DB) (int, time.Duration, error) {
	start := time.Now()
	now := time.Now().UnixMilli()
	rows := 0
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		in, err := d.NewInserter(ctx, tx, "units", []string{"code", "parent_code", "level", "name", "kind", "created_at"}, "")
		if err != nil {
			return err
		}
		for _, g := range p.groups {
			in.Add(g.Code, g.VillageCode, jurisdiction.LevelGroup, g.Name, "", now)
		}
		return in.Close()
	})
	if err != nil {
		return 0, 0, err
	}
	start = time.Now()
	const batch = 10_000
	for i := 0; i < len(p.households); {
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			ids, err := d.AllocIDs(ctx, tx, "households", min(batch/3, len(p.households)-i))
			if err != nil {
				return err
			}
			hh, err := d.NewInserter(ctx, tx, "households", []string{"id", "no", "unit_code", "address", "phone", "version", "created_at", "updated_at"}, "")
			if err != nil {
				return err
			}
			for k, id := range ids {
				h := p.households[i+k]
				hh.Add(id, h.No, h.UnitCode, h.Address, h.Phone, 1, now, now)
			}
			if err := hh.Close(); err != nil {
				return err
			}
			ppl, err := d.NewInserter(ctx, tx, "people", []string{"id_number", "name", "sex", "birth_date", "phone", "household_id", "relation",
				"unit_code", "residence", "groups", "note", "version", "created_at", "updated_at"}, "")
			if err != nil {
				return err
			}
			for k, id := range ids {
				for _, m := range p.members[i+k] {
					rows++
					if err := ppl.Add(m.IDNumber, m.Name, m.Sex, m.BirthDate, m.Phone, id, m.Relation, m.UnitCode, m.Residence, int64(m.Groups), m.Note, 1, now, now); err != nil {
						return err
					}
				}
			}
			i += len(ids)
			return ppl.Close()
		})
		if err != nil {
			return rows, 0, err
		}
	}
	return rows, time.Since(start), nil
}

func benchImport(ctx context.Context, people int, pgURL string) error {
	fmt.Printf("fkbench import: %d people, ledger XLSX → empty database\n", people)
	genURL, cleanup := tempDB("gen.db")
	defer cleanup()
	gd, err := db.Open(ctx, genURL)
	if err != nil {
		return err
	}
	gd.Migrate(ctx)
	t0 := time.Now()
	pop, err := generate(ctx, gd, people)
	gd.Close()
	if err != nil {
		return err
	}
	f, err := os.CreateTemp("", "fkbench-ledger-*.xlsx")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	rows, err := pop.writeLedger(f)
	if err != nil {
		return err
	}
	size, _ := f.Seek(0, io.SeekEnd)
	fmt.Printf("  file: %d rows, %.1f MB, generated in %s (not counted)\n", rows, float64(size)/1e6, time.Since(t0).Round(time.Millisecond))

	targets := []string{"sqlite"}
	if pgURL != "" {
		targets = append(targets, pgURL)
	}
	for _, target := range targets {
		if err := importOnce(ctx, target, pop, f, size, rows); err != nil {
			return err
		}
	}
	return nil
}

// freshDB opens an empty, migrated database with the demo county's tree: a
// new SQLite file, or a scratch database created on the PostgreSQL server
// (dropped by the returned function).
func freshDB(ctx context.Context, url string) (*db.DB, func(), error) {
	drop := func() {}
	if strings.HasPrefix(url, "postgres") {
		admin, err := sql.Open("pgx", url)
		if err != nil {
			return nil, drop, err
		}
		name := fmt.Sprintf("fkbench_%d", time.Now().UnixNano())
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			admin.Close()
			return nil, drop, err
		}
		drop = func() { admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); admin.Close() }
		u, _ := neturl.Parse(url)
		u.Path = "/" + name
		url = u.String()
	} else {
		u, cl := tempDB("fresh.db")
		url, drop = u, cl
	}
	d, err := db.Open(ctx, url)
	if err != nil {
		drop()
		return nil, func() {}, err
	}
	if err := d.Migrate(ctx); err != nil {
		return nil, drop, err
	}
	if _, err := jurisdiction.NewStore(d, time.Now).ImportRegions(ctx, demo.Regions, demo.CountyCode); err != nil {
		return nil, drop, err
	}
	return d, drop, nil
}

func importOnce(ctx context.Context, url string, pop *population, f *os.File, size int64, rows int) error {
	d, drop, err := freshDB(ctx, url)
	if err != nil {
		return err
	}
	defer drop()
	reg := registry.NewService(d, jurisdiction.NewStore(d, time.Now), time.Now)
	who := audit.Actor{Username: "bench", Role: "admin", Unit: demo.CountyCode}
	start := time.Now()
	rep, err := reg.ImportLedger(ctx, who, benchCounty(demo.CountyCode), f, size, registry.ImportAllOrNothing)
	took := time.Since(start)
	d.Close()
	if err != nil {
		return err
	}
	if rep.BadRows != 0 || rep.PeopleCreated != rows {
		return fmt.Errorf("import report: %+v", rep)
	}
	d, drop2, err := freshDB(ctx, url)
	if err != nil {
		return err
	}
	defer drop2()
	rawRows, rawTook, err := pop.rawInsert(ctx, d)
	d.Close()
	if err != nil {
		return err
	}
	// The cost of the roll-up counters' triggers (migration 0021): the same
	// raw insert into a database without them.
	d, drop3, err := freshDB(ctx, url)
	if err != nil {
		return err
	}
	defer drop3()
	if err := dropCounterTriggers(ctx, d); err != nil {
		return err
	}
	bareRows, bareTook, err := pop.rawInsert(ctx, d)
	d.Close()
	if err != nil {
		return err
	}
	imp, raw, bare := rate(rows, took), rate(rawRows, rawTook), rate(bareRows, bareTook)
	fmt.Printf("  %s:\n", d.Dialect)
	fmt.Printf("    ledger import (parse XLSX, validate, match, insert): %8.0f rows/s  (%d rows in %s)\n", imp, rows, took.Round(time.Millisecond))
	fmt.Printf("    limit: raw batched insert of the same rows:         %8.0f rows/s  (%d rows in %s)\n", raw, rawRows, rawTook.Round(time.Millisecond))
	fmt.Printf("    ratio import/limit: %.2f\n", imp/raw)
	fmt.Printf("    the same raw insert without the roll-up counters' triggers: %8.0f rows/s  (%s); with/without %.2f\n",
		bare, bareTook.Round(time.Millisecond), raw/bare)
	return nil
}

// dropCounterTriggers removes the triggers that keep the registry's roll-up
// counters, to measure what they cost.
func dropCounterTriggers(ctx context.Context, d *db.DB) error {
	for _, t := range []string{"people_counts_insert", "people_counts_delete", "people_counts_update",
		"household_counts_insert", "household_counts_delete", "household_counts_update"} {
		q := "DROP TRIGGER " + t
		if d.Dialect == db.Postgres {
			q += " ON " + map[bool]string{true: "people", false: "households"}[strings.HasPrefix(t, "people")]
		}
		if _, err := d.W().ExecContext(ctx, q); err != nil {
			return fmt.Errorf("drop trigger %s: %w", t, err)
		}
	}
	return nil
}

// benchCounty is the scope of a county for a benchmark: fkbench is a system
// job acting for no signed-in user, so it cuts the county from the whole
// country.
func benchCounty(code string) jurisdiction.Scope {
	s, err := jurisdiction.System("fkbench").Narrow(code)
	if err != nil {
		panic(fmt.Sprintf("fkbench: county %q: %v", code, err))
	}
	return s
}
