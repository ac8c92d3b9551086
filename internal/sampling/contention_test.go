package sampling_test

// Contention: many sampling tables fill the same tubes at once. On
// PostgreSQL the group-commit batcher runs several writers, so one tube's
// scans land in concurrent batches (and a new tube is created by one of
// them while the others wait). Every scan must be accepted until its tube
// is full, no batch may deadlock another, and each tube ends exactly full.

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"
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

func TestConcurrentScansFillSharedTubes(t *testing.T) {
	if testing.Short() {
		t.Skip("contention run skipped in -short mode")
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		loadCounty(t, d, 2000)
		// The scans run on a handle of their own, so that its backends can
		// be closed (flushing their statistics) before the deadlocks are read.
		load := loadHandle(t, d)
		svc := sampling.NewService(load, jurisdiction.NewStore(load, time.Now), sampling.NoAssign, time.Now)
		deadlocks := deadlockCount(t, d)
		for _, size := range []int{10, 5, 20} {
			c, pt, codes := startRound(t, svc, size)
			tubes := len(codes) / (8 * size) * 8
			codes = codes[:tubes*size]
			// 64 clients at 8 tables: each table fills its own tubes one
			// after another, its 8 clients taking the table's next scan.
			// The scans in flight fill a dozen tubes, most of them new, and
			// arrive at the batcher in no particular order of tube.
			const tables, clients = 8, 8
			var next [tables]atomic.Int64
			var wg sync.WaitGroup
			var refused atomic.Int64
			for w := 0; w < tables*clients; w++ {
				table := w % tables
				wg.Go(func() {
					sampler := audit.Actor{UserID: int64(w + 2), Username: fmt.Sprint("cyy", w), Role: "sampling", Unit: demo.CountyCode}
					for {
						// The table's k-th scan is the list's (k*tables+table)-th.
						i := int(next[table].Add(1)-1)*tables + table
						if i >= len(codes) {
							return
						}
						tube := fmt.Sprintf("C%02d-%d-%05d", size, table, i/tables/size)
						r, err := svc.Scan(ctx, sampler, wholeCounty, sampling.ScanRequest{ScanID: fmt.Sprintf("c%d-%d", size, i),
							CampaignID: c.ID, PointID: pt.ID, Tube: tube, Code: codes[i]})
						if err != nil || r.Result != sampling.ResultAdded {
							if refused.Add(1) <= 5 {
								t.Errorf("%d in 1, scan %d: %s %q %v", size, i, r.Result, r.Message, err)
							}
						}
					}
				})
			}
			wg.Wait()
			if n := refused.Load(); n > 0 {
				t.Errorf("%d in 1: %d of %d scans not added", size, n, len(codes))
			}
			var full, samples int
			d.R().QueryRow(`SELECT COUNT(*) FROM test_tubes WHERE campaign_id = $1 AND count = pool_size AND closed_at <> 0`, c.ID).Scan(&full)
			d.R().QueryRow(`SELECT COUNT(*) FROM test_samples WHERE campaign_id = $1`, c.ID).Scan(&samples)
			if full != tubes || samples != len(codes) {
				t.Errorf("%d in 1: %d of %d tubes exactly full, %d samples of %d", size, full, tubes, samples, len(codes))
			}
		}
		if d.Dialect == db.Postgres {
			load.Close()
			waitBackendsGone(t, d)
			if n := deadlockCount(t, d); n != deadlocks {
				t.Errorf("%d deadlocks during the run", n-deadlocks)
			}
		}
	})
}

