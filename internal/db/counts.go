package db

import (
	"context"
	"fmt"
)

// Counts runs a query answering (key, count) rows — "SELECT substr(unit_code,
// 1, 6), COUNT(*) … GROUP BY 1" — and returns the counts by key.
func Counts(ctx context.Context, q Querier, query string, args ...any) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("counts: %w", err)
		}
		out[k] += n
	}
	return out, rows.Err()
}
