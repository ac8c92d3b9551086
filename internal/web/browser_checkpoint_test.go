package web_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/checkpoint"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/riskarea"
)

// TestBrowserCheckpoint: a checkpoint officer on a 360-px phone lands on
// the check log and logs a car of three people in well under 30 seconds:
// the driver passes, a resident with a star and no test is handed over to
// 西街社区 (in its receive list and the ledger), a passenger from a
// high-risk area is turned back. The next car is logged while the signal
// is down: it waits in the outbox and is sent once the signal is back.
func TestBrowserCheckpoint(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		ctx := context.Background()
		all := jurisdiction.System("test")
		if _, err := e.App.RiskAreas.Add(ctx, seedActor, riskarea.Entry{Code: "410105", PlaceName: "金水区", Level: "高", EffectiveFrom: "2021-12-20"}); err != nil {
			t.Fatal(err)
		}
		cp, err := e.App.Checkpoints.CreateCheckpoint(ctx, seedActor, all, checkpoint.Checkpoint{UnitCode: dbtest.TownshipA,
			Name: "甘亭收费站", Kind: "高速出口", StaffPerShift: 2})
		if err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "kakou01", auth.RoleCheckpoint, dbtest.TownshipA)
		tab, stop := startBrowser(t)
		defer stop()
		base := e.Server.URL
		login(t, tab, base, "kakou01")
		if p := eval[string](t, tab, `location.pathname`); p != "/checks" {
			t.Fatalf("the checkpoint officer landed on %s, want /checks", p)
		}
		if msg := overflow(t, tab); msg != "" {
			t.Errorf("check log overflows at 360 px: %s", msg)
		}
		waitResult := func(want string) string {
			t.Helper()
			deadline := time.Now().Add(15 * time.Second)
			txt := ""
			for time.Now().Before(deadline) {
				if txt = eval[string](t, tab, `document.getElementById("check-result").textContent`); strings.Contains(txt, want) {
					return txt
				}
				time.Sleep(100 * time.Millisecond)
			}
			t.Fatalf("the result never showed %q: %q", want, txt)
			return ""
		}
		resident := dbtest.ID("11010519900307001")
		start := time.Now()
		// The driver: plate and name; green and no star are the defaults.
		do(t, tab, chromedp.SendKeys(chromedp.ID("plate"), "陕A12345"), chromedp.SendKeys(chromedp.ID("p0-name"), "张司机"),
			chromedp.SendKeys(chromedp.ID("p0-temp"), "36.4"),
			// A resident with a star and no test, bound for 西街社区.
			chromedp.Click(chromedp.ID("add-person")), chromedp.WaitVisible(chromedp.ID("p1-name")),
			chromedp.SendKeys(chromedp.ID("p1-id"), resident), chromedp.SendKeys(chromedp.ID("p1-name"), "李返乡"),
			chromedp.SendKeys(chromedp.ID("p1-to"), "西街社区"), chromedp.Click(chromedp.CSS(`[name="people.1.star"]`)),
			// A passenger from 郑州金水, a high-risk area today.
			chromedp.Click(chromedp.ID("add-person")), chromedp.WaitVisible(chromedp.ID("p2-name")),
			chromedp.SendKeys(chromedp.ID("p2-name"), "王外地"), chromedp.SendKeys(chromedp.ID("p2-from"), "郑州金水"),
			chromedp.Click(chromedp.ID("submit-check")))
		txt := waitResult("王外地")
		if took := time.Since(start); took > 30*time.Second {
			t.Errorf("a car of three took %s", took)
		}
		for _, want := range []string{"张司机：放行", "李返乡：移交属地", "王外地：劝返", "高风险"} {
			if !strings.Contains(txt, want) {
				t.Errorf("result %q lacks %q", txt, want)
			}
		}
		if msg := overflow(t, tab); msg != "" {
			t.Errorf("check log with results overflows at 360 px: %s", msg)
		}
		screenshot(t, tab, "checkpoint-log")
		// The form is ready for the next car: one empty row, a new record id.
		if n := eval[int](t, tab, `document.querySelectorAll("#people .person").length`); n != 1 {
			t.Errorf("%d person rows after submitting, want 1", n)
		}
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM checkpoint_checks WHERE checkpoint_id = $1", cp.ID).Scan(&n)
		if n != 3 {
			t.Errorf("%d checks stored, want 3", n)
		}
		village, _ := all.Narrow(dbtest.VillageA)
		hs, err := e.App.Checkpoints.Handovers(ctx, village, checkpoint.HandoverFilter{Status: checkpoint.AwaitReceipt})
		if err != nil || len(hs) != 1 || hs[0].Name != "李返乡" || hs[0].ArrivalID == 0 {
			t.Errorf("西街社区's hand-overs: %+v, %v", hs, err)
		}

		// The signal drops: the next car waits on the phone.
		do(t, tab, chromedp.Evaluate[chromedp.Void](`window.__fetch = window.fetch; window.fetch = () => Promise.reject(new TypeError("offline"))`))
		do(t, tab, chromedp.SendKeys(chromedp.ID("plate"), "陕A67890"), chromedp.SendKeys(chromedp.ID("p0-name"), "赵离线"),
			chromedp.Click(chromedp.ID("submit-check")))
		waitResult("已保存在本机")
		if left := eval[string](t, tab, `localStorage.getItem("fk_checks") || ""`); !strings.Contains(left, "赵离线") {
			t.Errorf("the outbox does not hold the car: %q", left)
		}
		do(t, tab, chromedp.Evaluate[chromedp.Void](`window.fetch = window.__fetch; window.dispatchEvent(new Event("online"))`))
		waitResult("赵离线：放行")
		d.R().QueryRow("SELECT COUNT(*) FROM checkpoint_checks WHERE name = '赵离线'").Scan(&n)
		if n != 1 {
			t.Errorf("the car logged offline was stored %d times, want 1", n)
		}
	})
}
