package app

import (
	"context"
	"time"

	"fangkong/internal/clock"
)

// checkpointAlerts raises the checkpoints' alerts every period until ctx
// ends: a shift unfilled at its start (night shifts first) and a
// hand-over the destination village has not received by its deadline.
// Each is raised once (the domain marks it), told through the
// notifications in the marking's transaction (checkpoint.Events), and
// logged.
func (a *App) checkpointAlerts(ctx context.Context, every time.Duration) {
	clock.Every(ctx, every, true, func(ctx context.Context) {
		shifts, err := a.Checkpoints.AlertUnfilled(ctx)
		if err != nil {
			a.Config.Logger.Warn("checkpoint shift alerts", "err", err)
		}
		for _, h := range shifts {
			a.Config.Logger.Warn("checkpoint shift unfilled", "checkpoint", h.CheckpointName, "unit", h.UnitCode, "day", h.Day,
				"shift", h.Name, "night", h.Night, "members", len(h.Members), "required", h.Required)
		}
		late, err := a.Checkpoints.Escalate(ctx)
		if err != nil {
			a.Config.Logger.Warn("checkpoint hand-over escalation", "err", err)
		}
		for _, h := range late {
			a.Config.Logger.Warn("checkpoint hand-over not received", "handover", h.ID, "village", h.VillageCode, "due", h.Due())
		}
	})
}
