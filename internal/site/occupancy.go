package site

import (
	"context"
	"fmt"
	"sort"

	"fangkong/internal/jurisdiction"
)

// CountyRow is one county of the occupancy dashboard.
type CountyRow struct {
	Code string
	Name string
	Occupancy
}

// Dashboard is the occupancy of a unit's sites: in total against the
// standard of 20 rooms per 10,000 residents, per county (for a county or a
// unit above it) and per site.
type Dashboard struct {
	Unit     jurisdiction.Unit
	Total    Occupancy
	Counties []CountyRow
	Sites    []Site
}

// Occupancy builds the dashboard of unit (the scope's own unit when "").
func (s *Service) Occupancy(ctx context.Context, scope jurisdiction.Scope, unit string) (Dashboard, error) {
	if unit == "" {
		unit = scope.Code()
	}
	u, err := s.units.Get(ctx, scope, unit)
	if err != nil {
		return Dashboard{}, err
	}
	unitScope, err := scope.Narrow(u.Code)
	if err != nil {
		return Dashboard{}, fmt.Errorf("occupancy of %s: %w", unit, err)
	}
	d := Dashboard{Unit: u}
	d.Sites, err = s.Sites(ctx, scope, u.Code)
	if err != nil {
		return Dashboard{}, err
	}
	// Residents per county inside the unit: the people on the register per
	// unit (resident_totals, kept by triggers from the registry's roll-up
	// counters), summed per county here.
	lo, hi := unitScope.Args()
	rows, err := s.db.R().QueryContext(ctx, `SELECT unit_code, n FROM resident_totals WHERE `+unitScope.Where("unit_code", 1), lo, hi)
	if err != nil {
		return Dashboard{}, fmt.Errorf("residents of %s: %w", u.Code, err)
	}
	residents := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			rows.Close()
			return Dashboard{}, err
		}
		if len(c) >= 6 {
			c = c[:6]
		}
		residents[c] += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Dashboard{}, err
	}
	byCounty := map[string]*CountyRow{}
	row := func(code string) *CountyRow {
		if r, ok := byCounty[code]; ok {
			return r
		}
		r := &CountyRow{Code: code}
		if cu, err := s.units.Get(ctx, scope, code); err == nil {
			r.Name = cu.Name
		}
		byCounty[code] = r
		return r
	}
	// Counties are listed for a county and the units above it.
	perCounty := u.Level <= jurisdiction.LevelCounty
	total := 0
	for c, n := range residents {
		if perCounty && len(c) == 6 {
			row(c)
		}
		total += n
	}
	for _, x := range d.Sites {
		d.Total.Add(x.Occupancy)
		if perCounty && len(x.UnitCode) >= 6 {
			row(x.UnitCode[:6]).Add(x.Occupancy)
		}
	}
	d.Total.Standard(total)
	for code, r := range byCounty {
		r.Standard(residents[code])
		d.Counties = append(d.Counties, *r)
	}
	sort.Slice(d.Counties, func(i, j int) bool { return d.Counties[i].Code < d.Counties[j].Code })
	return d, nil
}
