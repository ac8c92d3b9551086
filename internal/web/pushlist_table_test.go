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
)

// TestPushListAsSent: a list with a title and a remarks row above its
// header and signature rows below: the mapping screen finds the header on
// row 3 and lets the centre choose another; the import leaves the footer
// out of the accounting and lists it; the list is withdrawn from its page.
func TestPushListAsSent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "centre", auth.RoleCommand, dbtest.County)
		centre := e.Login(t, "centre", apptest.Password)
		csv := "返乡人员核查名单（第12批）,,,\n请于24小时内反馈,,,\n序号,姓名,联系电话,现住址\n1,张三,13800000001.0,西街社区\n2,李四,1.38001E+10,余下村\n" +
			"合计：共2人,,,\n制表人：刘某,,审核人：陈某,\n"
		st, body := centre.Upload("/pushlists/upload", "list.csv", []byte(csv), map[string]string{"source": "公安"})
		if st != 200 || !strings.Contains(body, `<option value="3" selected>表头在第3行</option>`) || !strings.Contains(body, `<option value="姓名" selected>`) {
			t.Fatalf("mapping screen: %d %s", st, body)
		}
		token := regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`).FindStringSubmatch(body)
		if token == nil {
			t.Fatal("no token")
		}
		form := url.Values{"token": {token[1]}, "source": {"公安"}, "name": {"第12批"}, "action": {"reheader"}, "header_row": {"1"}}
		if st, body = centre.Post("/pushlists", form); st != 200 || !strings.Contains(body, `<option value="返乡人员核查名单（第12批）"`) ||
			!strings.Contains(body, `<option value="1" selected>`) {
			t.Fatalf("header row 1: %d %s", st, body)
		}
		form.Set("header_row", "3")
		form.Del("action")
		form.Set("map_name", "姓名")
		form.Set("map_phone", "联系电话")
		form.Set("map_address", "现住址")
		if st, body = centre.Post("/pushlists", form); st != 303 {
			t.Fatalf("import: %d %s", st, body)
		}
		var id int64
		d.R().QueryRow("SELECT id FROM push_lists WHERE name = '第12批'").Scan(&id)
		loc := fmt.Sprintf("/pushlists/%d", id)
		st, body = centre.Get(loc)
		if st != 200 || !strings.Contains(body, "每一行都已处理") || !strings.Contains(body, "表头在第3行") ||
			!strings.Contains(body, "未计入的表尾行") || !strings.Contains(body, "合计：共2人") || !strings.Contains(body, "<td>文件数据行数</td><td>2</td>") {
			t.Fatalf("list page: %d %s", st, body)
		}
		if st, body = centre.Post(loc+"/withdraw", url.Values{"confirm": {"1"}}); st != 303 {
			t.Fatalf("withdraw: %d %s", st, body)
		}
		if st, body = centre.Get(loc); st != 200 || !strings.Contains(body, "已撤回") || strings.Contains(body, `id="withdraw"`) {
			t.Fatalf("withdrawn list: %d %s", st, body)
		}
		var open int
		d.R().QueryRow("SELECT COUNT(*) FROM push_tasks WHERE list_id = $1 AND status = 'open'", id).Scan(&open)
		if open != 0 {
			t.Fatalf("%d tasks still open", open)
		}
	})
}
