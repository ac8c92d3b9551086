package checkpoint

import (
	"context"
	"time"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/retention"
)

// PurgeChecks clears (or with dryRun counts) the personal details of
// checkpoint registrations (卡口登记) made at or before cutoff and not
// waiting for the destination village to receive them (移交属地): the name,
// ID number, phone, plate and the typed origin and destination. What the
// figures count stays: the checkpoint, the day, the vehicle type, the
// origin's resolved code and risk level, the health code, the rule and the
// outcome. The retention job's Purge.
func (s *Service) PurgeChecks(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	return retention.Clear(ctx, s.db, scope, retention.Rows{Table: "checkpoint_checks c", Unit: "c.unit_code",
		Due: `c.checked_at <= $3 AND (c.name <> '' OR c.id_number <> '' OR c.phone <> '' OR c.plate <> '' OR c.from_text <> '' OR c.to_text <> '')
			AND NOT EXISTS (SELECT 1 FROM checkpoint_handovers h WHERE h.check_id = c.id AND h.status = '` + AwaitReceipt + `')`,
		Set: `name = '', id_number = '', phone = '', plate = '', from_text = '', to_text = '', override_reason = ''`},
		cutoff.UnixMilli(), s.now().UnixMilli(), dryRun)
}
