package demo

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sampling"
)

// loadSampling puts a mass-testing round (全员核酸) in progress over the
// first township (the 镇街 demo login's): a point per village, two labs,
// about 70% of its people sampled over the last six hours (10 in 1), the
// older tubes boxed, handed over and tested with a few positive pools.
func loadSampling(ctx context.Context, d *db.DB, units *jurisdiction.Store, now time.Time) error {
	county := demoCounty()
	towns, err := units.Children(ctx, county, CountyCode)
	if err != nil || len(towns) == 0 {
		return fmt.Errorf("demo sampling: no townships (%v)", err)
	}
	town := towns[0]
	villages, err := units.Children(ctx, county, town.Code)
	if err != nil {
		return err
	}
	clock := now.Add(-6 * time.Hour)
	// Positive pools come under no measure here: the demo's measures are
	// loaded on their own (measures.go).
	s := sampling.NewService(d, units, sampling.NoAssign, func() time.Time { return clock })
	boss := audit.Actor{Username: "demo", Role: "command", Unit: CountyCode}
	c, err := s.CreateCampaign(ctx, boss, county, sampling.CampaignInput{UnitCode: town.Code, Name: town.Name + "全员核酸第一轮",
		StartsOn: clock.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02"), PoolSize: 10})
	if err != nil {
		return err
	}
	points := map[string]int64{}
	for i, v := range villages {
		p, err := s.AddPoint(ctx, boss, county, sampling.Point{CampaignID: c.ID, UnitCode: v.Code, Name: v.Name + "核酸采样点",
			Address: v.Name + "门前广场", Hours: "07:00-21:00", Tables: 2 + i%3, Teams: 1})
		if err != nil {
			return err
		}
		points[v.Code] = p.ID
	}
	var labs []sampling.Lab
	for _, l := range []sampling.Lab{{Name: "区疾控中心实验室", CapacityPerHour: 2000}, {Name: "第三方检测机构（华大）", CapacityPerHour: 3000}} {
		l.CampaignID = c.ID
		x, err := s.AddLab(ctx, boss, county, l)
		if err != nil {
			return err
		}
		labs = append(labs, x)
	}
	if c, err = s.StartCampaign(ctx, boss, county, c.ID); err != nil {
		return err
	}
	// Scan 7 in 10 of the targets, village by village, household by household.
	type target struct {
		id         int64
		unit, code string
	}
	var targets []target
	rows, err := d.R().QueryContext(ctx, `SELECT t.person_id, t.unit_code, c.code FROM campaign_targets t
		JOIN sampling_codes c ON c.person_id = t.person_id JOIN people p ON p.id = t.person_id
		WHERE t.campaign_id = $1 ORDER BY t.unit_code, p.household_id, p.id`, c.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var x target
		if err := rows.Scan(&x.id, &x.unit, &x.code); err != nil {
			rows.Close()
			return err
		}
		if x.id%10 < 7 {
			targets = append(targets, x)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	sampler := audit.Actor{Username: "hesuan", Role: "sampling", Unit: CountyCode}
	step := 6 * time.Hour / time.Duration(len(targets)/500+1)
	tube, filled, village := 0, 0, ""
	var batch []sampling.ScanRequest
	for i, x := range targets {
		v := jurisdiction.VillageOf(x.unit)
		if filled == 10 || v != village {
			tube, filled, village = tube+1, 0, v
		}
		filled++
		batch = append(batch, sampling.ScanRequest{ScanID: fmt.Sprintf("demo-%d", x.id), CampaignID: c.ID, PointID: points[v],
			Tube: fmt.Sprintf("DM%s%06d", town.Code[6:], tube), Code: x.code})
		if len(batch) == 500 || i == len(targets)-1 {
			if _, err := s.ScanBatch(ctx, sampler, county, batch); err != nil {
				return err
			}
			batch, clock = batch[:0], clock.Add(step)
		}
	}
	// Tubes opened over three hours ago are closed, boxed, handed over and tested.
	clock = now
	cut := now.Add(-3 * time.Hour).UnixMilli()
	var old []struct {
		barcode string
		point   int64
	}
	rows, err = d.R().QueryContext(ctx, "SELECT barcode, point_id FROM test_tubes WHERE campaign_id = $1 AND opened_at < $2 ORDER BY id", c.ID, cut)
	if err != nil {
		return err
	}
	for rows.Next() {
		var x struct {
			barcode string
			point   int64
		}
		rows.Scan(&x.barcode, &x.point)
		old = append(old, x)
	}
	rows.Close()
	byPoint := map[int64][]string{}
	var results []sampling.ResultRow
	for i, x := range old {
		if _, err := s.CloseTube(ctx, sampler, county, c.ID, x.barcode); err != nil {
			return err
		}
		byPoint[x.point] = append(byPoint[x.point], x.barcode)
		r := "阴性"
		switch {
		case i%211 == 17:
			r = "阳性"
		case i%173 == 5:
			r = "无效"
		}
		results = append(results, sampling.ResultRow{Tube: x.barcode, Result: r})
	}
	n := 0
	for p, tubes := range byPoint {
		for len(tubes) > 0 {
			k := min(len(tubes), 50)
			b, err := s.PackBox(ctx, sampler, county, c.ID, p, "", tubes[:k])
			if err != nil {
				return err
			}
			if _, err := s.HandOver(ctx, sampler, county, b.ID, labs[n%2].ID); err != nil {
				return err
			}
			if _, err := s.Receive(ctx, sampler, county, b.ID); err != nil {
				return err
			}
			tubes, n = tubes[k:], n+1
		}
	}
	for i, l := range labs {
		var part []sampling.ResultRow
		for j, r := range results {
			if j%2 == i {
				part = append(part, r)
			}
		}
		if _, err := s.RecordResults(ctx, sampler, county, c.ID, l.ID, part, false); err != nil {
			return err
		}
	}
	return nil
}
