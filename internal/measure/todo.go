package measure

import (
	"context"
	"net/url"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
)

// Todo is a unit's control-measure work for a day (今日待办): people whose
// health checks are not all recorded, tests due and not yet sampled — from
// the day's work list — and the unit's open alerts.
func (s *Service) Todo(ctx context.Context, scope jurisdiction.Scope, unit, day string) ([]summary.Figure, error) {
	wl, err := s.Work(ctx, scope, unit, day)
	if err != nil {
		return nil, err
	}
	var checks, tests int
	for _, w := range wl.Checks {
		if w.ChecksDone < w.ChecksDaily {
			checks++
		}
	}
	for _, w := range wl.Tests {
		if !w.TestSampled {
			tests++
		}
	}
	alerts, err := s.Alerts(ctx, scope, AlertFilter{Unit: unit, Open: true})
	if err != nil {
		return nil, err
	}
	work := "/measures/work?" + url.Values{"unit": {unit}, "day": {wl.Day}}.Encode()
	return []summary.Figure{
		{Key: "todo.measure.checks", Label: "健康监测待填报", Value: checks, Link: work, Note: "今日健康监测次数未填满的人"},
		{Key: "todo.measure.tests", Label: "核酸检测待采样", Value: tests, Link: work, Note: "今日应检未采样的人次"},
		{Key: "todo.measure.alerts", Label: "预警待处理", Value: len(alerts), Link: "/measures/alerts?" + url.Values{"unit": {unit}}.Encode(),
			Late: len(alerts) > 0, Note: "体温异常、症状和脱管预警中尚未处理的"},
	}, nil
}
