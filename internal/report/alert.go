package report

import (
	"context"
	"log/slog"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
)

// Alert is a unit whose report was missing at its level's deadline.
type Alert struct {
	Unit     jurisdiction.Unit
	Day      string
	RaisedAt time.Time
	Resolved bool // a report came in afterwards
}

// CheckMissing raises an alert for every unit (county, township, village)
// of a reporting county without a report of today once its level's deadline
// has passed; each unit and day alerts once. A county reports once it has
// saved a template or submitted a report in the last week. It returns the
// number of alerts raised.
func (s *Service) CheckMissing(ctx context.Context) (int, error) {
	now := s.now()
	day := clock.Day(now)
	week := clock.Day(now.AddDate(0, 0, -7))
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT county_code FROM report_templates
		UNION SELECT DISTINCT SUBSTR(unit_code, 1, 6) FROM daily_reports WHERE day >= $1`, week)
	if err != nil {
		return 0, err
	}
	var counties []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return 0, err
		}
		counties = append(counties, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	raised := 0
	for _, county := range counties {
		scope, err := jurisdiction.System("report-deadline").Narrow(county)
		if err != nil {
			continue
		}
		lo, hi := scope.Args()
		for _, level := range []int{jurisdiction.LevelVillage, jurisdiction.LevelTownship, jurisdiction.LevelCounty} {
			t, err := s.template(ctx, county, level)
			if err != nil {
				return raised, err
			}
			if !now.After(at(day, t.Deadline)) {
				continue
			}
			res, err := s.db.Writer(ctx).ExecContext(ctx, `INSERT INTO report_alerts (unit_code, day, level, raised_at)
				SELECT u.code, $3, u.level, $4 FROM units u
				WHERE `+scope.Where("u.code", 1)+` AND u.level = $5
					AND NOT EXISTS (SELECT 1 FROM daily_reports r WHERE r.unit_code = u.code AND r.day = $3)
				ON CONFLICT (unit_code, day) DO NOTHING`, lo, hi, day, now.UnixMilli(), level)
			if err != nil {
				return raised, err
			}
			n, _ := res.RowsAffected()
			raised += int(n)
		}
	}
	return raised, nil
}

// Run checks for missing reports every interval until ctx ends.
func (s *Service) Run(ctx context.Context, every time.Duration, log *slog.Logger) {
	clock.Every(ctx, every, true, func(ctx context.Context) {
		if n, err := s.CheckMissing(ctx); err != nil {
			log.Error("daily reports: deadline check", "err", err)
		} else if n > 0 {
			log.Warn("daily reports missing at the deadline", "alerts", n)
		}
	})
}

// Alerts returns the alerts of day inside scope, the unit's subtree.
func (s *Service) Alerts(ctx context.Context, scope jurisdiction.Scope, unit, day string) ([]Alert, error) {
	sub, err := scope.Narrow(unit)
	if err != nil {
		return nil, err
	}
	lo, hi := sub.Args()
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT a.unit_code, COALESCE(u.name, ''), u.level, a.raised_at,
			EXISTS (SELECT 1 FROM daily_reports r WHERE r.unit_code = a.unit_code AND r.day = a.day)
		FROM report_alerts a LEFT JOIN units u ON u.code = a.unit_code
		WHERE a.day = $3 AND `+sub.Where("a.unit_code", 1)+` ORDER BY a.unit_code`, lo, hi, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		var a Alert
		var raised int64
		if err := rows.Scan(&a.Unit.Code, &a.Unit.Name, &a.Unit.Level, &raised, &a.Resolved); err != nil {
			return nil, err
		}
		a.Day, a.RaisedAt = day, time.UnixMilli(raised).In(clock.Shanghai)
		out = append(out, a)
	}
	return out, rows.Err()
}

// alerted returns the units of scope alerted on day.
func (s *Service) alerted(ctx context.Context, scope jurisdiction.Scope, day string) (map[string]bool, error) {
	lo, hi := scope.Args()
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT unit_code FROM report_alerts WHERE day = $3 AND `+scope.Where("unit_code", 1), lo, hi, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out[c] = true
	}
	return out, rows.Err()
}
