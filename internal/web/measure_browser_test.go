package web_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/policy"
	"fangkong/internal/registry"
)

// TestBrowserMeasures drives Chromium at phone size as a grid worker: put a
// person under a measure from the form, read the explanation, record a
// temperature from the work list, and look at the overview; no page wider
// than 360 px.
func TestBrowserMeasures(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	d := dbtest.SQLite(t)
	dbtest.Tree(t, d)
	e := apptest.Start(t, d)
	p, err := e.App.Registry.CreatePerson(context.Background(), seedActor, jurisdiction.System("test"), registry.Person{Name: "钱密接",
		IDNumber: dbtest.ID("61011819800101091"), Phone: "13912340000", UnitCode: dbtest.VillageA})
	if err != nil {
		t.Fatal(err)
	}
	u := e.AddUser(t, "wgy01", auth.RoleVillage, dbtest.VillageA)
	tab, stop := startBrowser(t)
	defer stop()
	base := e.Server.URL
	login(t, tab, base, u.Username)

	dz := policy.AddDays(clock.Day(e.App.Config.Now()), -1)
	do(t, tab, chromedp.Navigate(fmt.Sprintf("%s/people/%d/measure", base, p.ID)), chromedp.WaitVisible(chromedp.ID("category")),
		chromedp.SetValue(chromedp.ID("category"), "close_contact"), chromedp.SetValue(chromedp.ID("day_zero"), dz),
		chromedp.SendKeys(chromedp.ID("place"), "西安市雁塔区"), chromedp.SetValue(chromedp.ID("risk_level"), "高"))
	if msg := overflow(t, tab); msg != "" {
		t.Errorf("assign form overflows at 360 px: %s", msg)
	}
	follow(t, tab, chromedp.Click(chromedp.CSS(`form[action$="/measure"] button`)))
	do(t, tab, chromedp.WaitVisible(chromedp.ID("explanation")))
	if ex := strings.Join(texts(t, tab, "#explanation"), ""); !strings.Contains(ex, "密切接触者") || !strings.Contains(ex, "西安市雁塔区") || !strings.Contains(ex, dz) {
		t.Errorf("explanation %q", ex)
	}
	if msg := overflow(t, tab); msg != "" {
		t.Errorf("measure page overflows at 360 px: %s", msg)
	}
	screenshot(t, tab, "measure")

	do(t, tab, chromedp.Navigate(base+"/measures/work"), chromedp.WaitVisible(chromedp.ID("checks")),
		chromedp.SendKeys(chromedp.CSS(`#checks input[name=temp]`), "37.8"))
	if msg := overflow(t, tab); msg != "" {
		t.Errorf("work list overflows at 360 px: %s", msg)
	}
	follow(t, tab, chromedp.Click(chromedp.CSS(`#checks form button`)))
	do(t, tab, chromedp.WaitVisible(chromedp.ID("checks-done")))
	if got := texts(t, tab, "#checks-done"); len(got) != 1 || got[0] != "1/2" {
		t.Errorf("checks done %q", got)
	}
	if f := strings.Join(texts(t, tab, ".flash"), ""); !strings.Contains(f, "异常") {
		t.Errorf("flash %q", f)
	}
	screenshot(t, tab, "work")

	do(t, tab, chromedp.Navigate(base+"/measures"), chromedp.WaitVisible(chromedp.ID("open-alerts")))
	if got := texts(t, tab, "#open-alerts"); len(got) != 1 || got[0] != "1" {
		t.Errorf("open alerts %q", got)
	}
	if msg := overflow(t, tab); msg != "" {
		t.Errorf("overview overflows at 360 px: %s", msg)
	}
	screenshot(t, tab, "measures")
}
