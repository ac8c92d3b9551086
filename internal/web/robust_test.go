package web_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// A saturated server answers pages with 503 and Retry-After at once, and
// serves again when the load is gone. (The health probes answer all the
// same: overload_api_test.go.)
func TestOverloadAnswers503(t *testing.T) {
	d := dbtest.SQLite(t)
	dbtest.Tree(t, d)
	e := apptest.StartWith(t, d, func(c *app.Config) { c.MaxInFlight = 1 })
	// Occupy the only slot with a login form whose body never finishes: the
	// request says 100 bytes and sends 10.
	conn, err := net.Dial("tcp", e.Server.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername=a")
	var status int
	var retry string
	// The half-sent request takes the slot once the server has read its
	// headers; on a loaded machine (CI runs packages side by side) that can
	// take a while, so poll for up to 10 s.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		start := time.Now()
		resp, err := http.Get(e.Server.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		status, retry = resp.StatusCode, resp.Header.Get("Retry-After")
		if status == http.StatusServiceUnavailable {
			if d := time.Since(start); d > time.Second {
				t.Errorf("503 took %s", d)
			}
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if status != http.StatusServiceUnavailable || retry == "" {
		t.Fatalf("saturated server: %d, Retry-After %q", status, retry)
	}
	conn.Close()
	for i := 0; i < 100; i++ {
		resp, err := http.Get(e.Server.URL + "/login")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("server did not recover after the load went away")
}

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
