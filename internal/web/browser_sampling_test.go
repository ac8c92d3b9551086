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
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/sampling"
)

// TestBrowserSampling drives the phone sampling page in Chromium at 360 px
// (SQLite): a handheld scanner types the tube and then a person's code into
// the fields; the page posts through FK.send, shows the pool count and keeps
// the tube; the round's page fits the screen.
func TestBrowserSampling(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	d := dbtest.SQLite(t)
	ctx := context.Background()
	dbtest.Tree(t, d)
	e := apptest.Start(t, d)
	county := jurisdiction.Grant(dbtest.County)
	var codes []string
	for i := 0; i < 2; i++ {
		p, err := e.App.Registry.CreatePerson(ctx, seedActor, county, registry.Person{Name: fmt.Sprintf("扫码人%d", i),
			IDNumber: dbtest.ID(fmt.Sprintf("6101181985030300%d", i)), UnitCode: dbtest.VillageA})
		if err != nil {
			t.Fatal(err)
		}
		code, err := e.App.Sampling.PersonCode(ctx, county, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, code)
	}
	c, err := e.App.Sampling.CreateCampaign(ctx, seedActor, county, sampling.CampaignInput{UnitCode: dbtest.TownshipA, Name: "街道第一轮",
		StartsOn: "2026-11-25", PoolSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Sampling.AddPoint(ctx, seedActor, county, sampling.Point{CampaignID: c.ID, UnitCode: dbtest.VillageA, Name: "西街广场点"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Sampling.StartCampaign(ctx, seedActor, county, c.ID); err != nil {
		t.Fatal(err)
	}
	e.AddUser(t, "caiyang", auth.RoleSampling, dbtest.TownshipA)
	tab, stop := startBrowser(t)
	defer stop()
	base := e.Server.URL
	login(t, tab, base, "caiyang")
	do(t, tab, chromedp.Navigate(fmt.Sprintf("%s/sampling/campaigns/%d/scan", base, c.ID)), chromedp.WaitVisible(chromedp.ID("tube")))
	if msg := overflow(t, tab); msg != "" {
		t.Errorf("scan page overflows at 360 px: %s", msg)
	}
	do(t, tab, chromedp.SendKeys(chromedp.ID("tube"), "TB000001"), chromedp.SendKeys(chromedp.ID("code"), codes[0]+"\n"))
	waitText := func(want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if txt := eval[string](t, tab, `document.getElementById("scan-result").textContent`); strings.Contains(txt, want) {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("scan result never showed %q: %q", want, eval[string](t, tab, `document.getElementById("scan-result").textContent`))
	}
	waitText("1/10")
	if loc := eval[string](t, tab, `location.pathname`); !strings.HasSuffix(loc, "/scan") {
		t.Errorf("the page navigated to %s", loc)
	}
	// The tube stays; the next person is typed into the code field.
	do(t, tab, chromedp.SendKeys(chromedp.ID("code"), codes[1]+"\n"))
	waitText("2/10")
	var n int
	d.R().QueryRow("SELECT COUNT(*) FROM test_samples").Scan(&n)
	if n != 2 {
		t.Errorf("%d samples, want 2", n)
	}
	// An unknown ID number is refused and opens the walk-in form (流动人员)
	// with it; a bad check digit stays in the field with its error; the
	// walk-in takes the tube's next place.
	visitor := dbtest.ID("41010219900101123")
	do(t, tab, chromedp.SendKeys(chromedp.ID("code"), visitor+"\n"))
	waitText("未找到此人")
	if got := eval[string](t, tab, `document.getElementById("walkin-box").open + " " + document.getElementById("w_id").value`); got != "true "+visitor {
		t.Fatalf("walk-in form not offered with the ID number: %q", got)
	}
	if msg := overflow(t, tab); msg != "" {
		t.Errorf("walk-in form overflows at 360 px: %s", msg)
	}
	bad := dbtest.BadID("41010219900101124")
	do(t, tab, chromedp.SetValue(chromedp.ID("w_id"), bad), chromedp.SetValue(chromedp.ID("w_name"), "张三丰"), chromedp.SendKeys(chromedp.ID("w_name"), "\n"))
	if got := eval[string](t, tab, `document.getElementById("w_id_err").textContent + "|" + document.getElementById("w_id").value`); !strings.Contains(got, "校验位") || !strings.HasSuffix(got, "|"+bad) {
		t.Fatalf("bad check digit: %q", got)
	}
	do(t, tab, chromedp.SetValue(chromedp.ID("w_id"), visitor), chromedp.SendKeys(chromedp.ID("w_name"), "\n"))
	waitText("3/10")
	d.R().QueryRow("SELECT COUNT(*) FROM test_walkins").Scan(&n)
	if n != 1 {
		t.Errorf("%d walk-ins, want 1", n)
	}
	screenshot(t, tab, "scan")
	do(t, tab, chromedp.Navigate(fmt.Sprintf("%s/sampling/campaigns/%d", base, c.ID)), chromedp.WaitVisible(chromedp.ID("coverage")))
	if msg := overflow(t, tab); msg != "" {
		t.Errorf("campaign page overflows at 360 px: %s", msg)
	}
	screenshot(t, tab, "campaign")
}
