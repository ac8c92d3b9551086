package db_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

func addUnit(ctx context.Context, d *db.DB, code string) error {
	return d.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO units (code, parent_code, level, name) VALUES ($1, NULL, 1, 'x')", code)
		return err
	})
}

func units(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.R().QueryRow("SELECT COUNT(*) FROM units").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestInTxJoins: a service called inside another's transaction joins it:
// both commit together, and a failure of either, even one the caller
// ignores, leaves nothing.
func TestInTxJoins(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		if d.InTransaction(ctx) {
			t.Fatal("background ctx in a transaction")
		}
		// Both steps commit once.
		err := d.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if !d.InTransaction(ctx) {
				t.Error("fn's ctx carries no transaction")
			}
			if err := addUnit(ctx, d, "11"); err != nil {
				return err
			}
			// The joined step's row is seen through the transaction only.
			var n int
			d.Reader(ctx).QueryRowContext(ctx, "SELECT COUNT(*) FROM units WHERE code = '11'").Scan(&n)
			if n != 1 {
				t.Errorf("Reader inside the transaction sees %d rows", n)
			}
			if got := units(t, d); got != 0 {
				t.Errorf("read pool sees %d uncommitted rows", got)
			}
			return addUnit(ctx, d, "12")
		})
		if err != nil || units(t, d) != 2 {
			t.Fatalf("commit: %v, %d units", err, units(t, d))
		}
		// The second step fails: the first is not committed.
		err = d.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if err := addUnit(ctx, d, "13"); err != nil {
				return err
			}
			return d.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error { return boom })
		})
		if !errors.Is(err, boom) || units(t, d) != 2 {
			t.Fatalf("inner failure: %v, %d units", err, units(t, d))
		}
		// A caller ignores the joined step's error: still nothing.
		err = d.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if err := addUnit(ctx, d, "14"); err != nil {
				return err
			}
			_ = d.Tx(ctx, func(tx *sql.Tx) error { return boom }) // Tx joins too
			return nil
		})
		if !errors.Is(err, boom) || units(t, d) != 2 {
			t.Fatalf("ignored inner failure: %v, %d units", err, units(t, d))
		}
		// A SQL failure in the joined step (duplicate key).
		err = d.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if err := addUnit(ctx, d, "15"); err != nil {
				return err
			}
			return addUnit(ctx, d, "11")
		})
		if !db.IsUniqueViolation(err) || units(t, d) != 2 {
			t.Fatalf("duplicate in joined step: %v, %d units", err, units(t, d))
		}
		// A ctx kept beyond its transaction does not join a finished one.
		var kept context.Context
		if err := d.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error { kept = ctx; return nil }); err != nil {
			t.Fatal(err)
		}
		if d.InTransaction(kept) {
			t.Fatal("finished transaction still joinable")
		}
		if err := addUnit(kept, d, "16"); err != nil || units(t, d) != 3 {
			t.Fatalf("after the transaction: %v, %d units", err, units(t, d))
		}
	})
}

// TestInTxRetriesOutermost: a transient conflict in a joined step is
// retried by the outermost InTx, which runs the whole action again; the
// joined step itself does not retry.
func TestInTxRetriesOutermost(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	outer, inner := 0, 0
	err := d.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		outer++
		if err := addUnit(ctx, d, "21"); err != nil {
			return err
		}
		return d.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			inner++
			if inner < 3 {
				return &pgconn.PgError{Code: "40001"} // serialization failure
			}
			return nil
		})
	})
	if err != nil || outer != 3 || inner != 3 || units(t, d) != 1 {
		t.Fatalf("err %v, outer %d, inner %d, units %d", err, outer, inner, units(t, d))
	}
}
