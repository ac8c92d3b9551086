package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/policy"
)

// TestNoticeFromServerOnly: a notice after a form post comes from the
// server (a cookie it sets), shows once, and no text in a link's ?msg= is
// ever printed, on the public pages or behind the login.
func TestNoticeFromServerOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		const fake = "紧急通知：请立即将身份证号发送至13800000000"
		q := "?msg=" + url.QueryEscape(fake)

		// The public pages: login, the village's self-report poster, a
		// person's own health-check link.
		poster, err := e.App.Returnees.Poster(ctx, jurisdiction.System("test"), dbtest.VillageA)
		if err != nil {
			t.Fatal(err)
		}
		cmd := e.AddUser(t, "zhihui", auth.RoleCommand, dbtest.County)
		var pid int64
		d.W().QueryRow(`INSERT INTO people (name, unit_code, phone, created_at, updated_at) VALUES ('赵测试', $1, '13912345678', 0, 0) RETURNING id`,
			dbtest.VillageA).Scan(&pid)
		st, body := e.TokenClient(t, cmd).API("POST", fmt.Sprintf("/api/v1/people/%d/measure", pid),
			map[string]any{"category": "密切接触者", "day_zero": policy.AddDays(clock.Day(e.App.Config.Now()), -2), "place": "某市某区", "risk_level": "高"})
		if st != http.StatusCreated {
			t.Fatalf("assign: %d %s", st, body)
		}
		var tok string
		d.R().QueryRow("SELECT token FROM measures WHERE person_id = $1", pid).Scan(&tok)
		anon := e.Anonymous(t)
		for _, path := range []string{"/login", "/r/" + poster.Token, "/m/" + tok} {
			st, body := anon.Get(path + q)
			if st != http.StatusOK {
				t.Errorf("GET %s: %d", path, st)
			}
			if strings.Contains(body, "紧急通知") {
				t.Errorf("GET %s%s prints the link's text", path, q)
			}
		}
		e.AddUser(t, "wgy", auth.RoleVillage, dbtest.VillageA)
		c := e.Login(t, "wgy", apptest.Password)
		if _, body := c.Get("/units/" + dbtest.VillageA + q); strings.Contains(body, "紧急通知") {
			t.Error("a signed-in page prints the link's text")
		}

		// A real notice after a post shows on the next page, once.
		if st, _ := c.Post("/units/"+dbtest.VillageA+"/grids", url.Values{"name": {"第九网格"}}); st != http.StatusSeeOther {
			t.Fatalf("add grid: %d", st)
		}
		if _, body := c.Get("/units/" + dbtest.VillageA); !strings.Contains(body, "已新增网格：第九网格") {
			t.Error("the notice after adding a grid is missing")
		}
		if _, body := c.Get("/units/" + dbtest.VillageA); strings.Contains(body, "已新增网格") {
			t.Error("the notice shows twice")
		}

		// The notice's cookie: HttpOnly, SameSite=Lax, short-lived; the
		// redirect's address carries no text.
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.PostForm(e.Server.URL+"/m/"+tok, url.Values{"temp": {"36.6"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/m/"+tok {
			t.Errorf("self check: %d to %q", resp.StatusCode, loc)
		}
		var flash *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == "fk_flash" {
				flash = ck
			}
		}
		if flash == nil || !flash.HttpOnly || flash.SameSite != http.SameSiteLaxMode || flash.MaxAge <= 0 || flash.MaxAge > 300 || flash.Path != "/" {
			t.Fatalf("flash cookie %+v", flash)
		}
		req, _ := http.NewRequest("GET", e.Server.URL+"/m/"+tok, nil)
		req.AddCookie(flash)
		resp, err = client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var page strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			page.Write(buf[:n])
			if err != nil {
				break
			}
		}
		if !strings.Contains(page.String(), "已提交：体温 36.6℃") {
			t.Errorf("the self-check notice is missing: %.300s", page.String())
		}
	})
}
