package app

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"fangkong/internal/checkpoint"
	"fangkong/internal/clock"
	"fangkong/internal/inspect"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/notify"
	"fangkong/internal/pushlist"
	"fangkong/internal/report"
	"fangkong/internal/sentinel"
	"fangkong/internal/special"
	"fangkong/internal/tracing"
)

// notifyEvents lists the events the domains declare (事件类型), in the
// order the notification pages show them; adding a domain's events adds
// one line here.
func notifyEvents() []notify.EventType {
	var out []notify.EventType
	out = append(out, measure.Events...)
	out = append(out, pushlist.Events...)
	out = append(out, sentinel.Events...)
	out = append(out, checkpoint.Events...)
	out = append(out, tracing.Events...)
	out = append(out, special.Events...)
	out = append(out, inspect.Events...)
	out = append(out, report.Events...)
	return out
}

// NotifyOverdueTasks tells each unit with push tasks past their deadline
// (核查任务逾期); the event's de-duplication repeats it at most every four
// hours per unit.
func (a *App) NotifyOverdueTasks(ctx context.Context) (int, error) {
	units, err := a.PushLists.OverdueUnits(ctx, jurisdiction.System("notify-overdue"), a.Config.Now())
	if err != nil {
		return 0, err
	}
	for _, u := range units {
		err := a.Notify.Emit(ctx, notify.Event{Kind: pushlist.EventOverdue, Unit: u.Code, Key: u.Code,
			Vars: map[string]string{"unit": u.Name, "count": strconv.Itoa(u.Count)}})
		if err != nil {
			return 0, err
		}
	}
	return len(units), nil
}

// overdueLoop runs NotifyOverdueTasks every interval until ctx ends.
func (a *App) overdueLoop(ctx context.Context, every time.Duration, log *slog.Logger) {
	clock.Every(ctx, every, false, func(ctx context.Context) {
		if _, err := a.NotifyOverdueTasks(ctx); err != nil && ctx.Err() == nil {
			log.Warn("notify overdue tasks", "err", err)
		}
	})
}
