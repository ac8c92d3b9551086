package sampling

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
)

// PurgeWalkins clears (or with dryRun counts) the name, phone and ID
// number of walk-ins (流动人员) sampled at or before cutoff whose tube has
// its result: they were registered to be found if their tube came back
// positive. The row stays (coverage counts walk-ins); its ID number becomes
// a placeholder unique in its round, as the table requires. The retention
// job's Purge.
func (s *Service) PurgeWalkins(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	lo, hi := scope.Args()
	pred := `w.sampled_at <= $3 AND w.name <> '' AND ` + scope.Where("w.unit_code", 1) + `
		AND EXISTS (SELECT 1 FROM test_tubes t WHERE t.id = w.tube_id AND t.result <> '')`
	counts, err := db.Counts(ctx, s.db.Reader(ctx), `SELECT substr(w.unit_code, 1, 6), COUNT(*) FROM test_walkins w
		WHERE `+pred+` GROUP BY substr(w.unit_code, 1, 6)`, lo, hi, cutoff.UnixMilli())
	if err != nil || dryRun || len(counts) == 0 {
		return counts, err
	}
	if _, err := s.db.Writer(ctx).ExecContext(ctx, `UPDATE test_walkins SET name = '', phone = '',
		id_number = 'purged-' || CAST(id AS TEXT) WHERE id IN (SELECT w.id FROM test_walkins w WHERE `+pred+`)`,
		lo, hi, cutoff.UnixMilli()); err != nil {
		return nil, fmt.Errorf("purge walk-ins: %w", err)
	}
	return counts, nil
}
