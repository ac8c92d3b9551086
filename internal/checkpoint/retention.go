package checkpoint

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
)

// PurgeChecks clears (or with dryRun counts) the personal details of
// checkpoint registrations (卡口登记) made at or before cutoff and not waiting for the
// destination village to receive them (移交属地): the name, ID
// number, phone, plate and the typed origin and destination. What the
// figures count stays: the checkpoint, the day, the vehicle type, the
// origin's resolved code and risk level, the health code, the rule and the
// outcome. The retention job's Purge.
func (s *Service) PurgeChecks(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	lo, hi := scope.Args()
	pred := `checked_at <= $3 AND (name <> '' OR id_number <> '' OR phone <> '' OR plate <> '' OR from_text <> '' OR to_text <> '')
		AND NOT EXISTS (SELECT 1 FROM checkpoint_handovers h WHERE h.check_id = checkpoint_checks.id AND h.status = '` + AwaitReceipt + `')
		AND ` + scope.Where("unit_code", 1)
	counts, err := db.Counts(ctx, s.db.Reader(ctx), `SELECT substr(unit_code, 1, 6), COUNT(*) FROM checkpoint_checks
		WHERE `+pred+` GROUP BY substr(unit_code, 1, 6)`, lo, hi, cutoff.UnixMilli())
	if err != nil || dryRun || len(counts) == 0 {
		return counts, err
	}
	if _, err := s.db.Writer(ctx).ExecContext(ctx, `UPDATE checkpoint_checks SET name = '', id_number = '', phone = '', plate = '',
		from_text = '', to_text = '', override_reason = '' WHERE `+pred, lo, hi, cutoff.UnixMilli()); err != nil {
		return nil, fmt.Errorf("purge checkpoint checks: %w", err)
	}
	return counts, nil
}
