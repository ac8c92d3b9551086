package measure

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/policy"
)

// Alert kinds.
const (
	AlertAbnormal    = "abnormal"     // 健康监测异常
	AlertPositive    = "positive"     // 核酸阳性
	AlertMissedCheck = "missed_check" // 脱管：未按时健康监测
	AlertMissedTest  = "missed_test"  // 脱管：未按时核酸检测
)

// AlertKindName is an alert kind in Chinese.
func AlertKindName(k string) string {
	switch k {
	case AlertAbnormal:
		return "健康监测异常"
	case AlertPositive:
		return "核酸阳性"
	case AlertMissedCheck:
		return "脱管：未按时健康监测"
	case AlertMissedTest:
		return "脱管：未按时核酸检测"
	}
	return k
}

// Alert is one alert.
type Alert struct {
	ID          int64
	MeasureID   int64
	PersonID    int64
	PersonName  string
	UnitCode    string
	UnitName    string
	Kind        string
	Day         string
	Detail      string
	Level       int // the level it is addressed to: village, township or county
	OpenedAt    int64
	EscalatedAt int64
	HandledAt   int64
	HandledBy   string
	Handling    string
}

// KindName is the kind in Chinese.
func (a Alert) KindName() string { return AlertKindName(a.Kind) }

// LevelName is the level it is addressed to, in Chinese.
func (a Alert) LevelName() string {
	switch a.Level {
	case jurisdiction.LevelVillage:
		return "村(社区)"
	case jurisdiction.LevelTownship:
		return "乡镇卫生院"
	case jurisdiction.LevelCounty:
		return "县指挥部"
	}
	return jurisdiction.LevelName(a.Level)
}

// Opened is when it opened.
func (a Alert) Opened() string { return clock.Format(a.OpenedAt) }

// Handled is when it was handled.
func (a Alert) Handled() string { return clock.Format(a.HandledAt) }

// AgeHours is how long it has been open (or was open) in hours.
func (a Alert) AgeHours(now time.Time) int {
	end := now.UnixMilli()
	if a.HandledAt > 0 {
		end = a.HandledAt
	}
	return int((end - a.OpenedAt) / 3600000)
}

// openAlert opens an alert, once per measure, kind and day, and tells its
// recipients (notify) in the same transaction.
func (s *Service) openAlert(ctx context.Context, q db.Querier, measureID, personID int64, unit, kind, day, detail string, level int, at int64) error {
	rows, err := q.QueryContext(ctx, `INSERT INTO measure_alerts (measure_id, person_id, unit_code, kind, day, detail, level, opened_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (measure_id, kind, day) DO NOTHING RETURNING id`,
		measureID, personID, unit, kind, day, detail, level, at)
	if err != nil {
		return fmt.Errorf("open alert: %w", err)
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return fmt.Errorf("open alert: %w", err)
	}
	for _, id := range ids {
		if err := s.emitAlert(ctx, q, id); err != nil {
			return err
		}
	}
	return nil
}

// SweepResult is what one sweep did.
type SweepResult struct {
	MissedChecks int
	MissedTests  int
	Escalated    int
}

