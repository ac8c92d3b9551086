package report

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
)

// EventMissing is the notice of a unit's daily report missing at its
// level's deadline (日报告未报), to its cadres and the level above.
const EventMissing = "report.missing"

// Events are the daily reports' notification events, as the app lists them.
var Events = []notify.EventType{
	{Kind: EventMissing, Name: "日报告未按时报送", Vars: []string{"unit", "day", "deadline"},
		Sample:   map[string]string{"unit": "西街社区居委会", "day": "2026-12-07", "deadline": "16:30"},
		Template: "【防控】${unit}${day}的日报告已过报送时限（${deadline}）仍未报送，请立即报送。", Link: "/reports/new",
		Channels: []string{notify.ChannelSMS}, Dedup: 20 * time.Hour,
		To: []notify.Recipient{{Role: "village"}, {Role: "township", Up: 1}}},
}

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
			missing, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT u.code, u.name FROM units u
				WHERE `+scope.Where("u.code", 1)+` AND u.level = $4
					AND NOT EXISTS (SELECT 1 FROM daily_reports r WHERE r.unit_code = u.code AND r.day = $3)
					AND NOT EXISTS (SELECT 1 FROM report_alerts a WHERE a.unit_code = u.code AND a.day = $3)
				ORDER BY u.code`, lo, hi, day, level)
			if err != nil {
				return raised, err
			}
			var units []jurisdiction.Unit
			for missing.Next() {
				var u jurisdiction.Unit
				if err := missing.Scan(&u.Code, &u.Name); err != nil {
					missing.Close()
					return raised, err
				}
				units = append(units, u)
			}
			missing.Close()
			if err := missing.Err(); err != nil {
				return raised, err
			}
			// Each alert and its notice commit together, once per unit and
			// day (another instance's alert wins the conflict).
			for _, u := range units {
				err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
					res, err := tx.ExecContext(ctx, `INSERT INTO report_alerts (unit_code, day, level, raised_at) VALUES ($1, $2, $3, $4)
						ON CONFLICT (unit_code, day) DO NOTHING`, u.Code, day, level, now.UnixMilli())
					if err != nil {
						return err
					}
					if n, _ := res.RowsAffected(); n == 0 {
						return nil
					}
					raised++
					return s.notifier.Emit(ctx, notify.Event{Kind: EventMissing, Unit: u.Code, Key: EventMissing + ":" + u.Code + ":" + day,
						Vars: map[string]string{"unit": u.Name, "day": day, "deadline": t.Deadline}})
				})
				if err != nil {
					return raised, err
				}
			}
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
