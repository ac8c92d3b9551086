package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Inserter adds many rows to one table inside a transaction, the fastest way
// each engine allows through database/sql: a prepared single-row INSERT on
// SQLite, multi-row VALUES statements on PostgreSQL.
type Inserter struct {
	ctx     context.Context
	tx      *sql.Tx
	dialect Dialect
	table   string
	cols    []string
	suffix  string
	stmt    *sql.Stmt // SQLite
	buf     []any     // PostgreSQL
	perStmt int
	n       int
	written int64 // rows the database reports inserted (a conflict suffix may skip some)
}

// NewInserter prepares an insert of cols into table. suffix is appended to
// every statement (e.g. "ON CONFLICT (code) DO NOTHING").
func (d *DB) NewInserter(ctx context.Context, tx *sql.Tx, table string, cols []string, suffix string) (*Inserter, error) {
	in := &Inserter{ctx: ctx, tx: tx, dialect: d.Dialect, table: table, cols: cols, suffix: suffix}
	if d.Dialect == SQLite {
		stmt, err := tx.PrepareContext(ctx, in.statement(1))
		if err != nil {
			return nil, fmt.Errorf("prepare insert into %s: %w", table, err)
		}
		in.stmt = stmt
		return in, nil
	}
	in.perStmt = 60000 / len(cols)
	if in.perStmt > 2000 {
		in.perStmt = 2000
	}
	in.buf = make([]any, 0, in.perStmt*len(cols))
	return in, nil
}

func (in *Inserter) statement(rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(in.table)
	b.WriteString(" (")
	b.WriteString(strings.Join(in.cols, ", "))
	b.WriteString(") VALUES ")
	p := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range in.cols {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(p))
			p++
		}
		b.WriteByte(')')
	}
	if in.suffix != "" {
		b.WriteByte(' ')
		b.WriteString(in.suffix)
	}
	return b.String()
}

// Add queues one row; values must match the columns.
func (in *Inserter) Add(values ...any) error {
	if len(values) != len(in.cols) {
		return fmt.Errorf("insert into %s: %d values for %d columns", in.table, len(values), len(in.cols))
	}
	in.n++
	if in.stmt != nil {
		res, err := in.stmt.ExecContext(in.ctx, values...)
		if err != nil {
			return fmt.Errorf("insert into %s: %w", in.table, err)
		}
		k, _ := res.RowsAffected()
		in.written += k
		return nil
	}
	in.buf = append(in.buf, values...)
	if len(in.buf) >= in.perStmt*len(in.cols) {
		return in.flush()
	}
	return nil
}

func (in *Inserter) flush() error {
	if len(in.buf) == 0 {
		return nil
	}
	rows := len(in.buf) / len(in.cols)
	res, err := in.tx.ExecContext(in.ctx, in.statement(rows), in.buf...)
	if err != nil {
		return fmt.Errorf("insert into %s: %w", in.table, err)
	}
	k, _ := res.RowsAffected()
	in.written += k
	in.buf = in.buf[:0]
	return nil
}

// Flush sends what is queued (PostgreSQL); rows another table references
// must be flushed before the referencing rows.
func (in *Inserter) Flush() error { return in.flush() }

// Count is the number of rows added so far.
func (in *Inserter) Count() int { return in.n }

// Written is the number of rows the database inserted so far (after Flush
// or Close on PostgreSQL): fewer than Count when an ON CONFLICT DO NOTHING
// suffix skipped some.
func (in *Inserter) Written() int { return int(in.written) }

// Close flushes what is queued and releases the statement.
func (in *Inserter) Close() error {
	if in.stmt != nil {
		return in.stmt.Close()
	}
	return in.flush()
}

// AllocIDs reserves n new primary keys of table (whose key column is id) so
// bulk inserts can link rows without reading each key back. On SQLite the
// caller must hold the write transaction, which makes MAX(id) safe.
func (d *DB) AllocIDs(ctx context.Context, tx *sql.Tx, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if n == 0 {
		return ids, nil
	}
	if d.Dialect == SQLite {
		var max int64
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+table).Scan(&max); err != nil {
			return nil, fmt.Errorf("alloc ids for %s: %w", table, err)
		}
		for i := 1; i <= n; i++ {
			ids = append(ids, max+int64(i))
		}
		return ids, nil
	}
	rows, err := tx.QueryContext(ctx,
		"SELECT nextval(pg_get_serial_sequence('"+table+"', 'id')) FROM generate_series(1, $1)", n)
	if err != nil {
		return nil, fmt.Errorf("alloc ids for %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
