package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/demo"
	"fangkong/internal/jurisdiction"
)

// demoCmd loads the demo county into an empty database (or reuses it) and serves.
func demoCmd(ctx context.Context, args []string) error {
	var c common
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	c.register(fs, "sqlite:./fangkong-demo.db")
	people := fs.Int("people", 550_000, "people to generate")
	noServe := fs.Bool("no-serve", false, "load and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	start := time.Now()
	cfg := c.serving()
	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	loaded, err := demo.Loaded(ctx, a.DB)
	if err != nil {
		return err
	}
	var logins []demo.Login
	if loaded {
		fmt.Printf("演示县已存在，直接使用 / demo county already loaded in %s\n", c.db)
		logins = demo.DemoLogins(ctx, a.Auth)
	} else {
		fmt.Printf("正在生成演示县 西安市鄠邑区（%d人）… / generating the demo county…\n", *people)
		var parts []string
		logins, err = demo.Load(ctx, a.DB, a.Units, a.Auth, demo.Options{People: *people, Summaries: a.SummarySources(), Places: cfg.Places,
			Phase: func(name string, took time.Duration) {
				parts = append(parts, fmt.Sprintf("%s %.1fs", name, took.Seconds()))
			}})
		if err != nil {
			return err
		}
		fmt.Printf("各部分用时 / parts: %s\n", strings.Join(parts, ", "))
	}
	var n, h int
	a.DB.R().QueryRowContext(ctx, "SELECT COUNT(*) FROM people").Scan(&n)
	a.DB.R().QueryRowContext(ctx, "SELECT COUNT(*) FROM households").Scan(&h)
	fmt.Printf("就绪：%d人，%d户，用时 %s / ready: %d people, %d households in %s\n\n", n, h, elapsed(start), n, h, elapsed(start))
	tw := tabwriter.NewWriter(os.Stdout, 2, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "用户名\t密码\t角色\t所属单位")
	for _, l := range logins {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s\n", l.Username, l.Password, l.Role.Name(), l.UnitCode, l.UnitName)
	}
	tw.Flush()
	if *noServe {
		return nil
	}
	fmt.Printf("\n打开 / open %s\n", openURL(c.addr))
	return a.ListenAndServe(ctx)
}

// openURL is the address a browser on this machine opens for a listen
// address: ":8080" and "0.0.0.0:8080" are http://localhost:8080,
// "127.0.0.1:9000" is itself.
func openURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func regions(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("usage: fangkong regions import [--db URL] [--data DIR] [--prefix CODE]: %w", errUsage)
	}
	var c common
	fs := flag.NewFlagSet("regions import", flag.ContinueOnError)
	c.register(fs, "sqlite:./fangkong.db")
	data := fs.String("data", env("FANGKONG_DATA", "../shared/data"), "directory of regions-*.csv.gz")
	prefix := fs.String("prefix", "", "division code prefix to load, e.g. 61 (a province) or 610118 (a county); empty = whole country")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	a, err := app.New(ctx, c.config())
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	st, err := a.Units.ImportRegions(ctx, jurisdiction.DirSource(*data), *prefix)
	if err != nil {
		return err
	}
	names := []string{"", "省", "市", "县", "乡镇", "村社区"}
	for l := jurisdiction.LevelProvince; l <= jurisdiction.LevelVillage; l++ {
		fmt.Printf("%-6s read %7d  new %7d\n", names[l], st.Read[l], st.Inserted[l])
	}
	fmt.Println("done in", elapsed(start))
	return nil
}

var cli = audit.Actor{Username: "cli", Role: string(auth.RoleAdmin)}

func users(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: fangkong users add|passwd|list: %w", errUsage)
	}
	var c common
	fs := flag.NewFlagSet("users "+args[0], flag.ContinueOnError)
	c.register(fs, "sqlite:./fangkong.db")
	username := fs.String("username", "", "login name")
	name := fs.String("name", "", "display name")
	role := fs.String("role", "", "role")
	unit := fs.String("unit", "", "unit code")
	password := fs.String("password", "", "password")
	phone := fs.String("phone", "", "mobile phone")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	a, err := app.New(ctx, c.config())
	if err != nil {
		return err
	}
	defer a.Close()
	all := jurisdiction.System("cli users") // an operator at the console: the whole country
	switch args[0] {
	case "add":
		u, err := a.Auth.CreateUser(ctx, cli, all, auth.NewUser{Username: *username, DisplayName: *name, Role: auth.Role(*role),
			UnitCode: *unit, Phone: *phone, Password: *password, MustChange: true})
		if err != nil {
			return err
		}
		fmt.Printf("created %s (%s, %s); the password must be changed at first login\n", u.Username, u.Role.Name(), u.UnitCode)
	case "passwd":
		u, err := a.Auth.ByUsername(ctx, *username)
		if err != nil {
			return err
		}
		if err := a.Auth.SetPassword(ctx, cli, all, u.ID, *password, true); err != nil {
			return err
		}
		fmt.Printf("password of %s set; it must be changed at next login\n", u.Username)
	case "list":
		scope, err := all.NarrowOpt(*unit)
		if err != nil {
			return fmt.Errorf("users list --unit %q: %w", *unit, err)
		}
		list, err := a.Auth.Users(ctx, scope)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(os.Stdout, 2, 2, 2, ' ', 0)
		fmt.Fprintln(tw, "id\tusername\tname\trole\tunit\tstatus")
		for _, u := range list {
			status := "ok"
			if u.Disabled {
				status = "disabled"
			} else if u.MustChange {
				status = "must change password"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Username, u.DisplayName, u.Role, u.UnitCode, status)
		}
		tw.Flush()
	default:
		return fmt.Errorf("unknown users command %q: %w", args[0], errUsage)
	}
	return nil
}
