package retention

import (
	"context"
	"fmt"
	"strings"

	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
)

// Rows describes one kind's rows for Clear: which rows are due, where
// each belongs, and what clearing writes. Most domains' Purge is one Rows.
type Rows struct {
	// Table is the table with its alias: "sentinel_reports r".
	Table string
	// Unit is the expression placing a row in the tree, over the alias
	// ("r.unit_code", or a subquery); its first six digits are the county
	// the counts are given by. Clear adds the scope's bounds on it.
	Unit string
	// Due is the predicate of the rows due, over the alias; $3 is the cutoff.
	Due string
	// Set is what clearing writes ("name = '', phone = ''"; $4 is the
	// time of the run, in milliseconds); "" deletes the rows instead.
	Set string
}

// Clear counts the rows of rs due inside scope by county and, unless
// dryRun, clears (or deletes) them: the body of a Purge. It runs in the
// caller's transaction when there is one.
func Clear(ctx context.Context, d *db.DB, scope jurisdiction.Scope, rs Rows, cutoff any, nowMillis int64, dryRun bool) (map[string]int, error) {
	table, alias, _ := strings.Cut(rs.Table, " ")
	lo, hi := scope.Args()
	where := rs.Due + ` AND ` + scope.Where(rs.Unit, 1)
	counts, err := db.Counts(ctx, d.Reader(ctx), `SELECT substr(`+rs.Unit+`, 1, 6), COUNT(*) FROM `+rs.Table+` WHERE `+where+`
		GROUP BY substr(`+rs.Unit+`, 1, 6)`, lo, hi, cutoff)
	if err != nil || dryRun || len(counts) == 0 {
		return counts, err
	}
	due := `id IN (SELECT ` + alias + `.id FROM ` + rs.Table + ` WHERE ` + where + `)`
	q, args := `DELETE FROM `+table+` WHERE `+due, []any{lo, hi, cutoff}
	if rs.Set != "" {
		q = `UPDATE ` + table + ` SET ` + rs.Set + ` WHERE ` + due
		if strings.Contains(rs.Set, "$4") {
			args = append(args, nowMillis)
		}
	}
	if _, err := d.Writer(ctx).ExecContext(ctx, q, args...); err != nil {
		return nil, fmt.Errorf("clear %s: %w", table, err)
	}
	return counts, nil
}
