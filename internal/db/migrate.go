package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
)

//go:embed migrations
var migrations embed.FS

// MigrationNames lists the migration files of a dialect in order.
func MigrationNames(d Dialect) ([]string, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+string(d))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// Migrate applies the embedded migrations not yet applied, each in its own
// transaction. On PostgreSQL an advisory lock keeps several instances that
// start at once from migrating twice.
func (d *DB) Migrate(ctx context.Context) error {
	names, err := MigrationNames(d.Dialect)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return d.withMigrationLock(ctx, func(q Querier) error {
		if _, err := q.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			name       TEXT PRIMARY KEY,
			applied_at BIGINT NOT NULL
		)`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		for _, name := range names {
			var n int
			if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE name = $1", name).Scan(&n); err != nil {
				return fmt.Errorf("migrate: %w", err)
			}
			if n > 0 {
				continue
			}
			body, err := migrations.ReadFile("migrations/" + string(d.Dialect) + "/" + name)
			if err != nil {
				return fmt.Errorf("migrate %s: %w", name, err)
			}
			err = d.Tx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, string(body)); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)",
					name, time.Now().UnixMilli())
				return err
			})
			if err != nil {
				return fmt.Errorf("migrate %s: %w", name, err)
			}
		}
		return nil
	})
}

func (d *DB) withMigrationLock(ctx context.Context, fn func(q Querier) error) error {
	if d.Dialect != Postgres {
		return fn(d.write)
	}
	conn, err := d.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	const lockID = 7_316_424_001 // arbitrary, fangkong's
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", lockID); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockID)
	return fn(conn)
}

// Columns lists the columns of each table (for the schema-parity test).
func (d *DB) Columns(ctx context.Context) (map[string][]string, error) {
	var q string
	if d.Dialect == SQLite {
		q = `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid`
	} else {
		q = `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`
	}
	rows, err := d.read.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("columns: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, err
		}
		out[t] = append(out[t], c)
	}
	return out, rows.Err()
}
