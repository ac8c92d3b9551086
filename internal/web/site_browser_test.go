package web_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/site"
)

// TestBrowserSite drives Chromium at phone size through a site: the room
// grid, a transfer with a room typed into the form, the stay page, and the
// occupancy dashboard, none wider than 360 px.
func TestBrowserSite(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	d := dbtest.SQLite(t)
	dbtest.Tree(t, d)
	e := apptest.Start(t, d)
	ctx, all := context.Background(), jurisdiction.System("test")
	p, err := e.App.Registry.CreatePerson(ctx, seedActor, all, registry.Person{Name: "赵隔离", IDNumber: dbtest.ID("61011819800101071"), UnitCode: dbtest.VillageB})
	if err != nil {
		t.Fatal(err)
	}
	// 流调 ordered the 余下 villager into central quarantine: the 甘亭 site receives them.
	if err := e.App.Measures.AssignCategory(ctx, seedActor, p.ID, "密切接触者", clock.Day(time.Now()), "流调", ""); err != nil {
		t.Fatal(err)
	}
	x, err := e.App.Sites.CreateSite(ctx, seedActor, all, site.Site{Name: "甘亭宾馆", UnitCode: dbtest.TownshipA})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.App.Sites.AddRooms(ctx, seedActor, all, x.ID, site.RoomBatch{FloorFrom: 1, FloorTo: 5, RoomFrom: 1, RoomTo: 20, Bathroom: true}); err != nil {
		t.Fatal(err)
	}
	u := e.AddUser(t, "gld01", auth.RoleSite, dbtest.TownshipA)
	tab, stop := startBrowser(t)
	base := e.Server.URL
	login(t, tab, base, u.Username)

	do(t, tab, chromedp.Navigate(fmt.Sprintf("%s/sites/%d", base, x.ID)), chromedp.WaitVisible(chromedp.ID("site-rooms")))
	if got := texts(t, tab, "#site-rooms"); len(got) != 1 || got[0] != "100" {
		t.Errorf("rooms %q", got)
	}
	if msg := overflow(t, tab); msg != "" {
		t.Errorf("site page overflows at 360 px: %s", msg)
	}
	screenshot(t, tab, "site")

	follow(t, tab, chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/sites/%d/transfer"]`, x.ID))))
	do(t, tab, chromedp.WaitVisible(chromedp.ID("id_number")), chromedp.SendKeys(chromedp.ID("id_number"), p.IDNumber),
		chromedp.SendKeys(chromedp.ID("vehicle"), "陕A12345"), chromedp.SetValue(chromedp.ID("room_id"), fmt.Sprint(roomID(t, e, x.ID, "305"))))
	if msg := overflow(t, tab); msg != "" {
		t.Errorf("transfer form overflows at 360 px: %s", msg)
	}
	follow(t, tab, chromedp.Click(chromedp.CSS(`form[action$="/stays"] button`)))
	do(t, tab, chromedp.WaitVisible(chromedp.CSS("h1")))
	if h := strings.Join(texts(t, tab, "h1"), ""); !strings.Contains(h, "赵隔离") || !strings.Contains(h, "在住") {
		t.Errorf("stay page heading %q", h)
	}
	screenshot(t, tab, "stay")

	do(t, tab, chromedp.Navigate(base+"/sites/occupancy"), chromedp.WaitVisible(chromedp.ID("occ-gap")))
	if msg := overflow(t, tab); msg != "" {
		t.Errorf("occupancy page overflows at 360 px: %s", msg)
	}
	screenshot(t, tab, "occupancy")
	stop()
}

func roomID(t *testing.T, e *apptest.Env, siteID int64, no string) int64 {
	var id int64
	if err := e.DB.R().QueryRow("SELECT id FROM site_rooms WHERE site_id = $1 AND no = $2", siteID, no).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
