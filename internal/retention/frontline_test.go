package retention_test

import (
	"context"
	"io"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// The front lines' personal data — fever reports, drug buyers, checkpoint
// registrations, place-code scans, walk-ins at the sampling table — is
// cleared once its purpose has ended and its period passed; what is still
// in use (a report without its result, a buyer not yet verified, a
// registration the destination village has not received, a walk-in whose
// tube has no result) and what is inside its period stay whole.
func TestRetentionPurgeFrontLines(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		t0 := time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)
		now := t0.AddDate(0, 0, 31)
		a, err := app.WithDB(app.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }}, d)
		if err != nil {
			t.Fatal(err)
		}
		at := func(days int) int64 { return t0.AddDate(0, 0, days).UnixMilli() }
		exec := func(q string, args ...any) int64 {
			t.Helper()
			var id int64
			if err := d.W().QueryRow(q+" RETURNING id", args...).Scan(&id); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return id
		}
		v := dbtest.VillageA
		// Fever reports: one with its result 31 days ago, one 11 days ago, one still waiting.
		sen := exec(`INSERT INTO sentinels (unit_code, name, kind, created_at, updated_at) VALUES ($1, '卫生室', '村卫生室', 0, 0)`, v)
		report := func(status string, result int64) int64 {
			return exec(`INSERT INTO sentinel_reports (sentinel_id, unit_code, township_code, name, id_number, phone, symptoms, action, status,
				found_at, day, reported_at, ack_due_at, result_at) VALUES ($1, $2, $3, '发热甲', '610118199001010011', '13912345678', '咳嗽', '采样', $4,
				$5, '2026-03-01', $5, $5, $6)`, sen, v, v[:9], status, at(0), result)
		}
		oldReport, newReport, openReport := report("阴性", at(0)), report("阳性", at(20)), report("已送检", 0)
		buyer := func(status string, answered int64, phone string) int64 {
			return exec(`INSERT INTO sentinel_buyers (sentinel_id, village_code, name, id_number, phone, drug_class, bought_at, test_due_at, status,
				answered_at, created_at) VALUES ($1, $2, '购药乙', '610118199001010022', $3, '退烧', $4, $4, $5, $6, $4)`, sen, v, phone, at(0), status, answered)
		}
		oldBuyer, newBuyer, openBuyer := buyer("已检测", at(0), "13900000001"), buyer("已检测", at(20), "13900000002"), buyer("待核查", 0, "13900000003")
		// Checkpoint registrations: one 31 days old, one 11, one 31 days old still awaiting receipt.
		cp := exec(`INSERT INTO checkpoints (unit_code, name, kind, status, status_since, created_at, updated_at) VALUES ($1, '一号卡口', '公路', '值守', '2026-03-01', 0, 0)`, v)
		check := func(n string, when int64) int64 {
			return exec(`INSERT INTO checkpoint_checks (checkpoint_id, unit_code, client_id, checked_at, day, plate, name, id_number, phone, from_text,
				health_code, rule_version, rule_key, rule_outcome, outcome, created_at) VALUES ($1, $2, $3, $4, '2026-03-01', '陕A12345', '司机丙',
				'610118199001010033', '13912345679', '西安市雁塔区', '绿码', 'v1', 'green', '放行', '放行', $4)`, cp, v, "c-"+n, when)
		}
		oldCheck, newCheck, heldCheck := check("old", at(0)), check("new", at(20)), check("held", at(0))
		exec(`INSERT INTO checkpoint_handovers (check_id, checkpoint_id, from_unit, village_code, status, due_at, created_at)
			VALUES ($1, $2, $3, $3, '待接收', $4, $4)`, heldCheck, cp, v, at(1))
		// Place-code scans: 31 and 11 days old (kept 21 days).
		place := exec(`INSERT INTO tracing_places (code, token, name, unit_code, created_at) VALUES ('P1', 'tok1', '超市', $1, 0)`, v)
		oldScan := exec(`INSERT INTO tracing_scans (place_id, scanned_at, name, phone) VALUES ($1, $2, '扫码丁', '13912345670')`, place, at(0))
		newScan := exec(`INSERT INTO tracing_scans (place_id, scanned_at, name, phone) VALUES ($1, $2, '扫码戊', '13912345671')`, place, at(20))
		// Walk-ins: both sampled 31 days ago; one tube has its result, the other not.
		camp := exec(`INSERT INTO test_campaigns (unit_code, name, starts_on, ends_on, pool_size, created_by, created_at, updated_at)
			VALUES ($1, '全员核酸', '2026-03-01', '2026-03-02', 10, 1, 0, 0)`, v)
		pt := exec(`INSERT INTO test_points (campaign_id, unit_code, name, created_at) VALUES ($1, $2, '村委会', 0)`, camp, v)
		tube := func(code, result string) int64 {
			return exec(`INSERT INTO test_tubes (campaign_id, barcode, point_id, unit_code, pool_size, opened_at, opened_by, result)
				VALUES ($1, $2, $3, $4, 10, 0, 1, $5)`, camp, code, pt, v, result)
		}
		walkin := func(tube int64, idn string) int64 {
			return exec(`INSERT INTO test_walkins (scan_id, campaign_id, tube_id, point_id, unit_code, id_number, name, phone, sampled_at, sampler_id)
				VALUES ($1, $2, $3, $4, $5, $1, '流动己', '13912345672', $6, 1)`, idn, camp, tube, pt, v, at(0))
		}
		oldWalkin, waitingWalkin := walkin(tube("T0001", "阴性"), "610118199001010044"), walkin(tube("T0002", ""), "610118199001010055")

		want := map[string]int{"fever_reports": 1, "drug_buyers": 1, "checkpoint_checks": 1, "place_scans": 1, "walkins": 1}
		report0, err := a.Retention.Report(ctx, county)
		if err != nil {
			t.Fatal(err)
		}
		if got := due(report0); !reflect.DeepEqual(got, want) {
			t.Errorf("dry run: %v, want %v", got, want)
		}
		done, err := a.Retention.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := due(done); !reflect.DeepEqual(got, want) {
			t.Errorf("run: %v, want %v", got, want)
		}
		text := func(q string, id int64) string {
			t.Helper()
			var s string
			if err := d.R().QueryRow(q, id).Scan(&s); err != nil {
				t.Fatalf("%s %d: %v", q, id, err)
			}
			return s
		}
		for _, c := range []struct {
			what       string
			q          string
			gone, kept []int64
		}{
			{"fever report", "SELECT name || id_number || phone || symptoms FROM sentinel_reports WHERE id = $1", []int64{oldReport}, []int64{newReport, openReport}},
			{"drug buyer", "SELECT name || id_number FROM sentinel_buyers WHERE id = $1", []int64{oldBuyer}, []int64{newBuyer, openBuyer}},
			{"checkpoint check", "SELECT name || id_number || phone || plate || from_text FROM checkpoint_checks WHERE id = $1", []int64{oldCheck}, []int64{newCheck, heldCheck}},
			{"walk-in", "SELECT name || phone FROM test_walkins WHERE id = $1", []int64{oldWalkin}, []int64{waitingWalkin}},
		} {
			for _, id := range c.gone {
				if s := text(c.q, id); s != "" {
					t.Errorf("%s %d past its period: still %q", c.what, id, s)
				}
			}
			for _, id := range c.kept {
				if s := text(c.q, id); s == "" {
					t.Errorf("%s %d in use or inside its period was cleared", c.what, id)
				}
			}
		}
		var scans []int64
		rows, err := d.R().Query("SELECT id FROM tracing_scans ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			scans = append(scans, id)
		}
		rows.Close()
		if !reflect.DeepEqual(scans, []int64{newScan}) || oldScan == newScan {
			t.Errorf("scans left %v, want only the 11-day-old %d", scans, newScan)
		}
		var rowsLeft int
		d.R().QueryRow("SELECT (SELECT COUNT(*) FROM sentinel_reports) + (SELECT COUNT(*) FROM checkpoint_checks) + (SELECT COUNT(*) FROM test_walkins)").Scan(&rowsLeft)
		if rowsLeft != 3+3+2 {
			t.Errorf("%d report, check and walk-in rows left, want 8: those are anonymised, not deleted", rowsLeft)
		}
		again, err := a.Retention.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := due(again); len(got) != 0 {
			t.Errorf("second run cleared %v", got)
		}
	})
}
