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
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
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
// PostgreSQL; a single connection on SQLite, which allows one writer).
type DB struct {
	Dialect Dialect
	URL     string
	read    *sql.DB
	write   *sql.DB
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
	write, err := sql.Open("sqlite", dsn+"&_pragma=cache_size(-8192)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("db.Open(%q): %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", dsn+"&_pragma=cache_size(-16384)&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("db.Open(%q): %w", path, err)
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	read.SetConnMaxIdleTime(5 * time.Minute)
	d := &DB{Dialect: SQLite, URL: "sqlite:" + path, read: read, write: write}
	if err := write.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("db.Open(%q): %w", path, err)
	}
	return d, nil
}

func openPostgres(ctx context.Context, u string) (*DB, error) {
	pool, err := sql.Open("pgx", u)
	if err != nil {
		return nil, fmt.Errorf("db.Open(postgres): %w", err)
	}
	pool.SetMaxOpenConns(16)
	pool.SetMaxIdleConns(16)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db.Open(postgres): %w", err)
	}
	return &DB{Dialect: Postgres, URL: u, read: pool, write: pool}, nil
}

// Close closes both pools.
func (d *DB) Close() error {
	err := d.read.Close()
	if d.write != d.read {
		if werr := d.write.Close(); err == nil {
			err = werr
		}
	}
	return err
}

// R is the pool for reads outside a transaction.
func (d *DB) R() *sql.DB { return d.read }

// W is the pool for single writes outside a transaction.
func (d *DB) W() *sql.DB { return d.write }

// Tx runs fn in a write transaction, committing when fn returns nil. It
// retries fn when the database reports a transient conflict (SQLite busy,
// PostgreSQL serialization failure or deadlock), so fn must be repeatable.
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = d.tx(ctx, fn)
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

func (d *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
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
