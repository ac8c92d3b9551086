package returnee

import (
	"context"
	"fmt"
	"net/url"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/summary"
)

// Todo is a unit's returnee work for a day (今日待办): self-reports to
// confirm, origins whose place is to be picked (地点待核实), and households
// not yet visited in the open sweeps — each the count of the list it links
// to.
func (s *Service) Todo(ctx context.Context, scope jurisdiction.Scope, unit, day string) ([]summary.Figure, error) {
	pending, err := s.PendingSelfReports(ctx, scope, unit)
	if err != nil {
		return nil, err
	}
	t, err := s.Tally(ctx, scope, unit)
	if err != nil {
		return nil, err
	}
	left, sweep, err := s.SweepsLeft(ctx, scope, unit, day)
	if err != nil {
		return nil, err
	}
	q := url.Values{"unit": {unit}}
	sweepLink := "/sweeps"
	if sweep > 0 { // one open sweep: straight to its households not visited
		sweepLink = fmt.Sprintf("/sweeps/%d?%s", sweep, url.Values{"unit": {unit}, "show": {"todo"}}.Encode())
	}
	return []summary.Figure{
		{Key: "todo.returnee.selfreports", Label: "自主报备待确认", Value: pending, Link: "/selfreports?" + with(q, "status", ReportPending)},
		{Key: "todo.sweep.left", Label: "排查未走访户", Value: left, Link: sweepLink, Note: "进行中的敲门排查里尚未走访的户"},
		{Key: "todo.returnee.places", Label: "地点待核实", Value: t.PlacePending, Link: "/returnees/places?" + q.Encode(),
			Note: "来源地地名无法确定，待选定地点"},
	}, nil
}

// SweepsLeft counts the households under unit (inside the scope) not yet
// visited in the sweeps open on day that concern it; sweep is the one such
// sweep's ID when there is exactly one, else 0.
func (s *Service) SweepsLeft(ctx context.Context, scope jurisdiction.Scope, unit, day string) (left int, sweep int64, err error) {
	unitScope, err := scope.Narrow(unit)
	if err != nil {
		return 0, 0, err
	}
	list, err := s.Sweeps(ctx, unitScope)
	if err != nil {
		return 0, 0, err
	}
	open := 0
	for _, w := range list {
		if w.Closed || w.StartsOn > day {
			continue
		}
		part, err := narrow(unitScope, w.UnitCode)
		if err != nil {
			return 0, 0, err
		}
		// The sweep report's figure: the households (the registry's
		// counters) less those visited (sweep_visit_counts, kept by
		// triggers) — O(units), not a pass over the county's households
		// or visits.
		lo, hi := part.Args()
		var households, visited int
		if err := s.db.R().QueryRowContext(ctx, registry.HouseholdTotal(part, 1), lo, hi).Scan(&households); err != nil {
			return 0, 0, fmt.Errorf("households: %w", err)
		}
		if err := s.db.R().QueryRowContext(ctx, `SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM sweep_visit_counts
			WHERE sweep_id = $3 AND `+part.Where("unit_code", 1),
			lo, hi, w.ID).Scan(&visited); err != nil {
			return 0, 0, fmt.Errorf("households visited: %w", err)
		}
		left += max(households-visited, 0)
		open++
		sweep = w.ID
	}
	if open != 1 {
		sweep = 0
	}
	return left, sweep, nil
}
