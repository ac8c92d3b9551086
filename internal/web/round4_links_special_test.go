package web_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/special"
)

// 特报逾期未确认 counts the open reports with a clock passed
// unacknowledged: its link must list exactly those, and say 共 N 条, not
// every open report (it linked to /special?unit=, the 未关闭特报).
func TestRound4LinksSpecialLate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		var mu sync.Mutex
		now := time.Now()
		clk := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		later := func(dt time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(dt) }
		e := apptest.StartWith(t, d, func(c *app.Config) { c.Now = clk })
		ctx, all := t.Context(), jurisdiction.System("test")
		open := func(unit, title string) special.Report {
			r, err := e.App.Special.Open(ctx, seedActor, all, special.Trigger{Kind: "other", Unit: unit, Title: title})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		open(dbtest.VillageA, "西街逾期特报")
		closed := open(dbtest.VillageA2, "已关闭逾期特报")
		if _, err := e.App.Special.Close(ctx, seedActor, all, closed.ID, "已处置"); err != nil {
			t.Fatal(err)
		}
		later(90 * time.Minute) // past the township's 60 minutes
		open(dbtest.VillageA, "西街新特报")
		open(dbtest.VillageB, "余下镇逾期特报外")

		e.AddUser(t, "zhen", auth.RoleTownship, dbtest.TownshipA)
		c := e.Login(t, "zhen", apptest.Password)
		f := figureOf(t, e, dbtest.TownshipA, "special.late")
		if f.Value != 1 {
			t.Fatalf("特报逾期未确认 = %d, want 1", f.Value)
		}
		if o := figureOf(t, e, dbtest.TownshipA, "special.open"); o.Value != 2 || o.Link == f.Link {
			t.Fatalf("未关闭特报 = %d (want 2), link %s beside %s", o.Value, o.Link, f.Link)
		}
		st, body := c.Get(f.Link)
		if st != http.StatusOK {
			t.Fatalf("%s: %d", f.Link, st)
		}
		if !strings.Contains(body, "西街逾期特报") {
			t.Errorf("%s does not list the late report", f.Link)
		}
		for _, not := range []string{"西街新特报", "已关闭逾期特报", "余下镇逾期特报外"} {
			if strings.Contains(body, not) {
				t.Errorf("特报逾期未确认 = 1 links to %s, which lists %s too", f.Link, not)
			}
		}
		if m := regexp.MustCompile(`特报逾期未确认 共 ([\d,]+) 条`).FindStringSubmatch(body); m == nil || m[1] != "1" {
			t.Errorf("%s does not say 特报逾期未确认 共 1 条: %v", f.Link, m)
		}
		// The JSON twin: the same filter and its total.
		var out struct {
			Total   int `json:"total"`
			Reports []struct {
				Title string `json:"title"`
				Late  bool   `json:"late"`
			} `json:"reports"`
		}
		st, body = c.Get("/api/v1" + f.Link)
		if err := json.Unmarshal([]byte(body), &out); err != nil || st != http.StatusOK || out.Total != 1 || len(out.Reports) != 1 ||
			out.Reports[0].Title != "西街逾期特报" || !out.Reports[0].Late {
			t.Errorf("/api/v1%s: %d %+v %s", f.Link, st, out, body)
		}
		// The open list says its own count.
		if _, body := c.Get("/special?unit=" + dbtest.TownshipA); !strings.Contains(body, "未关闭特报 共 2 条") {
			t.Errorf("/special does not say 未关闭特报 共 2 条")
		}
	})
}
