// Package db opens fangkong's database — embedded SQLite (modernc.org/sqlite,
// pure Go) or PostgreSQL (pgx) — and owns what differs between them: the
// connection settings, the migration files, transactions with retry, bulk
// inserts and ID allocation. All other SQL is one text for both, written with
// $1, $2… placeholders, which both drivers bind by number.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers "pgx"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the database engine.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is a database handle: a read pool and a write pool (the same pool on
// PostgreSQL; a single connection on SQLite, which allows one writer), and
// the pool of group-commit batches (InBatchTx: on SQLite the writer).
type DB struct {
	Dialect Dialect
	URL     string
	read    *sql.DB
	write   *sql.DB
	batch   *sql.DB
	ckpt    *checkpointer // SQLite: checkpoints off the writer (checkpoint.go)
}

// Open connects to url: "sqlite:PATH" (also a bare path or "file:PATH") or
// "postgres://…". It does not migrate; call Migrate.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	if strings.HasPrefix(rawURL, "postgres://") || strings.HasPrefix(rawURL, "postgresql://") {
		return openPostgres(ctx, rawURL)
	}
	path := strings.TrimPrefix(strings.TrimPrefix(rawURL, "sqlite:"), "file:")
	if path == "" {
		return nil, errors.New("db.Open: empty SQLite path")
	}
	return openSQLite(ctx, path)
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("db.Open(%q): %w", path, err)
		}
	}
	// busy_timeout first so the other pragmas wait for a busy file too.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(1)"
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
	// The one writer keeps a small page cache (8 MiB): SQLite walks the
	// whole cache's hash table at the end of every transaction
	// (pcache1TruncateUnsafe), which with 256 MiB took 18% of the CPU of
	// the scan benchmark; pages it drops are still in the OS cache, and the
	// million-row ledger and push-list imports measured faster with 8 MiB
	// than with 256 MiB (README, benchmarks). Each reader has 16 MiB.
	write, err := openOne(dsn + "&_pragma=cache_size(-8192)&_txlock=immediate" +
		fmt.Sprintf("&_pragma=wal_autocheckpoint(%d)", writerCheckpointPages))
	if err != nil {
		return nil, fmt.Errorf("db.Open(%q): %w", path, err)
	}
	read, err := sql.Open("sqlite", dsn+"&_pragma=cache_size(-16384)&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("db.Open(%q): %w", path, err)
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	read.SetConnMaxIdleTime(5 * time.Minute)
	d := &DB{Dialect: SQLite, URL: "sqlite:" + path, read: read, write: write, batch: write}
	if err := write.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("db.Open(%q): %w", path, err)
	}
	ckpt, err := openOne(dsn + "&_pragma=cache_size(-1024)")
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("db.Open(%q): %w", path, err)
	}
	d.ckpt = startCheckpointer(ckpt)
	return d, nil
}

// openOne opens a pool of exactly one SQLite connection, kept for good.
func openOne(dsn string) (*sql.DB, error) {
	c, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	c.SetMaxOpenConns(1)
	c.SetMaxIdleConns(1)
	c.SetConnMaxLifetime(0)
	return c, nil
}

func openPostgres(ctx context.Context, u string) (*DB, error) {
	cfg, err := pgx.ParseConfig(u)
	if err != nil {
		return nil, fmt.Errorf("db.Open(postgres): %w", err)
	}
	// Plan every execution with its values (unless the URL says otherwise).
	// A prepared statement's generic plan guesses a scope's code range at
	// 0.5% of the rows whatever it is, and a county of a million people is
	// all of them: the ID-number tail search of a county user intersected
	// the whole county's index with the tail's 99 rows (0.1 s where its
	// custom plan takes 4 ms). A village user's and a county user's scopes
	// differ a thousandfold, so no one plan serves both.
	if _, ok := cfg.RuntimeParams["plan_cache_mode"]; !ok {
		cfg.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	custom := cfg.RuntimeParams["plan_cache_mode"]
	pool := stdlib.OpenDB(*cfg)
	pool.SetMaxOpenConns(16)
	pool.SetMaxIdleConns(16)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db.Open(postgres): %w", err)
	}
	// The batches' connections plan each statement once (generic plans,
	// unless the URL asked for custom ones): a batch's statements are key
	// lookups and inserts whose best plan does not depend on the values,
	// and planning them anew at every execution was a quarter of the
	// machine's CPU at 2,000 scans/s. A pool of their own saves the round
	// trip of a SET LOCAL in every batch.
	bcfg := cfg.Copy()
	if custom == "force_custom_plan" {
		bcfg.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	}
	batch := stdlib.OpenDB(*bcfg)
	batch.SetMaxOpenConns(8)
	batch.SetMaxIdleConns(8)
	batch.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{Dialect: Postgres, URL: u, read: pool, write: pool, batch: batch}, nil
}

// Close closes both pools (and SQLite's checkpointer first).
func (d *DB) Close() error {
	if d.ckpt != nil {
		d.ckpt.close()
	}
	err := d.read.Close()
	if d.write != d.read {
		if werr := d.write.Close(); err == nil {
			err = werr
		}
	}
	if d.batch != d.write {
		if berr := d.batch.Close(); err == nil {
			err = berr
		}
	}
	return err
}

