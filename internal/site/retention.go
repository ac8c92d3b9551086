package site

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
)

// PurgeStays clears the personal details of quarantine stays closed (转出,
// 解除, cancelled) at or before cutoff — the retention job (package
// retention; with dryRun it only counts): where the person came from, the
// transfer vehicle, the note and where they were sent. The stay keeps its
// site, room, reason, times and outcome, so occupancy and every count stay
// as they were. Scoped by the site's unit; it returns the stays per county
// and joins the caller's transaction.
func (s *Service) PurgeStays(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	lo, hi := scope.Args()
	pred := `st.purged_at = 0 AND st.open = 0 AND (CASE WHEN st.checkout_at > 0 THEN st.checkout_at ELSE st.updated_at END) <= $3
		AND ` + scope.Where("x.unit_code", 1)
	counts, err := db.Counts(ctx, s.db.Reader(ctx), `SELECT substr(x.unit_code, 1, 6), COUNT(*) FROM site_stays st
		JOIN sites x ON x.id = st.site_id WHERE `+pred+` GROUP BY substr(x.unit_code, 1, 6)`, lo, hi, cutoff.UnixMilli())
	if err != nil || dryRun || len(counts) == 0 {
		return counts, err
	}
	if _, err := s.db.Writer(ctx).ExecContext(ctx, `UPDATE site_stays SET from_place = '', vehicle = '', note = '', outcome_to = '',
		purged_at = $4, version = version + 1
		WHERE id IN (SELECT st.id FROM site_stays st JOIN sites x ON x.id = st.site_id WHERE `+pred+`)`,
		lo, hi, cutoff.UnixMilli(), s.now().UnixMilli()); err != nil {
		return nil, fmt.Errorf("purge stays: %w", err)
	}
	return counts, nil
}
