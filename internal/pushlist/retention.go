package pushlist

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
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
	lo, hi := scope.Args()
	pred := `t.purged_at = 0 AND t.status <> 'open' AND t.list_id IN (SELECT id FROM push_lists WHERE created_at <= $3)
		AND ` + scope.Where("t.unit_code", 1)
	counts, err := db.Counts(ctx, s.db.Reader(ctx), `SELECT substr(t.unit_code, 1, 6), COUNT(*) FROM push_tasks t WHERE `+pred+`
		GROUP BY substr(t.unit_code, 1, 6)`, lo, hi, cutoff.UnixMilli())
	if err != nil || dryRun || len(counts) == 0 {
		return counts, err
	}
	if _, err := s.db.Writer(ctx).ExecContext(ctx, `UPDATE push_tasks SET raw = '', name = '', id_number = '', phone = '', origin = '',
		arrival_date = '', address = '', result_note = '', purged_at = $4, version = version + 1
		WHERE id IN (SELECT t.id FROM push_tasks t WHERE `+pred+`)`, lo, hi, cutoff.UnixMilli(), s.now().UnixMilli()); err != nil {
		return nil, fmt.Errorf("purge push rows: %w", err)
	}
	return counts, nil
}
