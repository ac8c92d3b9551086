package returnee

import (
	"context"
	"fmt"
	"strconv"

	"fangkong/internal/jurisdiction"
)

// The returnee counters (返乡底数) are kept by triggers (migration 0026):
// returnee_counts per township and per village (lvl: the first 9 or 12
// digits of the unit code), origin rank, status and place status;
// returnee_day_counts per county and per township (6 or 9 digits) and
// arrival day. A county reads its townships' counters (its own by day), a
// township its villages' — O(units), not a pass over the returnees; a
// narrower scope reads its few rows from the covering index returnees_days.

// tallyRow is one counted key: the unit (the first unitLen digits of the
// returnees' unit codes), the arrival day when asked for, the origin rank,
// and n returnees of whom pending are 待核实 and placePending 地点待核实.
type tallyRow struct {
	unit, day                string
	rank                     int
	n, pending, placePending int
}

// addRow counts r into t as add counts rows one by one: those of a
// pending place and no certain level are in no rank.
func (t *Tally) addRow(r tallyRow) {
	t.Total += r.n
	t.Pending += r.pending
	t.PlacePending += r.placePending
	n := r.n
	if r.rank == 0 {
		n -= r.placePending
	}
	t.ByRank[max(0, min(r.rank, 3))] += n
}

// tallyRows returns the returnees inside scope counted per origin rank —
// per arrival day when days is set, and per unit (the first unitLen digits
// of the unit code) when unitLen > 0. The sums are taken in SQL: a handful
// of rows come back, not one per counter.
func (s *Service) tallyRows(ctx context.Context, scope jurisdiction.Scope, days bool, unitLen int) ([]tallyRow, error) {
	need := max(len(scope.Code()), unitLen) // the digits the keys must hold
	var from string                         // the rows counted, up to the scope's condition
	switch {
	case days && need <= 6:
		from = "returnee_day_counts WHERE lvl = 6 AND"
	case days && need <= 9:
		from = "returnee_day_counts WHERE lvl = 9 AND"
	case !days && need <= 9:
		from = "returnee_counts WHERE lvl = 9 AND"
	case !days && need <= 12:
		from = "returnee_counts WHERE lvl = 12 AND"
	default: // finer than the counters: the scope's own rows (returnees_days)
		from = "(SELECT unit_code, arrived_on, origin_rank, status, origin_status, 1 AS n FROM returnees WHERE " +
			scope.Where("unit_code", 1) + ") c WHERE"
	}
	cols, group := []string{"''", "''"}, ""
	if unitLen > 0 {
		cols[0] = "SUBSTR(unit_code, 1, " + strconv.Itoa(unitLen) + ")"
		group += cols[0] + ", "
	}
	if days {
		cols[1] = "arrived_on"
		group += "arrived_on, "
	}
	lo, hi := scope.Args()
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+cols[0]+`, `+cols[1]+`, origin_rank, CAST(SUM(n) AS BIGINT),
		CAST(SUM(CASE WHEN status = $3 THEN n ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN origin_status = $4 THEN n ELSE 0 END) AS BIGINT)
		FROM `+from+` `+scope.Where("unit_code", 1)+` GROUP BY `+group+`origin_rank`, lo, hi, StatusPending, PlacePending)
	if err != nil {
		return nil, fmt.Errorf("returnee counts: %w", err)
	}
	defer rows.Close()
	var out []tallyRow
	for rows.Next() {
		var r tallyRow
		if err := rows.Scan(&r.unit, &r.day, &r.rank, &r.n, &r.pending, &r.placePending); err != nil {
			return nil, fmt.Errorf("returnee counts: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
