package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/demo"
)

// soakOptions are the flags of `fkbench soak`.
type soakOptions struct {
	Duration    time.Duration // the open loop at twice the capacity
	Measure     time.Duration // the closed loop measuring the capacity
	Conns       int           // client connections
	MaxInFlight int           // the server's admission limit (< Conns)
	People      int
	Postgres    string
	Rounds      int // testing rounds of the county (the scan codes the soak can send)
}

// benchSoak runs scans at twice the server's measured capacity for a long
// time through more connections than the server admits. The server runs in
// its own process (fkbench soak-server), so its resident memory is its own
// and a crash shows. At the end it checks that every answer was a success
// or a fast 429/503, that memory stayed bounded, that the server still
// runs, and that every acknowledged scan is in the database exactly once.
func benchSoak(ctx context.Context, o soakOptions) error {
	if o.MaxInFlight == 0 {
		o.MaxInFlight = max(o.Conns/4, 8)
	}
	if o.MaxInFlight >= o.Conns {
		return fmt.Errorf("--max-in-flight %d must be below --conns %d", o.MaxInFlight, o.Conns)
	}
	target := "sqlite"
	if o.Postgres != "" {
		target = o.Postgres
	}
	dbURL, drop, err := scratchDB(ctx, target)
	if err != nil {
		return err
	}
	defer drop()
	t0 := time.Now()
	w, engine, err := soakSetup(ctx, dbURL, o.People, o.Rounds)
	if err != nil {
		return err
	}
	fmt.Printf("fkbench soak on %s: %d people, %d connections, server MaxInFlight %d, load average %s; set up in %s\n",
		engine, len(w.codes), o.Conns, o.MaxInFlight, loadAvg(), time.Since(t0).Round(time.Second))
	bare := bareHandlerRate(scanOptions{Conns: 64, Duration: 5 * time.Second})
	fmt.Printf("  limit: bare net/http handler (parse JSON, answer JSON), 64 connections: %.0f req/s, p99 %s\n", bare.rate, bare.p(99))

	srv, err := startSoakServer(dbURL, o.MaxInFlight)
	if err != nil {
		return err
	}
	defer srv.stop()
	url := "http://" + srv.addr + "/api/v1/sampling/scans"
	d := &soakDriver{w: w, url: url}

	// Capacity: closed loop on half the admitted requests.
	cl := d.run(ctx, max(o.MaxInFlight/2, 4), o.Measure, 0, nil)
	capacity := cl.rate()
	fmt.Printf("  capacity (closed loop, %d connections, %s): %.0f scans/s acknowledged, p99 %.1f ms, %d×429/503, %d other = %.0f%% of the bare handler\n",
		max(o.MaxInFlight/2, 4), o.Measure, capacity, ms(pctlUS(cl.okLat, 99)), len(cl.shedLat), cl.other, 100*capacity/bare.rate)
	if capacity < 1 {
		return fmt.Errorf("no capacity: %s", cl.firstErr)
	}

	// The soak: open loop at twice the capacity.
	rateWant := int(2 * capacity)
	fmt.Printf("  soak: open loop at %d scans/s (2× capacity) for %s on %d connections; RSS every 5 s\n", rateWant, o.Duration, o.Conns)
	var rss, heap, goSys []int64
	rep := func(el time.Duration, r *soakResult) {
		kb := srv.rssKB()
		rss = append(rss, kb)
		m := srv.mem.Load()
		if m == nil {
			m = &goMem{}
		}
		heap, goSys = append(heap, int64(m.HeapInuse/1024)), append(goSys, int64(m.Sys/1024))
		if int(el.Seconds())%60 < 5 || el < time.Minute {
			fmt.Printf("    %4.0fs: %d acknowledged (%.0f/s), %d×429/503, %d other, %d not sent on time; server RSS %.1f MB (Go heap in use %.1f, Go total %.1f, %d goroutines); load %s\n",
				el.Seconds(), r.ok.Load(), float64(r.ok.Load())/el.Seconds(), r.shed.Load(), r.otherN.Load(), r.unsent.Load(), float64(kb)/1024,
				float64(m.HeapInuse)/(1<<20), float64(m.Sys)/(1<<20), m.Goroutines, loadAvg())
		}
	}
	soak := d.run(ctx, o.Conns, o.Duration, rateWant, rep)
	if used, total := d.next.Load(), int64(len(d.w.codes)/10*len(d.w.campaigns)); used >= total {
		fmt.Printf("  WARNING: every scan code of the %d rounds was sent before the end: the open loop ran short of work (raise --rounds)\n", len(d.w.campaigns))
	}
	alive := srv.alive()
	fmt.Printf("  answers: %d acknowledged (201, %.0f/s = %.0f%% of capacity), p50 %.1f ms p99 %.1f ms from the scheduled time\n",
		len(soak.okLat), soak.rate(), 100*soak.rate()/capacity, ms(pctlUS(soak.okLat, 50)), ms(pctlUS(soak.okLat, 99)))
	fmt.Printf("           %d refused with 429/503: p50 %.1f ms, p99 %.1f ms from sending (target < 100 ms)\n",
		len(soak.shedLat), ms(pctlUS(soak.shedLat, 50)), ms(pctlUS(soak.shedLat, 99)))
	fmt.Printf("           %d other 2xx (already sampled, replayed); %d other answers or transport errors%s; %d scheduled scans the client could not send on time\n",
		soak.other2xx, soak.other, soak.firstErr, soak.unsent.Load())
	third := max(len(rss)/3, 1)
	avg := func(xs []int64) float64 {
		var s int64
		for _, x := range xs {
			s += x
		}
		return float64(s) / float64(max(len(xs), 1)) / 1024
	}
	fmt.Printf("  memory: server RSS max %.1f MB; mean of the first third %.1f MB, the last third %.1f MB (%d samples)\n",
		float64(slices.Max(append(rss, 0)))/1024, avg(rss[:third]), avg(rss[len(rss)-third:]), len(rss))
	fmt.Printf("          of it the Go runtime's (heap in use / all it holds): max %.1f / %.1f MB; first third %.1f / %.1f, last third %.1f / %.1f; the rest is not Go's (SQLite's page caches, the binary, thread stacks)\n",
		float64(slices.Max(append(heap, 0)))/1024, float64(slices.Max(append(goSys, 0)))/1024, avg(heap[:third]), avg(goSys[:third]),
		avg(heap[len(heap)-third:]), avg(goSys[len(goSys)-third:]))
	fmt.Printf("  server process: %s\n", map[bool]string{true: "running at the end (no crash)", false: "NOT RUNNING: it crashed"}[alive])
	srv.stop()
	return soakCheck(ctx, dbURL, d, soak)
}

