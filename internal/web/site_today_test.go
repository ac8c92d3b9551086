package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fangkong/internal/app"
	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/policy"
	"fangkong/internal/registry"
	"fangkong/internal/site"
)

// TestSiteToday: a quarantine site's account opens /sites on the day's work
// (今日待办) of the sites in its township — people on the way, residents
// whose 集中隔离 has ended, residents due for a test, staff due for theirs.
// TownshipB's site holds the same cases (and a TownshipA villager due for
// release) and adds nothing; each figure's link lists exactly its count;
// the JSON twin carries the same figures; the county sees both townships.
func TestSiteToday(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, all := context.Background(), jurisdiction.System("test")
		now := time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC) // 09:00 in Shanghai
		today := "2026-03-10"
		dbtest.Tree(t, d)
		e := apptest.StartWith(t, d, func(c *app.Config) { c.Now = func() time.Time { return now } })
		svc := e.App.Sites
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		n := 0
		person := func(unit string) registry.Person {
			n++
			p, err := e.App.Registry.CreatePerson(ctx, seedActor, all, registry.Person{Name: fmt.Sprintf("今日待办%02d", n),
				IDNumber: dbtest.ID(fmt.Sprintf("610118198001%02d%03d", n%28+1, n)), UnitCode: unit})
			must(err)
			return p
		}
		measure := func(p registry.Person, dayZero string) {
			t.Helper()
			must(e.App.Measures.AssignCategory(ctx, seedActor, p.ID, "close_contact", dayZero, "流调", ""))
		}
		// centralEnd and testToday read the person's plan as the measures
		// module stores it (the test's own reading of the two rules).
		centralEnd := func(p registry.Person) string {
			m, err := e.App.Measures.Active(ctx, all, p.ID)
			if errors.Is(err, errs.ErrNotFound) {
				return ""
			}
			must(err)
			end := ""
			for _, ph := range m.Phases {
				if ph.Type == policy.Central && ph.End > end {
					end = ph.End
				}
			}
			return end
		}
		testToday := func(p registry.Person) bool {
			m, err := e.App.Measures.Active(ctx, all, p.ID)
			if errors.Is(err, errs.ErrNotFound) {
				return false
			}
			must(err)
			for _, x := range m.Tests {
				if x.Due == today && x.SampledAt <= 0 && x.Result == "" {
					return true
				}
			}
			return false
		}

		type township struct {
			site                     site.Site
			rooms                    []site.Room
			next                     int
			transfer, release, tests int
			names                    []string // everyone counted in a stay figure
			gone                     []string // checked out
			staffDue, staffNot       []string
		}
		mkSite := func(unit, name string, every int) *township {
			x, err := svc.CreateSite(ctx, seedActor, all, site.Site{UnitCode: unit, Name: name, StaffTestEvery: every})
			must(err)
			_, _, err = svc.AddRooms(ctx, seedActor, all, x.ID, site.RoomBatch{FloorFrom: 1, FloorTo: 1, RoomFrom: 1, RoomTo: 20, Bathroom: true})
			must(err)
			rooms, err := svc.Rooms(ctx, all, x.ID)
			must(err)
			return &township{site: x, rooms: rooms}
		}
		transfer := func(tw *township, p registry.Person, checkIn bool) site.Stay {
			t.Helper()
			in := site.TransferInput{PersonID: p.ID, Reason: "密切接触者"}
			if checkIn {
				in.RoomID = tw.rooms[tw.next].ID
				tw.next++
			}
			st, err := svc.Transfer(ctx, seedActor, all, tw.site.ID, in)
			must(err)
			return st
		}
		// resident checks p in at tw and counts what the plan says is due.
		resident := func(tw *township, p registry.Person) {
			t.Helper()
			transfer(tw, p, true)
			counted := false
			if end := centralEnd(p); end != "" && end <= today {
				tw.release++
				counted = true
			}
			if testToday(p) {
				tw.tests++
				counted = true
			}
			if counted {
				tw.names = append(tw.names, p.Name)
			}
		}
		sa := mkSite(dbtest.TownshipA, "甘亭宾馆", 2)
		sb := mkSite(dbtest.TownshipB, "余下酒店", 1)

		// The length of 集中隔离 under the policy in force, from a plan
		// starting yesterday (whose day 1 is today).
		probe := person(dbtest.VillageB)
		measure(probe, policy.AddDays(today, -1))
		length := policy.DaysBetween(policy.AddDays(today, -1), centralEnd(probe))
		if length < 2 || !testToday(probe) {
			t.Fatalf("close_contact plan: 集中隔离 of %d days, a test on day 1: %v", length, testToday(probe))
		}
		for _, tw := range []*township{sa, sb} {
			unit := dbtest.VillageB
			if tw == sb {
				unit = dbtest.VillageA // a site receives the whole county
			}
			// On the way: two without a measure, one whose quarantine has ended.
			for range 2 {
				p := person(unit)
				transfer(tw, p, false)
				tw.names = append(tw.names, p.Name)
			}
			p := person(unit)
			measure(p, policy.AddDays(today, -30))
			transfer(tw, p, false)
			tw.names = append(tw.names, p.Name)
			tw.transfer = 3
			// Checked in: 集中隔离 ends today; ended long ago; day 1 (a
			// test today); mid-quarantine; no measure at all.
			for _, back := range []int{length, 30, 1, 3, 4} {
				p := person(unit)
				measure(p, policy.AddDays(today, -back))
				resident(tw, p)
			}
			resident(tw, person(unit))
			// Checked out after its quarantine ended: no longer due.
			p = person(unit)
			measure(p, policy.AddDays(today, -30))
			st := transfer(tw, p, true)
			_, err := svc.CheckOut(ctx, seedActor, all, st.ID, st.Version, site.OutRelease, "", "")
			must(err)
			tw.gone = append(tw.gone, p.Name)
		}
		t.Logf("A: transfer %d release %d tests %d; B: %d %d %d; length %d", sa.transfer, sa.release, sa.tests, sb.transfer, sb.release, sb.tests, length)
		if sa.release < 2 || sa.tests < 1 {
			t.Fatalf("setup: %d due for release, %d for a test at %s", sa.release, sa.tests, sa.site.Name)
		}

		// Staff: at A every 2 days; due today, overdue, never tested count;
		// tested today or yesterday, and one who left, do not.
		staff := func(tw *township, name, last string, active, due bool) {
			t.Helper()
			x, err := svc.AddStaff(ctx, seedActor, all, tw.site.ID, site.Staff{Name: name, Post: "医护", LastTestOn: last})
			must(err)
			if !active {
				x.Active = false
				_, err = svc.UpdateStaff(ctx, seedActor, all, x)
				must(err)
			}
			if due {
				tw.staffDue = append(tw.staffDue, name)
			} else {
				tw.staffNot = append(tw.staffNot, name)
			}
		}
		staff(sa, "护士今检", policy.AddDays(today, -2), true, true)
		staff(sa, "护士逾期", policy.AddDays(today, -5), true, true)
		staff(sa, "保安未检", "", true, true)
		staff(sa, "保洁今已检", today, true, false)
		staff(sa, "司机昨检", policy.AddDays(today, -1), true, false)
		staff(sa, "离岗人员", "", false, false)
		staff(sb, "余下护士", policy.AddDays(today, -1), true, true)
		staff(sb, "余下保安", "", true, true)

		e.AddUser(t, "gld_today", auth.RoleSite, dbtest.TownshipA)
		c := e.Login(t, "gld_today", apptest.Password)
		get := func(path string) string {
			t.Helper()
			st, body := c.Get(path)
			if st != 200 {
				t.Fatalf("GET %s: %d\n%.300s", path, st, body)
			}
			return body
		}
		want := map[string]int{"site.todo.transfer": sa.transfer, "site.todo.release": sa.release, "site.todo.tests": sa.tests,
			"site.todo.staff": len(sa.staffDue)}
		body := get("/sites")
		if !strings.Contains(body, "今日待办") || !strings.Contains(body, today) {
			t.Error("/sites has no 今日待办 of the day")
		}
		links := map[string]string{}
		for key, n := range want {
			m := regexp.MustCompile(`<a href="([^"]*)" data-key="` + regexp.QuoteMeta(key) + `"[^>]*>.*?id="n-` +
				regexp.QuoteMeta(key) + `">(\d+)<`).FindStringSubmatch(body)
			if m == nil {
				t.Errorf("/sites: no figure %s", key)
				continue
			}
			if got, _ := strconv.Atoi(m[2]); got != n {
				t.Errorf("/sites: %s = %d, want %d", key, got, n)
			}
			links[key] = html.UnescapeString(m[1])
		}
		rows := func(body string) int { return strings.Count(body, `<td data-l="姓名">`) }
		for key, link := range links {
			list := get(link)
			if got := rows(list); got != want[key] {
				t.Errorf("%s: %s lists %d rows, the figure says %d", key, link, got, want[key])
			}
			for _, name := range append(append(sb.names, sb.staffDue...), sa.gone...) {
				if strings.Contains(list, name) {
					t.Errorf("%s: %s lists %s, outside the figure", key, link, name)
				}
			}
		}
		staffList := get(links["site.todo.staff"])
		for _, name := range sa.staffDue {
			if !strings.Contains(staffList, name) {
				t.Errorf("staff due: %s not listed", name)
			}
		}
		for _, name := range sa.staffNot {
			if strings.Contains(staffList, name) {
				t.Errorf("staff due: %s listed", name)
			}
		}

		// The JSON twin: the same figures and links.
		st, raw := c.Get("/api/v1/sites")
		var out struct {
			Today struct {
				Day   string `json:"day"`
				Items []struct {
					Key   string `json:"key"`
					Count int    `json:"count"`
					Link  string `json:"link"`
				} `json:"items"`
			} `json:"today"`
		}
		if err := json.Unmarshal([]byte(raw), &out); st != 200 || err != nil {
			t.Fatalf("/api/v1/sites: %d %v", st, err)
		}
		if out.Today.Day != today || len(out.Today.Items) != len(want) {
			t.Errorf("/api/v1/sites today: %+v", out.Today)
		}
		for _, it := range out.Today.Items {
			if it.Count != want[it.Key] || it.Link != links[it.Key] {
				t.Errorf("/api/v1/sites %s: %d %s, want %d %s", it.Key, it.Count, it.Link, want[it.Key], links[it.Key])
			}
		}
		// The stays API agrees with the page's list.
		for _, key := range []string{"site.todo.transfer", "site.todo.release", "site.todo.tests"} {
			_, raw := c.Get("/api/v1" + links[key])
			var stays struct {
				Stays []json.RawMessage `json:"stays"`
			}
			if err := json.Unmarshal([]byte(raw), &stays); err != nil || len(stays.Stays) != want[key] {
				t.Errorf("/api/v1%s: %d stays (%v), want %d", links[key], len(stays.Stays), err, want[key])
			}
		}

		// The county's command post counts both townships (its ledger also
		// reaches people elsewhere; at=sites keeps the lists to its sites).
		e.AddUser(t, "zhb_today", auth.RoleCommand, dbtest.County)
		cmd := e.Login(t, "zhb_today", apptest.Password)
		_, body = cmd.Get("/sites")
		for key, n := range map[string]int{"site.todo.transfer": sa.transfer + sb.transfer, "site.todo.release": sa.release + sb.release,
			"site.todo.tests": sa.tests + sb.tests, "site.todo.staff": len(sa.staffDue) + len(sb.staffDue)} {
			if !strings.Contains(body, fmt.Sprintf(`id="n-%s">%d<`, key, n)) {
				t.Errorf("county /sites: %s is not %d", key, n)
			}
			if _, list := cmd.Get(links[key]); rows(list) != n {
				t.Errorf("county %s: %d rows, want %d", links[key], rows(list), n)
			}
		}

		// Marking a staff member tested today takes them off the list.
		c2 := get(links["site.todo.staff"])
		m := regexp.MustCompile(`action="/site-staff/(\d+)"`).FindStringSubmatch(c2)
		if m == nil {
			t.Fatal("staff due list has no 今日已检 button")
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		x, _, err := svc.StaffMember(ctx, all, id)
		must(err)
		if st, _ := c.Post("/site-staff/"+m[1], map[string][]string{"last_test_on": {today}, "version": {fmt.Sprint(x.Version)}}); st != 303 {
			t.Fatalf("今日已检: %d", st)
		}
		if got := rows(get(links["site.todo.staff"])); got != len(sa.staffDue)-1 {
			t.Errorf("after 今日已检: %d staff due, want %d", got, len(sa.staffDue)-1)
		}
		if !strings.Contains(get("/sites"), fmt.Sprintf(`id="n-site.todo.staff">%d<`, len(sa.staffDue)-1)) {
			t.Error("after 今日已检 the figure did not drop")
		}
	})
}

