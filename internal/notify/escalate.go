package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// Escalate tells the next level up of every alert not handled by its due
// time (升级提醒): village → township → county, then stops. Each alert is
// escalated once per due time even with several instances: the guarded
// UPDATE decides which transaction does it.
func (s *Service) Escalate(ctx context.Context) (int, error) {
	now := s.now()
	rows, err := s.db.R().QueryContext(ctx, `SELECT dedup_key, kind, unit_code, vars, link, up FROM notify_open
		WHERE handled_at = 0 AND due_at <= $1 ORDER BY due_at LIMIT 100`, now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("escalate: %w", err)
	}
	type open struct {
		key, kind, unit, vars, link string
		up                          int
	}
	var list []open
	for rows.Next() {
		var o open
		if err := rows.Scan(&o.key, &o.kind, &o.unit, &o.vars, &o.link, &o.up); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	done := 0
	for _, o := range list {
		t, ok := s.types[o.kind]
		if !ok {
			continue
		}
		next := o.up + 1
		err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			due, handled := now.Add(t.EscalateAfter).UnixMilli(), int64(0)
			if ancestor(o.unit, next+1) == "" {
				handled = -1 // the county was told: nothing above
			}
			res, err := tx.ExecContext(ctx, `UPDATE notify_open SET up = $1, due_at = $2, handled_at = $3
				WHERE dedup_key = $4 AND up = $5 AND handled_at = 0`, next, due, handled, o.key, o.up)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // another instance did it
			}
			if ancestor(o.unit, next) == "" {
				return nil
			}
			var vars map[string]string
			_ = json.Unmarshal([]byte(o.vars), &vars)
			done++
			return s.deliver(ctx, tx, t, Event{Kind: o.kind, Unit: o.unit, Vars: vars, Link: o.link}, next, now, "")
		})
		if err != nil {
			return done, fmt.Errorf("escalate %s: %w", o.key, err)
		}
	}
	return done, nil
}
