// Command fkbench measures fangkong against this machine's own limits, in
// one run, and prints both with their ratio (基准测试):
//
//	fkbench import [--people 1000000] [--db sqlite|postgres URL]
//	    ledger XLSX import vs raw batched inserts of the same rows
//	fkbench push [--rows 1000000] [--people 1000000] [--postgres URL]
//	    big-data push list import vs raw batched inserts of the same task rows
//	fkbench demo
//	    demo county start-up time and the server's resident memory
//	fkbench replan [--people 10000] [--postgres URL]
//	    re-planning everyone under measures after a policy change vs raw row rewrites
//	fkbench cards [--db URL] [--people 550000] [--rounds 5]
//	    every domain's summary card of the county, a township and a village
//	fkbench county [--db URL] [--people 1000000] [--rounds 20] [--users 0] [--duration 3s] [--cpuprofile FILE]
//	    the county, township and village pages vs a bare page; the registry's Stats from its counters vs the scan of people
//	fkbench sites [--n 2000]
//	    quarantine-site check-ins vs bare transactions of the same writes; occupancy dashboard
//	fkbench scans [--duration 20s] [--rate 10000] [--conns 64] [--people 300000] [--postgres URL [--instances 2]]
//	    sample registration over HTTP vs a bare handler and raw inserts
//	fkbench shed [--people 550000] [--conns 64] [--duration 20s]
//	    the county page under many clients (served p99 or a fast 503) and another user's light page, beside it alone
//	fkbench lists [--people 1000000] [--users 16] [--duration 2s] [--db FILE]
//	    every list and search page at a million people, p50/p99 beside the bare page /account
//	fkbench soak [--duration 10m] [--conns 256] [--postgres URL]
//	    scans at twice the measured capacity through more connections than the server admits
//	fkbench tracing [--scans 1000000] [--import 1000000] [--nodes 10000]
//	    candidates of one case over the scans of 7 days vs an indexed range scan;
//	    scan-log CSV import vs raw batched inserts; the chain graph drawn as SVG
//	fkbench notify [--n 20000] [--postgres URL]
//	    events through the notification outbox to a loopback SMS receiver vs bare outbox inserts
//	fkbench export [--people 550000] [--postgres URL] [--db URL]
//	    the whole-county ledger XLSX over HTTP from a `fangkong serve` process (rows/s, its peak memory)
//	    vs the same rows read from the database alone and the XLSX writer alone
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: fkbench import|demo|replan|sites [flags]")
		fmt.Fprintln(os.Stderr, "usage: fkbench import|demo|push|replan|sites|scans|picture [flags]")
		os.Exit(2)
	}
	ctx := context.Background()
	var err error
	switch os.Args[1] {
	case "import":
		fs := flag.NewFlagSet("import", flag.ExitOnError)
		people := fs.Int("people", 1_000_000, "people in the file")
		pg := fs.String("postgres", "", "also run on this PostgreSQL server URL (a scratch database is created)")
		fs.Parse(os.Args[2:])
		err = benchImport(ctx, *people, *pg)
	case "demo":
		err = benchDemo(ctx)
	case "push":
		fs := flag.NewFlagSet("push", flag.ExitOnError)
		rows := fs.Int("rows", 1_000_000, "rows in the push list")
		people := fs.Int("people", 1_000_000, "people in the registry")
		pg := fs.String("postgres", "", "also run on this PostgreSQL server URL (a scratch database is created)")
		fs.Parse(os.Args[2:])
		err = benchPush(ctx, *rows, *people, *pg)
	case "replan":
		fs := flag.NewFlagSet("replan", flag.ExitOnError)
		people := fs.Int("people", 10_000, "people under measures")
		pg := fs.String("postgres", "", "also run on this PostgreSQL server URL (a scratch database is created)")
		fs.Parse(os.Args[2:])
		err = benchReplan(ctx, *people, *pg)
	case "picture":
		fs := flag.NewFlagSet("picture", flag.ExitOnError)
		people := fs.Int("people", 1_000_000, "demo population")
		rounds := fs.Int("rounds", 10, "rounds of requests per case")
		dbURL := fs.String("db", "", "database to reuse (filled with the demo county when empty); default a scratch SQLite file")
		fs.Parse(os.Args[2:])
		err = benchPicture(ctx, *dbURL, *people, *rounds)
	case "cards":
		fs := flag.NewFlagSet("cards", flag.ExitOnError)
		dbURL := fs.String("db", "", "database to reuse (filled with the demo county when empty); default a scratch SQLite file")
		people := fs.Int("people", 550_000, "demo population when the database is empty")
		rounds := fs.Int("rounds", 5, "calls of each summary")
		fs.Parse(os.Args[2:])
		err = benchCards(ctx, *dbURL, *people, *rounds)
	case "county":
		fs := flag.NewFlagSet("county", flag.ExitOnError)
		var o countyOptions
		fs.StringVar(&o.DB, "db", "", "database to reuse (filled with the demo county when empty); default a scratch SQLite file")
		fs.IntVar(&o.People, "people", 1_000_000, "demo population when the database is empty")
		fs.IntVar(&o.Rounds, "rounds", 20, "requests per page")
		fs.IntVar(&o.Users, "users", 0, "then the county page by this many clients at once (0: not)")
		fs.DurationVar(&o.Duration, "duration", 3*time.Second, "of the phase with many clients")
		fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the county page's requests to this file")
		fs.Parse(os.Args[2:])
		err = benchCountyPages(ctx, o)
	case "sites":
		fs := flag.NewFlagSet("sites", flag.ExitOnError)
		n := fs.Int("n", 2000, "check-ins")
		fs.Parse(os.Args[2:])
		err = benchSites(ctx, *n)
	case "scans":
		fs := flag.NewFlagSet("scans", flag.ExitOnError)
		var o scanOptions
		fs.DurationVar(&o.Duration, "duration", 20*time.Second, "length of each measured phase")
		fs.IntVar(&o.Rate, "rate", 10_000, "open-loop rate in scans/s after the closed-loop maximum (0 = skip)")
		fs.IntVar(&o.Conns, "conns", 64, "keep-alive connections")
		fs.IntVar(&o.People, "people", 300_000, "demo population")
		fs.StringVar(&o.Postgres, "postgres", "", "also run on this PostgreSQL server URL (a scratch database is created)")
		fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the closed-loop phase to this file (PostgreSQL's to FILE.postgres)")
		fs.DurationVar(&o.Linger, "linger", 0, "scan writer linger when the queue runs empty under load (experiment)")
		fs.IntVar(&o.Writers, "writers", 0, "PostgreSQL: scan batches applied at once (0 = the service's default; experiment)")
		fs.IntVar(&o.Instances, "instances", 1, "PostgreSQL: also run this many app servers on the same database, beside one")
		fs.Parse(os.Args[2:])
		err = benchScans(ctx, o)
	case "shed":
		fs := flag.NewFlagSet("shed", flag.ExitOnError)
		var o shedOptions
		fs.IntVar(&o.People, "people", 550_000, "demo population")
		fs.IntVar(&o.Conns, "conns", 64, "clients on the county page")
		fs.DurationVar(&o.Duration, "duration", 20*time.Second, "length of the loaded phase")
		fs.Parse(os.Args[2:])
		err = benchShed(ctx, o)
	case "lists":
		fs := flag.NewFlagSet("lists", flag.ExitOnError)
		var o listsOptions
		fs.IntVar(&o.People, "people", 1_000_000, "demo population")
		fs.IntVar(&o.Users, "users", 16, "users at once on each page")
		fs.DurationVar(&o.Duration, "duration", 2*time.Second, "load on each page")
		fs.StringVar(&o.DB, "db", "", "SQLite file (or postgres:// URL) of the demo county, reused when already loaded (default: $TMPDIR/fkbench-lists-PEOPLE.db)")
		fs.StringVar(&o.Only, "only", "", "only the pages whose path contains this")
		fs.StringVar(&o.From, "from", "", "start at the first case of this path (resume a run)")
		fs.Parse(os.Args[2:])
		err = benchLists(ctx, o)
	case "soak":
		fs := flag.NewFlagSet("soak", flag.ExitOnError)
		var o soakOptions
		fs.DurationVar(&o.Duration, "duration", 10*time.Minute, "length of the open loop at twice the capacity")
		fs.DurationVar(&o.Measure, "measure", 20*time.Second, "length of the closed loop measuring the capacity")
		fs.IntVar(&o.Conns, "conns", 256, "client connections (the server admits fewer: --max-in-flight)")
		fs.IntVar(&o.MaxInFlight, "max-in-flight", 0, "the server's MaxInFlight (default conns/4)")
		fs.IntVar(&o.People, "people", 300_000, "demo population")
		fs.StringVar(&o.Postgres, "postgres", "", "run on this PostgreSQL server URL instead of SQLite (a scratch database is created)")
		fs.IntVar(&o.Rounds, "rounds", 48, "testing rounds of the whole county to scan (each scan samples a person once per round)")
		fs.Parse(os.Args[2:])
		err = benchSoak(ctx, o)
	case "soak-server":
		err = soakServer(ctx, os.Args[2:])
	case "tracing":
		fs := flag.NewFlagSet("tracing", flag.ExitOnError)
		scans := fs.Int("scans", 1_000_000, "scan rows of 7 days in the table (the issue's figure: 10000000)")
		imp := fs.Int("import", 1_000_000, "scan rows imported from CSV (1,000,000 a file)")
		nodes := fs.Int("nodes", 10_000, "cases in the chain graph")
		fs.Parse(os.Args[2:])
		err = benchTracing(ctx, *scans, *imp, *nodes)
	case "notify":
		fs := flag.NewFlagSet("notify", flag.ExitOnError)
		n := fs.Int("n", 20_000, "events")
		pg := fs.String("postgres", "", "also run on this PostgreSQL server URL (a scratch database is created)")
		fs.Parse(os.Args[2:])
		err = benchNotify(ctx, *n, *pg)
	case "export":
		fs := flag.NewFlagSet("export", flag.ExitOnError)
		var o exportOptions
		fs.IntVar(&o.People, "people", 550_000, "demo population")
		fs.StringVar(&o.Postgres, "postgres", "", "also run on this PostgreSQL server URL (a scratch database is created)")
		fs.StringVar(&o.DB, "db", "", "run on this database only, loading the demo county into it unless it is there")
		fs.Parse(os.Args[2:])
		err = benchExport(ctx, o)
	default:
		err = fmt.Errorf("unknown benchmark %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fkbench:", err)
		os.Exit(1)
	}
}

func tempDB(name string) (string, func()) {
	dir, err := os.MkdirTemp("", "fkbench-*")
	if err != nil {
		panic(err)
	}
	return "sqlite:" + filepath.Join(dir, name), func() { os.RemoveAll(dir) }
}

func rate(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }
