package report

import (
	"context"
	"fmt"
	"sync"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
)

// Line is one figure of a report.
type Line struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value int    `json:"value"`
	// Known: a domain reports this figure (a template may name a figure
	// of a domain not switched on: 无此项, never blocking the report).
	Known bool   `json:"known"`
	Link  string `json:"-"`
	// ZeroConfirmed: the cadre confirmed the zero (零报告).
	ZeroConfirmed bool `json:"zero_confirmed,omitempty"`
	// Children is the sum of the child units' latest confirmed reports
	// (the roll-up), Reported how many of them have the figure.
	Children int `json:"-"`
	Reported int `json:"-"`
	// NoSum: the figure measures the unit itself (summary.Figure.NoSum),
	// so the children's reports are not summed for it.
	NoSum bool `json:"-"`
}

// Draft is a unit's report compiled from live data, not yet confirmed.
type Draft struct {
	Unit     jurisdiction.Unit
	Day      string
	AsOf     time.Time // 截至
	Template Template
	Lines    []Line
	// Status is the children's reports (a township's villages, a
	// county's townships); empty for a village.
	Status Status
}

// Compile compiles unit's report of today from live data, as of now.
func (s *Service) Compile(ctx context.Context, scope jurisdiction.Scope, unit string) (Draft, error) {
	u, err := s.units.Get(ctx, scope, unit)
	if err != nil {
		return Draft{}, err
	}
	now := s.now()
	d := Draft{Unit: u, Day: clock.Day(now), AsOf: now}
	if d.Template, err = s.template(ctx, countyOf(u.Code), reportLevel(u.Level)); err != nil {
		return d, err
	}
	figs, err := s.figures(ctx, scope, u.Code, d.Day)
	if err != nil {
		return d, err
	}
	if d.Status, err = s.Status(ctx, scope, u.Code, d.Day); err != nil {
		return d, err
	}
	sums, counts := d.Status.rollUp()
	for _, it := range d.Template.Items {
		f, ok := figs[it.Key]
		l := Line{Key: it.Key, Label: it.Label, Value: f.Value, Known: ok, Link: f.Link, Children: sums[it.Key], Reported: counts[it.Key], NoSum: f.NoSum}
		if f.NoSum {
			l.Children, l.Reported = 0, 0
		}
		if l.Label == "" {
			l.Label = f.Label
		}
		if l.Label == "" {
			l.Label = it.Key
		}
		d.Lines = append(d.Lines, l)
	}
	return d, nil
}

// reportLevel is the template level a unit reports under (a group, level
// 6, reports as a village).
func reportLevel(level int) int { return min(level, jurisdiction.LevelVillage) }

// figures asks every source for the unit's figures at once.
func (s *Service) figures(ctx context.Context, scope jurisdiction.Scope, unit, day string) (map[string]summary.Figure, error) {
	cards := make([]summary.Card, len(s.sources))
	errs := make([]error, len(s.sources))
	var wg sync.WaitGroup
	for i, src := range s.sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cards[i], errs[i] = src.Summary(ctx, scope, unit, day)
		}()
	}
	wg.Wait()
	out := map[string]summary.Figure{}
	for i, c := range cards {
		if errs[i] != nil {
			return nil, fmt.Errorf("compile report of %s: %w", unit, errs[i])
		}
		for _, f := range c.Figures {
			out[f.Key] = f
		}
	}
	return out, nil
}
