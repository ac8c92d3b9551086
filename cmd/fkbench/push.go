package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/demo"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/place"
	"fangkong/internal/pushlist"
)

// benchPush: a registry of `people` people, a messy push list XLSX of
// `rows` rows; times import + normalise + match + tasks, and beside it the
// raw rate of inserting the same number of task rows (same columns and
// indexes) into a scratch table in one transaction.
func benchPush(ctx context.Context, rows, people int, pgURL string) error {
	fmt.Printf("fkbench push: %d-row push list (XLSX) against a registry of %d people\n", rows, people)
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
	cfg := demo.PushListConfig{Seed: 11, Rows: rows}
	townships := map[string]bool{}
	for i, h := range pop.households {
		v := jurisdiction.VillageOf(h.UnitCode)
		for _, m := range pop.members[i] {
			cfg.People = append(cfg.People, demo.PushPerson{Name: m.Name, IDNumber: m.IDNumber, BirthDate: m.BirthDate, Phone: m.Phone, VillageName: pop.names[v]})
		}
		if !townships[v[:9]] {
			townships[v[:9]] = true
			cfg.Villages = append(cfg.Villages, demo.Village{Code: v, Name: pop.names[v]})
		}
	}
	f, err := os.CreateTemp("", "fkbench-push-*.xlsx")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := demo.WritePushList(f, cfg); err != nil {
		return err
	}
	size, _ := f.Seek(0, io.SeekEnd)
	fmt.Printf("  registry and file generated in %s (not counted); file %.1f MB\n", time.Since(t0).Round(time.Millisecond), float64(size)/1e6)
	cfg.People = nil

	targets := []string{"sqlite"}
	if pgURL != "" {
		targets = append(targets, pgURL)
	}
	for _, target := range targets {
		if err := pushOnce(ctx, target, pop, f, size, rows); err != nil {
			return err
		}
	}
	return nil
}

func pushOnce(ctx context.Context, url string, pop *population, f *os.File, size int64, rows int) error {
	d, drop, err := freshDB(ctx, url)
	if err != nil {
		return err
	}
	defer drop()
	defer d.Close()
	if _, _, err := pop.rawInsert(ctx, d); err != nil {
		return err
	}
	if d.Dialect == db.Postgres {
		d.W().ExecContext(ctx, "ANALYZE")
	}
	runtime.GC()
	svc := pushlist.NewService(d, jurisdiction.NewStore(d, time.Now), pushlist.NoArrivals, place.CodesOnly(), time.Now)
	who := audit.Actor{Username: "bench", Role: "command", Unit: demo.CountyCode}
	if path := os.Getenv("FKBENCH_CPUPROFILE"); path != "" {
		pf, err := os.Create(path)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	l, err := svc.Import(ctx, who, benchCounty(demo.CountyCode), f, size, pushlist.ImportOptions{Source: "公安", Name: "bench"})
	took := time.Since(start)
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	if l.Rows != rows || l.Accounted() != rows {
		return fmt.Errorf("push list accounts for %d of %d rows (file %d)", l.Accounted(), l.Rows, rows)
	}
	rawTook, err := rawTasks(ctx, d, l.ID, rows)
	if err != nil {
		return err
	}
	imp, raw := rate(rows, took), rate(rows, rawTook)
	fmt.Printf("  %s:\n", d.Dialect)
	fmt.Printf("    rows: matched %d, created %d, queued %d, duplicates %d, rejected %d (sum %d = file rows)\n",
		l.Matched, l.Created, l.Queued, l.Duplicates, l.Rejected, l.Accounted())
	fmt.Printf("    push import (read XLSX, normalise, match, route, insert tasks): %8.0f rows/s  (%d rows in %s; target < 60 s)\n", imp, rows, took.Round(time.Millisecond))
	fmt.Printf("    limit: raw batched insert of the same task rows:             %8.0f rows/s  (%d rows in %s)\n", raw, rows, rawTook.Round(time.Millisecond))
	fmt.Printf("    ratio import/limit: %.2f\n", imp/raw)
	return nil
}

// rawTasks inserts rows task rows, with the columns and indexes of
// push_tasks, into a scratch table in one transaction: the limit of what the
// import can reach. The values are read from the imported tasks first (not
// timed), so the rows are the same size.
func rawTasks(ctx context.Context, d *db.DB, listID int64, rows int) (time.Duration, error) {
	cols := []string{"id", "list_id", "row_no", "raw", "name", "id_number", "phone", "origin", "arrival_date", "address",
		"person_id", "unit_code", "outcome", "match_method", "route_method", "reason", "dup_of", "status", "deadline_at", "created_at"}
	types := map[string]string{"id": "BIGINT PRIMARY KEY", "list_id": "BIGINT NOT NULL", "row_no": "BIGINT NOT NULL", "person_id": "BIGINT NOT NULL",
		"dup_of": "BIGINT NOT NULL", "deadline_at": "BIGINT NOT NULL", "created_at": "BIGINT NOT NULL"}
	var ddl []string
	for _, c := range cols {
		t := types[c]
		if t == "" {
			t = "TEXT NOT NULL"
		}
		ddl = append(ddl, c+" "+t)
	}
	for _, q := range []string{"CREATE TABLE push_scratch (" + strings.Join(ddl, ", ") + ")",
		"CREATE INDEX push_scratch_list ON push_scratch (list_id, row_no)",
		"CREATE INDEX push_scratch_unit ON push_scratch (unit_code, outcome, deadline_at)"} {
		if _, err := d.W().ExecContext(ctx, q); err != nil {
			return 0, err
		}
	}
	rs, err := d.R().QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM push_tasks WHERE list_id = $1 ORDER BY row_no", listID)
	if err != nil {
		return 0, err
	}
	all := make([][]any, 0, rows)
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			rs.Close()
			return 0, err
		}
		all = append(all, vals)
	}
	rs.Close()
	runtime.GC()
	start := time.Now()
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		in, err := d.NewInserter(ctx, tx, "push_scratch", cols, "")
		if err != nil {
			return err
		}
		for _, v := range all {
			if err := in.Add(v...); err != nil {
				return err
			}
		}
		return in.Close()
	})
	return time.Since(start), err
}
