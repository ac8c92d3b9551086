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

// NotifyOverdueTasks tells each village with push tasks past their deadline
// (核查任务逾期), each township once for all its units, and the command
// centre of the county's own; the events' de-duplication repeats each at
// most every four hours. It returns the number of events emitted.
func (a *App) NotifyOverdueTasks(ctx context.Context) (int, error) {
	units, err := a.PushLists.OverdueUnits(ctx, jurisdiction.System("notify-overdue"), a.Config.Now())
	if err != nil {
		return 0, err
	}
	// One message per village (its groups' tasks with its own) to the
	// village, one per township (all its units' tasks) to the township's
	// cadres, and the county's own unassigned tasks to the command centre.
	type tally struct {
		code, name  string
		count, from int
	}
	var villages, townships []*tally
	byCode := map[string]*tally{}
	add := func(list *[]*tally, code string, n int) {
		t := byCode[code]
		if t == nil {
			t = &tally{code: code}
			byCode[code] = t
			*list = append(*list, t)
		}
		t.count += n
		t.from++
	}
	for _, u := range units {
		lv := jurisdiction.LevelOfCode(u.Code)
		switch {
		case lv >= jurisdiction.LevelVillage:
			add(&villages, jurisdiction.VillageOf(u.Code), u.Count)
			add(&townships, u.Code[:9], u.Count)
		case lv == jurisdiction.LevelTownship:
			add(&townships, u.Code, u.Count)
		default:
			add(&villages, u.Code, u.Count) // the county's own: its cadres, the command centre
		}
	}
	sent := 0
	for _, list := range [][]*tally{villages, townships} {
		for _, t := range list {
			kind, vars := pushlist.EventOverdue, map[string]string{"count": strconv.Itoa(t.count)}
			if jurisdiction.LevelOfCode(t.code) == jurisdiction.LevelTownship {
				kind, vars["units"] = pushlist.EventOverdueTownship, strconv.Itoa(t.from)
			}
			vars["unit"] = a.Units.LocalName(ctx, t.code)
			if err := a.Notify.Emit(ctx, notify.Event{Kind: kind, Unit: t.code, Key: t.code, Vars: vars}); err != nil {
				return sent, err
			}
			sent++
		}
	}
	return sent, nil
}

// overdueLoop runs NotifyOverdueTasks every interval until ctx ends.
func (a *App) overdueLoop(ctx context.Context, every time.Duration, log *slog.Logger) {
	clock.Every(ctx, every, false, func(ctx context.Context) {
		if _, err := a.NotifyOverdueTasks(ctx); err != nil && ctx.Err() == nil {
			log.Warn("notify overdue tasks", "err", err)
		}
	})
}
