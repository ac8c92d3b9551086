package readiness_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/readiness"
)

var cadre = audit.Actor{UserID: 1, Username: "pingji", Role: "command"}

// Readiness of the fixture county equals the hand computation below over
// seeded residents, rooms, tracers, samplers, checkpoints, duty shifts,
// plans and drills (defaults: 20 rooms per 10,000, 30 tracers per county
// and 3 per township with police ≥ 30 %, test everyone in 3 days at 360
// samples a sampler a day, every entrance 值守, every unit on the duty
// roster today, a plan and a drill within 180 days).
func TestScoreAndGapsByHand(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		now, _ := time.ParseInLocation("2006-01-02 15:04", "2026-12-06 10:00", clock.Shanghai)
		clk := func() time.Time { return now }
		s := readiness.NewService(d, jurisdiction.NewStore(d, clk), clk)
		ctx, county := t.Context(), jurisdiction.Grant(dbtest.County)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := d.W().ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		// Residents: 10,000 in township A, 5,000 in B (and 10 who left B).
		people := func(unit string, n, active int) {
			exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < CAST($1 AS INTEGER))
				INSERT INTO people (name, unit_code, active, created_at, updated_at) SELECT '居民', $2, $3, 0, 0 FROM n`, n, unit, active)
		}
		people(dbtest.VillageA, 6000, 1)
		people(dbtest.VillageA2, 4000, 1)
		people(dbtest.VillageB, 5000, 1)
		people(dbtest.VillageB, 10, 0)
		// Rooms: A 12 in an active site; B 3 active, 5 in a closed site.
		site := func(unit, name, status string, rooms int) {
			var id int64
			if err := d.W().QueryRowContext(ctx, `INSERT INTO sites (unit_code, name, status, created_at, updated_at) VALUES ($1, $2, $3, 0, 0) RETURNING id`,
				unit, name, status).Scan(&id); err != nil {
				t.Fatal(err)
			}
			for i := range rooms {
				exec(`INSERT INTO site_rooms (site_id, no, updated_at) VALUES ($1, $2, 0)`, id, fmt.Sprint(i+1))
			}
		}
		site(dbtest.TownshipA, "甲隔离点", "启用", 12)
		site(dbtest.TownshipB, "乙隔离点", "启用", 3)
		site(dbtest.TownshipB, "丙隔离点", "停用", 5)
		// Tracers: A 20 (7 police), B 12 (2 police).
		team := func(unit string, n, police int) {
			for i := range n {
				kind := "卫健"
				if i < police {
					kind = "公安"
				}
				if _, err := s.AddTracer(ctx, cadre, county, readiness.Tracer{UnitCode: unit, Name: fmt.Sprintf("队员%d", i), Kind: kind}); err != nil {
					t.Fatal(err)
				}
			}
		}
		team(dbtest.TownshipA, 20, 7)
		team(dbtest.VillageB, 12, 2)
		var iv *errs.Invalid
		if _, err := s.AddTracer(ctx, cadre, county, readiness.Tracer{UnitCode: dbtest.TownshipA, Name: "某", Kind: "民兵"}); !errors.As(err, &iv) || iv.Field != "kind" {
			t.Fatalf("kind: %v", err)
		}
		if err := s.SetSamplers(ctx, cadre, county, dbtest.TownshipA, 10); err != nil {
			t.Fatal(err)
		}
		if err := s.SetSamplers(ctx, cadre, county, dbtest.TownshipB, 7); err != nil {
			t.Fatal(err)
		}
		if err := s.SetSamplers(ctx, cadre, county, dbtest.TownshipB, 2); err != nil { // replaces 7
			t.Fatal(err)
		}
		// Checkpoints: A two 值守, one 封堵, one 撤除; B none.
		for i, st := range []string{"值守", "值守", "封堵", "撤除"} {
			exec(`INSERT INTO checkpoints (unit_code, name, kind, status, status_since, created_at, updated_at) VALUES ($1, $2, '公路', $3, '2026-12-01', 0, 0)`,
				dbtest.TownshipA, fmt.Sprintf("卡口%d", i), st)
		}
		// Duty today: the county and township A.
		for _, u := range []string{dbtest.County, dbtest.TownshipA} {
			exec(`INSERT INTO duty_shifts (unit_code, starts_at, ends_at, leader, person, created_by, created_at) VALUES ($1, $2, $3, '领导', '值班', 'x', 0)`,
				u, now.Add(-2*time.Hour).UnixMilli(), now.Add(22*time.Hour).UnixMilli())
		}
		if _, err := s.AddPlan(ctx, cadre, county, readiness.Plan{UnitCode: dbtest.TownshipA, Kind: "应急预案", Title: "甘亭街道应急预案", HeldOn: "2026-03-01"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddPlan(ctx, cadre, county, readiness.Plan{UnitCode: dbtest.TownshipA, Kind: "演练", Title: "全员核酸演练", HeldOn: "2026-11-06", Findings: "采样点分流不足"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddPlan(ctx, cadre, county, readiness.Plan{UnitCode: dbtest.TownshipB, Kind: "演练", Title: "明天", HeldOn: "2026-12-07"}); !errors.As(err, &iv) || iv.Field != "held_on" {
			t.Fatalf("future drill: %v", err)
		}
		// By hand. County: 15,000 residents need 30 rooms, has 15; 32
		// tracers ≥ 30, police need ⌈30 % × 32⌉ = 10, has 9; samplers need
		// ⌈15,000 / 1,080⌉ = 14, has 12; entrances 3, 值守 2; duty 2 of 3
		// units; a plan; a drill 30 days ago. Met 3 of 8.
		r, err := s.Get(ctx, county, dbtest.County)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"房间缺口 15 间", "公安流调队员缺口 1 人", "采样人员缺口 2 人（3 天完成全员核酸）", "卡口未值守 1 个（含封堵）", "今日未排班 1 个单位"}
		if r.Met != 3 || r.Score() != 37 || !slices.Equal(r.Gaps(), want) {
			t.Errorf("county: met %d score %d gaps %q, want 3 37 %q (figures %+v)", r.Met, r.Score(), r.Gaps(), want, r.Figures)
		}
		if len(r.Children) != 2 {
			t.Fatalf("children: %+v", r.Children)
		}
		// The summary card says the same: 3 met, 5 not (late); a village has none.
		card, err := s.Summary(ctx, county, dbtest.County, "2026-12-06")
		if met, _ := card.Get("readiness.met"); err != nil || met.Value != 3 {
			t.Errorf("card: %+v %v", card, err)
		}
		if unmet, _ := card.Get("readiness.unmet"); unmet.Value != 5 || !unmet.Late {
			t.Errorf("card unmet: %+v", unmet)
		}
		if vc, err := s.Summary(ctx, county, dbtest.VillageA, "2026-12-06"); err != nil || vc.Domain != "" {
			t.Errorf("village card: %+v %v", vc, err)
		}
		// Township A: 10,000 need 20 rooms, has 12; 20 tracers, 7 police ≥
		// 6; samplers 10 ≥ ⌈10,000 / 1,080⌉ = 10; entrances 3, 值守 2; duty 1
		// of 3 (the township, two villages); plan and drill. Met 5 of 8.
		a := r.Children[0]
		wantA := []string{"房间缺口 8 间", "卡口未值守 1 个（含封堵）", "今日未排班 2 个单位"}
		if a.Unit.Code != dbtest.TownshipA || a.Score != 62 || !slices.Equal(a.Gaps, wantA) {
			t.Errorf("township A: %d %q, want 62 %q", a.Score, a.Gaps, wantA)
		}
		// Township B: 5,000 need 10 rooms, has 3 (the closed site does not
		// count); 12 tracers, police need ⌈3.6⌉ = 4, has 2; samplers need 5,
		// has 2; no checkpoint; duty 0 of 2; no plan, no drill. Met 1 of 8.
		b := r.Children[1]
		wantB := []string{"房间缺口 7 间", "公安流调队员缺口 2 人", "采样人员缺口 3 人（3 天完成全员核酸）", "未登记卡口", "今日未排班 2 个单位", "无应急预案", "近180天无演练"}
		if b.Score != 12 || !slices.Equal(b.Gaps, wantB) {
			t.Errorf("township B: %d %q, want 12 %q", b.Score, b.Gaps, wantB)
		}
		// A standard changed as data changes the score.
		exec(`UPDATE readiness_standards SET target = 10 WHERE key = 'rooms_per_10k'`)
		if rb, err := s.Get(ctx, county, dbtest.TownshipB); err != nil || rb.Gaps()[0] != "房间缺口 2 间" || len(rb.Children) != 0 {
			t.Errorf("township B at 10 rooms per 10,000: %q %v", rb.Gaps(), err)
		}
		if _, err := s.Get(ctx, jurisdiction.Grant(dbtest.TownshipA), dbtest.TownshipB); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("outside the scope: %v", err)
		}
	})
}
