package pushlist

import (
	"context"
	"net/url"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
)

// Todo is a unit's verification work for the day (今日待办): tasks not yet
// answered and, of them, those past their deadline — the totals of the task
// list each links to.
func (s *Service) Todo(ctx context.Context, scope jurisdiction.Scope, unit, day string) ([]summary.Figure, error) {
	open, err := s.CountTasks(ctx, scope, TaskFilter{Unit: unit, Status: StatusOpen})
	if err != nil {
		return nil, err
	}
	overdue, err := s.CountTasks(ctx, scope, TaskFilter{Unit: unit, Status: "overdue"})
	if err != nil {
		return nil, err
	}
	link := func(status string) string {
		return "/pushtasks?" + url.Values{"status": {status}, "unit": {unit}}.Encode()
	}
	return []summary.Figure{
		{Key: "todo.push.open", Label: LabelOpen, Value: open, Link: link(StatusOpen), Note: "大数据推送的核查任务中尚未回复的"},
		{Key: "todo.push.overdue", Label: LabelOverdue, Value: overdue, Link: link("overdue"), Late: overdue > 0,
			Note: "尚未回复且已过核查时限"},
	}, nil
}
