package returnee

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// Tally counts arrivals by the origin's risk rank (index 0 none, 1 low, 2
// medium, 3 high). PlacePending counts the origins whose place is pending
// (地点待核实); those of which nothing certain is a risk area are not in
// rank 0 (其他地区): their level is unknown.
type Tally struct {
	ByRank       [4]int
	Total        int
	Pending      int // 待核实 (verification)
	PlacePending int // 地点待核实
}

func (t *Tally) add(rank int, status, place string, n int) {
	t.Total += n
	if status == StatusPending {
		t.Pending += n
	}
	if place == PlacePending {
		t.PlacePending += n
		if rank == 0 {
			return
		}
	}
	t.ByRank[max(0, min(rank, 3))] += n
}

// Risky is high + medium.
func (t Tally) Risky() int { return t.ByRank[3] + t.ByRank[2] }

// Week is one arrival week (Monday to Sunday).
type Week struct {
	Monday string
	Tally
}

// Child is one child unit's tally.
type Child struct {
	Unit jurisdiction.Unit
	Tally
}

// Stats is the 底数 of one unit: its returnees by origin risk level, by
// arrival week and by child unit.
type Stats struct {
	Unit     jurisdiction.Unit
	Tally    Tally
	Weeks    []Week
	Children []Child
}

// MaxWeekTotal is the largest weekly total (for chart scaling).
func (st Stats) MaxWeekTotal() int {
	m := 0
	for _, w := range st.Weeks {
		m = max(m, w.Total)
	}
	return m
}

func monday(day string) string {
	t, err := personal.ParseDate(day)
	if err != nil {
		return day
	}
	wd := (int(t.Weekday()) + 6) % 7
	return t.AddDate(0, 0, -wd).Format("2006-01-02")
}

// StatsOf returns the 底数 of a unit inside the scope ("" = the scope's own
// unit).
func (s *Service) StatsOf(ctx context.Context, scope jurisdiction.Scope, code string) (Stats, error) {
	if code == "" {
		code = scope.Code()
	}
	unitScope, err := scope.Narrow(code)
	if err != nil {
		return Stats{}, fmt.Errorf("stats of %s: %w", code, err)
	}
	u, err := s.units.Get(ctx, scope, code)
	if err != nil {
		return Stats{}, err
	}
	kids, err := s.units.Children(ctx, scope, code)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{Unit: u}
	idx := map[string]int{}
	for i, k := range kids {
		st.Children = append(st.Children, Child{Unit: k})
		idx[k.Code] = i
	}
	// The unit's tally and its weeks from the per-township day counters;
	// its children's from the per-village counters (their own rows below a
	// village).
	byDay, err := s.tallyRows(ctx, unitScope, true, 0)
	if err != nil {
		return Stats{}, err
	}
	weeks := map[string]*Week{}
	for _, r := range byDay {
		st.Tally.addRow(r)
		m := monday(r.day)
		w := weeks[m]
		if w == nil {
			w = &Week{Monday: m}
			weeks[m] = w
		}
		w.addRow(r)
	}
	for _, w := range weeks {
		st.Weeks = append(st.Weeks, *w)
	}
	sort.Slice(st.Weeks, func(i, j int) bool { return st.Weeks[i].Monday < st.Weeks[j].Monday })
	kidLen := 0
	for _, k := range kids {
		kidLen = max(kidLen, len(k.Code))
	}
	if kidLen == 0 {
		return st, nil // no child unit: no rows to share out
	}
	byUnit, err := s.tallyRows(ctx, unitScope, false, kidLen)
	if err != nil {
		return Stats{}, err
	}
	// Returnees registered at the unit itself (a checkpoint's hand-over to a
	// village before it is placed in a group) get a row of their own, so
	// that the rows add up to the unit's total.
	direct := Child{Unit: jurisdiction.Unit{Code: u.Code, ParentCode: u.ParentCode, Level: u.Level, Name: "（直属）"}}
	for _, r := range byUnit {
		placed := false
		for _, k := range kids {
			if strings.HasPrefix(r.unit, k.Code) {
				st.Children[idx[k.Code]].addRow(r)
				placed = true
				break
			}
		}
		if !placed {
			direct.addRow(r)
		}
	}
	if direct.Total > 0 {
		st.Children = append(st.Children, direct)
	}
	return st, nil
}

// CountsByUnit returns the number of arrivals per village/group code in the
// scope (for unit pages).
func (s *Service) CountsByUnit(ctx context.Context, scope jurisdiction.Scope) (map[string]Tally, error) {
	lo, hi := scope.Args()
	rows, err := s.db.R().QueryContext(ctx, `SELECT unit_code, origin_rank, status, origin_status, COUNT(*) FROM returnees
		WHERE `+scope.Where("unit_code", 1)+` GROUP BY unit_code, origin_rank, status, origin_status`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("count returnees: %w", err)
	}
	defer rows.Close()
	out := map[string]Tally{}
	for rows.Next() {
		var unit, status, place string
		var rank, n int
		if err := rows.Scan(&unit, &rank, &status, &place, &n); err != nil {
			return nil, err
		}
		t := out[unit]
		t.add(rank, status, place, n)
		out[unit] = t
	}
	return out, rows.Err()
}

// Pct is the share of rank in percent of of (for bar charts).
func (t Tally) Pct(rank, of int) int {
	if of <= 0 || rank < 0 || rank > 3 {
		return 0
	}
	return t.ByRank[rank] * 100 / of
}

// Tally counts the returnees of a unit inside the scope by origin level
// and status.
func (s *Service) Tally(ctx context.Context, scope jurisdiction.Scope, code string) (Tally, error) {
	var t Tally
	unitScope, err := scope.Narrow(code)
	if err != nil {
		return t, fmt.Errorf("returnees of %s: %w", code, err)
	}
	rows, err := s.tallyRows(ctx, unitScope, false, 0)
	if err != nil {
		return t, fmt.Errorf("returnee summary: %w", err)
	}
	for _, r := range rows {
		t.addRow(r)
	}
	return t, nil
}
