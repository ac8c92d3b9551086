package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/auth"
	"fangkong/internal/demo"
	"fangkong/internal/web"
)

// listsOptions are the flags of `fkbench lists`.
type listsOptions struct {
	People   int
	Users    int
	Duration time.Duration // per page and user
	DB       string        // SQLite file (or PostgreSQL URL) of the demo county, reused when loaded
	Only     string        // only the pages whose path contains this
	From     string        // start at the first case of this path (resume a run)
}

// listCase is one page opened by one login.
type listCase struct {
	login, path string
}

// benchLists opens every list and search page of a county of People
// people as a county-level user and a village-level user, Users at once
// for Duration each, and prints p50/p99 per page beside the bare page
// /account measured in the same run. Pages over 100 ms p99 are flagged.
func benchLists(ctx context.Context, o listsOptions) error {
	if o.DB == "" {
		o.DB = filepath.Join(os.TempDir(), fmt.Sprintf("fkbench-lists-%d.db", o.People))
	}
	fmt.Printf("fkbench lists: %d people (%s), %d users at once, %s a page, load average %s\n",
		o.People, o.DB, o.Users, o.Duration, loadAvg())
	dbURL := o.DB
	if !strings.HasPrefix(dbURL, "postgres://") && !strings.HasPrefix(dbURL, "postgresql://") {
		dbURL = "sqlite:" + strings.TrimPrefix(dbURL, "sqlite:")
	}
	a, n, cleanup, err := demoCounty(ctx, dbURL, "", o.People, app.Config{MaxInFlight: 4096}, demo.Options{})
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Printf("  %d people on the register (the database is kept in %s for the next run)\n", n, o.DB)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	go a.Serve(sctx, ln)
	base := "http://" + ln.Addr().String()

	logins := map[string]*http.Client{}
	roles := map[string]auth.Role{}
	var order []string
	for _, l := range demo.DemoLogins(ctx, a.Auth) {
		c, err := shedLogin(base, l.Username, l.Password, o.Users)
		if err != nil {
			return err
		}
		logins[l.Username], roles[l.Username] = c, l.Role
		order = append(order, l.Username)
	}
	cases, err := listCases(ctx, a, order, roles)
	if err != nil {
		return err
	}
	bare := listLoad(ctx, logins["wanggeyuan"], base+"/account", o.Users, o.Duration)
	fmt.Printf("  bare page /account, %d users: p50 %.1f ms, p99 %.1f ms (%d requests)\n", o.Users, ms(bare.p(50)), ms(bare.p(99)), len(bare.ok))
	var slow []string
	if i := slices.IndexFunc(cases, func(c listCase) bool { return c.path == o.From }); i > 0 {
		cases = cases[i:]
	}
	for _, c := range cases {
		if o.Only != "" && !strings.Contains(c.path, o.Only) {
			continue
		}
		r := listLoad(ctx, logins[c.login], base+c.path, o.Users, o.Duration)
		flag := ""
		if r.p(99) > 100*time.Millisecond || len(r.ok) == 0 {
			flag = "  OVER 100 ms"
			slow = append(slow, c.login+" "+c.path)
		}
		other := ""
		if len(r.shed) > 0 {
			other += fmt.Sprintf(", %d shed (503, p99 %.1f ms)", len(r.shed), ms(pctl(r.shed, 99)))
		}
		if r.other > 0 {
			other += fmt.Sprintf(", %d other answers (one more request: status %d)", r.other, r.status)
		}
		fmt.Printf("  %-10s %-52s p50 %7.1f ms  p99 %7.1f ms  %6d req%s%s\n", c.login, c.path, ms(r.p(50)), ms(r.p(99)), len(r.ok), other, flag)
	}
	bare2 := listLoad(ctx, logins["wanggeyuan"], base+"/account", o.Users, o.Duration)
	fmt.Printf("  bare page /account again: p50 %.1f ms, p99 %.1f ms; load average %s\n", ms(bare2.p(50)), ms(bare2.p(99)), loadAvg())
	fmt.Printf("  %d pages over 100 ms p99 (target: none)\n", len(slow))
	for _, s := range slow {
		fmt.Println("    ", s)
	}
	return nil
}

