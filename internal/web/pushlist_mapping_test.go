package web_test

import (
	"regexp"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// TestPushListMappingErrorKeepsFile: a mapping that names no key column
// comes back to the mapping screen with the message and the choices made;
// the staged file is kept, so the corrected mapping imports it without a
// new upload. An upload the server cannot read keeps the form's source,
// name and deadline.
func TestPushListMappingErrorKeepsFile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "boss", auth.RoleCommand, dbtest.County)
		boss := e.Login(t, "boss", apptest.Password)
		file := "姓名,身份证号,手机号,来源地\n张三,,13800001111,北京市朝阳区\n李四,6.10118E+17,,北京市朝阳区\n"
		st, body := boss.Upload("/pushlists/upload", "list.csv", []byte(file), map[string]string{"source": "卫健局", "deadline_hours": "12", "name": "卫健推送"})
		token := regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`).FindStringSubmatch(body)
		if st != 200 || token == nil {
			t.Fatalf("mapping screen: %d", st)
		}
		if !strings.Contains(body, "被表格软件改写") {
			t.Errorf("the preview does not flag the ID number Excel rewrote")
		}
		form := map[string][]string{"token": {token[1]}, "source": {"卫健局"}, "deadline_hours": {"12"}, "name": {"卫健推送"},
			"map_name": {""}, "map_id_number": {""}, "map_phone": {""}, "map_origin": {"来源地"}}
		st, body = boss.Post("/pushlists", form)
		if st != 400 || !strings.Contains(body, `value="`+token[1]+`"`) || !strings.Contains(body, `value="卫健推送"`) {
			t.Fatalf("a mapping without key columns: %d, want 400 on the mapping screen with the file kept", st)
		}
		form["map_name"], form["map_phone"] = []string{"姓名"}, []string{"手机号"}
		if st, body := boss.Post("/pushlists", form); st != 303 {
			t.Fatalf("the corrected mapping: %d %.300s", st, body)
		}
		st, body = boss.Upload("/pushlists/upload", "list.csv", nil, map[string]string{"source": "卫健局", "deadline_hours": "12", "name": "第二批"})
		if st != 400 || !strings.Contains(body, `value="卫健局"`) || !strings.Contains(body, `value="第二批"`) || !strings.Contains(body, `value="12"`) {
			t.Errorf("an upload without a file: %d; the form's values not kept", st)
		}
	})
}
