package db_test

import (
	"context"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

func TestIn(t *testing.T) {
	for _, c := range []struct {
		n, first int
		want     string
	}{{0, 1, ""}, {1, 1, "$1"}, {3, 2, "$2, $3, $4"}, {2, 9, "$9, $10"}} {
		if got := db.In(c.n, c.first); got != c.want {
			t.Errorf("In(%d, %d) = %q, want %q", c.n, c.first, got, c.want)
		}
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var n int
		err := d.R().QueryRowContext(context.Background(), "SELECT COUNT(*) FROM (SELECT 'b' AS v UNION ALL SELECT 'c' UNION ALL SELECT 'x') t WHERE v <> $1 AND v IN ("+
			db.In(3, 2)+")", "a", "b", "c", "d").Scan(&n)
		if err != nil || n != 2 {
			t.Fatalf("IN list on %s: %d %v", d.Dialect, n, err)
		}
	})
}
