package app

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/special"
)

// specialActor opens the special reports of triggers.
var specialActor = audit.Actor{Username: "system", Role: "admin"}

// SpecialFromCases opens a special report (特报, kind positive) for every
// tracing case registered in the last two days that has none yet (its ref
// is "tracing_case:<id>"), and returns how many it opened. It is the
// app-level trigger of case registration: tracing does not call special,
// the periodic check reads the cases table; a case's ref opens one report
// however often it runs.
func (a *App) SpecialFromCases(ctx context.Context) (int, error) {
	since := a.Config.Now().Add(-48 * time.Hour).UnixMilli()
	rows, err := a.DB.Reader(ctx).QueryContext(ctx, `SELECT c.id, c.unit_code, c.classification, c.found_via FROM tracing_cases c
		WHERE c.found_at > $1 AND NOT EXISTS (SELECT 1 FROM special_reports r WHERE r.ref = 'tracing_case:' || CAST(c.id AS TEXT))
		ORDER BY c.id`, since)
	if err != nil {
		return 0, err
	}
	var trs []special.Trigger
	for rows.Next() {
		var id int64
		var unit, class, via string
		if err := rows.Scan(&id, &unit, &class, &via); err != nil {
			rows.Close()
			return 0, err
		}
		trs = append(trs, special.Trigger{Kind: "positive", Unit: unit, Title: "新发病例（" + class + "）",
			Content: fmt.Sprintf("流调病例 %d 已登记，发现途径：%s。详见病例与流调。", id, via), Ref: fmt.Sprintf("tracing_case:%d", id)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, tr := range trs {
		if _, err := a.Special.Open(ctx, specialActor, jurisdiction.System("special-trigger"), tr); err != nil {
			return 0, err
		}
	}
	return len(trs), nil
}

// specialLoop opens the special reports of new cases and escalates missed
// acknowledgement clocks every interval until ctx ends.
func (a *App) specialLoop(ctx context.Context, every time.Duration) {
	clock.Every(ctx, every, true, func(ctx context.Context) {
		if n, err := a.SpecialFromCases(ctx); err != nil {
			a.Config.Logger.Error("special: cases", "err", err)
		} else if n > 0 {
			a.Config.Logger.Info("special reports opened for new cases", "reports", n)
		}
		if n, err := a.Special.Escalate(ctx); err != nil {
			a.Config.Logger.Error("special: escalation", "err", err)
		} else if n > 0 {
			a.Config.Logger.Warn("special reports past their acknowledgement clock", "stages", n)
		}
	})
}
