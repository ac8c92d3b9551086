package pushlist

import (
	"context"
	"time"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/retention"
)

// PurgeRows clears the personal columns of the answered (or duplicate, or
// rejected) rows of lists imported at or before cutoff — the retention
// job (package retention; with dryRun it only counts): the row as pushed
// (raw) and its name, ID number, phone, origin, arrival date, address and
// answer note. Open tasks keep theirs until answered. The rows stay with
// their outcome, route, status, result and times, so the list's accounting,
// the overdue counts and the statistics do not change; the feedback file
// of such a list has the pushed columns blank. It returns the rows per
// county and joins the caller's transaction.
func (s *Service) PurgeRows(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	return retention.Clear(ctx, s.db, scope, retention.Rows{Table: "push_tasks t", Unit: "t.unit_code",
		Due: `t.purged_at = 0 AND t.status <> 'open' AND t.list_id IN (SELECT id FROM push_lists WHERE created_at <= $3)`,
		Set: `raw = '', name = '', id_number = '', phone = '', origin = '', arrival_date = '', address = '', result_note = '',
			purged_at = $4, version = version + 1`},
		cutoff.UnixMilli(), s.now().UnixMilli(), dryRun)
}
