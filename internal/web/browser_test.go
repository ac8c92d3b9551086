package web_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fangkong/internal/apptest"
	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

const chromiumPath = "/usr/bin/chromium"

// TestBrowserGridWorker drives a real Chromium at phone size: a grid worker
// logs in, finds a person (masked ID in the list, full ID on the person page,
// nobody from the neighbouring village), and an admin then sees the view in
// the audit log.
func TestBrowserGridWorker(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		start := time.Now()
		e := apptest.Start(t, d)
		dbtest.Tree(t, d)
		ctx := context.Background()
		who := audit.Actor{Username: "seed", Role: string(auth.RoleAdmin), Unit: dbtest.County}
		all := jurisdiction.Grant(dbtest.County)
		idNo := dbtest.ID("61011819650512001")
		h, err := e.App.Registry.CreateHousehold(ctx, who, all, registry.Household{UnitCode: dbtest.VillageA, Address: "西街12号", Phone: "13812345678"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.App.Registry.CreatePerson(ctx, who, all, registry.Person{Name: "王建国", IDNumber: idNo,
			Phone: "13812345678", HouseholdID: h.ID, Relation: "户主"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Registry.CreatePerson(ctx, who, all, registry.Person{Name: "李四邻",
			IDNumber: dbtest.ID("61011819700101002"), UnitCode: dbtest.VillageA2}); err != nil {
			t.Fatal(err)
		}
		worker := e.AddUser(t, "wangge01", auth.RoleVillage, dbtest.VillageA)
		admin := e.AddUser(t, "admin01", auth.RoleAdmin, dbtest.County)

		tab, stopBrowser := startBrowser(t)
		base := e.Server.URL

		// The grid worker logs in and lands on the day's work (今日待办).
		login(t, tab, base, worker.Username)
		if loc := eval[string](t, tab, `location.pathname`); loc != "/today" {
			t.Fatalf("after login at %s, want /today", loc)
		}

		// Search by name: the list shows the masked ID only.
		search(t, tab, base, "王建国")
		cells := texts(t, tab, `#people td.idno`)
		wantMasked := "6101**********" + idNo[14:]
		if len(cells) != 1 || cells[0] != wantMasked {
			t.Errorf("ID cells %q, want [%q]", cells, wantMasked)
		}
		html := eval[string](t, tab, `document.documentElement.outerHTML`)
		if strings.Contains(html, idNo) {
			t.Errorf("full ID %s appears in the people list HTML", idNo)
		}
		if !strings.Contains(html, "王建国") {
			t.Error("王建国 not in the people list")
		}
		if msg := overflow(t, tab); msg != "" {
			t.Errorf("people list (/people?q=王建国) overflows at 360 px: %s", msg)
		}
		screenshot(t, tab, "people")

		// The person of the neighbouring village is out of the worker's scope.
		search(t, tab, base, "李四邻")
		if rows := texts(t, tab, `#people td.idno`); len(rows) != 0 {
			t.Errorf("search 李四邻 by the VillageA worker shows rows %q", rows)
		}
		if n := len(texts(t, tab, `#people a[href^="/people/"]`)); n != 0 {
			t.Errorf("search 李四邻 shows %d person links", n)
		}
		if empty := texts(t, tab, `#people td.muted`); len(empty) != 1 || empty[0] != "没有找到人员" {
			t.Errorf("search 李四邻: want the row 没有找到人员, got %q", empty)
		}

		// Open the person from the list: the person page shows the full ID.
		search(t, tab, base, "王建国")
		link := `#people a[href="/people/` + strconv.FormatInt(p.ID, 10) + `"]`
		follow(t, tab, chromedp.Click(chromedp.CSS(link)))
		do(t, tab, chromedp.WaitVisible(chromedp.ID("id-number")))
		if got := texts(t, tab, "#id-number"); len(got) != 1 || got[0] != idNo {
			t.Errorf("#id-number = %q, want %q", got, idNo)
		}
		if msg := overflow(t, tab); msg != "" {
			t.Logf("note: person page /people/%d overflows at 360 px: %s", p.ID, msg)
		}
		screenshot(t, tab, "person")

		// The admin, in a fresh browser context (no cookies), sees the view
		// — who looked at which record — without the summary naming the
		// person (the administrator reads no personal record).
		adminTab, cancelAdmin := chromedp.NewContext(tab, chromedp.WithNewBrowserContext())
		defer cancelAdmin()
		do(t, adminTab, chromedp.EmulateViewport(360, 740))
		login(t, adminTab, base, admin.Username)
		do(t, adminTab, chromedp.Navigate(base+"/audit?entity=person"), chromedp.WaitVisible(chromedp.ID("audit")))
		rows := eval[[]map[string]string](t, adminTab, `[...document.querySelectorAll('#audit tbody tr')].map(tr =>
			Object.fromEntries([...tr.querySelectorAll('td[data-l]')].map(td => [td.dataset.l, td.textContent.trim()])))`)
		found := false
		for _, r := range rows {
			if r["用户"] == worker.Username && r["操作"] == "查看" && strings.Contains(r["对象"], fmt.Sprint(p.ID)) && !strings.Contains(r["说明"], "王建国") {
				found = true
			}
		}
		if !found {
			t.Errorf("no audit row 用户=%s 操作=查看 对象∋%d (说明 without the name) in %v", worker.Username, p.ID, rows)
		}
		if msg := overflow(t, adminTab); msg != "" {
			t.Logf("note: audit page /audit?entity=person overflows at 360 px: %s", msg)
		}
		screenshot(t, adminTab, "audit")
		cancelAdmin()
		stopBrowser()
		t.Logf("browser test took %v", time.Since(start).Round(time.Millisecond))
	})
}
