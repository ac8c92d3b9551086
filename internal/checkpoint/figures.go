package checkpoint

import (
	"context"
	"fmt"

	"fangkong/internal/jurisdiction"
)

// DayFigures are one checkpoint's figures of a day.
type DayFigures struct {
	CheckpointID int64  `json:"checkpoint_id"`
	Name         string `json:"name"`
	UnitCode     string `json:"unit_code"`
	UnitName     string `json:"unit_name"`
	Kind         string `json:"kind"`
	Status       string `json:"status"`
	Vehicles     int    `json:"vehicles"`
	People       int    `json:"people"`
	TurnedBack   int    `json:"turned_back"` // 劝返
	HandedOver   int    `json:"handed_over"` // 移交属地
	Held         int    `json:"held"`        // 就地管控
	Sampled      int    `json:"sampled"`     // 现场采样
	Abnormal     int    `json:"abnormal"`
}

// Figures are the day's figures per checkpoint inside the scope (narrowed
// to unit), with every registered checkpoint listed, checks or not.
func (s *Service) Figures(ctx context.Context, scope jurisdiction.Scope, unit, day string) ([]DayFigures, error) {
	cps, err := s.Checkpoints(ctx, scope, unit)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*DayFigures{}
	out := make([]DayFigures, len(cps))
	for i, c := range cps {
		out[i] = DayFigures{CheckpointID: c.ID, Name: c.Name, UnitCode: c.UnitCode, UnitName: c.UnitName, Kind: c.Kind, Status: c.Status}
		byID[c.ID] = &out[i]
	}
	sc, _ := scope.NarrowOpt(unit)
	lo, hi := sc.Args()
	rows, err := s.db.R().QueryContext(ctx, `SELECT k.checkpoint_id,
		COUNT(DISTINCT CASE WHEN k.vehicle_type <> '步行' THEN k.vehicle_ref END), COUNT(*),
		SUM(CASE WHEN k.outcome = $4 THEN 1 ELSE 0 END), SUM(CASE WHEN k.outcome = $5 THEN 1 ELSE 0 END),
		SUM(CASE WHEN k.outcome = $6 THEN 1 ELSE 0 END), SUM(CASE WHEN k.outcome = $7 THEN 1 ELSE 0 END), SUM(k.abnormal)
		FROM checkpoint_checks k WHERE k.day = $3 AND `+sc.Where("k.unit_code", 1)+` GROUP BY k.checkpoint_id`,
		lo, hi, day, TurnBack, HandOver, Hold, Sample)
	if err != nil {
		return nil, fmt.Errorf("checkpoint figures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var f DayFigures
		if err := rows.Scan(&id, &f.Vehicles, &f.People, &f.TurnedBack, &f.HandedOver, &f.Held, &f.Sampled, &f.Abnormal); err != nil {
			return nil, err
		}
		if d := byID[id]; d != nil {
			d.Vehicles, d.People, d.TurnedBack, d.HandedOver, d.Held, d.Sampled, d.Abnormal = f.Vehicles, f.People, f.TurnedBack, f.HandedOver, f.Held, f.Sampled, f.Abnormal
		}
	}
	return out, rows.Err()
}

// Coverage is the night coverage of a township's entrances on a day.
type Coverage struct {
	UnitCode string `json:"unit_code"`
	UnitName string `json:"unit_name"`
	Manned   int    `json:"manned"`  // entrances to be manned (值守)
	Blocked  int    `json:"blocked"` // blocked (封堵)
	// NightCovered: manned entrances whose night shift (00:00–08:00) has
	// the people required and a leader.
	NightCovered int `json:"night_covered"`
}

// Uncovered is the manned entrances without a filled night shift.
func (c Coverage) Uncovered() int { return c.Manned - c.NightCovered }

// NightCoverage is the night coverage per township inside the scope (the
// scope's own township, or each township of a county).
func (s *Service) NightCoverage(ctx context.Context, scope jurisdiction.Scope, unit, day string) ([]Coverage, error) {
	cps, err := s.Checkpoints(ctx, scope, unit)
	if err != nil {
		return nil, err
	}
	var order []string
	by := map[string]*Coverage{}
	for _, cp := range cps {
		tw := cp.UnitCode
		if len(tw) > 9 {
			tw = tw[:9]
		}
		c := by[tw]
		if c == nil {
			c = &Coverage{UnitCode: tw}
			if u, err := s.units.Get(ctx, jurisdiction.System("checkpoint coverage names"), tw); err == nil {
				c.UnitName = u.Name
			}
			by[tw] = c
			order = append(order, tw)
		}
		switch cp.Status {
		case Blocked:
			c.Blocked++
		case Manned:
			c.Manned++
			shifts, err := s.shifts(ctx, s.db.R(), cp, day)
			if err != nil {
				return nil, err
			}
			if shifts[0].Filled() {
				c.NightCovered++
			}
		}
	}
	out := make([]Coverage, 0, len(order))
	for _, k := range order {
		out = append(out, *by[k])
	}
	return out, nil
}
