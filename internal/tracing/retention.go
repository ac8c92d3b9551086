package tracing

import (
	"context"
	"time"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/retention"
)

// PurgeScans deletes (or with dryRun counts) the place-code scans
// (场所码扫码记录) made at or before cutoff, in the places inside scope. Scans
// serve one purpose — finding who was at a place with a case — and a case
// looks back days, not weeks; no figure counts them and the contacts a case
// found keep their own copy of the evidence, so old scans are deleted
// rather than anonymised (they are the largest table of personal data).
// The retention job's Purge.
func (s *Service) PurgeScans(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	return retention.Clear(ctx, s.db, scope, retention.Rows{Table: "tracing_scans x",
		Unit: "(SELECT p.unit_code FROM tracing_places p WHERE p.id = x.place_id)", Due: `x.scanned_at <= $3`},
		cutoff.UnixMilli(), s.now().UnixMilli(), dryRun)
}
