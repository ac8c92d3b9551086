package site

import (
	"context"
	"time"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/retention"
)

// PurgeStays clears the personal details of quarantine stays closed (转出,
// 解除, cancelled) at or before cutoff — the retention job (package
// retention; with dryRun it only counts): where the person came from, the
// transfer vehicle, the note and where they were sent. The stay keeps its
// site, room, reason, times and outcome, so occupancy and every count stay
// as they were. Scoped by the site's unit; it returns the stays per county
// and joins the caller's transaction.
func (s *Service) PurgeStays(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	return retention.Clear(ctx, s.db, scope, retention.Rows{Table: "site_stays st",
		Unit: "(SELECT x.unit_code FROM sites x WHERE x.id = st.site_id)",
		Due:  `st.purged_at = 0 AND st.open = 0 AND (CASE WHEN st.checkout_at > 0 THEN st.checkout_at ELSE st.updated_at END) <= $3`,
		Set:  `from_place = '', vehicle = '', note = '', outcome_to = '', purged_at = $4, version = version + 1`},
		cutoff.UnixMilli(), s.now().UnixMilli(), dryRun)
}
