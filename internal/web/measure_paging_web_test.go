package web_test

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/policy"
)

// The measures list and the daily work list show 50 rows a page with the
// pager; the work list's totals count every row of the day, not the page.
func TestMeasureListsPaged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		cmdUser := e.AddUser(t, "zhihui", auth.RoleCommand, dbtest.County)
		c := e.Login(t, "zhihui", apptest.Password)
		api := e.TokenClient(t, cmdUser)
		dz := policy.AddDays(clock.Day(e.App.Config.Now()), -2)
		const n = 55
		for i := range n {
			var pid int64
			if err := d.W().QueryRow(`INSERT INTO people (name, unit_code, phone, created_at, updated_at) VALUES ($1, $2, '13912345678', 0, 0) RETURNING id`,
				fmt.Sprintf("测试%02d", i), dbtest.VillageA).Scan(&pid); err != nil {
				t.Fatal(err)
			}
			if st, body := api.API("POST", fmt.Sprintf("/api/v1/people/%d/measure", pid), map[string]any{"category": "密切接触者", "day_zero": dz}); st != 201 {
				t.Fatalf("assign: %d %s", st, body)
			}
		}
		rows := regexp.MustCompile(`<td data-l="姓名"><a href="/measures/\d+">`)
		forms := regexp.MustCompile(`action="/measures/\d+/checks"`)
		pages := []struct {
			path      string
			re        *regexp.Regexp
			want      int
			next      bool
			wantTotal bool
		}{
			{"/measures/list", rows, 50, true, false},
			{"/measures/list?page=2", rows, 5, false, false},
			{"/measures/work?unit=" + dbtest.VillageA, forms, 50, true, true},
			{"/measures/work?unit=" + dbtest.VillageA + "&page=2", forms, 5, false, true},
		}
		for _, p := range pages {
			st, body := c.Get(p.path)
			if st != 200 {
				t.Fatalf("GET %s: %d", p.path, st)
			}
			if got := len(p.re.FindAllString(body, -1)); got != p.want {
				t.Errorf("GET %s: %d rows, want %d", p.path, got, p.want)
			}
			if strings.Contains(body, "下一页") != p.next {
				t.Errorf("GET %s: next page link %v, want %v", p.path, !p.next, p.next)
			}
			if p.next {
				// The link leads to page 2 (it was escaped to ?page%3d2,
				// which showed page 1 again).
				m := regexp.MustCompile(`<a href="(\?[^"]*)">下一页</a>`).FindStringSubmatch(body)
				if m == nil || !strings.Contains(html.UnescapeString(m[1]), "page=2") {
					t.Fatalf("GET %s: next link %v", p.path, m)
				}
				base, _, _ := strings.Cut(p.path, "?")
				if _, next := c.Get(base + html.UnescapeString(m[1])); len(p.re.FindAllString(next, -1)) != 5 {
					t.Errorf("GET %s: following 下一页 does not give page 2", p.path)
				}
			}
			if p.wantTotal {
				// n people with the same checks a day: a multiple of n
				// (a page's 50 or 5 people would not give one).
				m := regexp.MustCompile(`<b id="checks-done">0/(\d+)</b>`).FindStringSubmatch(body)
				if due, _ := strconv.Atoi(append(m, "", "")[1]); due == 0 || due%n != 0 {
					t.Errorf("GET %s: checks due %v, want the whole day's (%d people)", p.path, m, n)
				}
			}
		}
	})
}
