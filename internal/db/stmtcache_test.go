package db_test

import (
	"context"
	"database/sql"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// Statements run through the cache give the same answers as plain ones,
// inside write transactions on SQLite's single connection (no deadlock
// while preparing) and on PostgreSQL.
func TestStmtCache(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.W().Exec("CREATE TABLE stmt_probe (k TEXT PRIMARY KEY, n INTEGER NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		c := d.NewStmtCache()
		for round := range 5 {
			err := d.Tx(ctx, func(tx *sql.Tx) error {
				q := c.In(tx)
				for i := range 20 {
					if _, err := q.ExecContext(ctx, "INSERT INTO stmt_probe (k, n) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET n = stmt_probe.n + excluded.n",
						string(rune('a'+i)), 1); err != nil {
						return err
					}
				}
				var n int
				if err := q.QueryRowContext(ctx, "SELECT SUM(n) FROM stmt_probe WHERE k >= $1", "a").Scan(&n); err != nil {
					return err
				}
				if n != 20*(round+1) {
					t.Errorf("round %d: sum %d", round, n)
				}
				rows, err := q.QueryContext(ctx, "SELECT k FROM stmt_probe ORDER BY k")
				if err != nil {
					return err
				}
				defer rows.Close()
				k := 0
				for rows.Next() {
					k++
				}
				if k != 20 {
					t.Errorf("rows %d", k)
				}
				return rows.Err()
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		// A broken query reports its error, prepared or not.
		for range 2 {
			err := d.Tx(ctx, func(tx *sql.Tx) error {
				_, err := c.In(tx).ExecContext(ctx, "INSERT INTO no_such_table VALUES ($1)", 1)
				return err
			})
			if err == nil {
				t.Fatal("broken query succeeded")
			}
		}
	})
}
