package measure

import (
	"context"
	"net/url"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
)

// LabelOpenAlerts is the label of the open alerts, one wherever the count
// is shown: the summary, 今日待办 (Todo) and the measures' pages.
const LabelOpenAlerts = "未处理预警"

// Summary is the control measures' headline figures for a unit on a day:
// people under an active measure and open alerts — the totals of Overview,
// so the unit page and the measures page agree.
func (s *Service) Summary(ctx context.Context, scope jurisdiction.Scope, unit, day string) (summary.Card, error) {
	ov, err := s.Overview(ctx, scope, unit, day)
	if err != nil {
		return summary.Card{}, err
	}
	q := url.Values{"unit": {unit}}
	return summary.Card{Domain: "measure", Title: "管控措施", Figures: []summary.Figure{
		{Key: "measure.active", Label: "管控中", Value: ov.Total.Active, Link: "/measures?" + q.Encode(),
			Note: "尚未解除管控措施的人（含当日不处于任何阶段的：期满待解除、首阶段尚未开始等）"},
		{Key: "measure.alerts", Label: LabelOpenAlerts, Value: ov.Total.OpenAlerts, Link: "/measures/alerts?" + q.Encode(),
			Late: ov.Total.OpenAlerts > 0, Note: "体温异常、症状和脱管预警中尚未处理的"},
	}}, nil
}
