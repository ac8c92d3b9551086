package measure

import (
	"context"
	"fmt"
	"net/url"

	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/policy"
	"fangkong/internal/summary"
)

// Todo is a unit's control-measure work for a day (今日待办): people whose
// health checks are not all recorded, tests due and not yet sampled — the
// day's work list (Work) counted in the database, not read row by row —
// and the unit's open alerts.
func (s *Service) Todo(ctx context.Context, scope jurisdiction.Scope, unit, day string) ([]summary.Figure, error) {
	if unit == "" {
		unit = scope.Code()
	}
	unitScope, err := scope.NarrowOpt(unit)
	if err != nil {
		return nil, err
	}
	if day == "" {
		day = s.today()
	}
	if _, err := policy.ParseDay(day); err != nil {
		return nil, errs.Invalidf("day", "日期“%s”无效，应为 YYYY-MM-DD", day)
	}
	lo, hi := unitScope.Args()
	q := s.db.R()
	var checks, tests, alerts int
	// Work's rows of checks (a phase of an active measure on the day that
	// asks for checks) whose checks of the day fall short.
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM measure_phases ph JOIN measures m ON m.id = ph.measure_id
		WHERE `+unitScope.Where("ph.unit_code", 1)+` AND ph.end_date >= $3 AND ph.start_date <= $3
		AND m.status = 'active' AND ph.checks_daily > 0
		AND (SELECT COUNT(*) FROM measure_checks c WHERE c.measure_id = m.id AND c.day = $3) < ph.checks_daily`,
		lo, hi, day).Scan(&checks); err != nil {
		return nil, fmt.Errorf("checks to do: %w", err)
	}
	// Work's tests due on the day, neither sampled nor with a result.
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM measure_tests t JOIN measures m ON m.id = t.measure_id
		WHERE `+unitScope.Where("t.unit_code", 1)+` AND t.due = $3 AND m.status = 'active'
		AND t.sampled_at <= 0 AND t.result = ''`, lo, hi, day).Scan(&tests); err != nil {
		return nil, fmt.Errorf("tests to do: %w", err)
	}
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM measure_alerts a
		WHERE `+unitScope.Where("a.unit_code", 1)+` AND a.handled_at = 0`, lo, hi).Scan(&alerts); err != nil {
		return nil, fmt.Errorf("open alerts: %w", err)
	}
	work := "/measures/work?" + url.Values{"unit": {unit}, "day": {day}}.Encode()
	return []summary.Figure{
		{Key: "todo.measure.checks", Label: "健康监测待填报", Value: checks, Link: work, Note: "今日健康监测次数未填满的人"},
		{Key: "todo.measure.tests", Label: "核酸检测待采样", Value: tests, Link: work, Note: "今日应检未采样的人次"},
		{Key: "todo.measure.alerts", Label: LabelOpenAlerts, Value: alerts, Link: "/measures/alerts?" + url.Values{"unit": {unit}}.Encode(),
			Late: alerts > 0, Note: "体温异常、症状和脱管预警中尚未处理的"},
	}, nil
}
