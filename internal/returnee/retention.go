package returnee

import (
	"context"
	"time"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/retention"
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
	return retention.Clear(ctx, s.db, scope, retention.Rows{Table: "self_reports r", Unit: "r.village_code",
		Due: `r.purged_at = 0 AND r.status <> '` + ReportPending + `' AND r.handled_at > 0 AND r.handled_at <= $3`,
		Set: `name = '', id_number = '', phone = '', address = '', origin_detail = '', transport_no = '', test_sampled_at = '',
			symptoms = '', companions = '', ip = '', purged_at = $4, version = version + 1`},
		cutoff.UnixMilli(), s.now().UnixMilli(), dryRun)
}
