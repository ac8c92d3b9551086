package sentinel

import (
	"context"
	"time"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/retention"
)

// PurgeReports clears (or with dryRun counts) the personal details of
// fever reports whose result came back (阴性 or 阳性) at or before cutoff:
// the name, ID number, phone, symptoms, drugs and note. A positive report's
// person lives on in the case it opened (tracing). The report rows stay,
// so the daily figures keep their counts. The retention job's Purge.
func (s *Service) PurgeReports(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	return retention.Clear(ctx, s.db, scope, retention.Rows{Table: "sentinel_reports r", Unit: "r.unit_code",
		Due: `r.status IN ('` + StatusNegative + `', '` + StatusPositive + `') AND r.result_at > 0 AND r.result_at <= $3
			AND (r.name <> '' OR r.id_number <> '' OR r.phone <> '' OR r.symptoms <> '' OR r.note <> '')`,
		Set: `name = '', id_number = '', phone = '', symptoms = '', drugs = '', note = '', version = version + 1`},
		cutoff.UnixMilli(), s.now().UnixMilli(), dryRun)
}

// PurgeBuyers clears (or counts) the name, ID number and phone of
// fever-drug buyers whose village answered the verification task at or
// before cutoff; open tasks keep their data. The rows stay for the counts.
// The emptied phone becomes a placeholder with the row's id, so the table's
// uniqueness (one purchase per person and time) still holds.
func (s *Service) PurgeBuyers(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	return retention.Clear(ctx, s.db, scope, retention.Rows{Table: "sentinel_buyers b", Unit: "b.village_code",
		Due: `b.status <> '` + BuyerOpen + `' AND b.answered_at > 0 AND b.answered_at <= $3 AND b.name <> ''`,
		Set: `name = '', id_number = '', phone = 'purged-' || CAST(id AS TEXT), answer_note = '', version = version + 1`},
		cutoff.UnixMilli(), s.now().UnixMilli(), dryRun)
}
