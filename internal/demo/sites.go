package demo

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/site"
)

// loadSites adds the demo county's quarantine sites (集中隔离点): one run by
// the county and one in each of the first four townships, about 260 rooms
// in all (well short of the 20 per 10,000 standard, so the dashboard shows
// a gap), with checklists, staff, and some demo people transferred, checked
// in and released.
func loadSites(ctx context.Context, d *db.DB, units *jurisdiction.Store, now func() time.Time) error {
	svc := site.NewService(d, units, site.NoMeasures, now)
	who := audit.Actor{Username: "demo", Role: "admin", Unit: CountyCode}
	all := demoCounty()
	towns, err := units.Children(ctx, all, CountyCode)
	if err != nil {
		return fmt.Errorf("demo sites: %w", err)
	}
	type plan struct {
		unit, name, addr string
		floors, rooms    int
		ready            bool
	}
	plans := []plan{{CountyCode, "鄠邑区集中医学观察点（城西酒店）", "鄠邑区城西大道88号", 4, 20, true}}
	for i, t := range towns {
		if i == 4 {
			break
		}
		plans = append(plans, plan{t.Code, t.Name + "隔离点", t.Name + "政府西侧宾馆", 3, 15, i != 2})
	}
	today := clock.Day(now())
	var sites []site.Site
	for i, p := range plans {
		x, err := svc.CreateSite(ctx, who, all, site.Site{UnitCode: p.unit, Name: p.name, Address: p.addr,
			ContactName: "负责人" + fmt.Sprint(i+1), ContactPhone: fmt.Sprintf("1399100%04d", i+1), StaffTestEvery: 1 + i%2})
		if err != nil {
			return fmt.Errorf("demo site %s: %w", p.name, err)
		}
		if _, _, err := svc.AddRooms(ctx, who, all, x.ID, site.RoomBatch{FloorFrom: 1, FloorTo: p.floors, RoomFrom: 1, RoomTo: p.rooms, Bathroom: true}); err != nil {
			return err
		}
		var checks []site.CheckInput
		for j, it := range site.CheckItems {
			res := "pass"
			if !p.ready && j == 3 {
				res = "fail"
			}
			checks = append(checks, site.CheckInput{Item: it.Name, Result: res, CheckedOn: today})
		}
		if _, err := svc.SaveChecks(ctx, who, all, x.ID, checks); err != nil {
			return err
		}
		for j, post := range []string{"负责人", "医护", "医护", "消杀", "安保", "后勤"} {
			last := clock.Day(now().AddDate(0, 0, -(j % 4)))
			if _, err := svc.AddStaff(ctx, who, all, x.ID, site.Staff{Name: fmt.Sprintf("%s%d号", post, i*10+j+1), Post: post,
				Phone: fmt.Sprintf("1379%03d%04d", i, j), LastTestOn: last, Doses: 2 + j%2}); err != nil {
				return err
			}
		}
		sites = append(sites, x)
	}
	// Some demo people with ID numbers, spread over the county.
	var n int64
	if err := d.R().QueryRowContext(ctx, "SELECT COUNT(*) FROM people").Scan(&n); err != nil {
		return err
	}
	step := max(1, n/100)
	lo, hi := all.Args()
	rows, err := d.R().QueryContext(ctx, `SELECT id_number FROM people WHERE active = 1 AND id_number IS NOT NULL
		AND `+all.Where("unit_code", 1)+` AND id % $3 = 7 ORDER BY id LIMIT 80`, lo, hi, step)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	reasons := site.Reasons
	for i, id := range ids {
		x := sites[i%len(sites)]
		rooms, err := svc.Rooms(ctx, all, x.ID)
		if err != nil {
			return err
		}
		var room int64
		if i%8 != 7 { // every eighth still on the way
			for _, r := range rooms {
				if r.Status == site.RoomFree {
					room = r.ID
					break
				}
			}
		}
		st, err := svc.Transfer(ctx, who, all, x.ID, site.TransferInput{IDNumber: id, Reason: reasons[i%len(reasons)],
			FromPlace: "家中", Vehicle: fmt.Sprintf("陕A%05d 专用转运车", 10000+i), RoomID: room,
			TransferAt: now().Add(-time.Duration(i) * time.Hour).UnixMilli()})
		if err != nil {
			return fmt.Errorf("demo stay: %w", err)
		}
		if room != 0 && i%7 == 3 { // released; the room waits for disinfection
			if _, err := svc.CheckOut(ctx, who, all, st.ID, 0, site.OutRelease, "", "隔离期满，核酸阴性"); err != nil {
				return err
			}
		}
	}
	return nil
}
