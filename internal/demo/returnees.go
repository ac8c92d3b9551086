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
	"fangkong/internal/personal"
	"fangkong/internal/riskarea"
)

// demoRiskAreas is the risk-area list of the demo: districts of 西安 in the
// winter 2021–22 outbreak, and a few places elsewhere (real division codes
// from ../shared/data).
var demoRiskAreas = []riskarea.Entry{
	{Code: "610113", PlaceName: "陕西省西安市雁塔区", Level: "中", EffectiveFrom: "2021-12-14", EffectiveTo: "2022-01-24"},
	{Code: "610113", PlaceName: "陕西省西安市雁塔区", Detail: "明德门小区", Level: "高", EffectiveFrom: "2021-12-22", EffectiveTo: "2022-01-20"},
	{Code: "610116", PlaceName: "陕西省西安市长安区", Level: "中", EffectiveFrom: "2021-12-20", EffectiveTo: "2022-01-24"},
	{Code: "610116006", PlaceName: "陕西省西安市长安区郭杜街道", Level: "高", EffectiveFrom: "2021-12-25", EffectiveTo: "2022-01-18"},
	{Code: "610112", PlaceName: "陕西省西安市未央区", Level: "中", EffectiveFrom: "2021-12-23", EffectiveTo: "2022-01-22"},
	{Code: "610102", PlaceName: "陕西省西安市新城区", Level: "低", EffectiveFrom: "2021-12-25", EffectiveTo: "2022-01-25"},
	{Code: "610104", PlaceName: "陕西省西安市莲湖区", Level: "低", EffectiveFrom: "2021-12-25"},
	{Code: "6101", PlaceName: "陕西省西安市", Level: "防范区", EffectiveFrom: "2021-12-23", EffectiveTo: "2022-01-31"},
	{Code: "330604", PlaceName: "浙江省绍兴市上虞区", Level: "中", EffectiveFrom: "2021-12-09", EffectiveTo: "2022-01-05"},
	{Code: "410105", PlaceName: "河南省郑州市金水区", Level: "高", EffectiveFrom: "2022-01-04", EffectiveTo: "2022-02-01"},
	{Code: "120104", PlaceName: "天津市南开区", Level: "中", EffectiveFrom: "2022-01-09"},
}

// origins weighted toward 西安's districts and the usual work destinations.
var demoOrigins = []struct{ code, name, detail string }{
	{"610113", "陕西省西安市雁塔区", ""}, {"610113", "陕西省西安市雁塔区", "明德门小区"}, {"610116", "陕西省西安市长安区", ""},
	{"610116006", "陕西省西安市长安区郭杜街道", ""}, {"610112", "陕西省西安市未央区", ""}, {"610102", "陕西省西安市新城区", ""},
	{"610104", "陕西省西安市莲湖区", ""}, {"610103", "陕西省西安市碑林区", ""}, {"610113", "陕西省西安市雁塔区", "电子城"},
	{"440305", "广东省深圳市南山区", ""}, {"310115", "上海市浦东新区", ""}, {"330604", "浙江省绍兴市上虞区", ""},
	{"410105", "河南省郑州市金水区", ""}, {"110105", "北京市朝阳区", ""}, {"120104", "天津市南开区", ""},
	{"320506", "江苏省苏州市吴中区", ""}, {"620102", "甘肃省兰州市城关区", ""},
}

var demoSources = []string{"敲门排查", "敲门排查", "大数据推送", "大数据推送", "自主报备", "卡口移交", "单位报送"}
var demoTransports = []string{"自驾", "火车", "火车", "客车", "飞机", "其他"}

// storyToday is the day of the winter 2021–22 story the demo is built on
// (the county-wide sweep half done); the demo moves every date of the story
// by the days from it to the day the demo is loaded, so risk areas,
// returnees, sweeps, push lists, measures and testing share the same weeks.
var storyToday = time.Date(2022, 1, 15, 0, 0, 0, 0, time.UTC)

// story moves dates of the story to the load day.
type story struct{ shift int }

func newStory(now time.Time) story {
	today, err := time.Parse(time.DateOnly, clock.Day(now)) // the day in China
	if err != nil {
		panic(err)
	}
	return story{shift: int(today.Sub(storyToday).Hours() / 24)}
}

// day moves a story date ("2006-01-02"); "" stays "".
func (s story) day(v string) string {
	if v == "" {
		return ""
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		panic(err) // story dates are constants
	}
	return t.AddDate(0, 0, s.shift).Format(time.DateOnly)
}

