package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// TestHandlerFormsPutTheMessageBesideTheField: a form its handler renders
// again itself (here 登记人员, whose template has no per-field markup) gets
// the message after the field it concerns, the field marked invalid, what
// was typed kept — not only the banner atop the page.
func TestHandlerFormsPutTheMessageBesideTheField(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "cun-beside", auth.RoleVillage, dbtest.VillageA)
		c := e.Login(t, "cun-beside", apptest.Password)
		form := url.Values{"unit_code": {dbtest.VillageA}, "name": {"旁边测试"}, "id_number": {"61011819800101123"}, "phone": {"13800138000"},
			"residence": {"在家"}}
		st, body := c.PostFrom("/people/new", "/people", form)
		if st != http.StatusBadRequest {
			t.Fatalf("bad ID number: %d %s", st, body)
		}
		field, msg := strings.Index(body, `id="id_number"`), strings.Index(body, `id="err-身份证号"`)
		if field < 0 || msg < field || msg-field > 400 {
			t.Fatalf("the message is not right after 身份证号 (%d, %d): %s", field, msg, body)
		}
		input := body[strings.LastIndex(body[:field], "<input"):msg]
		if !strings.Contains(input, `aria-invalid="true"`) || !strings.Contains(input, `value="61011819800101123"`) ||
			!strings.Contains(input, `aria-describedby="err-身份证号"`) {
			t.Errorf("the field is not marked or lost what was typed: %s", input)
		}
		if !strings.Contains(body, `value="旁边测试"`) || !strings.Contains(body, `value="13800138000"`) {
			t.Errorf("other fields lost: %s", body)
		}
		if n := strings.Count(body, `role="alert"`); n != 2 {
			t.Errorf("want the banner and the field's message, got %d alerts", n)
		}
	})
}