// soakSetup loads the demo county and the scan world (rounds campaigns of
// the whole county: each scan samples a person once, and a soak of ten
// minutes at 16,000 offered scans/s needs some 40 rounds of 261,116), then
// closes the app: the server runs in its own process.
func soakSetup(ctx context.Context, dbURL string, people, rounds int) (*scanWorld, string, error) {
	a, err := app.New(ctx, app.Config{DB: dbURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return nil, "", err
	}
	defer a.Close()
	if _, err := demo.Load(ctx, a.DB, a.Units, a.Auth, demo.Options{People: people, SkipSampling: true}); err != nil {
		return nil, "", err
	}
	w, err := newScanWorld(ctx, a, rounds, 8)
	if err != nil {
		return nil, "", err
	}
	engine := "SQLite (WAL, synchronous=NORMAL)"
	if a.DB.Dialect == db.Postgres {
		engine = "PostgreSQL"
	}
	return w, engine, nil
}

// soakDriver sends scans: scan number n is person n%len(codes) of campaign
// n/len(codes), ten people a tube.
type soakDriver struct {
	w    *scanWorld
	url  string
	next atomic.Int64 // next block of ten scans, across runs
	mu   sync.Mutex
	acks []int64 // acknowledged scan numbers
}

// soakResult is one run's answers.
type soakResult struct {
	okLat, shedLat           []int32 // microseconds
	other, other2xx          int
	firstErr                 string
	elapsed                  time.Duration
	ok, shed, otherN, unsent atomic.Int64
}

func (r *soakResult) rate() float64 { return float64(len(r.okLat)) / r.elapsed.Seconds() }

// run drives conns connections for d: closed loop when rate is 0, else open
// loop at rate per second (success latency from the scheduled time). report
// is called every 5 s.
func (d *soakDriver) run(ctx context.Context, conns int, dur time.Duration, rate int, report func(time.Duration, *soakResult)) *soakResult {
	client := newClient(conns)
	defer client.CloseIdleConnections()
	res := &soakResult{}
	start := time.Now()
	deadline := start.Add(dur)
	var sched chan time.Time
	if rate > 0 {
		sched = make(chan time.Time, 2*rate)
		go func() {
			defer close(sched)
			interval := time.Second / time.Duration(rate)
			for i := 0; ; i++ {
				at := start.Add(time.Duration(i) * interval)
				if at.After(deadline) {
					return
				}
				if wait := time.Until(at); wait > 0 {
					time.Sleep(wait)
				}
				select {
				case sched <- at:
				default:
					res.unsent.Add(1) // every connection busy and two seconds queued: the client drops it
				}
			}
		}()
	}
	done := make(chan struct{})
	if report != nil {
		go func() {
			t := time.NewTicker(5 * time.Second)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					report(time.Since(start), res)
				}
			}
		}()
	}
	per := len(d.w.codes) / 10 // blocks per campaign
	parts := make([]soakResult, conns)
	var wg sync.WaitGroup
	for k := range conns {
		wg.Go(func() {
			p := &parts[k]
			tok := "Bearer " + d.w.tokens[k%len(d.w.tokens)]
			var body bytes.Buffer
			var acks []int64
			defer func() { d.mu.Lock(); d.acks = append(d.acks, acks...); d.mu.Unlock() }()
			for {
				b := int(d.next.Add(1) - 1)
				ci := b / per
				if ci >= len(d.w.campaigns) {
					return
				}
				campaign, point := d.w.campaigns[ci], d.w.pointOf(ci, k)
				for j := range 10 {
					var at time.Time
					if sched != nil {
						var ok bool
						if at, ok = <-sched; !ok {
							return
						}
					} else if at = time.Now(); at.After(deadline) {
						return
					}
					n := int64(b)*10 + int64(j)
					body.Reset()
					fmt.Fprintf(&body, `{"scan_id":"soak-%d","campaign_id":%d,"point_id":%d,"tube":"K%d-%08d","code":"%s"}`,
						n, campaign, point, campaign, b%per, d.w.codes[(b%per)*10+j])
					sent := time.Now()
					status, msg := post(client, d.url, tok, body.Bytes())
					switch {
					case status == http.StatusCreated: // added: acknowledged after the commit
						p.okLat = append(p.okLat, int32(time.Since(at).Microseconds()))
						acks = append(acks, n)
						res.ok.Add(1)
					case status >= 200 && status < 300: // replayed or already sampled: no new sample
						p.other2xx++
					case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
						p.shedLat = append(p.shedLat, int32(time.Since(sent).Microseconds()))
						res.shed.Add(1)
					default:
						p.other++
						res.otherN.Add(1)
						if p.firstErr == "" {
							p.firstErr = fmt.Sprintf(" (first: %d %s)", status, msg)
						}
					}
				}
			}
		})
	}
	wg.Wait()
	close(done)
	if sched != nil {
		for range sched {
			res.unsent.Add(1)
		}
	}
	res.elapsed = time.Since(start)
	for i := range parts {
		p := &parts[i]
		res.okLat = append(res.okLat, p.okLat...)
		res.shedLat = append(res.shedLat, p.shedLat...)
		res.other += p.other
		res.other2xx += p.other2xx
		if res.firstErr == "" {
			res.firstErr = p.firstErr
		}
	}
	slices.Sort(res.okLat)
	slices.Sort(res.shedLat)
	return res
}

