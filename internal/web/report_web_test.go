package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

var reportFieldRE = regexp.MustCompile(`name="(v_[a-z0-9_.]+)" value="(\d+)"`)

// reportForm reads the draft's reviewed values and confirms every zero
// except skip.
func reportForm(page, skip string) url.Values {
	f := url.Values{}
	for _, m := range reportFieldRE.FindAllStringSubmatch(page, -1) {
		f.Set(m[1], m[2])
		if m[2] == "0" && m[1][2:] != skip {
			f.Set("zero_"+m[1][2:], "1")
		}
	}
	return f
}

// A village cadre reviews the compiled report, is stopped beside an
// unconfirmed zero with what they typed kept, submits, resubmits (two
// versions), exports and prints; the township sees who reported, on time
// before the villages' 16:30 deadline and marked late after it. The app's
// clock is set (today, Shanghai time), so the test sees the same at
// whatever hour it runs.
func TestDailyReportWeb(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		var now atomic.Int64
		today := clock.Day(time.Now())
		setClock := func(hhmm string) {
			at, err := time.ParseInLocation("2006-01-02 15:04", today+" "+hhmm, clock.Shanghai)
			if err != nil {
				t.Fatal(err)
			}
			now.Store(at.UnixMilli())
		}
		setClock("15:00")
		e := apptest.StartWith(t, d, func(c *app.Config) { c.Now = func() time.Time { return time.UnixMilli(now.Load()) } })
		e.AddUser(t, "cun", auth.RoleVillage, dbtest.VillageA)
		e.AddUser(t, "zhen", auth.RoleTownship, dbtest.TownshipA)
		c := e.Login(t, "cun", apptest.Password)
		st, page := c.Get("/reports/new")
		if st != http.StatusOK || !strings.Contains(page, "截至") {
			t.Fatalf("draft: %d", st)
		}
		f := reportForm(page, "measure.active")
		if f.Get("v_measure.active") != "0" {
			t.Fatalf("draft lacks 在管控人员 at 0: %v", f)
		}
		f.Set("confirmer", "李村长")
		f.Set("note", "今日无异常情况")
		st, page = c.Post("/reports", f)
		if st != http.StatusBadRequest || !strings.Contains(page, "请勾选确认（零报告）") || !strings.Contains(page, "今日无异常情况") ||
			!strings.Contains(page, `value="李村长"`) {
			t.Fatalf("unconfirmed zero: %d", st)
		}
		f.Set("zero_measure.active", "1")
		if st, _ = c.Post("/reports", f); st != http.StatusSeeOther {
			t.Fatalf("submit: %d", st)
		}
		first := c.Location
		st, page = c.Get(first)
		if st != http.StatusOK || !strings.Contains(page, "零报告") || !strings.Contains(page, "李村长") || !strings.Contains(page, "第1版") {
			t.Fatalf("report page: %d", st)
		}
		resp, body := c.Fetch(first+"/export", nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || len(body) < 100 {
			t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		setClock("15:10")
		_, page = c.Get("/reports/new")
		f = reportForm(page, "")
		f.Set("confirmer", "李村长")
		f.Set("note", "更正")
		if st, _ = c.Post("/reports", f); st != http.StatusSeeOther || c.Location == first {
			t.Fatalf("resubmit: %d %s", st, c.Location)
		}
		if st, page = c.Get(c.Location); st != http.StatusOK || !strings.Contains(page, "第2版") || !strings.Contains(page, `href="`+first+`">第1版`) {
			t.Fatalf("second version: %d", st)
		}
		setClock("15:20")
		z := e.Login(t, "zhen", apptest.Password)
		st, page = z.Get("/reports?unit=" + dbtest.TownshipA)
		a := rowOf(page, `id="child-`+dbtest.VillageA+`"`)
		if st != http.StatusOK || !strings.Contains(a, "已报第2版") || strings.Contains(a, "逾期") ||
			!strings.Contains(rowOf(page, `id="child-`+dbtest.VillageA2+`"`), "未报") || !strings.Contains(page, `id="missing">2<`) ||
			!strings.Contains(rowOf(page, `id="rate-5"`), `data-l="按时">1<`) {
			t.Fatalf("township status before the deadline: %d %s", st, page[strings.Index(page, "<main>"):])
		}
		// After the villages' deadline the missing count is marked late; the
		// report sent at 15:10 stays on time.
		setClock("16:45")
		st, page = z.Get("/reports?unit=" + dbtest.TownshipA)
		a = rowOf(page, `id="child-`+dbtest.VillageA+`"`)
		if st != http.StatusOK || !strings.Contains(a, "已报第2版") || strings.Contains(a, "逾期") ||
			!strings.Contains(page, `id="missing" class="late">2<`) || !strings.Contains(page, "已过报送时限") ||
			!strings.Contains(rowOf(page, `id="rate-5"`), `data-l="按时">1<`) {
			t.Fatalf("township status after the deadline: %d %s", st, page[strings.Index(page, "<main>"):])
		}
		if st, _ = z.Get("/reports?unit=" + dbtest.VillageB); st != http.StatusNotFound {
			t.Errorf("another township's village: %d", st)
		}
		// The deadline check tells the township of the village that did not
		// report (东街), by name; the village that reported is not told.
		if _, err := e.App.Reports.CheckMissing(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, inbox := z.Get("/inbox"); !strings.Contains(inbox, "东街社区居委会") || !strings.Contains(inbox, "日报告已过报送时限") {
			t.Errorf("the township was not told of the missing report")
		}
		if _, inbox := c.Get("/inbox"); strings.Contains(inbox, "日报告已过报送时限") {
			t.Errorf("the village that reported was told it had not")
		}
	})
}