// TestBrowserSiteToday: on a 360-px phone a site account lands on /sites
// with 今日待办 first, nothing wider than the screen; tapping a figure opens
// its list with that many rows, the staff list too.
func TestBrowserSiteToday(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	d := dbtest.SQLite(t)
	dbtest.Tree(t, d)
	e := apptest.Start(t, d)
	ctx, all := context.Background(), jurisdiction.System("test")
	x, err := e.App.Sites.CreateSite(ctx, seedActor, all, site.Site{Name: "甘亭宾馆", UnitCode: dbtest.TownshipA})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		p, err := e.App.Registry.CreatePerson(ctx, seedActor, all, registry.Person{Name: fmt.Sprintf("在途%d", i),
			IDNumber: dbtest.ID(fmt.Sprintf("61011819800210%d07", i)), UnitCode: dbtest.VillageB})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Sites.Transfer(ctx, seedActor, all, x.ID, site.TransferInput{PersonID: p.ID, Vehicle: "陕A12345"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.App.Sites.AddStaff(ctx, seedActor, all, x.ID, site.Staff{Name: "护士未检", Post: "医护", Phone: "13912345678"}); err != nil {
		t.Fatal(err)
	}
	u := e.AddUser(t, "gld_phone", auth.RoleSite, dbtest.TownshipA)
	tab, stop := startBrowser(t)
	defer stop()
	base := e.Server.URL
	fits := func(what string) {
		t.Helper()
		if msg := overflow(t, tab); msg != "" {
			t.Errorf("%s overflows at 360 px: %s", what, msg)
		}
		screenshot(t, tab, what)
	}
	login(t, tab, base, u.Username)
	if p := eval[string](t, tab, `location.pathname`); p != "/sites" {
		t.Fatalf("the site account lands on %s", p)
	}
	if first := eval[string](t, tab, `document.querySelector('h1').nextElementSibling.textContent`); !strings.HasPrefix(first, "今日待办") {
		t.Errorf("below the heading: %q, want 今日待办", first)
	}
	fits("sites")
	for i, want := range map[int]string{1: "2", 4: "1"} { // 待入住, 工作人员今日应检
		follow(t, tab, chromedp.Navigate(base+"/sites"))
		if got := texts(t, tab, fmt.Sprintf("#todo li:nth-child(%d) .todo-n", i)); len(got) != 1 || got[0] != want {
			t.Errorf("figure %d: %q, want %s", i, got, want)
		}
		follow(t, tab, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#todo li:nth-child(%d) a`, i))))
		if n := len(texts(t, tab, `td[data-l="姓名"]`)); fmt.Sprint(n) != want {
			t.Errorf("figure %d: its list has %d rows, want %s", i, n, want)
		}
		fits(fmt.Sprintf("list-%d", i))
	}
}
