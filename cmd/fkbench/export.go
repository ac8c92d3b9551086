package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/db"
	"fangkong/internal/demo"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/sheet"
)

// exportOptions tune fkbench export.
type exportOptions struct {
	People   int
	Postgres string // also run on this server (a scratch database)
	DB       string // use this database, loading the demo only if it is not there yet
}

// benchExport measures the whole-county ledger export (台账导出) over HTTP
// from a separate `fangkong serve` process: its rate and the server's peak
// resident memory during the export (VmHWM, reset just before it), beside
// the same run's limits: the same rows read from the database alone, and
// the XLSX writer alone writing the same rows to io.Discard.
func benchExport(ctx context.Context, o exportOptions) error {
	dir, err := os.MkdirTemp("", "fkbench-export-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "fangkong")
	if out, err := exec.Command("go", "build", "-o", bin, "fangkong/cmd/fangkong").CombinedOutput(); err != nil {
		return fmt.Errorf("go build fangkong: %v\n%s", err, out)
	}
	if o.DB != "" {
		return exportOn(ctx, "given database", o.DB, o.People, bin)
	}
	url, cleanup := tempDB("export.db")
	defer cleanup()
	if err := exportOn(ctx, "SQLite", url, o.People, bin); err != nil {
		return err
	}
	if o.Postgres != "" {
		scratch, drop, err := scratchPostgres(ctx, o.Postgres, "fkbench_export")
		if err != nil {
			return err
		}
		defer drop()
		return exportOn(ctx, "PostgreSQL", scratch, o.People, bin)
	}
	return nil
}

func exportOn(ctx context.Context, engine, dbURL string, people int, bin string) error {
	if err := loadDemo(ctx, engine, dbURL, people); err != nil {
		return err
	}
	got, err := exportOverHTTP(ctx, bin, dbURL)
	if err != nil {
		return err
	}
	readRate, writeRate, err := exportLimits(ctx, dbURL, got.rows)
	if err != nil {
		return err
	}
	r := rate(got.rows, got.took)
	fmt.Printf("  whole-county ledger over HTTP: %d rows, %.1f MB XLSX in %s = %.0f rows/s (target ≥ 100,000)\n",
		got.rows, float64(got.bytes)/1e6, got.took.Round(time.Millisecond), r)
	fmt.Printf("  server (fangkong serve, pid %d) peak resident memory during the export (VmHWM, reset before it): %.0f MB (target < 150 MB);\n"+
		"    resident before %.0f MB, after %.0f MB; peak since start %.0f MB\n",
		got.pid, got.peak/1e6, got.before/1e6, got.after/1e6, got.peakSinceStart/1e6)
	fmt.Printf("  limit: the same rows read from the database alone (LedgerRows, no output): %.0f rows/s (ratio %.2f)\n", readRate, r/readRate)
	fmt.Printf("  limit: the XLSX writer alone, the same rows to io.Discard: %.0f rows/s (ratio %.2f)\n", writeRate, r/writeRate)
	fmt.Printf("  both limits one after the other: %.0f rows/s (ratio %.2f)\n", 1/(1/readRate+1/writeRate), r*(1/readRate+1/writeRate))
	return nil
}

// loadDemo loads the demo county unless the database has it already.
func loadDemo(ctx context.Context, engine, dbURL string, people int) error {
	a, err := app.New(ctx, app.Config{DB: dbURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	defer a.Close()
	if loaded, err := demo.Loaded(ctx, a.DB); err != nil || loaded {
		fmt.Printf("fkbench export (%s): the demo county is loaded already\n", engine)
		return err
	}
	start := time.Now()
	if _, err := demo.Load(ctx, a.DB, a.Units, a.Auth, demo.Options{People: people, SkipSampling: true}); err != nil {
		return err
	}
	fmt.Printf("fkbench export (%s): demo county of %d people loaded in %s\n", engine, people, time.Since(start).Round(time.Second))
	return nil
}

// exported is what one export over HTTP measured.
type exported struct {
	rows, bytes, pid                    int
	took                                time.Duration
	before, peak, after, peakSinceStart float64 // bytes
}

var servingAddr = regexp.MustCompile(`fangkong serving" addr=(\S+)`)

// exportOverHTTP starts `fangkong serve` on the database, signs in as the
// county command centre and downloads the county's ledger.
func exportOverHTTP(ctx context.Context, bin, dbURL string) (exported, error) {
	var e exported
	cmd := exec.CommandContext(ctx, bin, "serve", "--db", dbURL, "--addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return e, err
	}
	if err := cmd.Start(); err != nil {
		return e, err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	e.pid = cmd.Process.Pid
	found := make(chan string, 1)
	go func() {
		var log io.Writer = io.Discard
		if name := os.Getenv("FKBENCH_SERVER_LOG"); name != "" {
			if f, err := os.Create(name); err == nil {
				defer f.Close()
				log = f
			}
		}
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(log, sc.Text())
			if m := servingAddr.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	var base string
	select {
	case addr := <-found:
		base = "http://" + addr
	case <-time.After(2 * time.Minute):
		return e, fmt.Errorf("fangkong serve did not start")
	}
	c, err := shedLogin(base, "zhihuibu", "Demo-zhihuibu-2026", 1)
	if err != nil {
		return e, err
	}
	time.Sleep(2 * time.Second) // let start-up work settle
	e.before = procStatus(e.pid, "VmRSS")
	e.peakSinceStart = procStatus(e.pid, "VmHWM")
	// Writing 5 to clear_refs resets VmHWM to the present RSS (Linux ≥ 4.0).
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", e.pid), []byte("5"), 0); err != nil {
		return e, fmt.Errorf("reset the server's VmHWM: %w", err)
	}
	file, err := os.CreateTemp("", "fkbench-ledger-*.xlsx")
	if err != nil {
		return e, err
	}
	defer os.Remove(file.Name())
	defer file.Close()
	start := time.Now()
	resp, err := c.Get(base + "/ledger/export?unit=" + demo.CountyCode)
	if err != nil {
		return e, err
	}
	n, err := io.Copy(file, resp.Body)
	resp.Body.Close()
	e.took = time.Since(start)
	if err != nil {
		return e, err
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" {
		return e, fmt.Errorf("export: status %d, encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	e.bytes = int(n)
	e.peak = procStatus(e.pid, "VmHWM")
	e.after = procStatus(e.pid, "VmRSS")
	e.peakSinceStart = max(e.peakSinceStart, e.peak)
	rd, err := sheet.Open(file, n)
	if err != nil {
		return e, fmt.Errorf("the exported file: %w", err)
	}
	defer rd.Close()
	if !slices.Equal(rd.Header(), registry.LedgerHeaders) {
		return e, fmt.Errorf("the exported file's header: %q", rd.Header())
	}
	for rd.Next() {
		e.rows++
	}
	return e, rd.Err()
}

// procStatus reads a size field (kB) of /proc/PID/status, in bytes.
func procStatus(pid int, field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}

// exportLimits measures, in this process, the rate of reading the county's
// ledger rows from the database alone and of writing them alone.
func exportLimits(ctx context.Context, dbURL string, want int) (read, write float64, err error) {
	d, err := db.Open(ctx, dbURL)
	if err != nil {
		return 0, 0, err
	}
	defer d.Close()
	svc := registry.NewService(d, jurisdiction.NewStore(d, time.Now), time.Now)
	county := benchCounty(demo.CountyCode)
	n := 0
	start := time.Now()
	_, _, err = svc.LedgerRows(ctx, county, demo.CountyCode, func([]string) error { n++; return nil })
	if err != nil {
		return 0, 0, err
	}
	read = rate(n, time.Since(start))
	if n != want {
		return 0, 0, fmt.Errorf("the database has %d ledger rows, the export %d", n, want)
	}
	// The rows kept in memory, in one backing array, for the writer alone.
	rows := make([][]string, 0, n)
	cells := make([]string, 0, n*len(registry.LedgerHeaders))
	_, _, err = svc.LedgerRows(ctx, county, demo.CountyCode, func(r []string) error {
		cells = append(cells, r...)
		rows = append(rows, cells[len(cells)-len(r):len(cells):len(cells)])
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	start = time.Now()
	sw, err := sheet.NewWriter(io.Discard, "台账", registry.LedgerHeaders, nil)
	if err != nil {
		return 0, 0, err
	}
	for _, r := range rows {
		if err := sw.WriteRow(r); err != nil {
			return 0, 0, err
		}
	}
	if err := sw.Close(); err != nil {
		return 0, 0, err
	}
	return read, rate(len(rows), time.Since(start)), nil
}
