package web_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"fangkong/internal/apptest"
	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
)

// TestBrowserSelfReport: on a 360-px phone, a returnee scans the poster and
// reports without logging in; the village's worker confirms the report and
// finds the arrival, with the origin's risk level, in the ledger and the
// 底数 page. No page is wider than the phone.
func TestBrowserSelfReport(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		dbtest.Tree(t, d)
		ctx := context.Background()
		who := audit.Actor{Username: "seed", Role: string(auth.RoleAdmin), Unit: dbtest.County}
		all := jurisdiction.Grant(dbtest.County)
		if _, err := e.App.RiskAreas.Add(ctx, who, riskarea.Entry{Code: "610113", PlaceName: "雁塔区", Level: "中", EffectiveFrom: "2021-12-20"}); err != nil {
			t.Fatal(err)
		}
		h, err := e.App.Registry.CreateHousehold(ctx, who, all, registry.Household{UnitCode: dbtest.VillageA, Address: "西街12号"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Returnees.OpenSweep(ctx, who, all, returnee.Sweep{Name: "第一轮排查", StartsOn: "2021-12-20"}); err != nil {
			t.Fatal(err)
		}
		poster, err := e.App.Returnees.Poster(ctx, all, dbtest.VillageA)
		if err != nil {
			t.Fatal(err)
		}
		worker := e.AddUser(t, "wangge02", auth.RoleVillage, dbtest.VillageA)
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

		// The returnee, not logged in, scans the poster and types where they
		// came from (a name; a code where the national files are absent).
		id := dbtest.ID("61011819880808123")
		origin := "西安市雁塔区"
		if apptest.Places() == nil {
			origin = "610113"
		}
		do(t, tab, chromedp.Navigate(base+"/r/"+poster.Token), chromedp.WaitVisible(chromedp.ID("p-name")))
		fits("public form")
		do(t, tab, chromedp.SendKeys(chromedp.ID("p-name"), "返乡王"), chromedp.SendKeys(chromedp.ID("p-id"), id),
			chromedp.SendKeys(chromedp.ID("p-phone"), "13912345678"), chromedp.SendKeys(chromedp.ID("p-addr"), "西街12号"),
			chromedp.SendKeys(chromedp.ID("p-origin"), origin), chromedp.SendKeys(chromedp.ID("p-od"), "电子城"),
			chromedp.SendKeys(chromedp.ID("p-trn"), "G1234"))
		follow(t, tab, chromedp.Click(chromedp.CSS(`form button`)))
		if got := texts(t, tab, ".flash"); len(got) != 1 || !strings.Contains(got[0], "报备已提交") {
			t.Fatalf("after submitting: %q", got)
		}
		if html := eval[string](t, tab, `document.documentElement.outerHTML`); strings.Contains(html, id) {
			t.Error("the thanks page echoes the ID number")
		}
		fits("public thanks")

		// The worker confirms it from the village's queue.
		login(t, tab, base, worker.Username)
		do(t, tab, chromedp.Navigate(base+"/selfreports"), chromedp.WaitVisible(chromedp.ID("selfreports")))
		if cells := texts(t, tab, "#selfreports td.idno"); len(cells) != 1 || cells[0] != id[:4]+"**********"+id[14:] {
			t.Errorf("queue ID cells %q", cells)
		}
		fits("selfreports")
		follow(t, tab, chromedp.Click(chromedp.CSS(`form[action$="/confirm"] button`)))
		do(t, tab, chromedp.WaitVisible(chromedp.CSS("dl.kv")))
		if page := eval[string](t, tab, `document.body.innerText`); !strings.Contains(page, "中风险") || !strings.Contains(page, "已核实") {
			t.Errorf("confirmed arrival page: %.400s", page)
		}
		fits("returnee")
		do(t, tab, chromedp.Navigate(base+"/returnees"), chromedp.WaitVisible(chromedp.ID("returnees")))
		if names := texts(t, tab, `#returnees a[href^="/returnees/"]`); len(names) != 1 || names[0] != "返乡王" {
			t.Errorf("ledger names %q", names)
		}
		fits("returnees")
		do(t, tab, chromedp.Navigate(base+"/returnees/stats?unit="+dbtest.VillageA), chromedp.WaitVisible(chromedp.ID("weeks")))
		if got := texts(t, tab, "#rt-medium"); len(got) != 1 || got[0] != "1" {
			t.Errorf("medium-risk count %q", got)
		}
		fits("stats")
		do(t, tab, chromedp.Navigate(base+"/sweeps/1"), chromedp.WaitVisible(chromedp.ID("pending")))
		if rows := texts(t, tab, "#pending td[data-l=户编号]"); len(rows) != 1 || rows[0] != h.No {
			t.Errorf("households not yet visited %q, want [%s]", rows, h.No)
		}
		fits("sweep")
		do(t, tab, chromedp.Navigate(base+"/units/"+dbtest.VillageA+"/poster"), chromedp.WaitVisible(chromedp.CSS("svg.qr")))
		fits("poster")
	})
}
