package sampling

import (
	"context"
	"time"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/retention"
)

// PurgeWalkins clears (or with dryRun counts) the name, phone and ID
// number of walk-ins (流动人员) sampled at or before cutoff whose tube has
// its result: they were registered to be found if their tube came back
// positive. The row stays (coverage counts walk-ins); its ID number becomes
// a placeholder unique in its round, as the table requires. The retention
// job's Purge.
func (s *Service) PurgeWalkins(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	return retention.Clear(ctx, s.db, scope, retention.Rows{Table: "test_walkins w", Unit: "w.unit_code",
		Due: `w.sampled_at <= $3 AND w.name <> '' AND EXISTS (SELECT 1 FROM test_tubes t WHERE t.id = w.tube_id AND t.result <> '')`,
		Set: `name = '', phone = '', id_number = 'purged-' || CAST(id AS TEXT)`},
		cutoff.UnixMilli(), s.now().UnixMilli(), dryRun)
}
