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

// PurgeContacts clears (or with dryRun counts) the ID numbers, phones and
// scan evidence of contacts nobody has touched since cutoff, inside scope:
// their exposure was judged and handed on long since (a handed-over
// contact's measure keeps its own record). The name, category and status
// stay, so a case's chain and its counts do not change; the key that
// matched the contact by ID number or phone becomes the row's own. The
// retention job's Purge.
func (s *Service) PurgeContacts(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	return retention.Clear(ctx, s.db, scope, retention.Rows{Table: "tracing_contacts t", Unit: "t.unit_code",
		Due: `t.updated_at <= $3 AND (t.id_number <> '' OR t.phone <> '' OR t.evidence <> '')`,
		Set: `id_number = '', phone = '', evidence = '', person_key = CASE WHEN person_key LIKE 'p:%' OR person_key LIKE 'n:%' THEN person_key ELSE 'c:' || id END`},
		cutoff.UnixMilli(), s.now().UnixMilli(), dryRun)
}
