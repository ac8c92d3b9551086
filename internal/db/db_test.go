package db_test

import (
	"context"
	"database/sql"
	"reflect"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

func TestMigrationFoldersMatch(t *testing.T) {
	a, err := db.MigrationNames(db.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.MigrationNames(db.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) || len(a) == 0 {
		t.Fatalf("migration files differ: sqlite %v, postgres %v", a, b)
	}
}

func TestMigrateTwiceAndBulk(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			in, err := d.NewInserter(ctx, tx, "units", []string{"code", "parent_code", "level", "name"}, "ON CONFLICT (code) DO NOTHING")
			if err != nil {
				return err
			}
			in.Add("61", nil, 1, "陕西省")
			for i := 0; i < 5000; i++ {
				in.Add("61"+string(rune('0'+i%10))+string(rune('0'+i/10%10))+string(rune('0'+i/100%10))+string(rune('0'+i/1000)), "61", 2, "x")
			}
			return in.Close()
		})
		if err != nil {
			t.Fatal(err)
		}
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM units").Scan(&n)
		if n != 5001 {
			t.Fatalf("units = %d, want 5001", n)
		}
		// Audit log is append-only on both engines.
		_, err = d.W().Exec(`INSERT INTO audit_log (at, user_id, username, role, actor_unit, action, entity, entity_id, subject_unit, summary, ip, request_id)
			VALUES (1, 1, 'a', 'admin', '61', 'view', 'person', '1', '61', '', '', '')`)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.W().Exec("UPDATE audit_log SET action = 'x'"); err == nil {
			t.Fatal("audit_log update allowed")
		}
		if _, err := d.W().Exec("DELETE FROM audit_log"); err == nil {
			t.Fatal("audit_log delete allowed")
		}
		var ids []int64
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			ids, err = d.AllocIDs(ctx, tx, "grids", 3)
			return err
		})
		if err != nil || len(ids) != 3 || ids[0] == ids[1] {
			t.Fatalf("AllocIDs = %v, %v", ids, err)
		}
	})
}

// TestPostgresPlansWithValues: every PostgreSQL connection plans each
// execution with its values, so a prepared search is not stuck with a
// generic plan that guesses a scope's size (openPostgres).
func TestPostgresPlansWithValues(t *testing.T) {
	d := dbtest.Postgres(t) // skips when no server
	ctx := context.Background()
	for i := 0; i < 8; i++ { // more than one connection of the pool
		var mode string
		if err := d.R().QueryRowContext(ctx, "SHOW plan_cache_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != "force_custom_plan" {
			t.Fatalf("plan_cache_mode = %q, want force_custom_plan", mode)
		}
	}
}
