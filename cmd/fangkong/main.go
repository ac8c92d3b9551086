// Command fangkong is the county epidemic prevention and control system
// (县级疫情防控系统): one binary with subcommands to serve, load the demo
// county, migrate, import division codes and manage users.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata"

	"fangkong/internal/app"
	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/place"
	"fangkong/internal/retention"
)

// version is set at build time with -ldflags "-X main.version=…"; without
// it, the commit the binary was built from (buildVersion).
var version = ""

const usage = `fangkong — 县级农村社区疫情防控系统

用法 / usage:
  fangkong demo      [--db URL] [--addr :8080] [--people 550000] [--no-serve]
                     载入演示县（西安市鄠邑区）并启动 / load the demo county and serve
  fangkong serve     [--db URL] [--addr :8080]
  fangkong migrate   [--db URL]
  fangkong regions import [--db URL] [--data DIR] [--prefix CODE]
  fangkong users add    --username U --name 姓名 --role ROLE --unit CODE --password P
  fangkong users passwd --username U --password P
  fangkong users list   [--unit CODE]
  fangkong policy plan --category close_contact --day-zero 2022-07-01 [--version 第九版] [--choice central|home] [--json] [--db URL]
  fangkong policy list [--json] [--db URL]
                     防控政策：计算管控方案、列出版本与人员类别 / plan a measure, list versions and categories
  fangkong routes  [--role village]
                     路由表：每条路由所需权限及可访问的角色 / the route table with capabilities and roles
  fangkong version

--db: sqlite:PATH (default sqlite:./fangkong.db) or postgres://user@host:5432/db
environment: FANGKONG_DB, FANGKONG_ADDR, FANGKONG_DATA, FANGKONG_LOG=debug, FANGKONG_SECURE_COOKIES=1,
             FANGKONG_TRUSTED_PROXIES=10.0.0.5,10.0.1.0/24 (load balancers whose X-Forwarded-For is believed),
             FANGKONG_RETENTION_DAYS=30 or measure_details=30,push_rows=14 (retention periods; 0 keeps a kind)
             FANGKONG_SMS_ACCESS_KEY_ID, FANGKONG_SMS_ACCESS_KEY_SECRET, FANGKONG_SMS_SIGN_NAME, FANGKONG_SMS_TEMPLATE,
             FANGKONG_SMS_ENDPOINT, FANGKONG_SMS_RECEIPT_TOKEN (阿里云短信), FANGKONG_ROBOT_<ID>_URL, _KIND
             (wecom|dingtalk|feishu), _SECRET, _NAME, _UNIT (work-group robots)
roles: command township village checkpoint sentinel sampling site tracing inspector admin
`

func main() {
	// Every time the system shows is Beijing time, whatever the server's
	// zone (a container's is UTC): pages format times they read back with
	// time.UnixMilli, which is in time.Local.
	time.Local = clock.Shanghai
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fangkong:", err)
		os.Exit(1)
	}
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// common holds the flags every subcommand shares.
type common struct {
	db   string
	addr string
}

func (c *common) register(fs *flag.FlagSet, defaultDB string) {
	fs.StringVar(&c.db, "db", env("FANGKONG_DB", defaultDB), "database URL: sqlite:PATH or postgres://…")
	fs.StringVar(&c.addr, "addr", env("FANGKONG_ADDR", ":8080"), "listen address")
}

func logger() *slog.Logger {
	level := slog.LevelInfo
	if os.Getenv("FANGKONG_LOG") == "debug" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

func (c *common) config() app.Config {
	cfg := app.Config{Addr: c.addr, DB: c.db, Logger: logger(), Version: buildVersion(),
		SecureCookies: os.Getenv("FANGKONG_SECURE_COOKIES") == "1"}
	for _, p := range strings.Fields(strings.ReplaceAll(os.Getenv("FANGKONG_TRUSTED_PROXIES"), ",", " ")) {
		if prefix, err := netip.ParsePrefix(p); err == nil {
			cfg.TrustedProxies = append(cfg.TrustedProxies, prefix)
		} else if addr, err := netip.ParseAddr(p); err == nil {
			cfg.TrustedProxies = append(cfg.TrustedProxies, netip.PrefixFrom(addr, addr.BitLen()))
		} else {
			cfg.Logger.Warn("ignoring FANGKONG_TRUSTED_PROXIES entry", "value", p)
		}
	}
	days, err := retention.ParseDays(os.Getenv("FANGKONG_RETENTION_DAYS"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "FANGKONG_RETENTION_DAYS:", err)
		os.Exit(2)
	}
	cfg.RetentionDays = days
	cfg.MemoryFloor = app.DefaultMemoryFloor
	if os.Getenv("GOMEMLIMIT") != "" { // the runtime's own setting wins
		cfg.MemoryFloor = 0
	} else if v := os.Getenv("FANGKONG_MEMORY_LIMIT"); v != "" {
		if cfg.MemoryFloor, err = app.ParseMemory(v); err != nil {
			fmt.Fprintln(os.Stderr, "FANGKONG_MEMORY_LIMIT:", err)
			os.Exit(2)
		}
	}
	if cfg.Notify, err = notify.ConfigFromEnv(os.Getenv, os.Environ()); err != nil {
		fmt.Fprintln(os.Stderr, "notifications:", err)
		os.Exit(2)
	}
	return cfg
}

// serving is config with the place resolver (地名解析) loaded from
// FANGKONG_DATA, for the commands that serve: places typed as names and
// the names of division codes outside the loaded units. Without the files
// places must be typed as division codes.
func (c *common) serving() app.Config {
	cfg := c.config()
	dir := env("FANGKONG_DATA", "../shared/data")
	start := time.Now()
	if places, err := place.Load(jurisdiction.DirSource(dir)); err == nil {
		cfg.Places = places
		debug.FreeOSMemory() // the files' parsing garbage (the index keeps about 22 MB)
		cfg.Logger.Info("place names loaded", "dir", dir, "took", time.Since(start).Round(time.Millisecond))
	} else {
		cfg.Logger.Warn("place names not loaded: places must be typed as division codes", "dir", dir, "err", err)
	}
	return cfg
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Print(usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest)
	case "demo":
		return demoCmd(ctx, rest)
	case "migrate":
		return migrate(ctx, rest)
	case "regions":
		return regions(ctx, rest)
	case "users":
		return users(ctx, rest)
	case "policy":
		return policyCmd(ctx, rest)
	case "routes":
		return routesCmd(ctx, rest)
	case "version":
		fmt.Println("fangkong", cmp.Or(buildVersion(), "(unversioned build)"))
		return nil
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

func serve(ctx context.Context, args []string) error {
	var c common
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.register(fs, "sqlite:./fangkong.db")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := app.New(ctx, c.serving())
	if err != nil {
		return err
	}
	defer a.Close()
	return a.ListenAndServe(ctx)
}

func migrate(ctx context.Context, args []string) error {
	var c common
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	c.register(fs, "sqlite:./fangkong.db")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := app.New(ctx, c.config()) // New migrates
	if err != nil {
		return err
	}
	fmt.Println("migrated", strings.SplitN(c.db, "?", 2)[0])
	return a.Close()
}

func elapsed(start time.Time) string { return time.Since(start).Round(10 * time.Millisecond).String() }

var errUsage = errors.New("see 'fangkong help'")

// buildVersion is the -ldflags version, else the VCS revision Go stamped
// into the binary (12 characters, "+" when the tree was modified), else "".
func buildVersion() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return ""
	}
	return rev + dirty
}
