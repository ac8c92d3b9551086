package returnee

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
)

// PurgeSelfReports clears what a returnee typed into the public form once
// a village worker confirmed or rejected the report at or before cutoff —
// the retention job (package retention; with dryRun it only counts): name,
// ID number, phone, address, origin detail, train or plate number, test
// time, symptoms, companions and address. A confirmed report's arrival is
// in the returnee ledger; the report keeps its village, origin code, dates,
// transport, status and who handled it, so the queue's counts do not
// change. Waiting reports keep everything. It returns the reports per
// county and joins the caller's transaction.
func (s *Service) PurgeSelfReports(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	lo, hi := scope.Args()
	pred := `r.purged_at = 0 AND r.status <> '` + ReportPending + `' AND r.handled_at > 0 AND r.handled_at <= $3
		AND ` + scope.Where("r.village_code", 1)
	counts, err := db.Counts(ctx, s.db.Reader(ctx), `SELECT substr(r.village_code, 1, 6), COUNT(*) FROM self_reports r WHERE `+pred+`
		GROUP BY substr(r.village_code, 1, 6)`, lo, hi, cutoff.UnixMilli())
	if err != nil || dryRun || len(counts) == 0 {
		return counts, err
	}
	if _, err := s.db.Writer(ctx).ExecContext(ctx, `UPDATE self_reports SET name = '', id_number = '', phone = '', address = '',
		origin_detail = '', transport_no = '', test_sampled_at = '', symptoms = '', companions = '', ip = '',
		purged_at = $4, version = version + 1
		WHERE id IN (SELECT r.id FROM self_reports r WHERE `+pred+`)`, lo, hi, cutoff.UnixMilli(), s.now().UnixMilli()); err != nil {
		return nil, fmt.Errorf("purge self-reports: %w", err)
	}
	return counts, nil
}
