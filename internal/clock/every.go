package clock

import (
	"context"
	"time"
)

// Every runs fn every interval until ctx ends — at once first when first
// is true — never two runs at a time: the background sweeps of the
// domains (alerts, escalations, deadline checks) each call it from their
// Run. fn gets ctx and says what it did in its own log lines.
func Every(ctx context.Context, interval time.Duration, first bool, fn func(ctx context.Context)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	if first && ctx.Err() == nil {
		fn(ctx)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn(ctx)
		}
	}
}