// Sweep opens 脱管 alerts for checks and tests missed on days that ended
// more than Grace before now (looking back three days), and escalates
// alerts left unhandled for EscalateAfter: village → township → county.
// It is idempotent; tests call it with a chosen time.
func (s *Service) Sweep(ctx context.Context, now time.Time) (SweepResult, error) {
	var r SweepResult
	today := clock.Day(now)
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		r = SweepResult{}
		var opened []int64 // alerts opened or escalated: their recipients are told
		for back := 3; back >= 1; back-- {
			day := policy.AddDays(today, -back)
			end, err := time.ParseInLocation("2006-01-02", policy.AddDays(day, 1), clock.Shanghai)
			if err != nil {
				return err
			}
			if now.Before(end.Add(s.Grace)) {
				continue
			}
			res, err := tx.QueryContext(ctx, `INSERT INTO measure_alerts (measure_id, person_id, unit_code, kind, day, detail, level, opened_at)
				SELECT m.id, m.person_id, m.unit_code, 'missed_check', $1,
					'应监测 ' || ph.checks_daily || ' 次，实际 ' || (SELECT COUNT(*) FROM measure_checks c WHERE c.measure_id = m.id AND c.day = $1) || ' 次',
					$2, $3
				FROM measure_phases ph JOIN measures m ON m.id = ph.measure_id
				WHERE ph.end_date >= $1 AND ph.start_date <= $1 AND ph.checks_daily > 0
				AND m.status = 'active' AND m.assigned_on <= $1
				AND (SELECT COUNT(*) FROM measure_checks c WHERE c.measure_id = m.id AND c.day = $1) < ph.checks_daily
				ON CONFLICT (measure_id, kind, day) DO NOTHING RETURNING id`, day, jurisdiction.LevelVillage, now.UnixMilli())
			if err != nil {
				return fmt.Errorf("sweep missed checks: %w", err)
			}
			ids, err := scanIDs(res)
			if err != nil {
				return fmt.Errorf("sweep missed checks: %w", err)
			}
			r.MissedChecks += len(ids)
			opened = append(opened, ids...)
			res, err = tx.QueryContext(ctx, `INSERT INTO measure_alerts (measure_id, person_id, unit_code, kind, day, detail, level, opened_at)
				SELECT m.id, m.person_id, m.unit_code, 'missed_test', t.due, '应于 ' || t.due || ' 采样，未采样', $2, $3
				FROM measure_tests t JOIN measures m ON m.id = t.measure_id
				WHERE t.due = $1 AND t.sampled_at = 0 AND t.result = '' AND m.status = 'active' AND m.assigned_on <= $1
				ON CONFLICT (measure_id, kind, day) DO NOTHING RETURNING id`, day, jurisdiction.LevelVillage, now.UnixMilli())
			if err != nil {
				return fmt.Errorf("sweep missed tests: %w", err)
			}
			ids, err = scanIDs(res)
			if err != nil {
				return fmt.Errorf("sweep missed tests: %w", err)
			}
			r.MissedTests += len(ids)
			opened = append(opened, ids...)
		}
		cutoff := now.Add(-s.EscalateAfter).UnixMilli()
		for _, step := range [][2]int{{jurisdiction.LevelTownship, jurisdiction.LevelCounty}, {jurisdiction.LevelVillage, jurisdiction.LevelTownship}} {
			res, err := tx.QueryContext(ctx, `UPDATE measure_alerts SET level = $1, escalated_at = $2
				WHERE handled_at = 0 AND level = $3 AND (CASE WHEN escalated_at > 0 THEN escalated_at ELSE opened_at END) <= $4
				RETURNING id`,
				step[1], now.UnixMilli(), step[0], cutoff)
			if err != nil {
				return fmt.Errorf("sweep escalate: %w", err)
			}
			ids, err := scanIDs(res)
			if err != nil {
				return fmt.Errorf("sweep escalate: %w", err)
			}
			r.Escalated += len(ids)
			opened = append(opened, ids...)
		}
		for _, id := range opened {
			if err := s.emitAlert(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
	return r, err
}

// Run sweeps every interval until ctx ends.
func (s *Service) Run(ctx context.Context, interval time.Duration, log *slog.Logger) {
	clock.Every(ctx, interval, false, func(ctx context.Context) {
		r, err := s.Sweep(ctx, s.now())
		if err != nil {
			if log != nil && ctx.Err() == nil {
				log.Warn("measure sweep", "err", err)
			}
			return
		}
		if log != nil && (r.MissedChecks+r.MissedTests+r.Escalated) > 0 {
			log.Info("measure sweep", "missed_checks", r.MissedChecks, "missed_tests", r.MissedTests, "escalated", r.Escalated)
		}
	})
}

// AlertFilter selects alerts.
type AlertFilter struct {
	Unit  string
	Open  bool // only unhandled
	Kind  string
	Limit int // the first Limit alerts (0: 1000)
}

// Alerts lists alerts in scope, open first, oldest first.
func (s *Service) Alerts(ctx context.Context, scope jurisdiction.Scope, f AlertFilter) ([]Alert, error) {
	scope, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return nil, err
	}
	lo, hi := scope.Args()
	where := "WHERE " + scope.Where("a.unit_code", 1)
	args := []any{lo, hi}
	if f.Open {
		where += " AND a.handled_at = 0"
	}
	if f.Kind != "" {
		args = append(args, f.Kind)
		where += fmt.Sprintf(" AND a.kind = $%d", len(args))
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT a.id, a.measure_id, a.person_id, p.name, a.unit_code, COALESCE(u.name, ''),
		a.kind, a.day, a.detail, a.level, a.opened_at, a.escalated_at, a.handled_at, a.handled_by, a.handling
		FROM measure_alerts a JOIN people p ON p.id = a.person_id LEFT JOIN units u ON u.code = a.unit_code `+where+`
		ORDER BY CASE WHEN a.handled_at = 0 THEN 0 ELSE 1 END, a.opened_at, a.id LIMIT `+fmt.Sprint(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		var a Alert
		if err := rows.Scan(&a.ID, &a.MeasureID, &a.PersonID, &a.PersonName, &a.UnitCode, &a.UnitName, &a.Kind, &a.Day,
			&a.Detail, &a.Level, &a.OpenedAt, &a.EscalatedAt, &a.HandledAt, &a.HandledBy, &a.Handling); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// HandleAlert closes an alert in scope with a note of what was done.
func (s *Service) HandleAlert(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, id int64, note string) error {
	note, err := personal.Text(note)
	if err != nil {
		return errs.Invalidf("handling", "%s", err.Error())
	}
	if note == "" {
		return errs.Invalidf("handling", "请填写处置情况")
	}
	if len([]rune(note)) > 500 {
		return errs.Invalidf("handling", "处置情况不超过500字")
	}
	now := s.now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		lo, hi := scope.Args()
		var unit string
		var handled int64
		err := tx.QueryRowContext(ctx, `SELECT unit_code, handled_at FROM measure_alerts WHERE id = $1 AND `+scope.Where("unit_code", 2),
			id, lo, hi).Scan(&unit, &handled)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("handle alert: %w", err)
		}
		if handled > 0 {
			return &errs.Conflict{Message: "该预警已处置"}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE measure_alerts SET handled_at = $1, handled_by = $2, handling = $3 WHERE id = $4`,
			now.UnixMilli(), actor.Username, note, id); err != nil {
			return fmt.Errorf("handle alert: %w", err)
		}
		return audit.Record(ctx, tx, now, actor, audit.ActionUpdate, "measure_alert", fmt.Sprint(id), unit, "处置预警："+note)
	})
}

// scanIDs reads and closes a one-column result of IDs.
func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
