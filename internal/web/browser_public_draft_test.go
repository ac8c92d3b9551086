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
)

// TestBrowserPublicDraft: on a 360-px phone, a villager types the
// self-report while the village replaces the poster's QR code. Their
// submit comes back as the form with what was typed and the message; the
// new poster's page opens filled from the draft kept on the phone, and the
// thank-you page deletes the draft.
func TestBrowserPublicDraft(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		dbtest.Tree(t, d)
		ctx := context.Background()
		who := audit.Actor{Username: "seed", Role: string(auth.RoleAdmin), Unit: dbtest.County}
		all := jurisdiction.Grant(dbtest.County)
		old, err := e.App.Returnees.Poster(ctx, all, dbtest.VillageA)
		if err != nil {
			t.Fatal(err)
		}
		tab, stopBrowser := startBrowser(t)
		defer stopBrowser()
		base := e.Server.URL
		value := func(id string) string {
			t.Helper()
			return eval[string](t, tab, `document.getElementById('`+id+`').value`)
		}
		draft := func() string {
			t.Helper()
			return eval[string](t, tab, `localStorage.getItem('fk_selfreport_draft') || ''`)
		}

		id := dbtest.ID("61011819880808789")
		follow(t, tab, chromedp.Navigate(base+"/r/"+old.Token))
		if notes := texts(t, tab, ".flash"); len(notes) != 0 {
			t.Errorf("a fresh form with no draft shows %q", notes)
		}
		do(t, tab, chromedp.SendKeys(chromedp.ID("p-name"), "草稿李"), chromedp.SendKeys(chromedp.ID("p-id"), id),
			chromedp.SendKeys(chromedp.ID("p-phone"), "13900001111"), chromedp.SendKeys(chromedp.ID("p-addr"), "西街9号"),
			chromedp.SendKeys(chromedp.ID("p-origin"), "610113"), chromedp.SendKeys(chromedp.ID("p-com"), "儿子李某"),
			chromedp.SetValue(chromedp.ID("p-dep"), "2021-12-20"), chromedp.SetValue(chromedp.ID("p-tr"), "客车"))
		if s := draft(); !strings.Contains(s, "草稿李") || !strings.Contains(s, "儿子李某") {
			t.Errorf("draft while typing: %q", s)
		}

		// The village replaces the code; the submit answers the form again.
		cur, err := e.App.Returnees.RotatePoster(ctx, who, all, dbtest.VillageA)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := chromedp.RunResponse(tab, chromedp.Click(chromedp.CSS(`form button`)))
		if err != nil {
			t.Fatal(err)
		}
		if resp.Status != 404 {
			t.Fatalf("submit to the replaced token: status %d, want 404", resp.Status)
		}
		if v := value("p-name"); v != "草稿李" {
			t.Errorf("name after the replaced token: %q", v)
		}
		if v := value("p-tr"); v != "客车" {
			t.Errorf("transport after the replaced token: %q", v)
		}
		if msg := texts(t, tab, `[role=alert]`); len(msg) != 1 || !strings.Contains(msg[0], "二维码已更换") {
			t.Errorf("message: %q", msg)
		}
		if !eval[bool](t, tab, `document.querySelector('form button').disabled`) {
			t.Error("the submit button of the dead token is enabled")
		}
		if s := draft(); !strings.Contains(s, "客车") || !strings.Contains(s, "2021-12-20") {
			t.Errorf("draft on the replaced-code page: %q", s)
		}
		if msg := overflow(t, tab); msg != "" {
			t.Errorf("replaced-code page overflows at 360 px: %s", msg)
		}
		screenshot(t, tab, "public-draft-gone")

		// The new poster's page opens filled from the draft.
		follow(t, tab, chromedp.Navigate(base+"/r/"+cur.Token))
		for field, want := range map[string]string{"p-name": "草稿李", "p-id": id, "p-phone": "13900001111", "p-addr": "西街9号",
			"p-origin": "610113", "p-com": "儿子李某", "p-dep": "2021-12-20", "p-tr": "客车"} {
			if v := value(field); v != want {
				t.Errorf("%s on the new poster's page: %q, want %q", field, v, want)
			}
		}
		if notes := texts(t, tab, ".flash"); len(notes) != 1 || !strings.Contains(notes[0], "已填入") {
			t.Errorf("restore note: %q", notes)
		}
		screenshot(t, tab, "public-draft-restored")
		follow(t, tab, chromedp.Click(chromedp.CSS(`form button`)))
		if got := texts(t, tab, ".flash"); len(got) != 1 || !strings.Contains(got[0], "报备已提交") {
			t.Fatalf("after submitting: %q", got)
		}
		if s := draft(); s != "" {
			t.Errorf("draft left after the thanks page: %q", s)
		}
	})
}