func pctlUS(s []int32, q float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	return time.Duration(s[int(float64(len(s)-1)*q/100)]) * time.Microsecond
}

// soakCheck reads every soak sample back: each acknowledged scan number
// must be there exactly once.
func soakCheck(ctx context.Context, dbURL string, d *soakDriver, soak *soakResult) error {
	dbh, err := db.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer dbh.Close()
	seen := make([]uint8, d.next.Load()*10+10) // how often each scan number is stored
	stored := 0
	rows, err := dbh.R().QueryContext(ctx, "SELECT scan_id FROM test_samples WHERE scan_id LIKE 'soak-%'")
	if err != nil {
		return err
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		n, err := strconv.ParseInt(strings.TrimPrefix(s, "soak-"), 10, 64)
		if err != nil || n < 0 || n >= int64(len(seen)) {
			rows.Close()
			return fmt.Errorf("a soak sample with scan_id %q never sent", s)
		}
		seen[n]++
		stored++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	missing, dup := 0, 0
	for _, n := range d.acks {
		switch c := seen[n]; {
		case c == 0:
			missing++
		case c > 1:
			dup++
		}
	}
	unacked := stored - (len(d.acks) - missing)
	verdict := "OK"
	if missing > 0 || dup > 0 || soak.other > 0 || pctlUS(soak.shedLat, 99) > 100*time.Millisecond {
		verdict = "FAILED"
	}
	fmt.Printf("  database: %d soak samples; %d acknowledged scans (capacity phase included), %d missing, %d more than once; %d stored without an acknowledgement (answer lost or not 201)\n",
		stored, len(d.acks), missing, dup, unacked)
	fmt.Printf("  verdict: %s; load average at the end %s\n", verdict, loadAvg())
	return nil
}

// soakProc is the server process.
type soakProc struct {
	cmd    *exec.Cmd
	addr   string
	exited chan struct{}
	once   sync.Once
	mem    atomic.Pointer[goMem] // the server's last report
}

// goMem is what the soak server reports of its Go runtime every 5 s (its
// stdout, one JSON line each): the heap in use and all the memory the Go
// runtime holds from the OS, in bytes. The resident memory beyond Sys is
// not Go's: SQLite's page caches (modernc allocates them outside the Go
// heap), the binary and the thread stacks.
type goMem struct {
	HeapInuse, Sys uint64
	Goroutines     int
}

// startSoakServer starts `fkbench soak-server` on the database and reads
// its address.
func startSoakServer(dbURL string, maxInFlight int) (*soakProc, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "soak-server", "--db", dbURL, "--max-in-flight", strconv.Itoa(maxInFlight))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &soakProc{cmd: cmd, exited: make(chan struct{})}
	rd := bufio.NewReader(out)
	line, err := rd.ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		return nil, fmt.Errorf("soak server: %w", err)
	}
	var hello struct{ Addr string }
	if err := json.Unmarshal([]byte(line), &hello); err != nil {
		return nil, fmt.Errorf("soak server said %q", line)
	}
	p.addr = hello.Addr
	go func() {
		sc := bufio.NewScanner(rd)
		for sc.Scan() {
			m := &goMem{}
			if json.Unmarshal(sc.Bytes(), m) == nil {
				p.mem.Store(m)
			}
		}
	}()
	go func() { cmd.Wait(); close(p.exited) }()
	return p, nil
}

func (p *soakProc) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

func (p *soakProc) stop() {
	p.once.Do(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(30 * time.Second):
			p.cmd.Process.Kill()
			<-p.exited
		}
	})
}

// rssKB is the server's resident memory (VmRSS) in KiB, 0 when gone.
func (p *soakProc) rssKB() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb
		}
	}
	return 0
}

// soakServer is the server process of the soak: the app on --db with
// --max-in-flight, on a loopback port it prints as JSON, until SIGTERM.
func soakServer(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("soak-server", flag.ExitOnError)
	dbURL := fs.String("db", "", "database URL")
	mif := fs.Int("max-in-flight", 64, "requests admitted at once")
	fs.Parse(args)
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	a, err := app.New(ctx, app.Config{DB: *dbURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxInFlight: *mif})
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.Encode(struct{ Addr string }{ln.Addr().String()})
	go clock.Every(ctx, 5*time.Second, false, func(context.Context) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		enc.Encode(goMem{HeapInuse: ms.HeapInuse, Sys: ms.Sys, Goroutines: runtime.NumGoroutine()})
	})
	return a.Serve(ctx, ln)
}
