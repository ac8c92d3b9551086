package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

func TestMalformedRequests(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		u := e.AddUser(t, "wgy", auth.RoleVillage, dbtest.VillageA)
		c := e.TokenClient(t, u)
		for _, tc := range []struct {
			method, path, body string
			want               int
			contains           string
		}{
			{"POST", "/api/v1/people", `{"name": "王五", `, 400, "不是有效的JSON"},
			{"POST", "/api/v1/people", `{"name": "王五", "shoe_size": 42}`, 400, "不是有效的JSON"},
			{"POST", "/api/v1/people", `{"name": "王五", "id_number": "123", "unit_code": "` + dbtest.VillageA + `"}`, 400, "身份证号"},
			{"POST", "/api/v1/people", `{"name": "", "unit_code": "` + dbtest.VillageA + `"}`, 400, "姓名"},
			{"GET", "/api/v1/people/abc", ``, 404, "不存在"},
			{"POST", "/api/v1/households", `{"unit_code": "` + dbtest.VillageA + `", "address": "x", "phone": "12345"}`, 400, "手机号"},
			{"POST", "/api/v1/people", `{"name": "` + strings.Repeat("x", 2<<20) + `"}`, 413, "过大"},
		} {
			req, _ := http.NewRequest(tc.method, e.Server.URL+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Authorization", "Bearer "+c.Bearer)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want || !strings.Contains(string(b), tc.contains) {
				t.Errorf("%s %s %.40q: %d %s; want %d containing %q", tc.method, tc.path, tc.body, resp.StatusCode, b, tc.want, tc.contains)
			}
		}
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM people").Scan(&n)
		if n != 0 {
			t.Errorf("bad requests created %d people", n)
		}
	})
}
