package web_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sentinel"
)

// TestBrowserSentinel drives a village clinic's fever report on a 360-px
// phone (SQLite): the sentinel account lands on its clinic's day, reports
// a patient — a temperature typed wrong comes back with the message beside
// the field and everything else kept — then sends today's return; the
// township's inbox lists the report, and the county's page the return.
func TestBrowserSentinel(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	d := dbtest.SQLite(t)
	ctx := context.Background()
	dbtest.Tree(t, d)
	e := apptest.Start(t, d)
	all := jurisdiction.System("test")
	clinic, err := e.App.Sentinels.CreateSentinel(ctx, seedActor, all, sentinel.Sentinel{UnitCode: dbtest.VillageA, Name: "西街村卫生室",
		Kind: sentinel.KindVillageClinic, ContactName: "王医生"})
	if err != nil {
		t.Fatal(err)
	}
	doc := e.AddUser(t, "cunyi01", auth.RoleSentinel, dbtest.VillageA)
	if err := e.App.Sentinels.Bind(ctx, seedActor, all, clinic.ID, sentinel.Account{ID: doc.ID, Username: doc.Username, Role: string(doc.Role),
		UnitCode: doc.UnitCode}); err != nil {
		t.Fatal(err)
	}
	e.AddUser(t, "weishengyuan", auth.RoleTownship, dbtest.TownshipA)
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
	login(t, tab, base, doc.Username)
	if u := eval[string](t, tab, `location.pathname`); u != "/sentinel" {
		t.Fatalf("after login the sentinel is on %s, want /sentinel", u)
	}
	fits("sentinel home")
	follow(t, tab, chromedp.Click(chromedp.ID("report-fever")))
	fits("report form")
	do(t, tab, chromedp.SendKeys(chromedp.ID("name"), "发热赵六"), chromedp.SendKeys(chromedp.ID("phone"), "13987654321"),
		chromedp.SendKeys(chromedp.ID("temp"), "3８.6度"), chromedp.SendKeys(chromedp.ID("symptoms"), "咳嗽"),
		chromedp.SendKeys(chromedp.ID("drugs"), "布洛芬"))
	do(t, tab, chromedp.Click(chromedp.ID("send-report")), chromedp.WaitVisible(chromedp.ID("err-temp")))
	if msg := texts(t, tab, "#err-temp"); len(msg) != 1 || !strings.Contains(msg[0], "体温") {
		t.Fatalf("a bad temperature: %q", msg)
	}
	if got := eval[string](t, tab, `document.getElementById('name').value + '|' + document.getElementById('phone').value`); got != "发热赵六|13987654321" {
		t.Errorf("the form kept %q", got)
	}
	fits("report form with an error")
	eval[string](t, tab, `document.getElementById('temp').value = ''`)
	do(t, tab, chromedp.SendKeys(chromedp.ID("temp"), "38.6"))
	if u := follow(t, tab, chromedp.Click(chromedp.ID("send-report"))); !strings.HasSuffix(u, "/sentinel") {
		t.Fatalf("after the report: %s", u)
	}
	if flash := texts(t, tab, ".flash"); len(flash) != 1 || !strings.Contains(flash[0], "发热赵六") || !strings.Contains(flash[0], "接收") {
		t.Errorf("notice %q", flash)
	}
	if rows := texts(t, tab, "#my-reports td[data-l=状态]"); len(rows) != 1 || !strings.HasPrefix(rows[0], sentinel.StatusReported) {
		t.Errorf("own reports %q", rows)
	}
	// Today's return: one fever, suggested from the reports of the day.
	if v := eval[string](t, tab, `document.getElementById('fevers').value`); v != "1" {
		t.Errorf("return suggests %q, want 1", v)
	}
	follow(t, tab, chromedp.Click(chromedp.ID("submit-return")))
	if st := texts(t, tab, "#return-state"); len(st) != 1 || !strings.Contains(st[0], "今日发现发热 1 人") {
		t.Errorf("return state %q", st)
	}
	fits("sentinel home after the return")

	// The township health centre's inbox on the same phone.
	tc := e.Login(t, "weishengyuan", apptest.Password)
	if status, body := tc.Get("/sentinel-reports?status=" + sentinel.StatusReported); status != 200 || !strings.Contains(body, "发热赵六") {
		t.Errorf("township inbox: %d", status)
	}
	if status, body := tc.Get("/sentinels"); status != 200 || !strings.Contains(body, `id="total-missing">0<`) {
		t.Errorf("the day's returns: %d", status)
	}
}
