package sampling_test

// Acceptance: a round over the demo county (鄠邑区), 10 in 1. Most people are
// sampled through the batch write path (ScanBatch → applyScans), labs report results
// with some positive and invalid pools, and the coverage numbers, the
// untested list and the retest list are compared with direct counts in SQL.
//
// Size: 3,000 people on every run, 20,000 with FANGKONG_ACCEPTANCE=1 (as
// .ci/run sets it), or FANGKONG_ACCEPTANCE_PEOPLE people; the full
// run is
//   FANGKONG_ACCEPTANCE_PEOPLE=550000 go test -run TestAcceptanceDemoCounty ./internal/sampling/
// (SQLite; set FANGKONG_TEST_POSTGRES as well to run it on PostgreSQL too).

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/demo"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sampling"
)

func acceptancePeople() int {
	if n, err := strconv.Atoi(os.Getenv("FANGKONG_ACCEPTANCE_PEOPLE")); err == nil && n > 0 {
		return n
	}
	if dbtest.AcceptanceOn() {
		return 20_000
	}
	return 3_000
}

func TestAcceptanceDemoCounty(t *testing.T) {
	if testing.Short() {
		t.Skip("acceptance run skipped in -short mode")
	}
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
		clk := func() time.Time { return now }
		units := jurisdiction.NewStore(d, clk)
		start := time.Now()
		if _, err := demo.Load(ctx, d, units, auth.NewService(d, units, clk), demo.Options{People: acceptancePeople(), Now: clk, SkipSampling: true}); err != nil {
			t.Fatal(err)
		}
		t.Logf("demo county loaded in %v", time.Since(start).Round(time.Millisecond))
		s := sampling.NewService(d, units, sampling.NoAssign, clk)
		county := jurisdiction.Grant(demo.CountyCode)
		boss := audit.Actor{UserID: 1, Username: "zhihuibu", Role: "command", Unit: demo.CountyCode}
		c, err := s.CreateCampaign(ctx, boss, county, sampling.CampaignInput{UnitCode: demo.CountyCode, Name: "全区全员核酸第一轮",
			StartsOn: "2026-11-25", EndsOn: "2026-11-26", PoolSize: 10})
		if err != nil {
			t.Fatal(err)
		}
		// One point per township, in its first village.
		townships, err := units.Units(ctx, county, jurisdiction.LevelTownship)
		if err != nil {
			t.Fatal(err)
		}
		point := map[string]int64{}
		for _, tw := range townships {
			kids, err := units.Children(ctx, county, tw.Code)
			if err != nil || len(kids) == 0 {
				continue
			}
			p, err := s.AddPoint(ctx, boss, county, sampling.Point{CampaignID: c.ID, UnitCode: kids[0].Code, Name: tw.Name + "采样点", Tables: 20})
			if err != nil {
				t.Fatal(err)
			}
			point[tw.Code] = p.ID
		}
		lab, err := s.AddLab(ctx, boss, county, sampling.Lab{CampaignID: c.ID, Name: "区疾控中心实验室", CapacityPerHour: 5000})
		if err != nil {
			t.Fatal(err)
		}
		start = time.Now()
		if c, err = s.StartCampaign(ctx, boss, county, c.ID); err != nil {
			t.Fatal(err)
		}
		t.Logf("campaign started (%d targets snapshotted, codes made) in %v", c.TargetCount, time.Since(start).Round(time.Millisecond))

		// Everyone in the snapshot, in village and household order; one in
		// 20 stays home (untested); half scan their code, half their ID.
		type target struct {
			id         int64
			unit, code string
		}
		var targets []target
		rows, err := d.R().QueryContext(ctx, `SELECT t.person_id, t.unit_code, CASE WHEN p.id_number IS NOT NULL AND p.id % 2 = 0 THEN p.id_number ELSE c.code END
			FROM campaign_targets t JOIN people p ON p.id = t.person_id JOIN sampling_codes c ON c.person_id = t.person_id
			WHERE t.campaign_id = $1 ORDER BY t.unit_code, p.household_id, p.id`, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var x target
			if err := rows.Scan(&x.id, &x.unit, &x.code); err != nil {
				t.Fatal(err)
			}
			targets = append(targets, x)
		}
		rows.Close()
		sampler := audit.Actor{UserID: 2, Username: "caiyang", Role: "sampling", Unit: demo.CountyCode}
		var batch []sampling.ScanRequest
		tubeOf := map[string]int{} // township → open tube number
		filled := map[string]int{}
		counts := map[string]int{}
		flush := func() {
			if len(batch) == 0 {
				return
			}
			res, err := s.ScanBatch(ctx, sampler, county, batch)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range res {
				counts[r.Result]++
				if r.Result == sampling.ResultRefused {
					t.Fatalf("scan %+v refused: %s", batch[i], r.Message)
				}
			}
			batch = batch[:0]
		}
		start = time.Now()
		for i, x := range targets {
			if x.id%20 == 0 {
				continue
			}
			tw := x.unit[:9]
			if filled[tw] == 10 {
				tubeOf[tw]++
				filled[tw] = 0
			}
			filled[tw]++
			req := sampling.ScanRequest{ScanID: fmt.Sprintf("acc-%d", x.id), CampaignID: c.ID, PointID: point[tw],
				Tube: fmt.Sprintf("T%s%06d", tw[6:], tubeOf[tw]), Code: x.code}
			batch = append(batch, req)
			if i%997 == 0 { // a retried request: replayed, not a second sample
				batch = append(batch, req)
			}
			if len(batch) >= 500 {
				flush()
			}
		}
		flush()
		elapsed := time.Since(start)
		t.Logf("%d scans through the batch path in %v (%.0f/s): %v", counts[sampling.ResultAdded]+counts[sampling.ResultReplayed], elapsed.Round(time.Millisecond),
			float64(counts[sampling.ResultAdded])/elapsed.Seconds(), counts)

		// Results: tube n of each township is positive when n%97 == 5, invalid when n%89 == 7.
		now = now.Add(5 * time.Hour)
		var results []sampling.ResultRow
		tubes, err := d.R().QueryContext(ctx, "SELECT barcode FROM test_tubes WHERE campaign_id = $1 ORDER BY barcode", c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for tubes.Next() {
			var b string
			tubes.Scan(&b)
			n, _ := strconv.Atoi(b[len(b)-6:])
			r := "阴性"
			switch {
			case n%97 == 5:
				r = "阳性"
			case n%89 == 7:
				r = "无效"
			}
			results = append(results, sampling.ResultRow{Tube: b, Result: r})
		}
		tubes.Close()
		rep, err := s.RecordResults(ctx, sampler, county, c.ID, lab.ID, results, false)
		if err != nil || !rep.Applied || rep.BadRows != 0 {
			t.Fatalf("results: %+v %v", rep, err)
		}
		t.Logf("results: %d tubes, %d positive, %d invalid, %d people to retest", rep.Tubes, rep.Positive, rep.Invalid, rep.Retests)

		// --- Direct SQL, independent of campaign_targets: the people the
		// round was for, the ones sampled, the members of bad pools.
		lo, hi := county.Args()
		const present = ` FROM people p WHERE p.active = 1 AND p.unit_code >= $1 AND p.unit_code < $2 AND p.residence NOT IN ('外出务工', '外出上学')`
		sqlCount := func(q string, args ...any) map[string][2]int {
			out := map[string][2]int{}
			eachRow(ctx, d.R(), q, args, func(r *sql.Rows) error {
				var code string
				var a, b int
				if err := r.Scan(&code, &a, &b); err != nil {
					return err
				}
				out[code] = [2]int{a, b}
				return nil
			})
			return out
		}
		byTownship := sqlCount(`SELECT substr(p.unit_code, 1, 9), COUNT(*),
			SUM(CASE WHEN EXISTS (SELECT 1 FROM test_samples s WHERE s.campaign_id = $3 AND s.person_id = p.id) THEN 1 ELSE 0 END)`+present+
			` GROUP BY substr(p.unit_code, 1, 9)`, lo, hi, c.ID)
		cov, err := s.Coverage(ctx, county, c.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		total := [2]int{}
		for _, ch := range cov.Children {
			want := byTownship[ch.Code]
			total[0], total[1] = total[0]+want[0], total[1]+want[1]
			if ch.Target != want[0] || ch.Tested != want[1] {
				t.Errorf("township %s: coverage %d/%d, SQL %d/%d", ch.Code, ch.Tested, ch.Target, want[1], want[0])
			}
		}
		if cov.Total.Target != total[0] || cov.Total.Tested != total[1] || cov.Total.Target != len(targets) {
			t.Errorf("county: coverage %d/%d, SQL %d/%d", cov.Total.Tested, cov.Total.Target, total[1], total[0])
		}
		t.Logf("county coverage %d/%d (%s), %d untested, %d retests", cov.Total.Tested, cov.Total.Target, cov.Total.Percent(), cov.Total.Untested(), cov.Total.Retests)
		// Every village of one township, and the untested list of its largest village, person by person.
		tw := cov.Children[0].Code
		tcov, err := s.Coverage(ctx, county, c.ID, tw)
		if err != nil {
			t.Fatal(err)
		}
		tlo, thi := jurisdiction.Grant(tw).Args()
		byVillage := sqlCount(`SELECT substr(p.unit_code, 1, 12), COUNT(*),
			SUM(CASE WHEN EXISTS (SELECT 1 FROM test_samples s WHERE s.campaign_id = $3 AND s.person_id = p.id) THEN 1 ELSE 0 END)`+present+
			` GROUP BY substr(p.unit_code, 1, 12)`, tlo, thi, c.ID)
		biggest := tcov.Children[0]
		for _, v := range tcov.Children {
			if want := byVillage[v.Code]; v.Target != want[0] || v.Tested != want[1] {
				t.Errorf("village %s: coverage %d/%d, SQL %d/%d", v.Code, v.Tested, v.Target, want[1], want[0])
			}
			if v.Untested() > biggest.Untested() {
				biggest = v
			}
		}
		var listed []int64
		for off := 0; ; off += 500 {
			page, n, err := s.Untested(ctx, county, c.ID, biggest.Code, 500, off)
			if err != nil {
				t.Fatal(err)
			}
			if n != biggest.Untested() {
				t.Errorf("untested total %d, coverage says %d", n, biggest.Untested())
			}
			for _, p := range page {
				listed = append(listed, p.PersonID)
			}
			if len(page) < 500 {
				break
			}
		}
		vlo, vhi := jurisdiction.Grant(biggest.Code).Args()
		want := sqlIDs(t, d, `SELECT p.id`+present+` AND NOT EXISTS (SELECT 1 FROM test_samples s WHERE s.campaign_id = $3 AND s.person_id = p.id)`, vlo, vhi, c.ID)
		if !sameIDs(listed, want) || len(want) == 0 {
			t.Errorf("untested list of %s: %d people, SQL %d", biggest.Code, len(listed), len(want))
		}
		// The retest list: every member of every positive or invalid pool, county-wide and per village.
		var retests []int64
		for off := 0; ; off += 500 {
			page, n, err := s.Retests(ctx, county, c.ID, "", 500, off)
			if err != nil {
				t.Fatal(err)
			}
			if n != rep.Retests || n != cov.Total.Retests {
				t.Errorf("retest total %d, upload said %d, coverage %d", n, rep.Retests, cov.Total.Retests)
			}
			for _, p := range page {
				retests = append(retests, p.PersonID)
			}
			if len(page) < 500 {
				break
			}
		}
		want = sqlIDs(t, d, `SELECT s.person_id FROM test_samples s JOIN test_tubes t ON t.id = s.tube_id
			WHERE s.campaign_id = $1 AND t.result IN ('positive', 'invalid')`, c.ID)
		if !sameIDs(retests, want) || len(want) == 0 {
			t.Errorf("retest list: %d people, SQL %d", len(retests), len(want))
		}
		for _, v := range tcov.Children {
			var n int
			d.R().QueryRow(`SELECT COUNT(*) FROM test_samples s JOIN test_tubes t ON t.id = s.tube_id
				WHERE s.campaign_id = $1 AND t.result IN ('positive', 'invalid') AND s.unit_code >= $2 AND s.unit_code < $3`,
				c.ID, v.Code, v.Code+"~").Scan(&n)
			if v.Retests != n {
				t.Errorf("village %s: %d retests, SQL %d", v.Code, v.Retests, n)
			}
		}
		// Nobody twice, and the replays made nothing.
		var samples, people int
		d.R().QueryRow("SELECT COUNT(*), COUNT(DISTINCT person_id) FROM test_samples WHERE campaign_id = $1", c.ID).Scan(&samples, &people)
		if samples != people || samples != counts[sampling.ResultAdded] {
			t.Errorf("%d samples of %d people, %d added", samples, people, counts[sampling.ResultAdded])
		}
	})
}

func sqlIDs(t *testing.T, d *db.DB, q string, args ...any) []int64 {
	t.Helper()
	var out []int64
	if err := eachRow(context.Background(), d.R(), q, args, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		out = append(out, id)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = append([]int64(nil), a...), append([]int64(nil), b...)
	sort.Slice(a, func(i, j int) bool { return a[i] < a[j] })
	sort.Slice(b, func(i, j int) bool { return b[i] < b[j] })
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func eachRow(ctx context.Context, q *sql.DB, query string, args []any, f func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
