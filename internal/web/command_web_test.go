package web_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
)

// The picture walks every tile: each figure of every domain's summary for
// the county is on the page with the value the domain computes, late ones
// among 逾期与未办, each township's late figures in its row; every tile's
// link is served and shows the same number; a township drills down to its
// villages and sees nothing of another township; twenty concurrent
// commanders all get the picture.
func TestCommandPictureTiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		seedToday(t, e, dbtest.VillageA, 3)
		seedToday(t, e, dbtest.VillageA2, 3)
		e.AddUser(t, "zhb", auth.RoleCommand, dbtest.County)
		e.AddUser(t, "zhen", auth.RoleTownship, dbtest.TownshipA)
		c := e.Login(t, "zhb", apptest.Password)
		if st, body := c.Get("/"); st != http.StatusSeeOther || !strings.Contains(body, `href="/command"`) {
			t.Errorf("the command centre's home is not the picture: %d %s", st, body)
		}
		status, page := c.Get("/command")
		if status != http.StatusOK {
			t.Fatalf("picture: %d %s", status, page)
		}
		// "截至" is Beijing time, whatever the server's zone (it showed UTC).
		if m := regexp.MustCompile(`截至 (\d{4}-\d\d-\d\d \d\d:\d\d):\d\d`).FindStringSubmatch(page); m == nil {
			t.Errorf("no 截至 time on the picture")
		} else if at, err := time.ParseInLocation("2006-01-02 15:04", m[1], clock.Shanghai); err != nil || time.Since(at).Abs() > 5*time.Minute {
			t.Errorf("截至 %s is not Beijing time now (%s)", m[1], time.Now().In(clock.Shanghai).Format("15:04"))
		}
		ctx, day := t.Context(), clock.Day(e.App.Config.Now())
		scope := jurisdiction.Grant(dbtest.County)
		tiles, nonzero := 0, 0
		for _, src := range e.App.Summaries {
			card, err := src.Source.Summary(ctx, scope, dbtest.County, day)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range card.Figures {
				tiles++
				v := strconv.Itoa(f.Value)
				if !strings.Contains(page, `id="fig-`+f.Key+`">`+v+`<`) {
					t.Errorf("tile %s: the picture does not show %d", f.Key, f.Value)
				}
				if f.Late && !strings.Contains(page, `id="late-`+f.Key+`">`+v+`<`) {
					t.Errorf("late figure %s is not among 逾期与未办", f.Key)
				}
				if f.Link == "" {
					continue
				}
				st, body := c.Get(f.Link)
				if st != http.StatusOK {
					t.Errorf("tile %s: %s answers %d", f.Key, f.Link, st)
					continue
				}
				if f.Value > 0 {
					nonzero++
					if !strings.Contains(body, ">"+v+"<") && !strings.Contains(body, v) {
						t.Errorf("tile %s = %d, its page %s does not show it", f.Key, f.Value, f.Link)
					}
				}
			}
			for _, tw := range []string{dbtest.TownshipA, dbtest.TownshipB} {
				tc, err := src.Source.Summary(ctx, scope, tw, day)
				if err != nil {
					t.Fatal(err)
				}
				row := rowOf(page, `id="child-`+tw+`"`)
				if row == "" {
					t.Fatalf("no row for township %s", tw)
				}
				for _, f := range tc.Figures {
					if f.Late && !strings.Contains(row, `data-key="`+f.Key+`">`+strconv.Itoa(f.Value)+`<`) {
						t.Errorf("township %s: late %s = %d not in its row", tw, f.Key, f.Value)
					}
				}
			}
		}
		if tiles < 8 || nonzero < 3 {
			t.Errorf("only %d tiles, %d of them non-zero: the walk proves little", tiles, nonzero)
		}
		// Drill-down: the township's picture lists its villages, not another township's.
		z := e.Login(t, "zhen", apptest.Password)
		if st, body := z.Get("/command?unit=" + dbtest.TownshipA); st != http.StatusOK || !strings.Contains(body, "西街社区") || strings.Contains(body, "余下村") {
			t.Errorf("township picture: %d", st)
		}
		if st, _ := z.Get("/command?unit=" + dbtest.VillageB); st != http.StatusNotFound {
			t.Errorf("another township's village: %d, want 404", st)
		}
		if st, body := c.Get("/command?unit=" + dbtest.VillageA); st != http.StatusOK || !strings.Contains(body, "西街社区") {
			t.Errorf("village picture: %d", st)
		}
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if st, _ := c.Get("/command"); st != http.StatusOK {
					t.Errorf("concurrent picture: %d", st)
				}
			}()
		}
		wg.Wait()
	})
}

// rowOf returns the table row that starts with the attribute.
func rowOf(page, attr string) string {
	i := strings.Index(page, attr)
	if i < 0 {
		return ""
	}
	j := strings.Index(page[i:], "</tr>")
	if j < 0 {
		return page[i:]
	}
	return page[i : i+j]
}
