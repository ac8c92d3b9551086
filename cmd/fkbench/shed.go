package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"sync"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/demo"
)

// shedOptions tune fkbench shed.
type shedOptions struct {
	People   int
	Conns    int
	Duration time.Duration
}

// benchShed measures load shedding (分级限流): Conns clients hammer the
// county page while one other user opens a light page, beside the light
// page alone on the same server in the same run.
func benchShed(ctx context.Context, o shedOptions) error {
	dbURL, cleanup := tempDB("shed.db")
	defer cleanup()
	a, err := app.New(ctx, app.Config{DB: dbURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	if _, err := demo.Load(ctx, a.DB, a.Units, a.Auth, demo.Options{People: o.People, SkipSampling: true}); err != nil {
		return err
	}
	fmt.Printf("fkbench shed: demo county of %d people loaded in %s\n", o.People, time.Since(start).Round(time.Second))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	go a.Serve(sctx, ln)
	base := "http://" + ln.Addr().String()
	county, err := shedLogin(base, "zhihuibu", "Demo-zhihuibu-2026", o.Conns)
	if err != nil {
		return err
	}
	other, err := shedLogin(base, "wanggeyuan", "Demo-wanggeyuan-2026", 2)
	if err != nil {
		return err
	}
	const heavy, light = "/units/610118", "/account"
	// The light page alone: the limit the loaded figure is set beside.
	bare := shedLoop(ctx, other, base+light, 5*time.Second)
	one := shedLoop(ctx, county, base+heavy, 5*time.Second)
	fmt.Printf("  alone:  %s  p50 %6.1f ms  p99 %6.1f ms  (%d requests)\n", light, ms(bare.p(50)), ms(bare.p(99)), len(bare.ok))
	fmt.Printf("  alone:  %s  p50 %6.1f ms  p99 %6.1f ms  (%d requests, one client)\n", heavy, ms(one.p(50)), ms(one.p(99)), len(one.ok))
	// The load: Conns clients on the county page, one user on a light page.
	lctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	var wg sync.WaitGroup
	results := make([]shedResult, o.Conns)
	for i := range o.Conns {
		wg.Go(func() { results[i] = shedLoop(lctx, county, base+heavy, o.Duration) })
	}
	lit := shedLoop(lctx, other, base+light, o.Duration)
	wg.Wait()
	var all shedResult
	for _, r := range results {
		all.ok = append(all.ok, r.ok...)
		all.shed = append(all.shed, r.shed...)
		all.other += r.other
	}
	fmt.Printf("  loaded: %d clients on %s for %s:\n", o.Conns, heavy, o.Duration)
	fmt.Printf("    served %d (p50 %.1f ms, p99 %.1f ms; target p99 < 500 ms), shed %d with 503 (p99 %.1f ms), other answers %d\n",
		len(all.ok), ms(all.p(50)), ms(all.p(99)), len(all.shed), ms(pctl(all.shed, 99)), all.other)
	fmt.Printf("    meanwhile %s for another user: p50 %.1f ms, p99 %.1f ms (target < 50 ms; alone p99 %.1f ms), %d requests, %d not 200\n",
		light, ms(lit.p(50)), ms(lit.p(99)), ms(bare.p(99)), len(lit.ok), len(lit.shed)+lit.other)
	return nil
}

// shedLogin signs a user in and returns a client with the session.
func shedLogin(base, user, password string, conns int) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/login")
	if err != nil {
		return nil, err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		return nil, fmt.Errorf("no login form")
	}
	resp, err = c.PostForm(base+"/login", url.Values{"csrf_token": {string(m[1])}, "username": {user}, "password": {password}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("login %s: %d", user, resp.StatusCode)
	}
	return c, nil
}

// shedResult is one client's latencies: answered 200, shed (503/429), and
// the count of other answers.
type shedResult struct {
	ok, shed []time.Duration
	other    int
}

func (r shedResult) p(q float64) time.Duration { return pctl(r.ok, q) }

// shedLoop requests url one after another until ctx ends or d passes.
func shedLoop(ctx context.Context, c *http.Client, url string, d time.Duration) shedResult {
	var r shedResult
	end := time.Now().Add(d)
	for time.Now().Before(end) && ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		t := time.Now()
		resp, err := c.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				r.other++
			}
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		took := time.Since(t)
		switch resp.StatusCode {
		case http.StatusOK:
			r.ok = append(r.ok, took)
		case http.StatusServiceUnavailable, http.StatusTooManyRequests:
			r.shed = append(r.shed, took)
			time.Sleep(50 * time.Millisecond) // a polite client backs off a little
		default:
			r.other++
		}
	}
	return r
}

func pctl(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s)-1) * q / 100)
	return s[i]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
