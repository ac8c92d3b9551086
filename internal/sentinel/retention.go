package sentinel

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
)

// PurgeReports clears (or with dryRun counts) the personal details of
// fever reports whose result came back (阴性 or 阳性) at or before cutoff:
// the name, ID number, phone, symptoms, drugs and note. A positive report's
// person lives on in the case it opened (tracing). The report rows stay,
// so the daily figures keep their counts. The retention job's Purge.
func (s *Service) PurgeReports(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	lo, hi := scope.Args()
	pred := `status IN ('` + StatusNegative + `', '` + StatusPositive + `') AND result_at > 0 AND result_at <= $3
		AND (name <> '' OR id_number <> '' OR phone <> '' OR symptoms <> '' OR note <> '') AND ` + scope.Where("unit_code", 1)
	counts, err := db.Counts(ctx, s.db.Reader(ctx), `SELECT substr(unit_code, 1, 6), COUNT(*) FROM sentinel_reports
		WHERE `+pred+` GROUP BY substr(unit_code, 1, 6)`, lo, hi, cutoff.UnixMilli())
	if err != nil || dryRun || len(counts) == 0 {
		return counts, err
	}
	if _, err := s.db.Writer(ctx).ExecContext(ctx, `UPDATE sentinel_reports SET name = '', id_number = '', phone = '',
		symptoms = '', drugs = '', note = '', version = version + 1 WHERE `+pred, lo, hi, cutoff.UnixMilli()); err != nil {
		return nil, fmt.Errorf("purge fever reports: %w", err)
	}
	return counts, nil
}

// PurgeBuyers clears (or counts) the name, ID number and phone of
// fever-drug buyers whose village answered the verification task at or
// before cutoff; open tasks keep their data. The rows stay for the counts.
// An emptied ID number and phone are replaced by the row's id, so the
// table's uniqueness (one purchase per person and time) still holds.
func (s *Service) PurgeBuyers(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	lo, hi := scope.Args()
	pred := `status <> '` + BuyerOpen + `' AND answered_at > 0 AND answered_at <= $3 AND name <> ''
		AND ` + scope.Where("village_code", 1)
	counts, err := db.Counts(ctx, s.db.Reader(ctx), `SELECT substr(village_code, 1, 6), COUNT(*) FROM sentinel_buyers
		WHERE `+pred+` GROUP BY substr(village_code, 1, 6)`, lo, hi, cutoff.UnixMilli())
	if err != nil || dryRun || len(counts) == 0 {
		return counts, err
	}
	if _, err := s.db.Writer(ctx).ExecContext(ctx, `UPDATE sentinel_buyers SET name = '', id_number = '', phone = 'purged-' || CAST(id AS TEXT),
		answer_note = '', version = version + 1 WHERE `+pred, lo, hi, cutoff.UnixMilli()); err != nil {
		return nil, fmt.Errorf("purge drug buyers: %w", err)
	}
	return counts, nil
}
