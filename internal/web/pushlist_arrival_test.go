package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// TestPushTaskFutureArrival: a pushed arrival date after today (12月10日
// on 7 December) is flagged on the task page and not offered as the
// answer's date (the answer refuses a future date); one before today is.
// A row matched by ID number to a person registered under another name
// says so.
func TestPushTaskFutureArrival(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		now := time.Date(2026, 12, 7, 10, 0, 0, 0, clock.Shanghai)
		e := apptest.StartWith(t, d, func(c *app.Config) { c.Now = func() time.Time { return now } })
		e.AddUser(t, "centre", auth.RoleCommand, dbtest.County)
		e.AddUser(t, "cun", auth.RoleVillage, dbtest.VillageA)
		centre, cun := e.Login(t, "centre", apptest.Password), e.Login(t, "cun", apptest.Password)
		ids := []string{dbtest.ID("61011819800101011"), dbtest.ID("61011819800202022")}
		for i, name := range []string{"王大", "王二"} {
			if _, err := e.App.Registry.CreatePerson(t.Context(), seedActor, jurisdiction.System("test"), registry.Person{Name: name,
				IDNumber: ids[i], UnitCode: dbtest.VillageA}); err != nil {
				t.Fatal(err)
			}
		}
		// 王二's ID number is registered as 王二 too; 王大's pushed as 王小大.
		csv := "姓名,身份证号,到达日期\n王小大," + ids[0] + ",12月10日\n王二," + ids[1] + ",12月5日\n"
		st, body := centre.Upload("/pushlists/upload", "list.csv", []byte(csv), map[string]string{"source": "省级平台", "deadline_hours": "12"})
		token := regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`).FindStringSubmatch(body)
		if st != 200 || token == nil {
			t.Fatalf("upload: %d %s", st, body)
		}
		if st, body = centre.Post("/pushlists", url.Values{"token": {token[1]}, "source": {"省级平台"}, "deadline_hours": {"12"}, "name": {"到达日期"},
			"map_name": {"姓名"}, "map_id_number": {"身份证号"}, "map_arrival_date": {"到达日期"}}); st != 303 {
			t.Fatalf("import: %d %s", st, body)
		}
		for name, want := range map[string][]string{
			"王小大": {"2026-12-10", "晚于今天，请核实", `name="arrived_on" type="date" value="" max="2026-12-07"`, "姓名不一致：台账为王大"},
			"王二":  {"2026-12-05", `name="arrived_on" type="date" value="2026-12-05" max="2026-12-07"`},
		} {
			var id int64
			d.R().QueryRow("SELECT id FROM push_tasks WHERE name = $1", name).Scan(&id)
			st, body := cun.Get(fmt.Sprintf("/pushtasks/%d", id))
			if st != 200 {
				t.Fatalf("task of %s: %d", name, st)
			}
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("task of %s: no %q", name, w)
				}
			}
			if name == "王二" && (strings.Contains(body, "晚于今天") || strings.Contains(body, "姓名不一致")) {
				t.Errorf("task of %s flagged", name)
			}
		}
	})
}