// A copy of a scan sent while the original is still in flight (a phone
// that resends on a slow answer) answers replayed, like a copy sent after
// it: never already_sampled, which would tell the sampler the person was
// sampled by another scan.
func TestConcurrentCopiesOfAScanAnswerReplayed(t *testing.T) {
	if testing.Short() {
		t.Skip("contention run skipped in -short mode")
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		loadCounty(t, d, 2000)
		svc := sampling.NewService(d, jurisdiction.NewStore(d, time.Now), sampling.NoAssign, time.Now)
		c, pt, codes := startRound(t, svc, 10)
		codes = codes[:len(codes)/10*10]
		// 63 clients take the next send from one list in which each scan
		// appears three times in a row: 21 scans in flight, each three times.
		const copies = 3
		answers := make([][copies]string, len(codes))
		var next atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < 63; w++ {
			wg.Go(func() {
				sampler := audit.Actor{UserID: int64(w + 2), Username: fmt.Sprint("cyy", w), Role: "sampling", Unit: demo.CountyCode}
				for {
					k := int(next.Add(1) - 1)
					i := k / copies
					if i >= len(codes) {
						return
					}
					r, err := svc.Scan(ctx, sampler, wholeCounty, sampling.ScanRequest{ScanID: fmt.Sprint("dup-", i),
						CampaignID: c.ID, PointID: pt.ID, Tube: fmt.Sprintf("D-%05d", i/10), Code: codes[i]})
					answers[i][k%copies] = r.Result
					if err != nil {
						answers[i][k%copies] = err.Error()
					}
				}
			})
		}
		wg.Wait()
		bad := 0
		for i, a := range answers {
			added, replayed := 0, 0
			for _, r := range a {
				switch r {
				case sampling.ResultAdded:
					added++
				case sampling.ResultReplayed:
					replayed++
				}
			}
			if added != 1 || replayed != copies-1 {
				if bad++; bad <= 5 {
					t.Errorf("scan %d: answers %q, want one added and %d replayed", i, a, copies-1)
				}
			}
		}
		if bad > 0 {
			t.Errorf("%d of %d scans sent %d times at once answered otherwise", bad, len(codes), copies)
		}
		var full, samples int
		d.R().QueryRow(`SELECT COUNT(*) FROM test_tubes WHERE campaign_id = $1 AND count = pool_size`, c.ID).Scan(&full)
		d.R().QueryRow(`SELECT COUNT(*) FROM test_samples WHERE campaign_id = $1`, c.ID).Scan(&samples)
		if full != len(codes)/10 || samples != len(codes) {
			t.Errorf("%d of %d tubes full, %d samples of %d", full, len(codes)/10, samples, len(codes))
		}
	})
}

var (
	wholeCounty = jurisdiction.Grant(demo.CountyCode)
	commander   = audit.Actor{UserID: 1, Username: "zhihuibu", Role: "command", Unit: demo.CountyCode}
)

// loadCounty loads a demo county of about n people.
func loadCounty(t *testing.T, d *db.DB, n int) {
	t.Helper()
	units := jurisdiction.NewStore(d, time.Now)
	if _, err := demo.Load(context.Background(), d, units, auth.NewService(d, units, time.Now),
		demo.Options{People: n, SkipSampling: true}); err != nil {
		t.Fatal(err)
	}
}

// startRound starts a campaign over the county with pools of size and one
// point, and returns it with every target's sampling code.
func startRound(t *testing.T, svc *sampling.Service, size int) (sampling.Campaign, sampling.Point, []string) {
	t.Helper()
	ctx := context.Background()
	c, err := svc.CreateCampaign(ctx, commander, wholeCounty, sampling.CampaignInput{UnitCode: demo.CountyCode,
		Name: fmt.Sprintf("并发%d混1", size), StartsOn: "2026-11-25", PoolSize: size})
	if err != nil {
		t.Fatal(err)
	}
	if c, err = svc.StartCampaign(ctx, commander, wholeCounty, c.ID); err != nil {
		t.Fatal(err)
	}
	codes := targetCodes(t, svc.DB(), c.ID)
	var village string
	svc.DB().R().QueryRow("SELECT MIN(unit_code) FROM campaign_targets WHERE campaign_id = $1", c.ID).Scan(&village)
	pt, err := svc.AddPoint(ctx, commander, wholeCounty, sampling.Point{CampaignID: c.ID, UnitCode: village[:12], Name: "村委会"})
	if err != nil {
		t.Fatal(err)
	}
	return c, pt, codes
}

// loadHandle opens a second handle on d's PostgreSQL database, named so that
// its backends can be told apart; on SQLite it is d (one writer anyway).
func loadHandle(t *testing.T, d *db.DB) *db.DB {
	t.Helper()
	if d.Dialect != db.Postgres {
		return d
	}
	u, err := url.Parse(d.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", "scanload")
	u.RawQuery = q.Encode()
	load, err := db.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { load.Close() })
	return load
}

// waitBackendsGone waits until the load handle's backends have exited: a
// backend reports its deadlock count when it goes idle for a while or exits.
func waitBackendsGone(t *testing.T, d *db.DB) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var n int
		if err := d.R().QueryRow(`SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()
			AND application_name = 'scanload'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the load's backends did not exit")
}

// deadlockCount reads pg_stat_database.deadlocks for the test database.
func deadlockCount(t *testing.T, d *db.DB) int64 {
	t.Helper()
	if d.Dialect != db.Postgres {
		return 0
	}
	var n int64
	if _, err := d.R().Exec("SELECT pg_stat_clear_snapshot()"); err != nil {
		t.Fatal(err)
	}
	if err := d.R().QueryRow(`SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// targetCodes lists the sampling codes of a campaign's targets.
func targetCodes(t *testing.T, d *db.DB, campaign int64) []string {
	t.Helper()
	rows, err := d.R().Query(`SELECT c.code FROM campaign_targets t JOIN sampling_codes c ON c.person_id = t.person_id
		WHERE t.campaign_id = $1 ORDER BY t.person_id`, campaign)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, code)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return codes
}
