package db

// Housekeeping on PostgreSQL where autovacuum is off. The planner needs
// statistics that follow the tables: test_samples grows from nothing to a
// million rows in a morning of mass testing, and a plan made on the
// statistics of an empty table reads every sample for each person looked
// up. Autovacuum keeps them where it runs; a server configured without it
// (a machine where it is off for benchmarks or by an operator's choice)
// would keep the statistics of the day the tables were loaded, and dead row
// versions would pile up behind every update. So fangkong does, with the
// same default thresholds, what autovacuum would: ANALYZE a table once
// more than 50 rows + 10% of it changed since its last ANALYZE, VACUUM it
// once more than 50 rows + 20% of it are dead, or more than 1,000 rows +
// 20% of it were inserted since its last VACUUM (which marks the pages
// all-visible: the counts read from indexes alone). With several instances on
// one database one of them does it at a time (an advisory lock). SQLite
// keeps its statistics at start-up (Analyze) and needs no vacuum.

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"fangkong/internal/clock"
)

// housekeepLock is the advisory lock key of the housekeeping round.
const housekeepLock = 0x66616e67 // "fang"

// Housekept is what a round did: the tables analyzed and vacuumed.
type Housekept struct {
	Analyzed, Vacuumed []string
}

// Housekeep runs one round on PostgreSQL whatever the autovacuum setting
// (HousekeepLoop checks it); on SQLite it does nothing. Another instance
// holding the round's lock makes it return at once with nothing done.
func (d *DB) Housekeep(ctx context.Context) (Housekept, error) {
	var done Housekept
	if d.Dialect != Postgres {
		return done, nil
	}
	conn, err := d.write.Conn(ctx)
	if err != nil {
		return done, fmt.Errorf("housekeep: %w", err)
	}
	defer conn.Close()
	var locked bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", housekeepLock).Scan(&locked); err != nil {
		return done, fmt.Errorf("housekeep: %w", err)
	}
	if !locked {
		return done, nil
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", housekeepLock)
	rows, err := conn.QueryContext(ctx, `SELECT name, stale, dead FROM (
		SELECT quote_ident(schemaname) || '.' || quote_ident(relname) AS name,
			n_mod_since_analyze > 50 + 0.1 * GREATEST(n_live_tup, 0) AS stale,
			n_dead_tup > 50 + 0.2 * GREATEST(n_live_tup, 0) OR n_ins_since_vacuum > 1000 + 0.2 * GREATEST(n_live_tup, 0) AS dead
		FROM pg_stat_user_tables WHERE schemaname = current_schema()) t
		WHERE stale OR dead ORDER BY name`)
	if err != nil {
		return done, fmt.Errorf("housekeep: %w", err)
	}
	var analyze, vacuum []string
	for rows.Next() {
		var name string
		var a, v bool
		if err := rows.Scan(&name, &a, &v); err != nil {
			rows.Close()
			return done, fmt.Errorf("housekeep: %w", err)
		}
		if v {
			vacuum = append(vacuum, name) // VACUUM ANALYZE: both at once
		} else if a {
			analyze = append(analyze, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return done, fmt.Errorf("housekeep: %w", err)
	}
	// Throttled like autovacuum (2 ms pauses), so a big table's vacuum does
	// not take the disk from the requests being served.
	if _, err := conn.ExecContext(ctx, "SET vacuum_cost_delay = 2"); err != nil {
		return done, fmt.Errorf("housekeep: %w", err)
	}
	// The connection goes back to the pool: a bulk load's VACUUM on it
	// later must not be throttled.
	defer conn.ExecContext(context.WithoutCancel(ctx), "RESET vacuum_cost_delay")
	run := func(stmt, table string, list *[]string) error {
		if _, err := conn.ExecContext(ctx, stmt+" "+table); err != nil {
			return fmt.Errorf("housekeep: %s %s: %w", stmt, table, err)
		}
		*list = append(*list, table)
		return nil
	}
	for _, t := range vacuum {
		if err := run("VACUUM (ANALYZE)", t, &done.Vacuumed); err != nil {
			return done, err
		}
	}
	for _, t := range analyze {
		if err := run("ANALYZE", t, &done.Analyzed); err != nil {
			return done, err
		}
	}
	return done, nil
}

// autovacuumOff reports whether the server runs without autovacuum.
func (d *DB) autovacuumOff(ctx context.Context) (bool, error) {
	var on string
	if err := d.read.QueryRowContext(ctx, "SELECT current_setting('autovacuum')").Scan(&on); err != nil {
		return false, err
	}
	return on == "off", nil
}

// HousekeepLoop runs Housekeep every interval while the PostgreSQL server
// has autovacuum off (checked every round: it can be switched without a
// restart). On SQLite it returns at once.
func (d *DB) HousekeepLoop(ctx context.Context, every time.Duration, log *slog.Logger) {
	if d.Dialect != Postgres {
		return
	}
	clock.Every(ctx, every, false, func(ctx context.Context) {
		off, err := d.autovacuumOff(ctx)
		if err != nil || !off {
			if err != nil && ctx.Err() == nil {
				log.Warn("housekeeping", "err", err)
			}
			return
		}
		start := time.Now()
		done, err := d.Housekeep(ctx)
		if err != nil && ctx.Err() == nil {
			log.Warn("housekeeping", "err", err)
		}
		if len(done.Analyzed)+len(done.Vacuumed) > 0 {
			log.Info("housekeeping: autovacuum is off, statistics refreshed", "analyzed", done.Analyzed,
				"vacuumed", done.Vacuumed, "took", time.Since(start).Round(time.Millisecond))
		}
	})
}
