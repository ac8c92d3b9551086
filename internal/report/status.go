package report

import (
	"context"
	"net/url"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
)

// ChildStatus is one child unit's report of the day.
type ChildStatus struct {
	Unit     jurisdiction.Unit
	Latest   *Report // the newest version, nil when missing
	Deadline time.Time
	Late     bool // missing past the deadline, or submitted after it
	Alerted  bool // an alert was raised for it at the deadline
}

// LevelRate is the submission and on-time rate of one level.
type LevelRate struct {
	Level     int
	Units     int
	Submitted int
	OnTime    int
}

// Name is the level's Chinese name.
func (l LevelRate) Name() string { return jurisdiction.LevelName(l.Level) }

// Percent is what share of the level's units submitted on time.
func (l LevelRate) Percent() int {
	if l.Units == 0 {
		return 0
	}
	return l.OnTime * 100 / l.Units
}

// Status is who under a unit has reported on a day.
type Status struct {
	Unit     jurisdiction.Unit
	Day      string
	Own      *Report // the unit's own newest version
	Children []ChildStatus
	// Missing counts the units of the subtree (county, townships,
	// villages) without a report of the day, the unit included; Late is
	// whether any of them is past its deadline.
	Missing int
	Late    bool
	Rates   []LevelRate
}

// ChildrenMissing counts the child units (a county's townships, a
// township's villages) without a report of the day — the units the
// roll-up (下级已报合计) lacks; Missing counts the whole subtree.
func (st Status) ChildrenMissing() int {
	n := 0
	for _, c := range st.Children {
		if c.Latest == nil {
			n++
		}
	}
	return n
}

// rollUp sums the children's latest reports per figure.
func (st Status) rollUp() (sums, counts map[string]int) {
	sums, counts = map[string]int{}, map[string]int{}
	for _, c := range st.Children {
		if c.Latest == nil {
			continue
		}
		for _, l := range c.Latest.Lines {
			if l.Known {
				sums[l.Key] += l.Value
				counts[l.Key]++
			}
		}
	}
	return sums, counts
}

// Status returns the reports of unit's subtree on day.
func (s *Service) Status(ctx context.Context, scope jurisdiction.Scope, unit, day string) (Status, error) {
	u, err := s.units.Get(ctx, scope, unit)
	if err != nil {
		return Status{}, err
	}
	sub, err := scope.Narrow(u.Code)
	if err != nil {
		return Status{}, err
	}
	st := Status{Unit: u, Day: day}
	var children []jurisdiction.Unit
	if u.Level < jurisdiction.LevelVillage {
		if children, err = s.units.Children(ctx, scope, u.Code); err != nil {
			return st, err
		}
	}
	codes := []string{u.Code}
	for _, c := range children {
		codes = append(codes, c.Code)
	}
	latest, err := s.latest(ctx, sub, day, codes)
	if err != nil {
		return st, err
	}
	alerted, err := s.alerted(ctx, sub, day)
	if err != nil {
		return st, err
	}
	now := s.now()
	deadlines := map[int]time.Time{}
	deadline := func(level int) (time.Time, error) {
		if d, ok := deadlines[level]; ok {
			return d, nil
		}
		t, err := s.template(ctx, countyOf(u.Code), level)
		if err != nil {
			return time.Time{}, err
		}
		deadlines[level] = at(day, t.Deadline)
		return deadlines[level], nil
	}
	if r, ok := latest[u.Code]; ok {
		st.Own = &r
	}
	if u.Level < jurisdiction.LevelVillage {
		for _, c := range children {
			cs := ChildStatus{Unit: c, Alerted: alerted[c.Code]}
			if cs.Deadline, err = deadline(reportLevel(c.Level)); err != nil {
				return st, err
			}
			if r, ok := latest[c.Code]; ok {
				cs.Latest = &r
				cs.Late = !r.OnTime
			} else {
				cs.Late = now.After(cs.Deadline)
			}
			st.Children = append(st.Children, cs)
		}
	}
	// Rates and missing over the subtree, per level.
	lo, hi := sub.Args()
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT u.level, COUNT(*), COUNT(r.unit_code), COALESCE(SUM(r.on_time), 0)
		FROM units u
		LEFT JOIN (SELECT unit_code, MAX(on_time) AS on_time FROM daily_reports WHERE day = $3 GROUP BY unit_code) r ON r.unit_code = u.code
		WHERE `+sub.Where("u.code", 1)+` AND u.level >= $4 AND u.level <= $5
		GROUP BY u.level ORDER BY u.level DESC`, lo, hi, day, jurisdiction.LevelCounty, jurisdiction.LevelVillage)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var l LevelRate
		if err := rows.Scan(&l.Level, &l.Units, &l.Submitted, &l.OnTime); err != nil {
			return st, err
		}
		st.Rates = append(st.Rates, l)
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	// The deadlines are read after the rows are closed: a query while the
	// rows hold a read connection deadlocked the pool when as many users as
	// it has connections opened /reports at once (fkbench lists, 16 users).
	rows.Close()
	for _, l := range st.Rates {
		if missing := l.Units - l.Submitted; missing > 0 {
			st.Missing += missing
			d, err := deadline(l.Level)
			if err != nil {
				return st, err
			}
			if now.After(d) {
				st.Late = true
			}
		}
	}
	return st, nil
}

// Summary is the daily reports' figures for the picture and the unit
// page: the units of the subtree that have not reported today (late past
// the deadline) and the reports submitted; the same counts as /reports.
func (s *Service) Summary(ctx context.Context, scope jurisdiction.Scope, unit, day string) (summary.Card, error) {
	st, err := s.Status(ctx, scope, unit, day)
	if err != nil {
		return summary.Card{}, err
	}
	submitted := 0
	for _, l := range st.Rates {
		submitted += l.Submitted
	}
	link := "/reports?" + url.Values{"unit": {unit}}.Encode()
	return summary.Card{Domain: "report", Title: "日报告", Figures: []summary.Figure{
		{Key: "report.missing", Label: "日报告未报", Value: st.Missing, Link: link, Late: st.Late && st.Missing > 0,
			Note: "本级及下属镇、村今日尚未报送日报告的单位数"},
		{Key: "report.submitted", Label: "日报告已报", Value: submitted, Link: link},
	}}, nil
}

// Todo is the daily report's part of a unit's day's work (今日待办): the
// units of its subtree, itself included, that have not reported today —
// the same figure as the card's, late once past a deadline.
func (s *Service) Todo(ctx context.Context, scope jurisdiction.Scope, unit, day string) ([]summary.Figure, error) {
	c, err := s.Summary(ctx, scope, unit, day)
	if err != nil || len(c.Figures) == 0 {
		return nil, err
	}
	return c.Figures[:1], nil
}

// today is the current day in Shanghai.
func (s *Service) today() string { return clock.Day(s.now()) }
