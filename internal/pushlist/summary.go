package pushlist

import (
	"context"
	"net/url"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
)

// Summary is the verification tasks' headline figures for a unit: tasks
// pushed, verified, open and overdue — the totals of Stats, so the unit page
// and the statistics page agree.
func (s *Service) Summary(ctx context.Context, scope jurisdiction.Scope, unit, day string) (summary.Card, error) {
	unitScope, err := scope.Narrow(unit)
	if err != nil {
		return summary.Card{}, err
	}
	rows, err := s.stats(ctx, unitScope, false)
	if err != nil {
		return summary.Card{}, err
	}
	var t UnitStats
	for _, r := range rows {
		t.Pushed += r.Pushed
		t.Verified += r.Verified
		t.Open += r.Open
		t.Overdue += r.Overdue
	}
	q := url.Values{"unit": {unit}}
	link := func(status string) string { q.Set("status", status); return "/pushtasks?" + q.Encode() }
	return summary.Card{Domain: "pushlist", Title: "大数据推送核查", Figures: []summary.Figure{
		{Key: "push.pushed", Label: "推送核查任务", Value: t.Pushed, Link: link("all"), Note: "未核查与已核查之和（重复推送、退回不计）"},
		{Key: "push.verified", Label: "已核查", Value: t.Verified, Link: link("done")},
		{Key: "push.open", Label: "未核查", Value: t.Open, Link: link("open")},
		{Key: "push.overdue", Label: "已逾期", Value: t.Overdue, Link: link("overdue"), Late: t.Overdue > 0,
			Note: "未核查且已过核查时限"},
	}}, nil
}
