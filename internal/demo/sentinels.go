package demo

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/registry"
	"fangkong/internal/sentinel"
)

// loadSentinels adds the demo county's sentinels (哨点): a village clinic
// in each of the first township's first eight villages, a pharmacy, a
// school and the township health centre's fever room there, a fever room
// in three more townships and the county hospital's fever clinic; binds
// the demo sentinel login to the first village clinic; and fills today
// with a few fever reports (one past the township's clock, escalated),
// most sentinels' returns (some missing) and drug buyers to verify.
func loadSentinels(ctx context.Context, d *db.DB, units *jurisdiction.Store, users *auth.Service, now func() time.Time) error {
	svc := sentinel.NewService(d, units, registry.NewService(d, units, now), sentinel.NoIntake, notify.Discard, now)
	who := audit.Actor{Username: "demo", Role: "admin", Unit: CountyCode}
	all := demoCounty()
	towns, err := units.Children(ctx, all, CountyCode)
	if err != nil || len(towns) < 4 {
		return fmt.Errorf("demo sentinels: townships (%v)", err)
	}
	villages, err := units.Children(ctx, all, towns[0].Code)
	if err != nil || len(villages) == 0 {
		return fmt.Errorf("demo sentinels: villages (%v)", err)
	}
	add := func(unit jurisdiction.Unit, name, kind string, i int) (sentinel.Sentinel, error) {
		return svc.CreateSentinel(ctx, who, all, sentinel.Sentinel{UnitCode: unit.Code, Name: name, Kind: kind,
			ContactName: fmt.Sprintf("联系人%d号", i+1), ContactPhone: fmt.Sprintf("1339200%04d", i+1)})
	}
	var list []sentinel.Sentinel
	for i, v := range villages[:min(8, len(villages))] {
		x, err := add(v, v.Name+"卫生室", sentinel.KindVillageClinic, i)
		if err != nil {
			return fmt.Errorf("demo sentinel: %w", err)
		}
		list = append(list, x)
	}
	clinic := list[0]
	extra := []struct {
		unit       jurisdiction.Unit
		name, kind string
	}{
		{villages[0], "惠民大药房", sentinel.KindPharmacy},
		{villages[0], villages[0].Name + "小学", sentinel.KindSchool},
		{towns[0], "鄠邑区人民医院发热门诊", sentinel.KindFeverClinic},
	}
	for _, t := range towns[:4] {
		extra = append(extra, struct {
			unit       jurisdiction.Unit
			name, kind string
		}{t, t.Name + "卫生院发热哨点", sentinel.KindTownshipFever})
	}
	var pharmacy, feverClinic sentinel.Sentinel
	for i, e := range extra {
		x, err := add(e.unit, e.name, e.kind, 20+i)
		if err != nil {
			return fmt.Errorf("demo sentinel: %w", err)
		}
		list = append(list, x)
		switch e.kind {
		case sentinel.KindPharmacy:
			pharmacy = x
		case sentinel.KindFeverClinic:
			feverClinic = x
		}
	}
	if u, err := users.ByUsername(ctx, "shaodian"); err == nil {
		if err := svc.Bind(ctx, who, all, clinic.ID, sentinel.Account{ID: u.ID, Username: u.Username, Role: string(u.Role), UnitCode: u.UnitCode}); err != nil {
			return fmt.Errorf("demo sentinel login: %w", err)
		}
	}
	t := now()
	reports := []sentinel.ReportInput{
		{Name: "赵发热", Phone: "13991001001", Temp: "38.7", Symptoms: "咳嗽、咽痛", Drugs: "布洛芬", Action: sentinel.ActionRefer,
			ReferTo: feverClinic.ID, FoundAt: t.Add(-40 * time.Minute).UnixMilli()},
		{Name: "钱体温", Phone: "13991001002", Temp: "37.9", Symptoms: "乏力", Action: sentinel.ActionRefer, FoundAt: t.Add(-20 * time.Minute).UnixMilli()},
		{Name: "孙咳嗽", Phone: "13991001003", Temp: "38.2", Symptoms: "咳嗽", Action: sentinel.ActionSample, FoundAt: t.Add(-10 * time.Minute).UnixMilli()},
	}
	for i, in := range reports {
		at := list[i%3]
		r, err := svc.ReportFever(ctx, who, all, at, in)
		if err != nil {
			return fmt.Errorf("demo fever report: %w", err)
		}
		if i == 2 {
			if _, err := svc.Advance(ctx, who, all, r.ID, sentinel.StatusAcked, ""); err != nil {
				return err
			}
		}
	}
	// Today's returns: all but the last two village clinics.
	today := clock.Day(t)
	for i, x := range list {
		if i == 6 || i == 7 {
			continue
		}
		n := 0
		if i < 3 {
			n = 1
		}
		if _, err := svc.SubmitReturn(ctx, who, all, x, today, n, ""); err != nil {
			return fmt.Errorf("demo return: %w", err)
		}
	}
	for i, name := range []string{"周买药", "吴退烧", "郑止咳"} {
		if _, err := svc.RegisterBuyer(ctx, who, all, pharmacy, sentinel.BuyerInput{Name: name, Phone: fmt.Sprintf("1389200%04d", i+1),
			DrugClass: sentinel.DrugClasses[i], BoughtAt: t.Add(-time.Duration(30*i+5) * time.Hour).UnixMilli()}); err != nil {
			return fmt.Errorf("demo buyer: %w", err)
		}
	}
	return nil
}