// R is the pool for reads outside a transaction.
func (d *DB) R() *sql.DB { return d.read }

// W is the pool for single writes outside a transaction.
func (d *DB) W() *sql.DB { return d.write }

// Tx runs fn in a write transaction, committing when fn returns nil; it is
// InTx for a fn that calls no other service. Like InTx it joins the
// transaction ctx carries, if any.
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return d.InTx(ctx, func(_ context.Context, tx *sql.Tx) error { return fn(tx) })
}

// InTx runs fn in a write transaction so that one user action touching
// several domains commits once or not at all.
//
// When ctx already carries a transaction of d (fn of an enclosing InTx
// calls another service with the ctx it was given), fn runs inside it: no
// BEGIN, no COMMIT, no retry; fn's error is returned to the caller and also
// marks the enclosing transaction failed, so the outermost InTx rolls back
// and returns that error even if a caller in between ignored it. A method
// whose error a caller may tolerate ("nothing to do", errs.ErrNotFound)
// must therefore find that out before it joins.
//
// Otherwise InTx begins a transaction, gives fn a ctx that carries it, and
// commits when fn returns nil. It retries the whole of fn when the
// database reports a transient conflict (SQLite busy, PostgreSQL
// serialization failure or deadlock), so fn must be repeatable: reset what
// it accumulates at its start.
//
// Name fn's parameter ctx, shadowing the outer one: calls made with the
// outer ctx would not join, and on SQLite (one write connection, held by
// this transaction) a write outside it waits for ever. Inside fn read
// through tx (or d.Reader(ctx)), not d.R(), to see the transaction's own
// writes.
func (d *DB) InTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return d.inTx(ctx, d.write, fn)
}

// InBatchTx is InTx on the pool of group-commit batches (Batcher): on
// PostgreSQL its connections plan a statement once, with generic plans,
// so it is for transactions of key lookups and inserts whose best plan does
// not depend on the values; on SQLite it is InTx.
func (d *DB) InBatchTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return d.inTx(ctx, d.batch, fn)
}

// inTx joins the transaction ctx carries, or runs fn in a transaction on
// pool, again after a transient conflict.
func (d *DB) inTx(ctx context.Context, pool *sql.DB, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if st := d.current(ctx); st != nil {
		err := fn(ctx, st.tx)
		if err != nil {
			st.fail(err)
		}
		return err
	}
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = d.tx(ctx, pool, fn)
		if err == nil || !IsRetryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt+1) * 20 * time.Millisecond):
		}
	}
	return err
}

// txKey is the context key of the transaction in progress.
type txKey struct{}

// txState is the transaction a ctx carries.
type txState struct {
	d    *DB
	tx   *sql.Tx
	mu   sync.Mutex
	err  error // the first error a joined fn returned: the transaction rolls back
	done bool  // committed or rolled back: a ctx kept beyond fn no longer joins
}

func (st *txState) fail(err error) {
	st.mu.Lock()
	if st.err == nil {
		st.err = err
	}
	st.mu.Unlock()
}

func (st *txState) failed() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.err
}

func (st *txState) end() {
	st.mu.Lock()
	st.done = true
	st.mu.Unlock()
}

// current is the open transaction of d that ctx carries, or nil.
func (d *DB) current(ctx context.Context) *txState {
	st, _ := ctx.Value(txKey{}).(*txState)
	if st == nil || st.d != d {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.done {
		return nil
	}
	return st
}

// InTransaction reports whether ctx carries an open transaction of d (the
// caller runs inside an InTx).
func (d *DB) InTransaction(ctx context.Context) bool { return d.current(ctx) != nil }

// Reader is what reads should go through: the transaction ctx carries, so
// that they see its writes, else the read pool.
func (d *DB) Reader(ctx context.Context) Querier {
	if st := d.current(ctx); st != nil {
		return st.tx
	}
	return d.read
}

// Writer is what single writes should go through: the transaction ctx
// carries, else the write pool. (On SQLite a write on the pool while this
// goroutine holds a transaction would wait for ever.)
func (d *DB) Writer(ctx context.Context) Querier {
	if st := d.current(ctx); st != nil {
		return st.tx
	}
	return d.write
}

func (d *DB) tx(ctx context.Context, pool *sql.DB, fn func(ctx context.Context, tx *sql.Tx) error) (err error) {
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	st := &txState{d: d, tx: tx}
	defer func() {
		st.end()
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(context.WithValue(ctx, txKey{}, st), tx); err != nil {
		return err
	}
	if err = st.failed(); err != nil {
		return err // a joined step failed and a caller ignored it
	}
	return tx.Commit()
}

// IsRetryable reports a transient conflict worth retrying.
func IsRetryable(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}

// IsUniqueViolation reports a unique or primary-key constraint failure.
func IsUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// Querier is what both *sql.DB and *sql.Tx offer; read helpers take it so
// they work inside and outside a transaction.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}
