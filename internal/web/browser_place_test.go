package web_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// TestBrowserPlaceSuggestions: on the returnee form, typing 郑州金 offers
// 河南省郑州市金水区 in the field's list (place.js fetching
// /api/v1/places); the suggestion, submitted, records the arrival from
// 410105, 高风险 that day.
func TestBrowserPlaceSuggestions(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := placeWorld(t, d)
		worker := e.AddUser(t, "wg-suggest", auth.RoleVillage, dbtest.VillageA)
		tab, stop := startBrowser(t)
		defer stop()
		base := e.Server.URL
		login(t, tab, base, worker.Username)
		do(t, tab, chromedp.Navigate(base+"/returnees/new"), chromedp.WaitVisible(chromedp.ID("r-origin")),
			chromedp.SendKeys(chromedp.ID("r-origin"), "郑州金"))
		var options []string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if options = eval[[]string](t, tab, `[...document.querySelectorAll("#r-origin-list option")].map(o => o.value)`); len(options) > 0 {
				break
			}
		}
		if len(options) == 0 || options[0] != "河南省郑州市金水区" {
			t.Fatalf("suggestions for 郑州金: %q", options)
		}
		// Take the suggestion as a person picking it from the list would.
		do(t, tab, chromedp.SetValue(chromedp.ID("r-origin"), options[0]), chromedp.SendKeys(chromedp.ID("r-name"), "联想返乡"),
			chromedp.SetValue(chromedp.ID("r-dep"), "2021-12-24"), chromedp.SetValue(chromedp.ID("r-arr"), "2021-12-26"),
			chromedp.SetValue(chromedp.ID("r-sex"), "男"), chromedp.SetValue(chromedp.ID("r-birth"), "1990-01-01"))
		follow(t, tab, chromedp.Click(chromedp.CSS(`form[action="/returnees"] button`)))
		if page := eval[string](t, tab, `document.body.innerText`); !strings.Contains(page, "高风险") || !strings.Contains(page, "金水区") {
			t.Errorf("recorded arrival page: %.300s", page)
		}
		if o := originOf(t, d, "联想返乡"); o.code != "410105" || o.level != "高风险" {
			t.Errorf("arrival %+v", o)
		}
	})
}
