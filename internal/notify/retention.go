package notify

import (
	"context"
	"time"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/retention"
)

// PurgeMessages clears (or with dryRun counts) who each finished message
// went to and what it said — phones, names and texts that may name a
// resident — for messages queued at or before cutoff, inside scope. The
// log keeps each message's kind, unit, channel, status and times, so the
// counts of what was sent stand. The retention job's Purge.
func (s *Service) PurgeMessages(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	return retention.Clear(ctx, s.db, scope, retention.Rows{Table: "notify_outbox o", Unit: "o.unit_code",
		Due: `o.status <> '` + StatusQueued + `' AND o.created_at <= $3 AND (o.target <> '' OR o.body <> '')`,
		Set: `target = '', target_name = '', body = '', vars = '{}', last_error = ''`},
		cutoff.UnixMilli(), s.now().UnixMilli(), dryRun)
}
