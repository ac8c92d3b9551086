package web_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// TestBrowserFormKeepsInput: on a 360-px phone, forms of three domains —
// a sweep (returnees), a health check (measures) and the public
// self-report — refused by the server come back with what was typed and
// the message beside the field; nothing overflows.
func TestBrowserFormKeepsInput(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		seed := seedToday(t, e, dbtest.VillageA, 3)
		cadre := e.AddUser(t, "zhen01", auth.RoleTownship, dbtest.TownshipA)
		tab, stopBrowser := startBrowser(t)
		defer stopBrowser()
		base := e.Server.URL
		login(t, tab, base, cadre.Username)

		// A sweep ending before it starts.
		follow(t, tab, chromedp.Navigate(base+"/sweeps"))
		refused(t, tab, chromedp.SetValue(chromedp.ID("sw-name"), "冬季第二轮排查"), chromedp.SetValue(chromedp.ID("sw-unit"), "西街社区"),
			chromedp.SetValue(chromedp.ID("sw-start"), "2026-12-06"), chromedp.SetValue(chromedp.ID("sw-end"), "2026-12-01"),
			chromedp.Submit(chromedp.ID("sw-name")))
		if v := eval[string](t, tab, `document.getElementById('sw-name').value`); v != "冬季第二轮排查" {
			t.Errorf("sweep name after the refusal: %q", v)
		}
		if v := eval[string](t, tab, `document.getElementById('sw-unit').value`); v != "西街社区" {
			t.Errorf("sweep scope after the refusal: %q", v)
		}
		if msg := eval[string](t, tab, `(document.querySelector('.field-error') || {}).textContent || ''`); !strings.Contains(msg, "截止日期") {
			t.Errorf("message beside the field: %q", msg)
		}
		if msg := overflow(t, tab); msg != "" {
			t.Errorf("refused sweep form overflows at 360 px: %s", msg)
		}
		screenshot(t, tab, "refill-sweep")

		// A health check of 365.
		follow(t, tab, chromedp.Navigate(base+"/measures/list?unit="+dbtest.VillageA))
		href := eval[string](t, tab, `[...document.querySelectorAll('table a')].map(a => a.getAttribute('href')).find(h => /^\/measures\/\d+$/.test(h)) || ''`)
		if href == "" {
			t.Fatal("no measure in the village's list")
		}
		follow(t, tab, chromedp.Navigate(base+href))
		refused(t, tab, chromedp.SetValue(chromedp.ID("temp"), "365"), chromedp.Submit(chromedp.ID("temp")))
		if v := eval[string](t, tab, `document.getElementById('temp').value`); v != "365" {
			t.Errorf("temperature after the refusal: %q", v)
		}
		if msg := eval[string](t, tab, `(document.getElementById('err-temp') || {}).textContent || ''`); !strings.Contains(msg, "36.5") {
			t.Errorf("no 36.5？ beside the temperature: %q", msg)
		}
		screenshot(t, tab, "refill-check")
		_ = seed
	})
}

// refused runs steps that submit a form the server refuses (400).
func refused(t *testing.T, tab context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	resp, err := chromedp.RunResponse(tab, steps...)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 400 {
		t.Fatalf("%s: status %d, want 400", resp.URL, resp.Status)
	}
}
