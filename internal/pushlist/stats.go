package pushlist

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fangkong/internal/jurisdiction"
)

// UnitStats are the task counts of one unit below the viewer (a township
// for a county viewer), or of a township or county queue.
type UnitStats struct {
	Code     string
	Name     string
	Queue    bool // the row counts tasks waiting in this unit's own queue
	Pushed   int  // tasks to verify (open + answered; duplicates and rejected rows excluded)
	Verified int
	Open     int
	Overdue  int
	// MedianMinutes is the median time from push to answer, -1 when none.
	MedianMinutes float64
}

// Stats counts tasks pushed, verified and overdue per unit one level below
// the scope (per township for a county), with the median time to verify.
func (s *Service) Stats(ctx context.Context, scope jurisdiction.Scope) ([]UnitStats, error) {
	return s.stats(ctx, scope, true)
}

// stats is Stats; without medians (the summary card's totals) it skips the
// second pass over the answered tasks.
func (s *Service) stats(ctx context.Context, scope jurisdiction.Scope, medians bool) ([]UnitStats, error) {
	n := 12
	switch {
	case len(scope.Code()) < 6:
		n = 6
	case len(scope.Code()) < 9:
		n = 9
	}
	lo, hi := scope.Args()
	now := s.now().UnixMilli()
	by := map[string]*UnitStats{}
	get := func(code string) *UnitStats {
		if st, ok := by[code]; ok {
			return st
		}
		st := &UnitStats{Code: code, Queue: len(code) < n, MedianMinutes: -1}
		by[code] = st
		return st
	}
	// The counts from the counters (taskCounts); the medians below from
	// the answered tasks' times (push_tasks_answered alone).
	rows, err := s.db.R().QueryContext(ctx, fmt.Sprintf(`SELECT SUBSTR(unit_code, 1, %d), status,
		CASE WHEN deadline_at < $3 THEN 1 ELSE 0 END, CAST(SUM(n) AS BIGINT) FROM `+taskCounts(scope, n)+` c
		WHERE `+scope.Where("unit_code", 1)+` AND status IN ('open', 'done') GROUP BY 1, 2, 3`, n), lo, hi, now)
	if err != nil {
		return nil, fmt.Errorf("push task stats: %w", err)
	}
	for rows.Next() {
		var code, st string
		var late, c int
		if err := rows.Scan(&code, &st, &late, &c); err != nil {
			rows.Close()
			return nil, err
		}
		u := get(code)
		u.Pushed += c
		if st == StatusDone {
			u.Verified += c
		} else {
			u.Open += c
			if late == 1 {
				u.Overdue += c
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !medians {
		out := make([]UnitStats, 0, len(by))
		for _, st := range by {
			out = append(out, *st)
		}
		return out, nil
	}
	// The median per unit: the middle one or two of the unit's answered
	// times (its Verified of them), read in order from push_tasks_answered
	// (on SUBSTR(unit_code, 1, 9) or 12, the groups of a county's or a
	// township's page) — no sort, and only half of them stepped over.
	for code, u := range by {
		if u.Verified == 0 {
			continue
		}
		in, args := "", []any{code, 2 - u.Verified%2, (u.Verified - 1) / 2}
		if len(scope.Code()) > n { // a group's scope: part of its village's tasks
			in, args = " AND "+scope.Where("unit_code", 4), append(args, lo, hi)
		}
		rows, err := s.db.R().QueryContext(ctx, fmt.Sprintf(`SELECT answered_at - created_at FROM push_tasks
			WHERE status = 'done' AND SUBSTR(unit_code, 1, %d) = $1%s ORDER BY answered_at - created_at LIMIT $2 OFFSET $3`, n, in),
			args...)
		if err != nil {
			return nil, fmt.Errorf("push task stats: %w", err)
		}
		var sum, k int64
		for rows.Next() {
			var d int64
			if err := rows.Scan(&d); err != nil {
				rows.Close()
				return nil, err
			}
			sum, k = sum+d, k+1
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if k > 0 {
			u.MedianMinutes = float64(sum) / float64(k) / 60000
		}
	}
	names, err := s.namesOf(ctx, by)
	if err != nil {
		return nil, err
	}
	out := make([]UnitStats, 0, len(by))
	for _, st := range by {
		st.Name = names[st.Code]
		if st.Queue {
			st.Name += "（待分派队列）"
		}
		out = append(out, *st)
	}
	slices.SortFunc(out, func(a, b UnitStats) int {
		if a.Code < b.Code {
			return -1
		}
		if a.Code > b.Code {
			return 1
		}
		return 0
	})
	return out, nil
}

// namesOf returns the names of the rows' units: a short IN list (the
// townships of a county, the villages of a township), not every unit of
// the scope.
func (s *Service) namesOf(ctx context.Context, by map[string]*UnitStats) (map[string]string, error) {
	names := map[string]string{}
	if len(by) == 0 {
		return names, nil
	}
	marks := make([]string, 0, len(by))
	args := make([]any, 0, len(by))
	for code := range by {
		args = append(args, code)
		marks = append(marks, fmt.Sprintf("$%d", len(args)))
	}
	rows, err := s.db.R().QueryContext(ctx, "SELECT code, name FROM units WHERE code IN ("+strings.Join(marks, ", ")+")", args...)
	if err != nil {
		return nil, fmt.Errorf("unit names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		names[c] = n
	}
	return names, rows.Err()
}
