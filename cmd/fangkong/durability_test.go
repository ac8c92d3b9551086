package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/demo"
	"fangkong/internal/sampling"
)

// kill -9 in the middle of a burst of scans: after a restart every scan
// that got a success answer is there exactly once, nobody is sampled twice,
// and the unanswered scans, retried with the same scan_id, land once.
func TestKill9DuringScanBurst(t *testing.T) {
	bin := build(t)
	t.Run("sqlite", func(t *testing.T) { kill9Burst(t, bin, "sqlite:"+filepath.Join(t.TempDir(), "kill9.db")) })
	t.Run("postgres", func(t *testing.T) { kill9Burst(t, bin, dbtest.PostgresURL(t)) })
}

type burstScan struct {
	ScanID     string `json:"scan_id"`
	CampaignID int64  `json:"campaign_id"`
	PointID    int64  `json:"point_id"`
	Tube       string `json:"tube"`
	Code       string `json:"code"`
}

// seedScanning loads a small demo county, starts a 10-in-1 campaign over it
// with one sampling point, and returns the campaign, point, a sampler's API
// token and every target's sampling code.
func seedScanning(t *testing.T, dbURL string) (campaign, point int64, token string, codes []string) {
	ctx := context.Background()
	a, err := app.New(ctx, app.Config{DB: dbURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := demo.Load(ctx, a.DB, a.Units, a.Auth, demo.Options{People: 3000}); err != nil {
		t.Fatal(err)
	}
	admin := audit.Actor{Username: "test", Role: "admin"}
	scope := auth.User{UnitCode: demo.CountyCode}.Scope()
	c, err := a.Sampling.CreateCampaign(ctx, admin, scope, sampling.CampaignInput{UnitCode: demo.CountyCode, Name: "断电测试", StartsOn: "2026-11-25", PoolSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Sampling.StartCampaign(ctx, admin, scope, c.ID); err != nil {
		t.Fatal(err)
	}
	var village string
	a.DB.R().QueryRow("SELECT MIN(unit_code) FROM campaign_targets WHERE campaign_id = $1", c.ID).Scan(&village)
	p, err := a.Sampling.AddPoint(ctx, admin, scope, sampling.Point{CampaignID: c.ID, UnitCode: village[:12], Name: "村委会"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := a.Auth.CreateUser(ctx, admin, scope, auth.NewUser{Username: "cyy_kill", DisplayName: "采样员", Role: auth.RoleSampling,
		UnitCode: demo.CountyCode, Password: "Kill-pass-1"})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err = a.Auth.CreateToken(ctx, u, "扫码")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := a.DB.R().Query(`SELECT c.code FROM campaign_targets t JOIN sampling_codes c ON c.person_id = t.person_id
		WHERE t.campaign_id = $1 ORDER BY t.person_id`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		rows.Scan(&code)
		codes = append(codes, code)
	}
	return c.ID, p.ID, token, codes
}

// sendScan posts one scan; a result means a success answer (2xx with the
// sample registered: added, or replayed when it was committed before).
func sendScan(c *http.Client, base, token string, s burstScan) (result string, err error) {
	body, _ := json.Marshal(s)
	req, _ := http.NewRequest("POST", base+"/api/v1/sampling/scans", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Result string `json:"result"`
		Error  string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", err
	}
	if resp.StatusCode/100 == 2 && (out.Result == sampling.ResultAdded || out.Result == sampling.ResultReplayed) {
		return out.Result, nil
	}
	return "", fmt.Errorf("scan %s: %d %s %s", s.ScanID, resp.StatusCode, out.Result, out.Error)
}

func kill9Burst(t *testing.T, bin, dbURL string) {
	campaign, point, token, codes := seedScanning(t, dbURL)
	const workers = 48
	per := len(codes) / workers / 10 * 10 // whole tubes per worker
	var scans [][]burstScan
	for w := range workers {
		var mine []burstScan
		for i := range per {
			mine = append(mine, burstScan{ScanID: fmt.Sprintf("k%d-%d", w, i), CampaignID: campaign, PointID: point,
				Tube: fmt.Sprintf("K%02d-%04d", w, i/10), Code: codes[w*per+i]})
		}
		scans = append(scans, mine)
	}
	base, cmd := serve(t, bin, dbURL)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}

	// The burst: every worker sends its scans one after another and stops
	// at its first failure (the server is gone). Kill once 300 have succeeded.
	var succeeded sync.Map // scan_id → code
	var nOK atomic.Int64
	var killed atomic.Bool
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for _, s := range scans[w] {
				if _, err := sendScan(client, base, token, s); err != nil {
					if !killed.Load() {
						t.Errorf("before the kill: %v", err)
					}
					return
				}
				succeeded.Store(s.ScanID, s.Code)
				if nOK.Add(1) == 300 {
					killed.Store(true)
					cmd.Process.Signal(syscall.SIGKILL)
				}
			}
		})
	}
	wg.Wait()
	cmd.Wait()
	if !killed.Load() {
		t.Fatal("the burst ended before the kill")
	}
	client.CloseIdleConnections()

	// Restart on the same database.
	base, cmd = serve(t, bin, dbURL)
	d, err := db.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	answered := 0
	succeeded.Range(func(k, v any) bool {
		answered++
		var n int
		var code string
		d.R().QueryRow(`SELECT COUNT(*), MIN(c.code) FROM test_samples s JOIN sampling_codes c ON c.person_id = s.person_id
			WHERE s.scan_id = $1`, k).Scan(&n, &code)
		if n != 1 || code != v.(string) {
			t.Errorf("scan %s answered with success: %d rows after restart (person code %q, want %q)", k, n, code, v)
		}
		return true
	})
	var before int
	d.R().QueryRow("SELECT COUNT(*) FROM test_samples WHERE campaign_id = $1", campaign).Scan(&before)
	t.Logf("killed after %d success answers; %d samples in the database after restart", answered, before)

	// Retry everything that got no success answer, with the same scan_id.
	var replayed atomic.Int64
	for w := range workers {
		wg.Go(func() {
			for _, s := range scans[w] {
				if _, done := succeeded.Load(s.ScanID); done {
					continue
				}
				res, err := sendScan(client, base, token, s)
				if err != nil {
					t.Errorf("retry: %v", err)
				}
				if res == sampling.ResultReplayed {
					replayed.Add(1) // committed before the kill, answer lost
				}
			}
		})
	}
	wg.Wait()
	t.Logf("retries: %d had been committed before the kill (replayed), the rest added now", replayed.Load())
	total := workers * per
	var samples, scanIDs, people int
	d.R().QueryRow("SELECT COUNT(*), COUNT(DISTINCT scan_id), COUNT(DISTINCT person_id) FROM test_samples WHERE campaign_id = $1", campaign).
		Scan(&samples, &scanIDs, &people)
	if samples != total || scanIDs != total || people != total {
		t.Errorf("after retries: %d samples, %d scan ids, %d people; want %d of each", samples, scanIDs, people, total)
	}
	// No tube place was lost or counted twice by the crash.
	var badTubes int
	d.R().QueryRow(`SELECT COUNT(*) FROM test_tubes t WHERE t.campaign_id = $1 AND t.count <>
		(SELECT COUNT(*) FROM test_samples s WHERE s.tube_id = t.id)`, campaign).Scan(&badTubes)
	if badTubes != 0 {
		t.Errorf("%d tubes whose count disagrees with their samples", badTubes)
	}
}
