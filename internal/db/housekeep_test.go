package db_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"fangkong/internal/dbtest"
)

// TestHousekeepRefreshesStatistics: after a table has grown from empty
// (statistics of an empty table) and had most of its rows updated, a
// housekeeping round analyzes the grown table and vacuums the churned one,
// and a table nothing touched is left alone; on SQLite it does nothing.
func TestHousekeepRefreshesStatistics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if done, err := dbtest.SQLite(t).Housekeep(ctx); err != nil || len(done.Analyzed)+len(done.Vacuumed) != 0 {
		t.Fatalf("sqlite: %+v, %v", done, err)
	}
	d := dbtest.Postgres(t) // skips when no server
	exec := func(q string) {
		t.Helper()
		if _, err := d.W().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	exec("CREATE TABLE hk_grown (id BIGINT PRIMARY KEY, v TEXT NOT NULL)")
	exec("CREATE TABLE hk_churned (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)")
	exec("CREATE TABLE hk_quiet (id BIGINT PRIMARY KEY)")
	exec("INSERT INTO hk_churned SELECT g, 0 FROM generate_series(1, 1000) g")
	exec("INSERT INTO hk_quiet SELECT g FROM generate_series(1, 1000) g")
	// The activity counters reach pg_stat_user_tables asynchronously (at
	// most a second later on PostgreSQL 15): wait for the inserts to be
	// counted before the tables are analyzed, or they would count as
	// changes made after it.
	waitFor := func(q string) {
		t.Helper()
		for end := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			var ok bool
			if err := d.R().QueryRowContext(ctx, q).Scan(&ok); err != nil {
				t.Fatal(err)
			}
			if ok {
				return
			}
			if time.Now().After(end) {
				t.Fatalf("not within 10 s: %s", q)
			}
		}
	}
	waitFor("SELECT COUNT(*) = 2 FROM pg_stat_user_tables WHERE relname IN ('hk_churned', 'hk_quiet') AND n_tup_ins = 1000")
	exec("ANALYZE hk_grown")
	exec("VACUUM ANALYZE hk_churned")
	exec("VACUUM ANALYZE hk_quiet")
	waitFor("SELECT COUNT(*) = 3 FROM pg_stat_user_tables WHERE relname LIKE 'hk\\_%' AND last_analyze IS NOT NULL AND n_mod_since_analyze = 0")
	exec("INSERT INTO hk_grown SELECT g, 'x' FROM generate_series(1, 5000) g")
	exec("UPDATE hk_churned SET n = n + 1 WHERE id <= 600")

	// The round sees the changes once they are counted: poll.
	var analyzed, vacuumed []string
	grown := func() bool {
		return slices.Contains(analyzed, "public.hk_grown") || slices.Contains(vacuumed, "public.hk_grown")
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		done, err := d.Housekeep(ctx)
		if err != nil {
			t.Fatal(err)
		}
		analyzed, vacuumed = append(analyzed, done.Analyzed...), append(vacuumed, done.Vacuumed...)
		if grown() && slices.Contains(vacuumed, "public.hk_churned") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !grown() || !slices.Contains(vacuumed, "public.hk_churned") {
		t.Fatalf("analyzed %v, vacuumed %v: want hk_grown analyzed (5,000 rows inserted: vacuumed and analyzed) and hk_churned vacuumed", analyzed, vacuumed)
	}
	if slices.Contains(analyzed, "public.hk_quiet") || slices.Contains(vacuumed, "public.hk_quiet") {
		t.Errorf("the untouched table was housekept: analyzed %v, vacuumed %v", analyzed, vacuumed)
	}
	// The planner now knows the grown table's size.
	var rows float64
	if err := d.R().QueryRowContext(ctx, "SELECT reltuples FROM pg_class WHERE oid = 'hk_grown'::regclass").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 5000 {
		t.Errorf("hk_grown reltuples %v after housekeeping, want 5000", rows)
	}
	// A second round with nothing changed does nothing to them.
	done, err := d.Housekeep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(done.Analyzed)+len(done.Vacuumed) > 0 {
		t.Errorf("second round did the same again: %+v", done)
	}
}
