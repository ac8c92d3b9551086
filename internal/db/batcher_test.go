package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
)

// testApply writes each item into a scratch table with a unique key; an
// item "bad" fails the whole batch, as a broken row would.
func testApply(ctx context.Context, tx *sql.Tx, items []string) ([]int64, error) {
	out := make([]int64, len(items))
	for i, it := range items {
		if it == "bad" {
			return nil, errs.Invalidf("", "bad item")
		}
		if err := tx.QueryRowContext(ctx, "INSERT INTO ingest_probe (k) VALUES ($1) RETURNING id", it).Scan(&out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func probeTable(t *testing.T, d *db.DB) {
	t.Helper()
	ddl := "CREATE TABLE ingest_probe (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE)"
	if d.Dialect == db.Postgres {
		ddl = "CREATE TABLE ingest_probe (id BIGSERIAL PRIMARY KEY, k TEXT NOT NULL UNIQUE)"
	}
	if _, err := d.W().Exec(ddl); err != nil {
		t.Fatal(err)
	}
}

func TestBatcherCommitsBeforeAnswering(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		probeTable(t, d)
		b := db.NewBatcher(d, "probe", testApply, 10_000, 64)
		const n = 2000
		var wg sync.WaitGroup
		ids := make([]int64, n)
		errc := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				item := fmt.Sprintf("k%d", i)
				if i%500 == 7 {
					item = "bad"
				}
				id, err := b.Submit(context.Background(), item)
				if item == "bad" {
					if !errs.IsInvalid(err) {
						errc <- fmt.Errorf("bad item: %v", err)
					}
					return
				}
				if err != nil {
					errc <- err
					return
				}
				// Answered: the row must already be visible to a reader.
				var k string
				if err := d.R().QueryRow("SELECT k FROM ingest_probe WHERE id = $1", id).Scan(&k); err != nil || k != item {
					errc <- fmt.Errorf("item %s answered but not committed: %q %v", item, k, err)
				}
				ids[i] = id
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Error(err)
		}
		var count int
		d.R().QueryRow("SELECT COUNT(*) FROM ingest_probe").Scan(&count)
		if count != n-4 {
			t.Errorf("rows: %d, want %d", count, n-4)
		}
		st := b.Stats()
		if st.Batches >= st.Items || st.Items != n {
			t.Errorf("no batching: %+v for %d items", st, n)
		}
		// The writers' time: in transactions, and of it applying.
		if st.Applying <= 0 || st.Busy < st.Applying || st.Writers < 1 {
			t.Errorf("writer times: busy %s, applying %s, %d writers", st.Busy, st.Applying, st.Writers)
		}
		// A duplicate (as from another instance) fails only its own item.
		if _, err := b.Submit(context.Background(), "k1"); !db.IsUniqueViolation(err) {
			t.Errorf("duplicate: %v", err)
		}
	})
}

func TestBatcherFullQueueIsBusy(t *testing.T) {
	d := dbtest.SQLite(t)
	probeTable(t, d)
	release := make(chan struct{})
	slow := func(ctx context.Context, tx *sql.Tx, items []string) ([]int64, error) {
		<-release
		return testApply(ctx, tx, items)
	}
	b := db.NewBatcher(d, "probe", slow, 4, 1)
	var wg sync.WaitGroup
	results := make(chan error, 10)
	// The first item is taken by the writer and blocks; four more fill the queue.
	for i := range 5 {
		wg.Go(func() {
			_, err := b.Submit(context.Background(), fmt.Sprint(i))
			results <- err
		})
		time.Sleep(20 * time.Millisecond)
	}
	start := time.Now()
	_, err := b.Submit(context.Background(), "overflow")
	var busy *db.Busy
	if !errors.As(err, &busy) || !errors.Is(err, errs.ErrTooMany) || busy.RetryAfter() <= 0 {
		t.Fatalf("full queue: %v", err)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("busy answer took %s", d)
	}
	if st := b.Stats(); st.Rejected != 1 {
		t.Errorf("stats after one refusal: %+v", st)
	}
	if n, c := b.Queue(); n != 4 || c != 4 {
		t.Errorf("full queue reports %d/%d, want 4/4", n, c)
	}
	close(release)
	wg.Wait()
	close(results)
	for err := range results {
		if err != nil {
			t.Error(err)
		}
	}
	if n, c := b.Queue(); n != 0 || c != 4 {
		t.Errorf("drained queue reports %d/%d, want 0/4", n, c)
	}
	// An abandoned request is not written.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Submit(ctx, "gone"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	var n int
	d.R().QueryRow("SELECT COUNT(*) FROM ingest_probe WHERE k = 'gone'").Scan(&n)
	if n != 0 {
		t.Error("a cancelled request was written")
	}
}

// TestBatcherRefusedInsideTransaction: a group commit never joins the
// caller's transaction; submitting from inside one is an error at once
// (on SQLite it would wait for ever for the write connection).
func TestBatcherRefusedInsideTransaction(t *testing.T) {
	d := dbtest.SQLite(t)
	probeTable(t, d)
	b := db.NewBatcher(d, "probe", testApply, 16, 4)
	err := d.InTx(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		_, err := b.Submit(ctx, "inside")
		return err
	})
	if err == nil {
		t.Fatal("submit inside a transaction accepted")
	}
	if _, err := b.Submit(context.Background(), "outside"); err != nil {
		t.Fatal(err)
	}
}
