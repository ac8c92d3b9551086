package db

import (
	"context"
	"fmt"
)

// Analyze refreshes the query planner's statistics. SQLite keeps none
// until asked (sqlite_stat1), and without them it cannot tell a filter on
// the ID number or phone, which matches one person of a million, from one
// on the county, which matches them all: it then walks the county's index
// testing each row. So a database that never had statistics is analysed in
// full (about a second at a million people), and one that has them gets
// PRAGMA optimize, which analyses only the tables that changed much since.
// Run at start-up (after Migrate) and after a bulk load (the demo).
// PostgreSQL's autovacuum keeps its statistics: nothing to do there.
func (d *DB) Analyze(ctx context.Context) error {
	if d.Dialect != SQLite {
		return nil
	}
	var n int
	if err := d.write.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").Scan(&n); err != nil {
		return fmt.Errorf("db.Analyze: %w", err)
	}
	stmt := "PRAGMA optimize=0x10002"
	if n == 0 {
		stmt = "ANALYZE"
	}
	if _, err := d.write.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("db.Analyze (%s): %w", stmt, err)
	}
	return nil
}

// AnalyzeAll gathers the planner's statistics of every table afresh (SQLite
// ANALYZE; PostgreSQL ANALYZE, so a bulk load is planned well at once
// rather than after autovacuum's next round).
func (d *DB) AnalyzeAll(ctx context.Context) error {
	if _, err := d.write.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("db.AnalyzeAll: %w", err)
	}
	return nil
}
