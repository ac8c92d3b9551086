package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/site"
)

// TestTracingPages walks a tracer's day over HTTP: a place and its poster,
// a public scan that shows nothing back but the place, a scan-log import, a
// case with its clocks, the computed candidates, judgment and hand-off to a
// quarantine site, the trajectory and its notice without names, the chain
// graph; the village of the contact sees it among its contacts, another
// village sees neither case nor contact.
func TestTracingPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "liudiao", auth.RoleTracing, dbtest.County)
		e.AddUser(t, "wgy_a2", auth.RoleVillage, dbtest.VillageA2)
		e.AddUser(t, "wgy_b", auth.RoleVillage, dbtest.VillageB)
		c := e.Login(t, "liudiao", apptest.Password)
		va2, vb := e.Login(t, "wgy_a2", apptest.Password), e.Login(t, "wgy_b", apptest.Password)
		all := jurisdiction.System("test")
		mk := func(name, id, phone, unit string) registry.Person {
			p, err := e.App.Registry.CreatePerson(ctx, seedActor, all, registry.Person{Name: name, IDNumber: dbtest.ID(id), Phone: phone, UnitCode: unit})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		kase := mk("病例西街", "61011819800101551", "13800005501", dbtest.VillageA)
		contact := mk("接触东街", "61011819800101552", "13800005502", dbtest.VillageA2)
		if _, err := e.App.Sites.CreateSite(ctx, seedActor, all, site.Site{Name: "甘亭隔离酒店", UnitCode: dbtest.TownshipA}); err != nil {
			t.Fatal(err)
		}
		post := func(path string, form url.Values, want int) string {
			t.Helper()
			st, body := c.Post(path, form)
			if st != want {
				t.Fatalf("POST %s: %d, want %d\n%.600s", path, st, want, body)
			}
			return body
		}
		get := func(cl *apptest.Client, path string, want int, has ...string) string {
			t.Helper()
			st, body := cl.Get(path)
			if st != want {
				t.Fatalf("GET %s: %d, want %d\n%.600s", path, st, want, body)
			}
			for _, h := range has {
				if !strings.Contains(body, h) {
					t.Errorf("GET %s: missing %q", path, h)
				}
			}
			return body
		}
		post("/tracing/places", url.Values{"name": {"西街卫生室"}, "unit_code": {dbtest.VillageA}, "kind": {"村卫生室"}}, http.StatusSeeOther)
		places := get(c, "/tracing/places", 200, "西街卫生室", "CS"+dbtest.VillageA+"0001")
		id := regexp.MustCompile(`/tracing/places/(\d+)/poster`).FindStringSubmatch(places)[1]
		poster := get(c, "/tracing/places/"+id+"/poster", 200, "西街卫生室", "<svg")
		token := regexp.MustCompile(`/s/([a-z0-9]+)`).FindStringSubmatch(poster)[1]

		// The public page: no login, the place only; a bad form keeps what was typed.
		anon := e.Anonymous(t)
		get(anon, "/s/"+token, 200, "西街卫生室")
		st, body := anon.Post("/s/"+token, url.Values{"name": {"接触东街"}, "phone": {"12"}})
		if st != 400 || !strings.Contains(body, "手机号") || !strings.Contains(body, "接触东街") {
			t.Fatalf("bad public scan: %d %.300s", st, body)
		}
		st, body = anon.Post("/s/"+token, url.Values{"name": {"接触东街"}, "phone": {contact.Phone}})
		if st != 200 || !strings.Contains(body, "已登记") || strings.Contains(body, contact.IDNumber) || strings.Contains(body, "病例") {
			t.Fatalf("public scan: %d %.300s", st, body)
		}
		if st, body := anon.Get("/s/nosuchtoken"); st != 404 || strings.Contains(body, "/login") {
			t.Fatalf("unknown token: %d", st)
		}
		// The case scanned there a few minutes earlier (imported log).
		at := time.Now().Add(-10 * time.Minute).In(clock.Shanghai).Format("2006年1月2日15时04分")
		csv := "扫码记录\n姓名,身份证号,手机号,场所名称,扫码时间\n病例西街," + kase.IDNumber + ",,西街卫生室," + at + "\n合计,1,,,\n"
		if st, body := c.Upload("/tracing/scans/import", "scans.csv", []byte(csv), nil); st != 200 || !strings.Contains(body, "导入 1 行") {
			t.Fatalf("import: %d %.400s", st, body)
		}
		post("/tracing/cases", url.Values{"id_number": {kase.IDNumber}, "classification": {"确诊"}, "found_via": {"哨点"}}, http.StatusSeeOther)
		list := get(c, "/tracing/cases", 200, "病例西街", "进行中")
		cid := regexp.MustCompile(`/tracing/cases/(\d+)"`).FindStringSubmatch(list)[1]
		post("/tracing/cases/"+cid+"/candidates", nil, http.StatusSeeOther)
		page := get(c, "/tracing/cases/"+cid, 200, "接触东街", "场所码同时段 西街卫生室")
		kid := regexp.MustCompile(`name="contact" value="(\d+)" form="judge"`).FindStringSubmatch(page)[1]
		post("/tracing/cases/"+cid+"/judge", url.Values{"contact": {kid}, "category": {"close"}}, http.StatusSeeOther)
		var siteID int64
		d.R().QueryRow("SELECT id FROM sites").Scan(&siteID)
		post("/tracing/cases/"+cid+"/handoff", url.Values{"contact": {kid}, "site_id": {fmt.Sprint(siteID)}}, http.StatusSeeOther)
		get(c, "/tracing/cases/"+cid, 200, "已转运")
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM site_stays WHERE person_id = $1 AND open = 1", contact.ID).Scan(&n)
		if n != 1 {
			t.Fatalf("no transfer opened")
		}
		// The contact's village sees it; another village sees nothing.
		get(va2, "/tracing/contacts", 200, "接触东街", "已转运")
		if st, _ := va2.Get("/tracing/cases/" + cid); st != 404 {
			t.Errorf("village A2 reads the case: %d", st)
		}
		if body := get(vb, "/tracing/contacts", 200); strings.Contains(body, "接触东街") {
			t.Errorf("village B sees the contact")
		}
		if st, _ := vb.Get("/tracing/cases/" + cid + "/trajectory"); st != 404 {
			t.Errorf("village B reads the trajectory: %d", st)
		}
		// Trajectory: prefilled from the scan; the notice has no names.
		post("/tracing/cases/"+cid+"/trajectory", url.Values{"action": {"prefill"}}, http.StatusSeeOther)
		get(c, "/tracing/cases/"+cid+"/trajectory", 200, "西街卫生室", "场所码")
		notice := get(c, "/tracing/cases/"+cid+"/trajectory?print=1", 200, "西街卫生室", "活动轨迹")
		if strings.Contains(notice, "病例西街") || strings.Contains(notice, kase.IDNumber) {
			t.Errorf("the notice names the case")
		}
		get(c, "/tracing/chain", 200, "#"+cid+" 病*")
		get(c, "/tracing/indicators", 200, "合计")
		d.R().QueryRow("SELECT COUNT(*) FROM audit_log WHERE entity IN ('tracing_case', 'tracing_trajectory') AND action = 'view'").Scan(&n)
		if n < 4 {
			t.Errorf("views of case and trajectory audited: %d", n)
		}
	})
}
