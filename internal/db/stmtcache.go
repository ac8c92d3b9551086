package db

import (
	"context"
	"database/sql"
	"sync"
)

// StmtCache keeps prepared statements of hot queries for the life of the
// process, so a batch of thousands of small writes does not parse its SQL
// again for every row (parsing is a third of the CPU of a modernc SQLite
// write). Use it through In(tx). On PostgreSQL pgx already caches prepared
// statements per connection, so In returns the transaction unchanged.
type StmtCache struct {
	d  *DB
	mu sync.Mutex
	m  map[string]*sql.Stmt // on the write pool
}

// NewStmtCache returns an empty cache on d's write pool.
func (d *DB) NewStmtCache() *StmtCache { return &StmtCache{d: d, m: map[string]*sql.Stmt{}} }

// In returns a Querier that runs tx's queries through cached prepared
// statements (SQLite) or tx itself (PostgreSQL).
func (c *StmtCache) In(tx *sql.Tx) Querier {
	if c == nil || c.d.Dialect != SQLite {
		return tx
	}
	return &stmtTx{c: c, tx: tx}
}

// get returns the prepared statement of query, or nil the first time: the
// caller then runs the query unprepared, and the statement is prepared in
// the background once the write connection is free (SQLite has one, held
// by the caller's transaction, so preparing now would wait for ourselves).
func (c *StmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st // nil while it is being prepared or if it failed
	}
	c.m[query] = nil
	go func() {
		st, err := c.d.write.PrepareContext(context.Background(), query)
		if err != nil {
			return // stays unprepared; the query reports its own error
		}
		c.mu.Lock()
		c.m[query] = st
		c.mu.Unlock()
	}()
	return nil
}

type stmtTx struct {
	c  *StmtCache
	tx *sql.Tx
}

func (s *stmtTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := s.c.get(query); st != nil {
		return s.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return s.tx.QueryContext(ctx, query, args...)
}

func (s *stmtTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.c.get(query); st != nil {
		return s.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return s.tx.QueryRowContext(ctx, query, args...)
}

func (s *stmtTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := s.c.get(query); st != nil {
		return s.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return s.tx.ExecContext(ctx, query, args...)
}
