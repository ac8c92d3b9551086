package demo

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/checkpoint"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/place"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
)

// loadCheckpoints adds the demo county's checkpoints (卡口): a 国省道
// checkpoint in each of the first three townships, and in the grid worker's
// village and its two neighbours a manned main entrance and a side road
// blocked with boards; today's rosters (the night shift of one entrance left
// empty), the day's check log of some forty cars, and two people handed
// over to the grid worker's village waiting to be received.
func loadCheckpoints(ctx context.Context, d *db.DB, units *jurisdiction.Store, places *place.Resolver, now func() time.Time) error {
	levels := riskarea.NewLookup(d, places)
	reg := registry.NewService(d, units, now)
	ledger := returnee.NewService(d, reg, units, levels, returnee.NoAssign, now)
	svc := checkpoint.NewService(d, units, levels, ledger, notify.Discard, now)
	if err := svc.EnsureRules(ctx); err != nil {
		return err
	}
	who := audit.Actor{Username: "demo", Role: "admin", Unit: CountyCode}
	all := demoCounty()
	var home string
	if err := d.R().QueryRowContext(ctx, "SELECT unit_code FROM users WHERE username = 'wanggeyuan'").Scan(&home); err != nil && err != sql.ErrNoRows {
		return err
	}
	towns, err := units.Children(ctx, all, CountyCode)
	if err != nil {
		return err
	}
	var cps []checkpoint.Checkpoint
	for i, t := range towns {
		if i == 3 {
			break
		}
		c, err := svc.CreateCheckpoint(ctx, who, all, checkpoint.Checkpoint{UnitCode: t.Code, Name: t.Name + "国道卡口", Kind: "国省道",
			StaffPerShift: 3, LeaderPost: "镇街包片领导", Address: t.Name + "G108入口"})
		if err != nil {
			return fmt.Errorf("demo checkpoint: %w", err)
		}
		cps = append(cps, c)
	}
	if home != "" {
		vs, err := units.Children(ctx, all, home[:9])
		if err != nil {
			return err
		}
		for _, v := range vs {
			if v.Code != home && len(cps) >= 5 {
				continue
			}
			if len(cps) >= 6 {
				break
			}
			c, err := svc.CreateCheckpoint(ctx, who, all, checkpoint.Checkpoint{UnitCode: v.Code, Name: shortVillage(v.Name) + "东口", Kind: "村口主路",
				StaffPerShift: 2, LeaderPost: "村干部"})
			if err != nil {
				return err
			}
			cps = append(cps, c)
			if _, err := svc.CreateCheckpoint(ctx, who, all, checkpoint.Checkpoint{UnitCode: v.Code, Name: shortVillage(v.Name) + "北小路",
				Kind: "村口小路", Status: checkpoint.Blocked, StaffPerShift: 1, Note: "木板土堆封堵"}); err != nil {
				return err
			}
		}
	}
	today := clock.Day(now())
	cats := checkpoint.MemberCategories
	for i, c := range cps {
		for slot := range checkpoint.Slots {
			if slot == 0 && i == len(cps)-1 {
				continue // nobody at this entrance at night: the alert shows it
			}
			for j := 0; j < c.StaffPerShift; j++ {
				m := checkpoint.Member{Name: fmt.Sprintf("值守%d%d%d号", i+1, slot+1, j+1), Category: cats[(i+slot+j)%len(cats)], Leader: j == 0,
					Phone: fmt.Sprintf("1358%d%d%d%04d", i%10, slot, j, i*10+slot)}
				if err := svc.AddMember(ctx, who, all, c.ID, today, slot, m); err != nil {
					return err
				}
			}
		}
	}
	froms := []string{"610113", "610102", "410105", "110105", "610118"}
	plates := "ABCDEFGHJK"
	for i := 0; i < 40 && len(cps) > 0; i++ {
		c := cps[i%len(cps)]
		people := []checkpoint.PersonIn{{Name: fmt.Sprintf("司机%d", i+1), From: froms[i%len(froms)], Temp: "36.5", HealthCode: checkpoint.Green}}
		if i%4 == 1 {
			people = append(people, checkpoint.PersonIn{Name: fmt.Sprintf("乘客%d", i+1), From: froms[(i+2)%len(froms)], Temp: "36.7",
				HealthCode: checkpoint.Green, Star: true, TestSampledAt: clock.Day(now().Add(-24 * time.Hour))})
		}
		if i%9 == 4 {
			people = append(people, checkpoint.PersonIn{Name: fmt.Sprintf("过客%d", i+1), From: "410105", HealthCode: checkpoint.Green, Star: true})
		}
		if i%13 == 6 {
			people = append(people, checkpoint.PersonIn{Name: fmt.Sprintf("黄码%d", i+1), From: "610113", HealthCode: checkpoint.Yellow})
		}
		if _, err := svc.Log(ctx, who, all, checkpoint.VehicleIn{CheckpointID: c.ID, ClientID: fmt.Sprintf("demo-%d", i),
			Plate: fmt.Sprintf("陕%c%05d", plates[i%len(plates)], 10000+i*37), People: people}); err != nil {
			return fmt.Errorf("demo check %d: %w", i, err)
		}
	}
	if home != "" && len(cps) > 0 {
		// Two villagers of the grid worker's village come back with a star
		// and no test: handed over to the village, waiting to be received.
		village, err := all.Narrow(home)
		if err != nil {
			return err
		}
		lo, hi := village.Args()
		rows, err := d.R().QueryContext(ctx, `SELECT name, id_number FROM people WHERE `+village.Where("unit_code", 1)+`
			AND active = 1 AND id_number IS NOT NULL ORDER BY id LIMIT 2`, lo, hi)
		if err != nil {
			return err
		}
		type villager struct{ name, id string }
		var back []villager
		for rows.Next() {
			var v villager
			if err := rows.Scan(&v.name, &v.id); err != nil {
				rows.Close()
				return err
			}
			back = append(back, v)
		}
		rows.Close()
		for i, v := range back {
			if _, err := svc.Log(ctx, who, all, checkpoint.VehicleIn{CheckpointID: cps[0].ID, ClientID: fmt.Sprintf("demo-handover-%d", i),
				Plate: fmt.Sprintf("京N%05d", 20000+i), People: []checkpoint.PersonIn{{Name: v.name, IDNumber: v.id, From: "110105", To: home,
					Temp: "36.6", HealthCode: checkpoint.Green, Star: true}}}); err != nil {
				return fmt.Errorf("demo hand-over: %w", err)
			}
		}
	}
	return nil
}

// shortVillage is a village's name without 村委会/居委会.
func shortVillage(n string) string {
	for _, suf := range []string{"村民委员会", "居民委员会", "村委会", "居委会"} {
		if len(n) > len(suf) && n[len(n)-len(suf):] == suf {
			return n[:len(n)-len(suf)]
		}
	}
	return n
}
