package pushlist

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
)

// EventOverdue: a village (or the county itself) has verification tasks
// past their deadline (核查任务逾期); EventOverdueTownship: the same summed
// over a township, one message to its cadres instead of one per village.
const (
	EventOverdue         = "pushlist.overdue"
	EventOverdueTownship = "pushlist.overdue_township"
)

// Events are the push lists' notification events, as the app lists them.
var Events = []notify.EventType{
	{Kind: EventOverdue, Name: "核查任务逾期", Vars: []string{"unit", "count"},
		Sample:   map[string]string{"unit": "西街社区", "count": "3"},
		Template: "【防控】${unit}有${count}条大数据推送核查任务已超过时限未反馈，请立即核查并在系统中反馈。",
		Channels: []string{notify.ChannelSMS}, Link: "/pushtasks?status=overdue",
		// Told again every four hours while tasks stay overdue.
		Dedup: 4 * time.Hour,
		To:    []notify.Recipient{{Duty: "*"}, {Role: "village"}}},
	{Kind: EventOverdueTownship, Name: "核查任务逾期（镇街汇总）", Vars: []string{"unit", "units", "count"},
		Sample:   map[string]string{"unit": "甘亭街道", "units": "26", "count": "73"},
		Template: "【防控】${unit}有${count}条大数据推送核查任务已超过时限未反馈（涉及${units}个单位），请督促核查反馈。",
		Channels: []string{notify.ChannelSMS}, Link: "/pushtasks/stats",
		Dedup: 4 * time.Hour,
		To:    []notify.Recipient{{Role: "township"}}},
}

// UnitCount is a count of tasks in one unit.
type UnitCount struct {
	Code, Name string
	Count      int
}

// OverdueUnits counts the open tasks past their deadline at now per unit
// they sit in, inside the scope.
func (s *Service) OverdueUnits(ctx context.Context, scope jurisdiction.Scope, now time.Time) ([]UnitCount, error) {
	lo, hi := scope.Args()
	rows, err := s.db.R().QueryContext(ctx, `SELECT t.unit_code, COALESCE(u.name, ''), COUNT(*) FROM push_tasks t
		LEFT JOIN units u ON u.code = t.unit_code
		WHERE t.status = $1 AND t.deadline_at < $2 AND `+scope.Where("t.unit_code", 3)+`
		GROUP BY t.unit_code, u.name ORDER BY t.unit_code`, StatusOpen, now.UnixMilli(), lo, hi)
	if err != nil {
		return nil, fmt.Errorf("overdue units: %w", err)
	}
	defer rows.Close()
	var out []UnitCount
	for rows.Next() {
		var x UnitCount
		if err := rows.Scan(&x.Code, &x.Name, &x.Count); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
