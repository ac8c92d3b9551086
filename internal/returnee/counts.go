package returnee

import (
	"context"
	"fmt"

	"fangkong/internal/jurisdiction"
)

// The returnee counters (返乡底数) are kept by triggers (migration 0026):
// returnee_counts per village (the first 12 digits of the unit code),
// origin rank, status and place status; returnee_day_counts the same per
// township (9 digits) and arrival day. A scope of a village or wider reads
// them — O(villages), not a pass over the returnees; a group's scope reads
// its few rows from the covering index returnees_days.

// tallyRow is one counted key: the unit (a prefix of the returnees' unit
// codes, or their own code), the arrival day when asked for, and n.
type tallyRow struct {
	unit, day     string
	rank          int
	status, place string
	n             int
}

// tallyRows returns the returnees inside scope counted per unit key, rank,
// status and place status — and per arrival day when days is set. The unit
// keys are villages (townships with days) when the scope is that wide and
// the caller tells units apart no finer than unitLen digits (0: not at
// all), else the returnees' own unit codes.
func (s *Service) tallyRows(ctx context.Context, scope jurisdiction.Scope, days bool, unitLen int) ([]tallyRow, error) {
	keyLen, table, day, group := 12, "returnee_counts", "''", ""
	if days {
		keyLen, table, day, group = 9, "returnee_day_counts", "arrived_on", "arrived_on, "
	}
	from := table
	if len(scope.Code()) > keyLen || unitLen > keyLen {
		from = `(SELECT unit_code, ` + day + ` AS arrived_on, origin_rank, status, origin_status, COUNT(*) AS n FROM returnees
			WHERE ` + scope.Where("unit_code", 1) + ` GROUP BY unit_code, ` + group + `origin_rank, status, origin_status) c`
	}
	lo, hi := scope.Args()
	rows, err := s.db.R().QueryContext(ctx, `SELECT unit_code, `+day+`, origin_rank, status, origin_status, CAST(n AS BIGINT) FROM `+from+`
		WHERE `+scope.Where("unit_code", 1), lo, hi)
	if err != nil {
		return nil, fmt.Errorf("returnee counts: %w", err)
	}
	defer rows.Close()
	var out []tallyRow
	for rows.Next() {
		var r tallyRow
		if err := rows.Scan(&r.unit, &r.day, &r.rank, &r.status, &r.place, &r.n); err != nil {
			return nil, fmt.Errorf("returnee counts: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
