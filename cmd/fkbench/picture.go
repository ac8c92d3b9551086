package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/clock"
	"fangkong/internal/demo"
)

// benchPicture times the command centre's picture (/command) of a county
// of n people on SQLite over HTTP: computed afresh (the cache emptied
// before each request) for one user, then for twenty users at once (who
// share one computation: single flight), then served from the cache —
// each beside a bare page (/account) of the same server in the same run.
func benchPicture(ctx context.Context, dbURL string, people, rounds int) error {
	start := time.Now()
	a, people, cleanup, err := demoCounty(ctx, dbURL, "picture.db", people, app.Config{}, demo.Options{SkipSampling: true})
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Printf("fkbench picture (demo county of %d people, ready in %s):\n", people, time.Since(start).Round(time.Second))
	// Each domain's summary of the county alone, the picture's parts.
	scope := benchCounty(demo.CountyCode)
	day := clock.Day(time.Now())
	for _, src := range a.SummarySources() {
		t := time.Now()
		card, err := src.Summary(ctx, scope, demo.CountyCode, day)
		if err != nil {
			return err
		}
		fmt.Printf("  summary %-10s of the county: %s\n", card.Domain, time.Since(t).Round(100*time.Microsecond))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	go a.Serve(sctx, ln)
	base := "http://" + ln.Addr().String()
	login := func() (*http.Client, error) {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		resp, err := c.Get(base + "/login")
		if err != nil {
			return nil, err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		tok := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(string(b))[1]
		resp, err = c.PostForm(base+"/login", url.Values{"csrf_token": {tok}, "username": {"zhihuibu"}, "password": {"Demo-zhihuibu-2026"}})
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		return c, nil
	}
	var shed atomic.Int64
	get := func(c *http.Client, path string) (time.Duration, error) {
		t := time.Now()
		resp, err := c.Get(base + path)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" {
			shed.Add(1) // the heavy class was full: a fast 503, counted apart
			return -1, nil
		}
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("GET %s: %d", path, resp.StatusCode)
		}
		return time.Since(t), nil
	}
	clients := make([]*http.Client, 20)
	for i := range clients {
		if clients[i], err = login(); err != nil {
			return err
		}
	}
	// run makes rounds of requests by users clients at once, emptying the
	// cache before each round when cold, and returns the latencies.
	run := func(path string, users int, cold bool) ([]time.Duration, error) {
		var all []time.Duration
		for range rounds {
			if cold {
				a.Command.Forget()
			}
			ds := make([]time.Duration, users)
			errs := make([]error, users)
			var wg sync.WaitGroup
			for u := range users {
				wg.Add(1)
				go func() { defer wg.Done(); ds[u], errs[u] = get(clients[u], path) }()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					return nil, err
				}
			}
			for _, d := range ds {
				if d >= 0 {
					all = append(all, d)
				}
			}
		}
		slices.Sort(all)
		return all, nil
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	pct := func(ds []time.Duration, p int) time.Duration { return ds[min(len(ds)-1, len(ds)*p/100)] }
	for _, c := range []struct {
		name  string
		users int
		cold  bool
	}{{"computed afresh, 1 user", 1, true}, {"computed afresh, 20 users at once", 20, true}, {"from the cache, 20 users at once", 20, false}} {
		if _, err := run("/command", 1, false); err != nil { // warm the connection
			return err
		}
		shed.Store(0)
		pic, err := run("/command", c.users, c.cold)
		if err != nil {
			return err
		}
		shedPic := shed.Load()
		if len(pic) == 0 {
			pic = []time.Duration{0}
		}
		bare, err := run("/account", c.users, false)
		if err != nil {
			return err
		}
		fmt.Printf("  /command %-34s p50 %s, p95 %s (limit 200 ms), %d served, %d shed with 503 · bare page /account same users: p50 %s, p95 %s\n",
			c.name+":", ms(pct(pic, 50)), ms(pct(pic, 95)), len(pic), shedPic, ms(pct(bare, 50)), ms(pct(bare, 95)))
	}
	return nil
}
