package demo

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/notify"
	"fangkong/internal/policy"
)

// demoCategories is how many demo people get each category (管控措施).
var demoCategories = []struct {
	code, choice string
	n            int
}{
	{"close_contact", "", 90}, {"secondary_contact", "", 60}, {"medium_risk_area", "", 40}, {"high_risk_area", "", 25},
	{"low_risk_area", "", 40}, {"inbound", "", 10}, {"high_risk_post", "home", 10}, {"imported_goods_post", "", 5},
	{"fever", "", 10}, {"pool_positive", "", 15},
}

// loadMeasures puts about three hundred demo people of the first townships
// under measures of every category, day zeros spread over the last ten
// days, with their past health checks and tests mostly done (a few missed,
// a few abnormal), then runs the alert sweep so the command centre sees
// open alerts.
func loadMeasures(ctx context.Context, d *db.DB, now func() time.Time) error {
	ps := policy.NewStore(d, now)
	if err := ps.EnsureDefaults(ctx); err != nil {
		return err
	}
	svc := measure.NewService(d, ps, measure.NoRoundResults, notify.Discard, now)
	who := audit.Actor{Username: "demo", Role: "command", Unit: CountyCode}
	total := 0
	for _, c := range demoCategories {
		total += c.n
	}
	// A dozen in the first village (the demo grid worker's), the rest
	// spread over the county.
	county := demoCounty()
	clo, chi := county.Args()
	var first string
	if err := d.R().QueryRowContext(ctx, `SELECT MIN(code) FROM units WHERE level = $1 AND `+county.Where("code", 2),
		jurisdiction.LevelVillage, clo, chi).Scan(&first); err != nil {
		return fmt.Errorf("demo measures: %w", err)
	}
	village, err := county.Narrow(first)
	if err != nil {
		return fmt.Errorf("demo measures: first village %q: %w", first, err)
	}
	vlo, vhi := village.Args()
	var ids []int64
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`SELECT id FROM people WHERE active = 1 AND ` + village.Where("unit_code", 1) + ` ORDER BY id LIMIT 12`, []any{vlo, vhi}},
		{`SELECT id FROM people WHERE active = 1 AND ` + county.Where("unit_code", 1) + ` AND id % 97 = 0 AND NOT (` + village.Where("unit_code", 3) + `)
			ORDER BY id LIMIT $5`, []any{clo, chi, vlo, vhi, total - 12}},
	} {
		rows, err := d.R().QueryContext(ctx, q.sql, q.args...)
		if err != nil {
			return fmt.Errorf("demo measures: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
	}
	r0 := rand.New(rand.NewPCG(7, 7))
	r0.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	today := clock.Day(now())
	r := rand.New(rand.NewPCG(20220628, 4))
	var ins []measure.AssignInput
	places := []struct{ place, risk string }{{"西安市雁塔区", "高"}, {"西安市未央区", "中"}, {"咸阳市秦都区", "低"}, {"", ""}}
	i := 0
	for _, c := range demoCategories {
		for k := 0; k < c.n && i < len(ids); k++ {
			pl := places[r.IntN(len(places))]
			dz := policy.AddDays(today, -r.IntN(10))
			if c.code == "fever" || c.code == "pool_positive" {
				dz = policy.AddDays(today, -r.IntN(2))
			}
			ins = append(ins, measure.AssignInput{PersonID: ids[i], Category: c.code, Choice: c.choice, DayZero: dz,
				Place: pl.place, RiskLevel: pl.risk, Source: "演示数据"})
			i++
		}
	}
	// The people in the demo's quarantine sites were sent there as close
	// contacts: day zeros over the last eight days put some at the end of
	// 集中隔离 today (or past it) and some due a test, the sites' 今日待办.
	taken := map[int64]bool{}
	for _, in := range ins {
		taken[in.PersonID] = true
	}
	rows, err := d.R().QueryContext(ctx, `SELECT person_id FROM site_stays WHERE open = 1 ORDER BY id`)
	if err != nil {
		return fmt.Errorf("demo measures: %w", err)
	}
	var residents []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		residents = append(residents, id)
	}
	rows.Close()
	for k, id := range residents {
		if taken[id] {
			continue
		}
		taken[id] = true
		ins = append(ins, measure.AssignInput{PersonID: id, Category: "close_contact", DayZero: policy.AddDays(today, -1-k%8),
			Place: "西安市雁塔区", RiskLevel: "高", Source: "演示数据"})
	}
	if _, err := svc.AssignMany(ctx, who, county, ins); err != nil {
		return fmt.Errorf("demo measures: %w", err)
	}
	nowMs := now().UnixMilli()
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		// Assigned on day zero, so the days since count for checks and tests.
		if _, err := tx.ExecContext(ctx, `UPDATE measures SET assigned_on = CASE WHEN day_zero < $1 THEN day_zero ELSE $1 END
			WHERE source = '演示数据'`, today); err != nil {
			return err
		}
		type ph struct {
			id         int64
			unit       string
			start, end string
			checks     int
		}
		var phases []ph
		rows, err := tx.QueryContext(ctx, `SELECT ph.measure_id, ph.unit_code, ph.start_date, ph.end_date, ph.checks_daily FROM measure_phases ph
			JOIN measures m ON m.id = ph.measure_id WHERE m.source = '演示数据' AND ph.checks_daily > 0 ORDER BY ph.measure_id, ph.seq`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var p ph
			if err := rows.Scan(&p.id, &p.unit, &p.start, &p.end, &p.checks); err != nil {
				rows.Close()
				return err
			}
			phases = append(phases, p)
		}
		rows.Close()
		checks, err := d.NewInserter(ctx, tx, "measure_checks", []string{"measure_id", "unit_code", "day", "at", "temp_tenths",
			"symptoms", "abnormal", "via", "recorded_by"}, "")
		if err != nil {
			return err
		}
		type ab struct {
			id        int64
			unit, day string
			temp      int
		}
		var abnormal []ab
		for _, p := range phases {
			for day := p.start; day <= p.end && day <= today; day = policy.AddDays(day, 1) {
				if r.IntN(100) < 6 && day < today { // a missed day: 脱管
					continue
				}
				n := p.checks
				if day == today {
					n = r.IntN(p.checks + 1)
				}
				for k := 0; k < n; k++ {
					t, _ := time.ParseInLocation("2006-01-02 15:04", fmt.Sprintf("%s %02d:%02d", day, 8+k*10, r.IntN(50)), clock.Shanghai)
					if t.UnixMilli() > nowMs {
						continue
					}
					temp, sym, abn, via := 360+r.IntN(10), "", 0, "grid"
					if r.IntN(200) == 0 {
						temp, sym, abn = 373+r.IntN(12), "发热", 1
						abnormal = append(abnormal, ab{p.id, p.unit, day, temp})
					}
					if r.IntN(3) == 0 {
						via = "self"
					}
					if err := checks.Add(p.id, p.unit, day, t.UnixMilli(), temp, sym, abn, via, "演示网格员"); err != nil {
						return err
					}
				}
			}
		}
		if err := checks.Close(); err != nil {
			return err
		}
		for _, a := range abnormal {
			if _, err := tx.ExecContext(ctx, `INSERT INTO measure_alerts (measure_id, person_id, unit_code, kind, day, detail, level, opened_at)
				SELECT id, person_id, unit_code, 'abnormal', $1, $2, $3, $4 FROM measures WHERE id = $5
				ON CONFLICT (measure_id, kind, day) DO NOTHING`, a.day, fmt.Sprintf("体温 %d.%d℃，症状：发热", a.temp/10, a.temp%10),
				jurisdiction.LevelTownship, nowMs-int64(r.IntN(20))*3600_000, a.id); err != nil {
				return err
			}
		}
		// Past tests sampled and negative, today's half sampled.
		if _, err := tx.ExecContext(ctx, `UPDATE measure_tests SET sampled_at = $1, result = 'negative', result_at = $1, recorded_by = '演示'
			WHERE due < $2 AND id % 20 <> 7 AND measure_id IN (SELECT id FROM measures WHERE source = '演示数据')`, nowMs, today); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE measure_tests SET sampled_at = $1, recorded_by = '演示'
			WHERE due = $2 AND id % 2 = 0 AND measure_id IN (SELECT id FROM measures WHERE source = '演示数据')`, nowMs, today)
		return err
	})
	if err != nil {
		return fmt.Errorf("demo measures: %w", err)
	}
	if _, err := svc.Sweep(ctx, now()); err != nil {
		return fmt.Errorf("demo measures: %w", err)
	}
	return nil
}
