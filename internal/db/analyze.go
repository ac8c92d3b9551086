package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Analyze refreshes the query planner's statistics. SQLite keeps none
// until asked (sqlite_stat1), and without them it cannot tell a filter on
// the ID number or phone, which matches one person of a million, from one
// on the county, which matches them all: it then walks the county's index
// testing each row. So the statistics are gathered in full (about a second
// at a million people) when there are none, when the people table has none
// though it has rows (a database loaded since), or when a migration was
// applied since the last full run (new indexes); otherwise PRAGMA optimize
// refreshes the tables that changed much. Run at start-up (after Migrate);
// a bulk load calls AnalyzeAll. PostgreSQL's autovacuum keeps its
// statistics (HousekeepLoop where autovacuum is off): nothing to do there.
func (d *DB) Analyze(ctx context.Context) error {
	if d.Dialect != SQLite {
		return nil
	}
	full, err := d.needsAnalyze(ctx)
	if err != nil {
		return fmt.Errorf("db.Analyze: %w", err)
	}
	if full {
		return d.AnalyzeAll(ctx)
	}
	if _, err := d.write.ExecContext(ctx, "PRAGMA optimize=0x10002"); err != nil {
		return fmt.Errorf("db.Analyze: %w", err)
	}
	return d.dropSamples(ctx)
}

// dropSamples deletes the histogram samples ANALYZE keeps beside the
// per-index averages (sqlite_stat4) and has every connection reload its
// statistics. modernc's SQLite is built with STAT4, and with samples a
// statement whose parameter is compared with an indexed column is compiled
// again each time it runs with a new value (sqlite3_prepare_v2's rule for
// plans that may depend on the value): the prepared statements the scan
// writer and the pages keep were compiled on every execution — 9% of the
// scan writer's time, half of its people lookup. The averages
// (sqlite_stat1), which tell an ID number from a county, stay.
func (d *DB) dropSamples(ctx context.Context) error {
	var n int
	if err := d.write.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat4'").Scan(&n); err != nil || n == 0 {
		return err
	}
	res, err := d.write.ExecContext(ctx, "DELETE FROM sqlite_stat4")
	if err != nil {
		return fmt.Errorf("db: drop planner samples: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	// ANALYZE sqlite_schema reloads this connection's statistics; a change
	// of the schema has the others reload theirs before their next
	// statement (statistics are read with the schema).
	for _, q := range []string{"ANALYZE sqlite_schema", "CREATE TABLE planner_reload (x INTEGER)", "DROP TABLE planner_reload"} {
		if _, err := d.write.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("db: reload planner statistics: %w", err)
		}
	}
	return nil
}

// needsAnalyze reports whether SQLite's statistics must be gathered in full
// (Analyze).
func (d *DB) needsAnalyze(ctx context.Context) (bool, error) {
	var stat int
	if err := d.write.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").Scan(&stat); err != nil {
		return false, err
	}
	if stat == 0 {
		return true, nil
	}
	var people, peopleStat int
	if err := d.write.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM people),
		EXISTS (SELECT 1 FROM sqlite_stat1 WHERE tbl = 'people')`).Scan(&people, &peopleStat); err != nil {
		return false, err
	}
	if people == 1 && peopleStat == 0 {
		return true, nil
	}
	var migrated int64
	if err := d.write.QueryRowContext(ctx, "SELECT COALESCE(MAX(applied_at), 0) FROM schema_migrations").Scan(&migrated); err != nil {
		return false, err
	}
	var v string
	err := d.write.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'planner_stats_at'").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	at, _ := strconv.ParseInt(v, 10, 64)
	return migrated > at, nil
}

// AnalyzeAll gathers the planner's statistics of every table afresh
// (ANALYZE: a bulk load is then planned well at once, rather than after
// PostgreSQL's autovacuum comes round). On PostgreSQL it also vacuums
// (VACUUM (ANALYZE)), which marks the loaded pages all-visible: counts are
// then read from indexes alone, and the housekeeping round (housekeep.go)
// does not vacuum a million loaded rows while the first users are served.
func (d *DB) AnalyzeAll(ctx context.Context) error {
	stmt := "ANALYZE"
	if d.Dialect == Postgres {
		stmt = "VACUUM (ANALYZE)"
	}
	if _, err := d.write.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("db.AnalyzeAll: %w", err)
	}
	if d.Dialect == SQLite {
		if err := d.dropSamples(ctx); err != nil {
			return err
		}
	}
	if _, err := d.write.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('planner_stats_at', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.FormatInt(time.Now().UnixMilli(), 10)); err != nil {
		return fmt.Errorf("db.AnalyzeAll: %w", err)
	}
	return nil
}