// date moves a story time.
func (s story) date(t time.Time) time.Time { return t.AddDate(0, 0, s.shift) }

// loadReturnees adds the risk-area list, about one returnee per 120 people
// (arrivals over the five weeks before the load day, levels computed from
// the list), a county-wide sweep under way with visits and a few pending
// self-reports.
func loadReturnees(ctx context.Context, d *db.DB, seed int64, now func() time.Time) error {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5e1f))
	st := newStory(now())
	actor := audit.Actor{Username: "demo", Role: "admin", Unit: CountyCode}
	// The arrivals are loaded below with levels computed from the list: no
	// relevel needed when it is built.
	risk := riskarea.NewService(d, riskarea.NewLookup(d, riskarea.NoNames), riskarea.NoRelevel, now)
	for _, e := range demoRiskAreas {
		e.EffectiveFrom, e.EffectiveTo = st.day(e.EffectiveFrom), st.day(e.EffectiveTo)
		if _, err := risk.Add(ctx, actor, e); err != nil {
			return fmt.Errorf("demo risk areas: %w", err)
		}
	}
	type person struct {
		id, hh     int64
		unit, name string
	}
	var people []person
	rows, err := d.R().QueryContext(ctx, `SELECT id, COALESCE(household_id, 0), unit_code, name FROM people
		WHERE active = 1 AND residence <> '常住' AND id % 7 = 3 ORDER BY id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.id, &p.hh, &p.unit, &p.name); err != nil {
			rows.Close()
			return err
		}
		people = append(people, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	start := st.date(time.Date(2021, 12, 12, 0, 0, 0, 0, time.UTC))
	ms := now().UnixMilli()
	return d.Tx(ctx, func(tx *sql.Tx) error {
		ins, err := d.NewInserter(ctx, tx, "returnees", []string{"person_id", "unit_code", "household_id", "name", "origin_code", "origin_name",
			"origin_detail", "origin_level", "origin_rank", "departed_on", "arrived_on", "transport", "transport_no", "sources",
			"source_refs", "test_sampled_at", "symptoms", "gatherings", "companions", "status", "note", "verified_by", "verified_at",
			"version", "created_at", "updated_at"}, "")
		if err != nil {
			return err
		}
		for _, p := range people {
			o := demoOrigins[rng.IntN(len(demoOrigins))]
			arrived := start.AddDate(0, 0, rng.IntN(35)) // up to the load day
			departed := arrived.AddDate(0, 0, -rng.IntN(3))
			dep, arr := departed.Format("2006-01-02"), arrived.Format("2006-01-02")
			m, err := risk.LevelOn(ctx, o.code, o.detail, dep)
			if err != nil {
				return err
			}
			tr := demoTransports[rng.IntN(len(demoTransports))]
			no := ""
			switch tr {
			case "火车":
				no = fmt.Sprintf("G%d", 1000+rng.IntN(8000))
			case "自驾":
				no = fmt.Sprintf("陕A%05d", rng.IntN(100000))
			case "飞机":
				no = fmt.Sprintf("MU%04d", rng.IntN(10000))
			}
			src := demoSources[rng.IntN(len(demoSources))]
			if rng.IntN(5) == 0 {
				src += ",大数据推送"
			}
			status, by, at := "已核实", "demo", ms
			if rng.IntN(6) == 0 {
				status, by, at = "待核实", "", 0
			}
			test := ""
			if rng.IntN(3) > 0 {
				test = departed.AddDate(0, 0, -1).Format("2006-01-02") + fmt.Sprintf(" %02d:%02d", 8+rng.IntN(10), rng.IntN(60))
			}
			var hh any
			if p.hh != 0 {
				hh = p.hh
			}
			if err := ins.Add(p.id, p.unit, hh, p.name, o.code, o.name, o.detail, m.Level, riskarea.Rank(m.Level), dep, arr, tr, no,
				src, "", test, "", "", "", status, "", by, at, 1, ms, ms); err != nil {
				return err
			}
		}
		if err := ins.Close(); err != nil {
			return err
		}
		if err := demoSweep(ctx, d, tx, rng, st, ms); err != nil {
			return err
		}
		return demoSelfReports(ctx, tx, rng, st, ms)
	})
}

// demoSelfReports leaves a few self-reports waiting in the first village's
// queue (the demo grid worker's).
func demoSelfReports(ctx context.Context, tx *sql.Tx, rng *rand.Rand, st story, ms int64) error {
	var village string
	county := demoCounty()
	lo, hi := county.Args()
	if err := tx.QueryRowContext(ctx, "SELECT MIN(code) FROM units WHERE level = 5 AND "+county.Where("code", 1),
		lo, hi).Scan(&village); err != nil {
		return err
	}
	for i, name := range []string{"任晓峰", "郭佳怡", "雷振华", "屈梦瑶", "樊建军"} {
		birth := time.Date(1975+i*6, time.Month(1+i), 3+i, 0, 0, 0, 0, time.UTC).Format("20060102")
		first17 := "610118" + birth + fmt.Sprintf("%03d", 300+rng.IntN(600))
		id := first17 + string(personal.IDCheckDigit(first17))
		o := demoOrigins[i*3%len(demoOrigins)]
		day := st.day(fmt.Sprintf("2022-01-%02d", 11+i))
		if _, err := tx.ExecContext(ctx, `INSERT INTO self_reports (village_code, name, id_number, phone, address, origin_code, origin_detail,
			departed_on, arrived_on, transport, transport_no, ip, status, version, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, '火车', $9, '', '待确认', 1, $10)`, village, name, id,
			fmt.Sprintf("1390918%04d", rng.IntN(10000)), fmt.Sprintf("西街%d号", 10+i), o.code, o.name+o.detail, day,
			fmt.Sprintf("G%d", 2000+rng.IntN(900)), ms); err != nil {
			return err
		}
	}
	return nil
}

// demoSweep opens a county-wide sweep and marks most households visited,
// township by township at different paces.
func demoSweep(ctx context.Context, d *db.DB, tx *sql.Tx, rng *rand.Rand, st story, ms int64) error {
	var sweepID int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO sweeps (unit_code, name, starts_on, ends_on, closed, created_by, created_at, version)
		VALUES ($1, '春节前返乡人员第一轮敲门排查', $3, $4, 0, 'demo', $2, 1) RETURNING id`, CountyCode, ms,
		st.day("2022-01-05"), st.day("2022-01-20")).Scan(&sweepID); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, "SELECT id, unit_code FROM households ORDER BY id")
	if err != nil {
		return err
	}
	type hh struct {
		id   int64
		unit string
	}
	var all []hh
	for rows.Next() {
		var h hh
		if err := rows.Scan(&h.id, &h.unit); err != nil {
			rows.Close()
			return err
		}
		all = append(all, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	ins, err := d.NewInserter(ctx, tx, "sweep_visits", []string{"sweep_id", "household_id", "unit_code", "visited_on", "visited_by",
		"present", "returnees", "note", "version", "created_at", "updated_at"}, "")
	if err != nil {
		return err
	}
	present := []string{"户主", "户主、配偶", "全家在家", "老人在家", "户主、子女"}
	for _, h := range all {
		pace := 55 + int(h.unit[8]-'0')*4 // township's last digit: 55–91 %
		if rng.IntN(100) >= pace {
			continue
		}
		day := st.day(fmt.Sprintf("2022-01-%02d", 5+rng.IntN(10)))
		n := 0
		if rng.IntN(12) == 0 {
			n = 1 + rng.IntN(2)
		}
		if err := ins.Add(sweepID, h.id, h.unit, day, "demo", present[rng.IntN(len(present))], n, "", 1, ms, ms); err != nil {
			return err
		}
	}
	// An earlier round over the county seat's township, finished and closed.
	var seatID int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO sweeps (unit_code, name, starts_on, ends_on, closed, created_by, created_at, version)
		VALUES ($1, '甘亭街道元旦前排查', $3, $4, 1, 'demo', $2, 2) RETURNING id`, CountyCode+"001", ms,
		st.day("2021-12-24"), st.day("2021-12-31")).Scan(&seatID); err != nil {
		return err
	}
	for _, h := range all {
		if h.unit[:9] != CountyCode+"001" || rng.IntN(100) >= 97 {
			continue
		}
		if err := ins.Add(seatID, h.id, h.unit, st.day(fmt.Sprintf("2021-12-%02d", 24+rng.IntN(8))), "demo", present[rng.IntN(len(present))],
			0, "", 1, ms, ms); err != nil {
			return err
		}
	}
	return ins.Close()
}
