package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/command"
	"fangkong/internal/db"
	"fangkong/internal/duty"
	"fangkong/internal/inspect"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/report"
	"fangkong/internal/site"
	"fangkong/internal/summary"
)

// loadCommand gives the command centre a live picture: today's daily
// reports from most villages and townships (a few missing), inspections
// with open, overdue and closed rectifications, duty rosters with one
// township nobody checked in to, and two weeks of trend points. sources
// are the summaries reports are compiled from (nil: quarantine sites only).
func loadCommand(ctx context.Context, d *db.DB, units *jurisdiction.Store, now func() time.Time, sources []summary.Source, seed int64) error {
	all := demoCounty()
	who := audit.Actor{Username: "demo", Role: "admin", Unit: CountyCode}
	rng := rand.New(rand.NewPCG(uint64(seed), 17))
	if len(sources) == 0 {
		sources = []summary.Source{site.NewService(d, units, site.NoMeasures, now)}
	}
	reports := report.NewService(d, units, sources, now)
	towns, err := units.Children(ctx, all, CountyCode)
	if err != nil {
		return err
	}
	submit := func(code, confirmer string) error {
		dr, err := reports.Compile(ctx, all, code)
		if err != nil {
			return err
		}
		in := report.Input{Unit: code, Seen: map[string]int{}, Zero: map[string]bool{}, Confirmer: confirmer}
		for _, l := range dr.Lines {
			in.Seen[l.Key], in.Zero[l.Key] = l.Value, true
		}
		_, _, err = reports.Submit(ctx, who, all, in)
		return err
	}
	vs, err := units.Units(ctx, all, jurisdiction.LevelVillage)
	if err != nil {
		return err
	}
	for i, v := range vs {
		if i%23 == 5 { // a few villages have not reported
			continue
		}
		if err := submit(v.Code, fmt.Sprintf("村干部%d", i+1)); err != nil {
			return fmt.Errorf("demo report of %s: %w", v.Code, err)
		}
	}
	for i, t := range towns {
		if i%5 == 3 {
			continue
		}
		if err := submit(t.Code, t.Name+"值班干部"); err != nil {
			return fmt.Errorf("demo report of %s: %w", t.Code, err)
		}
	}
	if err := loadInspections(ctx, d, units, now, towns, vs); err != nil {
		return err
	}
	if err := loadDuty(ctx, d, units, now, towns); err != nil {
		return err
	}
	if err := loadSpecial(ctx, d, units, now, towns); err != nil {
		return err
	}
	// Trend points: the last two weeks of the county's headline figures.
	pic := command.NewService(d, units, now)
	today := now()
	for _, key := range []string{"report.missing", "inspect.overdue", "inspect.open", "measure.active", "push.overdue", "duty.gap"} {
		v := 5 + rng.IntN(20)
		for back := command.TrendDays - 1; back >= 1; back-- {
			v = max(0, v+rng.IntN(7)-3)
			if err := pic.Point(ctx, CountyCode, clock.Day(today.AddDate(0, 0, -back)), key, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func loadInspections(ctx context.Context, d *db.DB, units *jurisdiction.Store, now func() time.Time, towns, vs []jurisdiction.Unit) error {
	svc := inspect.NewService(d, units, now)
	all := demoCounty()
	who := audit.Actor{Username: "ducha", Role: "inspector", Unit: CountyCode}
	today := now()
	day := func(off int) string { return clock.Day(today.AddDate(0, 0, off)) }
	type fplan struct {
		problem, measure string
		due              int    // days from today
		end              string // the status to move it to
	}
	plans := []struct {
		unit, typ, name string
		covert          bool
		visited         int
		failed          []string
		findings        []fplan
	}{
		{vs[0].Code, "village", vs[0].Name, true, -10, []string{"网格员、包保责任人在岗", "村口值守与登记到位"}, []fplan{
			{"夜间村口卡点无人值守", "落实24小时轮班值守，村干部带班", -3, ""},
			{"返乡人员台账缺少3户", "逐户核对补录台账", -5, inspect.StatusClosed}}},
		{towns[0].Code, "checkpoint", towns[0].Name + "高速出口卡口", false, -4, []string{"登记信息完整"}, []fplan{
			{"登记表缺少来源地信息", "使用统一登记表，逐项填写", -1, inspect.StatusProgress},
			{"防护用品储备不足3天用量", "补足口罩、防护服储备", 3, inspect.StatusReview}}},
		{towns[1].Code, "site", towns[1].Name + "隔离点", true, -2, []string{"三区两通道设置规范"}, []fplan{
			{"污染区与清洁区通道交叉", "重新划分通道并设置标识", 2, ""}}},
	}
	for _, p := range plans {
		failed := map[string]bool{}
		for _, f := range p.failed {
			failed[f] = true
		}
		insp, err := svc.CreateInspection(ctx, who, all, inspect.Inspection{UnitCode: p.unit, ObjectType: p.typ, ObjectName: p.name,
			Covert: p.covert, Team: "县疫情防控督查一组", VisitedOn: day(p.visited)}, failed)
		if err != nil {
			return fmt.Errorf("demo inspection: %w", err)
		}
		for _, fp := range p.findings {
			f, err := svc.AddFinding(ctx, who, all, insp.ID, inspect.Finding{Problem: fp.problem, Leader: "分管副镇长", Person: "包村干部",
				Measure: fp.measure, Deadline: day(fp.due)}, nil)
			if err != nil {
				return fmt.Errorf("demo finding: %w", err)
			}
			switch fp.end {
			case inspect.StatusProgress:
				_, err = svc.Progress(ctx, who, all, f.ID, f.Version, inspect.StatusProgress, "正在整改")
			case inspect.StatusReview:
				_, err = svc.Progress(ctx, who, all, f.ID, f.Version, inspect.StatusReview, "已补足储备")
			case inspect.StatusClosed:
				if f, err = svc.Progress(ctx, who, all, f.ID, f.Version, inspect.StatusReview, "已补录"); err == nil {
					_, err = svc.Review(ctx, who, all, f.ID, f.Version, true, "复核属实，销号")
				}
			}
			if err != nil {
				return err
			}
		}
	}
	_, err := svc.Escalate(ctx)
	return err
}

func loadDuty(ctx context.Context, d *db.DB, units *jurisdiction.Store, now func() time.Time, towns []jurisdiction.Unit) error {
	svc := duty.NewService(d, units, now)
	all := demoCounty()
	who := audit.Actor{Username: "demo", Role: "command", Unit: CountyCode}
	today := clock.Day(now())
	add := func(unit, leader, person string, checkIn bool) error {
		sh, err := svc.AddShift(ctx, who, all, duty.Input{UnitCode: unit, Day: today, Start: "00:00", Hours: 24, Leader: leader,
			Person: person, Phone: "029-8481" + unit[len(unit)-4:]})
		if err != nil {
			return err
		}
		if checkIn {
			_, err = svc.CheckIn(ctx, who, all, sh.ID)
		}
		return err
	}
	if err := add(CountyCode, "县委常委 王建国", "指挥部值班员 刘洋", true); err != nil {
		return fmt.Errorf("demo duty: %w", err)
	}
	for i, t := range towns {
		if i == 6 {
			break
		}
		if err := add(t.Code, t.Name+"党委副书记", t.Name+"值班干部", i != 4); err != nil { // one township nobody checked in to
			return fmt.Errorf("demo duty: %w", err)
		}
	}
	_, err := svc.Gaps(ctx)
	return err
}
