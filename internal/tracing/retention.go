package tracing

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
)

// PurgeScans deletes (or with dryRun counts) the place-code scans
// (场所码扫码记录) made at or before cutoff, in the places inside scope. Scans serve one
// purpose — finding who was at a place with a case — and a case looks back
// days, not weeks; no figure counts them and the contacts a case found keep
// their own copy of the evidence, so old scans are deleted rather than
// anonymised (they are the largest table of personal data). The
// retention job's Purge.
func (s *Service) PurgeScans(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	lo, hi := scope.Args()
	counts, err := db.Counts(ctx, s.db.Reader(ctx), `SELECT substr(p.unit_code, 1, 6), COUNT(*) FROM tracing_scans x
		JOIN tracing_places p ON p.id = x.place_id
		WHERE x.scanned_at <= $3 AND `+scope.Where("p.unit_code", 1)+` GROUP BY substr(p.unit_code, 1, 6)`, lo, hi, cutoff.UnixMilli())
	if err != nil || dryRun || len(counts) == 0 {
		return counts, err
	}
	if _, err := s.db.Writer(ctx).ExecContext(ctx, `DELETE FROM tracing_scans WHERE scanned_at <= $3
		AND place_id IN (SELECT id FROM tracing_places p WHERE `+scope.Where("p.unit_code", 1)+`)`, lo, hi, cutoff.UnixMilli()); err != nil {
		return nil, fmt.Errorf("purge place scans: %w", err)
	}
	return counts, nil
}
