package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"runtime/pprof"
	"slices"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/demo"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
)

// countyOptions are the flags of `fkbench county`.
type countyOptions struct {
	DB         string // database to reuse (filled once when empty)
	People     int
	Rounds     int           // requests per page, one at a time
	Users      int           // then the county page by this many clients at once (0: not)
	Duration   time.Duration // of that phase
	CPUProfile string        // a CPU profile of the county page's requests (both phases)
}

// benchCounty times the unit pages (/units/{code}) of the demo county, its
// first township and that township's first village over HTTP, one request
// at a time, beside a bare page (/account) of the same server in the same
// run; then, with Users, the county page by that many clients at once
// beside the bare page under the same load; and the registry's part of them
// alone: Stats from the roll-up counters beside the scan of people it
// replaced (the same GROUP BY over the covering index). With DB it reuses
// (or fills once) that database.
func benchCountyPages(ctx context.Context, o countyOptions) error {
	dbURL, people, rounds := o.DB, o.People, o.Rounds
	a, n, cleanup, err := demoCounty(ctx, dbURL, "county.db", people, app.Config{MaxInFlight: 4096}, demo.Options{SkipSampling: true})
	if err != nil {
		return err
	}
	defer cleanup()
	all := jurisdiction.System("fkbench")
	towns, err := a.Units.Children(ctx, all, demo.CountyCode)
	if err != nil || len(towns) == 0 {
		return fmt.Errorf("townships: %v", err)
	}
	villages, err := a.Units.Children(ctx, all, towns[0].Code)
	if err != nil || len(villages) == 0 {
		return fmt.Errorf("villages: %v", err)
	}
	units := []jurisdiction.Unit{{Code: demo.CountyCode, Name: "county"}, towns[0], villages[0]}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	pct := func(ds []time.Duration, p int) time.Duration {
		slices.Sort(ds)
		return ds[min(len(ds)-1, len(ds)*p/100)]
	}
	timed := func(fn func() error) ([]time.Duration, error) {
		var ds []time.Duration
		for range rounds {
			t := time.Now()
			if err := fn(); err != nil {
				return nil, err
			}
			ds = append(ds, time.Since(t))
		}
		return ds, nil
	}
	fmt.Printf("fkbench county (%s, %d people on the register, %d rounds; p50 / p99):\n", a.DB.Dialect, n, rounds)
	for _, u := range units {
		scope := benchCounty(u.Code)
		stats, err := timed(func() error { _, _, err := a.Registry.Stats(ctx, scope); return err })
		if err != nil {
			return err
		}
		// As the unit page asks: summed per child in the database.
		kids, err := a.Units.Children(ctx, scope, u.Code)
		if err != nil {
			return err
		}
		by := 0
		if len(kids) > 0 {
			by = len(kids[0].Code)
		}
		perChild, err := timed(func() error { _, _, err := a.Registry.StatsBy(ctx, scope, by); return err })
		if err != nil {
			return err
		}
		lo, hi := scope.Args()
		scan, err := timed(func() error {
			rows, err := a.DB.R().QueryContext(ctx, `SELECT unit_code, residence, groups, COUNT(*) FROM people
				WHERE active = 1 AND `+scope.Where("unit_code", 1)+` GROUP BY unit_code, residence, groups`, lo, hi)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		})
		if err != nil {
			return err
		}
		fmt.Printf("  registry Stats of %-15s per child from the counters (the page's) %s / %s · per unit %s / %s · the scan of people it replaced %s / %s\n",
			u.Code, ms(pct(perChild, 50)), ms(pct(perChild, 99)), ms(pct(stats, 50)), ms(pct(stats, 99)), ms(pct(scan, 50)), ms(pct(scan, 99)))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	go a.Serve(sctx, ln)
	base := "http://" + ln.Addr().String()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(base + "/login")
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tok := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindSubmatch(b)
	if tok == nil {
		return fmt.Errorf("no CSRF token on /login")
	}
	resp, err = c.PostForm(base+"/login", url.Values{"csrf_token": {string(tok[1])}, "username": {"zhihuibu"}, "password": {"Demo-zhihuibu-2026"}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	get := func(path string) func() error {
		return func() error {
			resp, err := c.Get(base + path)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("GET %s: %d", path, resp.StatusCode)
			}
			return nil
		}
	}
	// profile writes a CPU profile of the county page's requests: of the
	// phase with many clients when there is one, else of the one at a time.
	profile := func(phase bool) (stop func(), err error) {
		if o.CPUProfile == "" || !phase {
			return func() {}, nil
		}
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
		return func() { pprof.StopCPUProfile(); f.Close() }, nil
	}
	for i, u := range units {
		path := "/units/" + u.Code
		if err := get(path)(); err != nil { // warm up
			return err
		}
		stop, err := profile(i == 0 && o.Users == 0)
		if err != nil {
			return err
		}
		page, err := timed(get(path))
		stop()
		if err != nil {
			return err
		}
		bare, err := timed(get("/account"))
		if err != nil {
			return err
		}
		fmt.Printf("  %-22s %s / %s (target for the county: 50 ms) · bare page /account in the same run %s / %s\n",
			path, ms(pct(page, 50)), ms(pct(page, 99)), ms(pct(bare, 50)), ms(pct(bare, 99)))
	}
	// The page apart from the cards: the same requests with every domain's
	// summary answering an empty card at once (the handlers hold the same
	// list, a.Summaries, so its sources are swapped in place and put back).
	saved := slices.Clone(a.Summaries)
	for i := range a.Summaries {
		a.Summaries[i].Source = noCard{}
	}
	for _, u := range units {
		path := "/units/" + u.Code
		page, err := timed(get(path))
		if err != nil {
			return err
		}
		fmt.Printf("  %-22s %s / %s without the cards (every summary answering nothing at once)\n", path, ms(pct(page, 50)), ms(pct(page, 99)))
	}
	copy(a.Summaries, saved)
	if o.Users > 0 {
		cl, err := shedLogin(base, "zhihuibu", "Demo-zhihuibu-2026", o.Users+1)
		if err != nil {
			return err
		}
		stop, err := profile(true)
		if err != nil {
			return err
		}
		var bare shedResult
		done := make(chan struct{})
		go func() { bare = shedLoop(ctx, cl, base+"/account", o.Duration); close(done) }()
		page := listLoad(ctx, cl, base+"/units/"+demo.CountyCode, o.Users, o.Duration)
		<-done
		stop()
		fmt.Printf("  /units/%s, %d clients at once for %s: p50 %s, p99 %s (%d requests, %d shed) · a bare page /account beside them p50 %s, p99 %s · load average %s\n",
			demo.CountyCode, o.Users, o.Duration, ms(page.p(50)), ms(page.p(99)), len(page.ok), len(page.shed), ms(bare.p(50)), ms(bare.p(99)), loadAvg())
	}
	return nil
}

// noCard is a summary that shows no card.
type noCard struct{}

func (noCard) Summary(context.Context, jurisdiction.Scope, string, string) (summary.Card, error) {
	return summary.Card{}, nil
}
