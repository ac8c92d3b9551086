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
	d     *DB
	mu    sync.Mutex
	m     map[string]*sql.Stmt // on the write pool
	reads map[string]*sql.Stmt // on the read pool
}

// NewStmtCache returns an empty cache on d's pools.
func (d *DB) NewStmtCache() *StmtCache {
	return &StmtCache{d: d, m: map[string]*sql.Stmt{}, reads: map[string]*sql.Stmt{}}
}

// R is the read pool with cached prepared statements (SQLite), or the
// read pool itself (PostgreSQL).
func (c *StmtCache) R() Querier {
	if c == nil || c.d.Dialect != SQLite {
		return c.d.read
	}
	return readStmts{c}
}

type readStmts struct{ c *StmtCache }

// stmt prepares on the read pool; database/sql prepares it again on each
// connection it meets and keeps it there.
func (r readStmts) stmt(ctx context.Context, query string) *sql.Stmt {
	r.c.mu.Lock()
	st, ok := r.c.reads[query]
	r.c.mu.Unlock()
	if ok {
		return st
	}
	st, err := r.c.d.read.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	r.c.mu.Lock()
	if old, ok := r.c.reads[query]; ok {
		st.Close()
		st = old
	} else {
		r.c.reads[query] = st
	}
	r.c.mu.Unlock()
	return st
}

func (r readStmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.c.d.read.QueryContext(ctx, query, args...)
}

func (r readStmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.c.d.read.QueryRowContext(ctx, query, args...)
}

func (r readStmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.c.d.read.ExecContext(ctx, query, args...) // the read pool is query_only
}

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
