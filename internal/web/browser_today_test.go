package web_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// TestBrowserToday: a grid worker on a 360-px phone lands on 今日待办, sees
// every count, and each tap lands on its list; the menu shows a few
// entries. In the sweep, "已走访" comes back at the next household with
// the filter kept, and "发现返乡" opens the arrival form for the household.
func TestBrowserToday(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		seed := seedToday(t, e, dbtest.VillageA, 4)
		worker := e.AddUser(t, "wangge03", auth.RoleVillage, dbtest.VillageA)
		tab, stopBrowser := startBrowser(t)
		defer stopBrowser()
		base := e.Server.URL
		fits := func(what string) {
			t.Helper()
			if msg := overflow(t, tab); msg != "" {
				t.Errorf("%s overflows at 360 px: %s", what, msg)
			}
			screenshot(t, tab, strings.ReplaceAll(what, " ", "-"))
		}
		login(t, tab, base, worker.Username)
		if u := eval[string](t, tab, `location.pathname`); u != "/today" {
			t.Fatalf("after login the worker is on %s, want /today", u)
		}
		fits("today")
		// A few entries on the phone; the full menu is folded.
		if shown := eval[int](t, tab, `[...document.querySelectorAll('header a')].filter(a => a.checkVisibility()).length`); shown > 5 {
			t.Errorf("%d links shown in the phone's header, want at most 5", shown)
		}
		if !eval[bool](t, tab, `!!document.querySelector('.nav-phone details.more summary') && document.querySelector('.nav-phone summary').checkVisibility()`) {
			t.Error("no 菜单 on the phone")
		}
		labels := texts(t, tab, "#todo .todo-label")
		counts := texts(t, tab, "#todo .todo-n")
		if len(labels) != 13 || len(counts) != 13 { // push 2, measures 3, returnees 3, sentinel, checkpoint, supervision 2, daily report
			t.Fatalf("today shows %q / %q", labels, counts)
		}
		for i, c := range counts {
			if _, err := strconv.Atoi(c); err != nil {
				t.Errorf("%s: count %q", labels[i], c)
			}
		}
		if got := texts(t, tab, `[id="n-todo.sweep.left"]`); len(got) != 1 || got[0] != "3" {
			t.Errorf("sweep households left %q, want 3", got)
		}
		links := eval[[]string](t, tab, `[...document.querySelectorAll('#todo a')].map(a => a.getAttribute('href'))`)
		for i, href := range links {
			follow(t, tab, chromedp.Navigate(base+"/today"))
			u := follow(t, tab, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#todo li:nth-child(%d) a`, i+1))))
			if !strings.HasSuffix(u, href) {
				t.Errorf("%s: tapped %s, landed on %s", labels[i], href, u)
			}
		}

		// The sweep: households by head, filter 未走访, back at the next one.
		follow(t, tab, chromedp.Navigate(fmt.Sprintf("%s/sweeps/%d?unit=%s&show=todo", base, seed.sweep, dbtest.VillageA)))
		fits("sweep")
		heads := texts(t, tab, "#pending td.head")
		if len(heads) != 3 || heads[0] != seed.heads[1].Name {
			t.Fatalf("households to visit %q, want 3 from %s", heads, seed.heads[1].Name)
		}
		if got := texts(t, tab, "#visits"); len(got) != 0 {
			t.Error("the 未走访 filter still lists the visits")
		}
		first := fmt.Sprintf("#hh-%d", seed.hhs[1].ID)
		u := follow(t, tab, chromedp.Click(chromedp.CSS(first+` button`)))
		want := fmt.Sprintf("/sweeps/%d?show=todo&unit=%s#hh-%d", seed.sweep, dbtest.VillageA, seed.hhs[2].ID)
		if !strings.HasSuffix(u, want) && !strings.HasSuffix(eval[string](t, tab, `location.href`), want) {
			t.Errorf("after 已走访 on %s, want …%s", eval[string](t, tab, `location.href`), want)
		}
		if heads := texts(t, tab, "#pending td.head"); len(heads) != 2 || heads[0] != seed.heads[2].Name {
			t.Errorf("after one visit %q", heads)
		}
		if flash := texts(t, tab, ".flash"); len(flash) != 1 || !strings.Contains(flash[0], "已登记走访") {
			t.Errorf("notice %q", flash)
		}
		follow(t, tab, chromedp.Click(chromedp.CSS(fmt.Sprintf("#hh-%d a.found", seed.hhs[2].ID))))
		if got := eval[string](t, tab, `document.querySelector('input[name=household_id]').value`); got != strconv.FormatInt(seed.hhs[2].ID, 10) {
			t.Errorf("发现返乡: household %q, want %d", got, seed.hhs[2].ID)
		}
		if page := eval[string](t, tab, `document.querySelector('form[action="/returnees"]').innerText`); !strings.Contains(page, seed.hhs[2].No) {
			t.Errorf("发现返乡 form: %.300s", page)
		}
		fits("arrival form")
	})
}