// listCases are the GET pages without a path id that a county-level user
// (zhihuibu) and a village-level user (wanggeyuan) may open — or, when
// neither may, the first demo login whose role may — plus the people
// list's filters and searches and the detail page of one person and one
// household of the village. Forms, exports, the unit pages and the
// command centre are left out.
func listCases(ctx context.Context, a *app.App, order []string, roles map[string]auth.Role) ([]listCase, error) {
	skip := []string{"/login", "/password", "/units/", "/command", "/{$}", "/new", "export", "template", ".xlsx",
		"/downloads/", "/lookup", "/sentinel/report", "/xiecha"}
	var cases []listCase
	for _, rt := range a.Web.Routes() {
		p := rt.Path()
		if rt.Kind != web.KindPage || rt.Method() != "GET" || strings.Contains(p, "{") && p != "/{$}" {
			continue
		}
		if slices.ContainsFunc(skip, func(s string) bool { return strings.Contains(p, s) }) {
			continue
		}
		may := func(u string) bool { return rt.Cap == web.AnyUser || roles[u].Can(rt.Cap) }
		var who []string
		for _, u := range []string{"zhihuibu", "wanggeyuan"} {
			if may(u) {
				who = append(who, u)
			}
		}
		if len(who) == 0 {
			for _, u := range order {
				if may(u) {
					who = []string{u}
					break
				}
			}
		}
		for _, u := range who {
			cases = append(cases, listCase{u, p})
		}
	}
	// Searches and filters, with values of a person of the village user's unit.
	var village, name, idNo, phone string
	var pid, hid int64
	err := a.DB.R().QueryRowContext(ctx, `SELECT p.id, p.household_id, p.name, p.id_number, p.phone, p.unit_code
		FROM people p JOIN users u ON p.unit_code LIKE u.unit_code || '%'
		WHERE u.username = 'wanggeyuan' AND p.household_id IS NOT NULL AND p.phone <> '' AND p.id_number IS NOT NULL
		ORDER BY p.id LIMIT 1`).Scan(&pid, &hid, &name, &idNo, &phone, &village)
	if err != nil {
		return nil, fmt.Errorf("a person of the village: %w", err)
	}
	for _, u := range []string{"zhihuibu", "wanggeyuan"} {
		for _, q := range []string{
			"q=" + url.QueryEscape(name), "q=" + url.QueryEscape(string([]rune(name)[:1])), "q=" + idNo, "q=" + idNo[:6], "q=" + phone, "q=" + phone[len(phone)-4:],
			"residence=" + url.QueryEscape("外出务工"), "residence=" + url.QueryEscape("返乡"), "group=" + url.QueryEscape("老年人"), "status=left", "unit=" + village, "page=20",
		} {
			cases = append(cases, listCase{u, "/people?" + q})
		}
		cases = append(cases,
			listCase{u, "/households?q=" + url.QueryEscape(name)},
			listCase{u, fmt.Sprintf("/people/%d", pid)},
			listCase{u, fmt.Sprintf("/households/%d", hid)})
	}
	return cases, nil
}

// listLoad requests url from users goroutines sharing one login for d.
func listLoad(ctx context.Context, c *http.Client, url string, users int, d time.Duration) listResult {
	var mu sync.Mutex
	var all listResult
	var wg sync.WaitGroup
	for range users {
		wg.Go(func() {
			r := shedLoop(ctx, c, url, d)
			mu.Lock()
			all.ok = append(all.ok, r.ok...)
			all.shed = append(all.shed, r.shed...)
			all.other += r.other
			mu.Unlock()
		})
	}
	wg.Wait()
	if all.other > 0 {
		all.status = statusOf(c, url)
	}
	return all
}

// listResult is a page's latencies under load.
type listResult struct {
	shedResult
	status int
}

// statusOf is the status of one more request, to say why a page failed.
func statusOf(c *http.Client, url string) int {
	resp, err := c.Get(url)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}
