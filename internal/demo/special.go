package demo

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/readiness"
	"fangkong/internal/special"
)

// loadSpecial opens one 特报 (an arrival from a high-risk area, its
// township clock already passed) and records readiness with gaps: a small
// tracing team with few police, samplers in two townships, a plan and one
// drill.
func loadSpecial(ctx context.Context, d *db.DB, units *jurisdiction.Store, now func() time.Time, towns []jurisdiction.Unit) error {
	if len(towns) == 0 {
		return nil
	}
	all := demoCounty()
	who := audit.Actor{Username: "demo", Role: "command", Unit: CountyCode}
	// Opened by the command centre's demo login, so the county's own
	// confirmation carries a person's name, not "demo".
	_ = d.R().QueryRowContext(ctx, "SELECT id, username FROM users WHERE username = 'zhihuibu'").Scan(&who.UserID, &who.Username)
	opened := func() time.Time { return now().Add(-90 * time.Minute) }
	vs, err := units.Children(ctx, all, towns[0].Code)
	if err != nil || len(vs) == 0 {
		return err
	}
	if _, err := special.NewService(d, units, notify.Discard, opened).Open(ctx, who, all, special.Trigger{Kind: "arrival", Unit: vs[0].Code,
		Title: "中风险地区来人（2人）", Content: "卡口登记2人自中风险地区返乡，已落实居家健康监测，待核酸结果。"}); err != nil {
		return fmt.Errorf("demo special: %w", err)
	}
	r := readiness.NewService(d, units, now)
	for i := range 18 {
		kind := readiness.TracerKinds[1+i%3]
		if i%6 == 0 {
			kind = "公安"
		}
		if _, err := r.AddTracer(ctx, who, all, readiness.Tracer{UnitCode: towns[i%len(towns)].Code, Name: fmt.Sprintf("流调队员%02d", i+1), Kind: kind}); err != nil {
			return fmt.Errorf("demo tracers: %w", err)
		}
	}
	for i, t := range towns {
		if i == 2 {
			break
		}
		if err := r.SetSamplers(ctx, who, all, t.Code, 20); err != nil {
			return err
		}
	}
	if _, err := r.AddPlan(ctx, who, all, readiness.Plan{UnitCode: CountyCode, Kind: "应急预案", Title: "县疫情防控应急预案（2026版）", HeldOn: "2026-03-01"}); err != nil {
		return err
	}
	_, err = r.AddPlan(ctx, who, all, readiness.Plan{UnitCode: towns[0].Code, Kind: "演练", Title: "全员核酸检测演练",
		HeldOn: clock.Day(now().AddDate(0, 0, -20)), Findings: "采样点分流不足，转运车辆调度慢"})
	return err
}
