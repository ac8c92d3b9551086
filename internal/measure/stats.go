package measure

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/policy"
)

// UnitStat is one unit's row in the overview.
type UnitStat struct {
	Code       string
	Name       string
	ByType     map[string]int // phase type → people in such a phase on the day
	Active     int            // people under an active measure
	OpenAlerts int
	OldestOpen int64 // opened_at of the oldest open alert
}

// InPhase is the people in one of the measure's phases on the day (the
// sum of ByType): the trend's daily figure.
func (u UnitStat) InPhase() int {
	n := 0
	for _, c := range u.ByType {
		n += c
	}
	return n
}

// Waiting is the people under an active measure but in none of its phases
// on the day: all phases over and the release not yet confirmed (期满待解除),
// or a measure whose first phase starts later.
func (u UnitStat) Waiting() int { return max(u.Active-u.InPhase(), 0) }

// OldestAgeHours is the age of the oldest open alert in hours.
func (u UnitStat) OldestAgeHours(now time.Time) int {
	if u.OldestOpen == 0 {
		return 0
	}
	return int((now.UnixMilli() - u.OldestOpen) / 3600000)
}

// Overview is the people under each measure type per child unit of a unit.
type Overview struct {
	Unit  string
	Day   string
	Rows  []UnitStat
	Total UnitStat
}

func childLen(code string) int {
	switch n := len(code); {
	case n <= 6:
		return 9
	case n <= 9:
		return 12
	default:
		return 15
	}
}

// Overview counts, per child of unit, the people in each phase type on day,
// the people under active measures and the open alerts.
func (s *Service) Overview(ctx context.Context, scope jurisdiction.Scope, unit, day string) (Overview, error) {
	if unit == "" {
		unit = scope.Code()
	}
	unitScope, err := scope.Narrow(unit)
	if err != nil {
		return Overview{}, err
	}
	if day == "" {
		day = s.today()
	}
	if _, err := policy.ParseDay(day); err != nil {
		return Overview{}, errs.Invalidf("day", "日期“%s”无效", day)
	}
	ov := Overview{Unit: unit, Day: day, Total: UnitStat{Code: unit, ByType: map[string]int{}}}
	n := childLen(unit)
	lo, hi := unitScope.Args()
	by := map[string]*UnitStat{}
	get := func(code string) *UnitStat {
		u := by[code]
		if u == nil {
			u = &UnitStat{Code: code, ByType: map[string]int{}}
			by[code] = u
		}
		return u
	}
	q := s.db.R()
	rows, err := q.QueryContext(ctx, `SELECT substr(ph.unit_code, 1, $1), ph.type, COUNT(*) FROM measure_phases ph
		JOIN measures m ON m.id = ph.measure_id
		WHERE `+unitScope.Where("ph.unit_code", 2)+` AND ph.end_date >= $4 AND ph.start_date <= $4 AND m.status = 'active'
		GROUP BY substr(ph.unit_code, 1, $1), ph.type`, n, lo, hi, day)
	if err != nil {
		return ov, fmt.Errorf("overview: %w", err)
	}
	for rows.Next() {
		var code, typ string
		var c int
		if err := rows.Scan(&code, &typ, &c); err != nil {
			rows.Close()
			return ov, err
		}
		get(code).ByType[typ] += c
		ov.Total.ByType[typ] += c
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT substr(unit_code, 1, $1), COUNT(*) FROM measures
		WHERE status = 'active' AND `+unitScope.Where("unit_code", 2)+` GROUP BY substr(unit_code, 1, $1)`, n, lo, hi)
	if err != nil {
		return ov, fmt.Errorf("overview: %w", err)
	}
	for rows.Next() {
		var code string
		var c int
		if err := rows.Scan(&code, &c); err != nil {
			rows.Close()
			return ov, err
		}
		get(code).Active += c
		ov.Total.Active += c
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT substr(unit_code, 1, $1), COUNT(*), MIN(opened_at) FROM measure_alerts
		WHERE handled_at = 0 AND `+unitScope.Where("unit_code", 2)+` GROUP BY substr(unit_code, 1, $1)`, n, lo, hi)
	if err != nil {
		return ov, fmt.Errorf("overview: %w", err)
	}
	for rows.Next() {
		var code string
		var c int
		var oldest int64
		if err := rows.Scan(&code, &c, &oldest); err != nil {
			rows.Close()
			return ov, err
		}
		u := get(code)
		u.OpenAlerts, u.OldestOpen = c, oldest
		ov.Total.OpenAlerts += c
		if ov.Total.OldestOpen == 0 || oldest < ov.Total.OldestOpen {
			ov.Total.OldestOpen = oldest
		}
	}
	rows.Close()
	// Every child unit, with zeros, in code order.
	rows, err = q.QueryContext(ctx, `SELECT code, name FROM units WHERE parent_code = $1 ORDER BY code`, unit)
	if err != nil {
		return ov, fmt.Errorf("overview units: %w", err)
	}
	seen := map[string]bool{}
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			rows.Close()
			return ov, err
		}
		u := get(code)
		u.Name = name
		seen[code] = true
		ov.Rows = append(ov.Rows, *u)
	}
	rows.Close()
	for code, u := range by {
		if !seen[code] { // people registered directly at the unit
			u.Name = "（直属）"
			ov.Rows = append(ov.Rows, *u)
		}
	}
	return ov, nil
}

