package measure

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
)

// PurgeReleased clears the personal details of measures released on or
// before cutoff's day (the retention job, package retention; with dryRun
// it only counts): the health checks' temperatures and symptoms, the
// alerts' details and handling notes, the personal link (token), the note
// and the place (also where the explanation names it). The rows stay —
// a check still counts as a check, an alert as an alert, a measure with
// its category, phases, tests and dates — so every statistic keeps its
// figures. It returns the measures per county and joins the caller's
// transaction.
func (s *Service) PurgeReleased(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error) {
	lo, hi := scope.Args()
	day := clock.Day(cutoff)
	due := `SELECT m.id FROM measures m WHERE m.status = 'released' AND m.released_on <> '' AND m.released_on <= $3
		AND m.purged_at = 0 AND ` + scope.Where("m.unit_code", 1)
	counts, err := db.Counts(ctx, s.db.Reader(ctx), `SELECT substr(m.unit_code, 1, 6), COUNT(*) FROM measures m
		WHERE m.id IN (`+due+`) GROUP BY substr(m.unit_code, 1, 6)`, lo, hi, day)
	if err != nil || dryRun || len(counts) == 0 {
		return counts, err
	}
	w := s.db.Writer(ctx)
	for _, q := range []string{
		`UPDATE measure_checks SET temp_tenths = 0, symptoms = '', recorded_by = '' WHERE measure_id IN (` + due + `)`,
		`UPDATE measure_alerts SET detail = '', handling = '' WHERE measure_id IN (` + due + `)`,
	} {
		if _, err := w.ExecContext(ctx, q, lo, hi, day); err != nil {
			return nil, fmt.Errorf("purge released measures: %w", err)
		}
	}
	if _, err := w.ExecContext(ctx, `UPDATE measures SET token = 'purged-' || CAST(id AS TEXT), note = '', place = '',
		explanation = CASE WHEN place = '' THEN explanation ELSE REPLACE(explanation, place, '（已清除）') END,
		purged_at = $4, version = version + 1 WHERE id IN (`+due+`)`, lo, hi, day, s.now().UnixMilli()); err != nil {
		return nil, fmt.Errorf("purge released measures: %w", err)
	}
	return counts, nil
}
