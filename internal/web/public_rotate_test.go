package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
)

// TestPublicRotateKeepsInput: the village replaces its poster's QR code
// while a villager fills in the self-report page of the old one. Their
// submit comes back as the form with everything typed and a message to scan
// the newest poster, not the bare 404 page and no way to a login; the old
// token stores nothing, and the new poster's page takes the report.
func TestPublicRotateKeepsInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		ctx := context.Background()
		old, err := e.App.Returnees.Poster(ctx, jurisdiction.System("test"), dbtest.VillageA)
		if err != nil {
			t.Fatal(err)
		}
		anon := e.Anonymous(t)
		if st, body := anon.Get("/r/" + old.Token); st != http.StatusOK || !strings.Contains(body, "/static/draft.js") ||
			!strings.Contains(body, "data-draft") {
			t.Fatalf("form of token A: %d, draft script %v", st, strings.Contains(body, "/static/draft.js"))
		}

		// The village's worker replaces the code meanwhile.
		e.AddUser(t, "wg-rotate", auth.RoleVillage, dbtest.VillageA)
		c := e.Login(t, "wg-rotate", apptest.Password)
		if st, _ := c.Post("/units/"+dbtest.VillageA+"/poster/rotate", nil); st != http.StatusSeeOther {
			t.Fatalf("rotate: %d", st)
		}
		cur, err := e.App.Returnees.Poster(ctx, jurisdiction.System("test"), dbtest.VillageA)
		if err != nil || cur.Token == old.Token {
			t.Fatalf("token not replaced: %v", err)
		}

		typed := url.Values{"name": {"返乡赵六"}, "id_number": {dbtest.ID("61011819880808456")}, "phone": {"13912340000"},
			"address": {"西街7号"}, "origin": {"西安雁塔"}, "origin_detail": {"电子城小区"}, "departed_on": {"2021-12-20"},
			"arrived_on": {"2021-12-21"}, "transport": {"火车"}, "transport_no": {"G1234"}, "test_sampled_at": {"2021-12-20 09:30"},
			"symptoms": {"轻微咳嗽"}, "companions": {"妻子王某"}}
		st, body := anon.Post("/r/"+old.Token, typed)
		if st != http.StatusNotFound {
			t.Errorf("post to the replaced token: %d, want 404", st)
		}
		for name, v := range typed {
			if name == "transport" {
				continue
			}
			if !strings.Contains(body, `value="`+v[0]+`"`) {
				t.Errorf("%s %q not filled back in", name, v[0])
			}
		}
		for _, want := range []string{`<option selected>火车</option>`, `<form method="post"`, `id="p-name"`,
			"二维码已更换", "请扫描村里最新张贴的二维码", "保存在本手机上", `role="alert"`, `<button disabled`,
			"/static/draft.js", "data-draft"} {
			if !strings.Contains(body, want) {
				t.Errorf("page after the replaced token lacks %s", want)
			}
		}
		for _, bad := range []string{"/login", "error-back", "返回首页", "二维码无效", "西街社区居委会", `data-places="/r/`} {
			if strings.Contains(body, bad) {
				t.Errorf("page after the replaced token has %s", bad)
			}
		}
		var n int
		if err := d.R().QueryRow("SELECT COUNT(*) FROM self_reports").Scan(&n); err != nil || n != 0 {
			t.Fatalf("the replaced token stored %d self-reports (%v)", n, err)
		}

		// A GET of the old token is still the plain 404 page.
		if st, body := anon.Get("/r/" + old.Token); st != http.StatusNotFound || !strings.Contains(body, "二维码无效或已更换") ||
			strings.Contains(body, `id="p-name"`) {
			t.Errorf("GET of the replaced token: %d", st)
		}

		// The new poster takes the same report; the thanks page clears the draft.
		st, body = anon.Post("/r/"+cur.Token, typed)
		if st != http.StatusOK || !strings.Contains(body, "报备已提交") || !strings.Contains(body, `src="/static/draft.js" data-clear`) {
			t.Fatalf("report to the new token: %d %.300s", st, body)
		}
		if err := d.R().QueryRow("SELECT COUNT(*) FROM self_reports WHERE name = $1", "返乡赵六").Scan(&n); err != nil || n != 1 {
			t.Errorf("new token stored %d self-reports (%v)", n, err)
		}
		if st, body := anon.Get("/static/draft.js"); st != http.StatusOK || !strings.Contains(body, "localStorage") {
			t.Errorf("/static/draft.js: %d", st)
		}
	})
}