// TrendDay is one day of the trend.
type TrendDay struct {
	Day      string
	ByType   map[string]int
	Total    int
	Assigned int
	Released int
}

// Trend returns, for the days up to day, how many people were in each phase
// type, newly assigned and released.
func (s *Service) Trend(ctx context.Context, scope jurisdiction.Scope, unit, day string, days int) ([]TrendDay, error) {
	if unit == "" {
		unit = scope.Code()
	}
	unitScope, err := scope.NarrowOpt(unit)
	if err != nil {
		return nil, err
	}
	if day == "" {
		day = s.today()
	}
	if days <= 0 || days > 60 {
		days = 14
	}
	lo, hi := unitScope.Args()
	q := s.db.R()
	first := policy.AddDays(day, -(days - 1))
	var out []TrendDay
	for i := days - 1; i >= 0; i-- {
		out = append(out, TrendDay{Day: policy.AddDays(day, -i), ByType: map[string]int{}})
	}
	at := map[string]*TrendDay{}
	for i := range out {
		at[out[i].Day] = &out[i]
	}
	// The phases overlapping the window, grouped by their dates, each
	// counted on the days it holds: one query, not one per day.
	rows, err := q.QueryContext(ctx, `SELECT ph.type, ph.start_date, ph.end_date, m.released_on, m.assigned_on, COUNT(*)
		FROM measure_phases ph JOIN measures m ON m.id = ph.measure_id
		WHERE `+unitScope.Where("ph.unit_code", 1)+` AND ph.end_date >= $3 AND ph.start_date <= $4
		AND m.status IN ('active', 'released') AND (m.released_on = '' OR m.released_on > $3) AND m.assigned_on <= $4
		GROUP BY ph.type, ph.start_date, ph.end_date, m.released_on, m.assigned_on`, lo, hi, first, day)
	if err != nil {
		return nil, fmt.Errorf("trend: %w", err)
	}
	for rows.Next() {
		var t, start, end, released, assigned string
		var c int
		if err := rows.Scan(&t, &start, &end, &released, &assigned, &c); err != nil {
			rows.Close()
			return nil, err
		}
		for i := range out {
			d := out[i].Day
			if start <= d && end >= d && (released == "" || released > d) && assigned <= d {
				out[i].ByType[t] += c
				out[i].Total += c
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("trend: %w", err)
	}
	// Assigned and released per day of the window.
	for _, x := range []struct {
		col string
		add func(*TrendDay, int)
	}{{"assigned_on", func(t *TrendDay, n int) { t.Assigned += n }}, {"released_on", func(t *TrendDay, n int) { t.Released += n }}} {
		rows, err := q.QueryContext(ctx, `SELECT `+x.col+`, COUNT(*) FROM measures WHERE `+unitScope.Where("unit_code", 1)+`
			AND `+x.col+` >= $3 AND `+x.col+` <= $4 GROUP BY `+x.col, lo, hi, first, day)
		if err != nil {
			return nil, fmt.Errorf("trend: %w", err)
		}
		for rows.Next() {
			var d string
			var n int
			if err := rows.Scan(&d, &n); err != nil {
				rows.Close()
				return nil, err
			}
			if t := at[d]; t != nil {
				x.add(t, n)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("trend: %w", err)
		}
	}
	return out, nil
}
