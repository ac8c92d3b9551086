package db_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fangkong/internal/db"
)

// TestCheckpointOffTheWriter: pages committed to SQLite's log reach the
// database file within a second although the log is far below the
// writer's own checkpoint threshold (64 MiB): the checkpointer's
// connection copied them, not a commit.
func TestCheckpointOffTheWriter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ckpt.db")
	d, err := db.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var limit int64
	if err := d.W().QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&limit); err != nil {
		t.Fatal(err)
	}
	if limit < 8192 {
		t.Fatalf("the writer checkpoints every %d pages itself", limit)
	}
	if _, err := d.W().ExecContext(ctx, "CREATE TABLE filler (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	before := size()
	pad := strings.Repeat("x", 1000)
	for i := range 4 { // 4 MiB in four commits, about 1,000 pages
		tx, err := d.W().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for j := range 1024 {
			if _, err := tx.ExecContext(ctx, "INSERT INTO filler (id, v) VALUES ($1, $2)", i*1024+j+1, pad); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	for end := time.Now().Add(5 * time.Second); size() < before+3<<20; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("database file %d bytes 5 s after 4 MiB were committed (was %d): no checkpoint", size(), before)
		}
	}
	// Closing stops the checkpointer; the file stays whole.
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d2, err := db.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	var n int
	if err := d2.R().QueryRowContext(ctx, "SELECT COUNT(*) FROM filler").Scan(&n); err != nil || n != 4096 {
		t.Fatalf("rows after reopening: %d, %v", n, err)
	}
}
