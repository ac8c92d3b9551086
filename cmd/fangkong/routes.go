package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"fangkong/internal/app"
	"fangkong/internal/auth"
	"fangkong/internal/web"
)

// routesCmd prints the route table the server mounts: method and path,
// page/api/public, the capability and the roles that have it. It is read
// from the same list the server and the access matrix use.
func routesCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("routes", flag.ContinueOnError)
	role := fs.String("role", "", "only the routes this role may call (e.g. village)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "fangkong-routes-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	a, err := app.New(ctx, app.Config{DB: "sqlite:" + filepath.Join(dir, "routes.db"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	defer a.Close()
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "METHOD\tPATH\tKIND\tCAPABILITY\tROLES")
	for _, rt := range a.Web.Routes() {
		if rt.Kind == web.KindSystem {
			continue
		}
		roles := rolesFor(rt)
		if *role != "" && !strings.Contains(" "+roles+" ", " "+*role+" ") {
			continue
		}
		c := string(rt.Cap)
		if c == "" {
			c = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", rt.Method(), rt.Path(), rt.Kind, c, roles)
	}
	return tw.Flush()
}

// rolesFor names the roles that may call a route ("*" for everyone, even
// without login).
func rolesFor(rt web.Route) string {
	if rt.Kind == web.KindPublic {
		return "*"
	}
	var out []string
	for _, ri := range auth.Roles {
		if rt.Cap == web.AnyUser || ri.Role.Can(rt.Cap) {
			out = append(out, string(ri.Role))
		}
	}
	return strings.Join(out, " ")
}
