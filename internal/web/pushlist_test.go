package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// TestPushListFlow: the centre uploads a GBK CSV with unusual headers, maps
// them on the mapping screen, sees every row accounted for, a village
// answers its task, and the feedback file carries the answer in the
// pushed row order.
func TestPushListFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "centre", auth.RoleCommand, dbtest.County)
		e.AddUser(t, "cun", auth.RoleVillage, dbtest.VillageA)
		e.AddUser(t, "zhen", auth.RoleTownship, dbtest.TownshipB)
		centre, cun, zhen := e.Login(t, "centre", apptest.Password), e.Login(t, "cun", apptest.Password), e.Login(t, "zhen", apptest.Password)
		_, err := e.App.Registry.CreatePerson(t.Context(), seedActor, jurisdiction.System("test"), registry.Person{Name: "王大", IDNumber: dbtest.ID("61011819800101011"),
			Sex: "男", UnitCode: dbtest.VillageA})
		if err != nil {
			t.Fatal(err)
		}
		// GBK: "XM,ZJHM,DZ\n王大,<id>,\n,,\n李二,,余下镇\n"
		csv := "XM,ZJHM,DZ\n\xcd\xf5\xb4\xf3," + dbtest.ID("61011819800101011") + ",\n" + "\xc0\xee\xb6\xfe,,\xd3\xe0\xcf\xc2\xd5\xf2\n" + "," + "123,\n"
		st, body := centre.Upload("/pushlists/upload", "list.csv", []byte(csv), map[string]string{"source": "省级平台", "deadline_hours": "12"})
		if st != 200 || !strings.Contains(body, "对应表头") || !strings.Contains(body, "ZJHM") {
			t.Fatalf("upload: %d %s", st, body)
		}
		token := regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`).FindStringSubmatch(body)
		if token == nil {
			t.Fatal("no token on the mapping screen")
		}
		st, body = centre.Post("/pushlists", url.Values{"token": {token[1]}, "source": {"省级平台"}, "deadline_hours": {"12"}, "name": {"省平台第1批"},
			"map_name": {"XM"}, "map_id_number": {"ZJHM"}, "map_address": {"DZ"}})
		if st != 303 {
			t.Fatalf("import: %d %s", st, body)
		}
		var listID int64
		d.R().QueryRow("SELECT id FROM push_lists WHERE name = '省平台第1批'").Scan(&listID)
		loc := fmt.Sprintf("/pushlists/%d", listID)
		st, body = centre.Get(loc)
		if st != 200 || !strings.Contains(body, "每一行都已处理") || !strings.Contains(body, ">3<") {
			t.Fatalf("list page: %d %s", st, body)
		}
		if st, body = centre.Get(fmt.Sprintf("/pushtasks?list=%d&status=all&outcome=rejected", listID)); st != 200 || !strings.Contains(body, "（无姓名）") || strings.Contains(body, "王大") {
			t.Errorf("rejected rows of the list: %d %s", st, body)
		}
		// The mapping is remembered for the source.
		_, body = centre.Upload("/pushlists/upload", "list.csv", []byte(csv), map[string]string{"source": "省级平台"})
		if !strings.Contains(body, "已按上次的对应关系") || !strings.Contains(body, `<option value="ZJHM" selected>`) {
			t.Error("the saved mapping is not offered again")
		}
		// The village answers its task; the township sees and routes its queue.
		st, body = cun.Get("/pushtasks")
		id := regexp.MustCompile(`href="/pushtasks/(\d+)"`).FindStringSubmatch(body)
		if st != 200 || id == nil || !strings.Contains(body, "王大") || strings.Contains(body, "李二") {
			t.Fatalf("village task list: %d %s", st, body)
		}
		if st, body = cun.Post("/pushtasks/"+id[1]+"/answer", url.Values{"result": {"已离开本地"}, "note": {"去西安了"}}); st != 303 {
			t.Fatalf("answer: %d %s", st, body)
		}
		st, body = zhen.Get("/pushtasks?status=queue")
		qid := regexp.MustCompile(`href="/pushtasks/(\d+)"`).FindStringSubmatch(body)
		if st != 200 || qid == nil || !strings.Contains(body, "李二") {
			t.Fatalf("township queue: %d %s", st, body)
		}
		if st, body = zhen.Post("/pushtasks/"+qid[1]+"/route", url.Values{"unit_code": {dbtest.VillageB}}); st != 303 {
			t.Fatalf("route: %d %s", st, body)
		}
		if st, body = centre.Get("/pushtasks/stats"); st != 200 || !strings.Contains(body, "甘亭街道") || !strings.Contains(body, "<svg") {
			t.Fatalf("stats: %d %s", st, body)
		}
		st, body = centre.Get(loc + "/feedback")
		if st != 200 {
			t.Fatalf("feedback: %d", st)
		}
		text, err := sheetText([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(text, "\n")
		if len(lines) != 4 || !strings.HasPrefix(lines[1], "王大") || !strings.Contains(lines[1], "已离开本地") || !strings.Contains(lines[1], "去西安了") ||
			!strings.HasPrefix(lines[2], "李二") || !strings.Contains(lines[3], "退回") {
			t.Errorf("feedback:\n%s", text)
		}
	})
}
