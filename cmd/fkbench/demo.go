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
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/demo"
)

// benchDemo times loading the demo county into a new SQLite database, then
// measures a fresh server process's resident memory on it after a round of
// typical requests.
func benchDemo(ctx context.Context) error {
	if len(os.Args) > 3 && os.Args[2] == "--serve" {
		return serveAndMeasure(ctx, os.Args[3])
	}
	url, cleanup := tempDB("demo.db")
	defer cleanup()
	start := time.Now()
	a, err := app.New(ctx, app.Config{DB: url, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	if _, err := demo.Load(ctx, a.DB, a.Units, a.Auth, demo.Options{Summaries: a.SummarySources()}); err != nil {
		return err
	}
	a.Close()
	took := time.Since(start)
	fmt.Printf("fkbench demo:\n  demo county (550,000 people) created and loaded into a new SQLite database in %s (target: under 60 s)\n", took.Round(time.Millisecond))
	out, err := exec.Command(os.Args[0], "demo", "--serve", url).CombinedOutput()
	fmt.Print(string(out))
	return err
}

// serveAndMeasure runs in a fresh process: it serves the demo database,
// makes requests as a county user, and prints its resident memory.
func serveAndMeasure(ctx context.Context, dbURL string) error {
	a, err := app.New(ctx, app.Config{DB: dbURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go a.Serve(ctx, ln)
	base := "http://" + ln.Addr().String()
	idle := rss()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func(path string) (string, time.Duration, error) {
		t := time.Now()
		resp, err := c.Get(base + path)
		if err != nil {
			return "", 0, err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			return "", 0, fmt.Errorf("GET %s: %d", path, resp.StatusCode)
		}
		return string(b), time.Since(t), nil
	}
	page, _, err := get("/login")
	if err != nil {
		return err
	}
	tok := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(page)[1]
	if _, err := c.PostForm(base+"/login", url.Values{"csrf_token": {tok}, "username": {"zhihuibu"}, "password": {"Demo-zhihuibu-2026"}}); err != nil {
		return err
	}
	for _, p := range []string{"/units/610118", "/units/610118001", "/units/610118001001", "/people?q=%E7%8E%8B", "/households?unit=610118001001"} {
		_, d, err := get(p)
		if err != nil {
			return err
		}
		fmt.Printf("  GET %-32s %6.1f ms\n", p, float64(d.Microseconds())/1000)
	}
	_, d, err := get("/ledger/export?unit=610118")
	if err != nil {
		return err
	}
	fmt.Printf("  GET %-32s %6.1f ms (whole county ledger, 550,000 rows XLSX)\n", "/ledger/export?unit=610118", float64(d.Microseconds())/1000)
	runtime.GC()
	after := rss()
	debug.FreeOSMemory()
	fmt.Printf("  server resident memory: %.0f MB at start, %.0f MB after the requests above, %.0f MB once Go returns freed memory to the OS (Go heap in use %.0f MB)\n",
		idle/1e6, after/1e6, rss()/1e6, heapInUse()/1e6)
	return nil
}

func rss() float64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseFloat(f[1], 64)
	return pages * float64(os.Getpagesize())
}

func heapInUse() float64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapInuse)
}
