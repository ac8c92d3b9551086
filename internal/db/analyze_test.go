package db_test

import (
	"context"
	"strings"
	"testing"

	"fangkong/internal/dbtest"
)

// TestAnalyzeKeepsAveragesNotSamples: SQLite's statistics keep the
// per-index averages (sqlite_stat1) and no histogram samples
// (sqlite_stat4), after a full ANALYZE and after PRAGMA optimize analyzed a
// table that grew; the readers' connections plan with them.
func TestAnalyzeKeepsAveragesNotSamples(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := dbtest.SQLite(t)
	exec := func(q string) {
		t.Helper()
		if _, err := d.W().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	exec("CREATE TABLE an_people (id INTEGER PRIMARY KEY, unit TEXT NOT NULL, card TEXT NOT NULL)")
	exec("CREATE INDEX an_people_unit ON an_people (unit)")
	exec("CREATE INDEX an_people_card ON an_people (card)")
	exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
		INSERT INTO an_people SELECT i, 'u' || (i % 3), 'c' || i FROM n`)
	// A reader connection with the schema loaded before the statistics.
	var seen int
	if err := d.R().QueryRowContext(ctx, "SELECT COUNT(*) FROM an_people WHERE card = $1", "c7").Scan(&seen); err != nil || seen != 1 {
		t.Fatalf("read: %d, %v", seen, err)
	}
	count := func(table string) int {
		t.Helper()
		var n int
		if err := d.W().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE tbl = 'an_people'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := d.AnalyzeAll(ctx); err != nil {
		t.Fatal(err)
	}
	if s1, s4 := count("sqlite_stat1"), count("sqlite_stat4"); s1 != 2 || s4 != 0 {
		t.Fatalf("after ANALYZE: %d averages (want 2), %d samples (want 0)", s1, s4)
	}
	exec(`WITH RECURSIVE n(i) AS (SELECT 2001 UNION ALL SELECT i + 1 FROM n WHERE i < 60000)
		INSERT INTO an_people SELECT i, 'u' || (i % 3), 'c' || i FROM n`)
	exec("CREATE INDEX an_people_card_unit ON an_people (card, unit)") // unanalyzed: optimize's 0x10000 analyzes it
	if err := d.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
	if s1, s4 := count("sqlite_stat1"), count("sqlite_stat4"); s1 < 2 || s4 != 0 {
		t.Fatalf("after optimize: %d averages, %d samples (want 0)", s1, s4)
	}
	// The reader plans the card lookup with an index after the reload.
	rows, err := d.R().QueryContext(ctx, "EXPLAIN QUERY PLAN SELECT id FROM an_people WHERE card = $1 AND unit = $2", "c9", "u0")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan += detail + "; "
	}
	if plan == "" || !strings.Contains(plan, "an_people_card") {
		t.Fatalf("plan: %q", plan)
	}
}
