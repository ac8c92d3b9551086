package pushlist

import (
	"context"
	"net/url"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
)

// The labels of the open and the overdue tasks, one for each fact wherever
// it is shown: the summary, 今日待办 (Todo) and the task list's filters.
const (
	LabelPushed   = "推送核查任务"
	LabelVerified = "已核查"
	LabelOpen     = "推送未核查"
	LabelOverdue  = "推送核查已逾期"
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
	// push.open and push.overdue stand on pages that mix domains (今日待办,
	// the command centre's 逾期与未办): their labels name the domain, and
	// Todo and the task list's filters use the same ones.
	link := func(status string) string { q.Set("status", status); return "/pushtasks?" + q.Encode() }
	return summary.Card{Domain: "pushlist", Title: "大数据推送核查", Figures: []summary.Figure{
		// The task list's 全部 counts duplicates and rejected rows too, so
		// this figure links to the statistics page, whose 推送 column it is.
		{Key: "push.pushed", Label: LabelPushed, Value: t.Pushed, Link: "/pushtasks/stats?" + url.Values{"unit": {unit}}.Encode(),
			Note: LabelOpen + "与已核查之和（重复推送、退回不计）"},
		{Key: "push.verified", Label: LabelVerified, Value: t.Verified, Link: link("done")},
		{Key: "push.open", Label: LabelOpen, Value: t.Open, Link: link("open")},
		{Key: "push.overdue", Label: LabelOverdue, Value: t.Overdue, Link: link("overdue"), Late: t.Overdue > 0,
			Note: "未核查且已过核查时限"},
	}}, nil
}
