package inspect

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
)

// Summary is supervision's figures for a unit: findings not yet closed and
// those past their deadline — the counts of /findings behind the links.
func (s *Service) Summary(ctx context.Context, scope jurisdiction.Scope, unit, day string) (summary.Card, error) {
	if _, err := s.units.Get(ctx, scope, unit); err != nil {
		return summary.Card{}, err
	}
	open, err := s.Count(ctx, scope, Filter{Unit: unit, Status: "open"})
	if err != nil {
		return summary.Card{}, err
	}
	overdue, err := s.Count(ctx, scope, Filter{Unit: unit, Overdue: true})
	if err != nil {
		return summary.Card{}, err
	}
	link := func(k, v string) string { return "/findings?" + url.Values{"unit": {unit}, k: {v}}.Encode() }
	return summary.Card{Domain: "inspect", Title: "督查整改", Figures: []summary.Figure{
		{Key: "inspect.open", Label: "整改未销号", Value: open, Link: link("status", "open"), Note: "督查发现问题中尚未销号的"},
		{Key: "inspect.overdue", Label: "整改逾期", Value: overdue, Link: link("overdue", "1"), Late: overdue > 0,
			Note: "已过整改时限仍未销号（挂牌督办）"},
	}}, nil
}

// Todo is a unit's rectification work for the day (今日待办): findings to
// rectify (待整改 and 整改中, a 退回 one included) and, of the unit's
// findings not closed, those past their deadline.
func (s *Service) Todo(ctx context.Context, scope jurisdiction.Scope, unit, day string) ([]summary.Figure, error) {
	rectify, err := s.Count(ctx, scope, Filter{Unit: unit, Status: "rectify"})
	if err != nil {
		return nil, err
	}
	overdue, err := s.Count(ctx, scope, Filter{Unit: unit, Overdue: true})
	if err != nil {
		return nil, err
	}
	link := func(k, v string) string { return "/findings?" + url.Values{"unit": {unit}, k: {v}}.Encode() }
	return []summary.Figure{
		{Key: "todo.inspect.rectify", Label: "督查问题待整改", Value: rectify, Link: link("status", "rectify"),
			Note: "督查发现的问题中尚未报告整改完成的（含被退回的）"},
		{Key: "todo.inspect.overdue", Label: "整改逾期", Value: overdue, Link: link("overdue", "1"), Late: overdue > 0,
			Note: "已过整改时限仍未销号（挂牌督办）"},
	}, nil
}

// Group is the findings of one township (or unit) in the 通报.
type Group struct {
	Unit     jurisdiction.Unit
	Findings []Finding
}

// Bulletin is the 通报 of unit: its findings grouped by the township (for
// a county; by village for a township) of the responsible unit.
func (s *Service) Bulletin(ctx context.Context, scope jurisdiction.Scope, unit string) (jurisdiction.Unit, []Group, error) {
	u, err := s.units.Get(ctx, scope, unit)
	if err != nil {
		return u, nil, err
	}
	fs, err := s.Findings(ctx, scope, Filter{Unit: u.Code, Limit: 5000})
	if err != nil {
		return u, nil, err
	}
	children, err := s.units.Children(ctx, scope, u.Code)
	if err != nil {
		return u, nil, err
	}
	var groups []Group
	index := map[string]int{}
	for _, c := range children {
		index[c.Code] = len(groups)
		groups = append(groups, Group{Unit: c})
	}
	own := -1
	for _, f := range fs {
		placed := false
		for code, i := range index {
			if strings.HasPrefix(f.UnitCode, code) {
				groups[i].Findings = append(groups[i].Findings, f)
				placed = true
				break
			}
		}
		if !placed {
			if own < 0 {
				own = len(groups)
				groups = append(groups, Group{Unit: u})
			}
			groups[own].Findings = append(groups[own].Findings, f)
		}
	}
	out := groups[:0]
	for _, g := range groups {
		if len(g.Findings) > 0 {
			out = append(out, g)
		}
	}
	return u, out, nil
}

// Run escalates overdue findings every interval until ctx ends.
func (s *Service) Run(ctx context.Context, every time.Duration, log *slog.Logger) {
	clock.Every(ctx, every, true, func(ctx context.Context) {
		if n, err := s.Escalate(ctx); err != nil {
			log.Error("findings: escalation", "err", err)
		} else if n > 0 {
			log.Warn("findings past their deadline escalated", "findings", n)
		}
	})
}
