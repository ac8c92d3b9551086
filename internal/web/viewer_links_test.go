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
	"fangkong/internal/sentinel"
)

// TestLinksTheViewerCanFollow: a page links only where the viewer may go —
// a figure or a group chip whose page needs a capability the role lacks
// shows as a plain number, a township above a village worker's scope as a
// plain name — and it names units rather than printing their codes; a
// filter takes a unit's name.
func TestLinksTheViewerCanFollow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "kakou-l", auth.RoleCheckpoint, dbtest.County)
		e.AddUser(t, "site-l", auth.RoleSite, dbtest.County)
		e.AddUser(t, "town-l", auth.RoleTownship, dbtest.TownshipA)
		e.AddUser(t, "vill-l", auth.RoleVillage, dbtest.VillageA)
		e.AddUser(t, "admin-l", auth.RoleAdmin, dbtest.County)
		e.AddUser(t, "trace-l", auth.RoleTracing, dbtest.County)

		kakou := e.Login(t, "kakou-l", apptest.Password)
		st, body := kakou.Get("/units/" + dbtest.County)
		if st != http.StatusOK {
			t.Fatalf("unit page as 卡口: %d", st)
		}
		if strings.Contains(body, `href="/handovers?`) || !strings.Contains(body, `<b id="fig-checkpoint.handover_late">`) {
			t.Error("卡口 gets a link to the handovers it may not open")
		}
		if !strings.Contains(body, `<a href="/checkpoints?`) {
			t.Error("卡口 lost the links it may follow")
		}
		if strings.Contains(body, `href="/people?`) {
			t.Error("卡口 gets special-group links to /people")
		}
		town := e.Login(t, "town-l", apptest.Password)
		if _, body := town.Get("/units/" + dbtest.TownshipA); !strings.Contains(body, `href="/people?group=`) {
			t.Error("a township cadre lost the special-group links")
		}

		site := e.Login(t, "site-l", apptest.Password)
		if st, body := site.Get("/sites"); st != http.StatusOK || strings.Contains(body, `href="/measures"`) || !strings.Contains(body, "管控措施") {
			t.Errorf("/sites as 隔离点: %d, link to /measures: %v", st, strings.Contains(body, `href="/measures"`))
		}

		if _, err := e.App.Sentinels.CreateSentinel(context.Background(), seedActor, jurisdiction.System("test"),
			sentinel.Sentinel{UnitCode: dbtest.VillageA, Name: "西街村卫生室", Kind: sentinel.KindVillageClinic, ContactName: "王医生"}); err != nil {
			t.Fatal(err)
		}
		vill := e.Login(t, "vill-l", apptest.Password)
		if st, body := vill.Get("/sentinels"); st != http.StatusOK || !strings.Contains(body, `<td data-l="镇街">甘亭街道</td>`) ||
			strings.Contains(body, "unit="+dbtest.TownshipA+`"`) ||
			strings.Contains(body, "unit="+dbtest.TownshipA+"&") {
			t.Errorf("/sentinels as a village worker: %d, links to the township above", st)
		}
		if _, body := town.Get("/sentinels"); !strings.Contains(body, `<a href="/sentinels?day=`) {
			t.Error("/sentinels as the township: its own row lost its link")
		}

		admin := e.Login(t, "admin-l", apptest.Password)
		if _, body := admin.Get("/admin/users"); !strings.Contains(body, ">甘亭街道</a>") || !strings.Contains(body, ">鄠邑区</a>") {
			t.Error("/admin/users prints unit codes, not names")
		}
		if _, body := admin.Get("/account"); !strings.Contains(body, ">鄠邑区</a>") {
			t.Error("/account prints the unit code, not its name")
		}

		if st, body := town.Get("/pushtasks?" + url.Values{"unit": {"西街社区"}}.Encode()); st != http.StatusOK ||
			!strings.Contains(body, `value="西街社区居委会"`) || !strings.Contains(body, `placeholder="村（社区）名称"`) {
			t.Errorf("/pushtasks by a village's name: %d", st)
		}
		if st, body := town.Get("/pushtasks?unit=" + dbtest.VillageA); st != http.StatusOK || !strings.Contains(body, `value="西街社区居委会"`) {
			t.Errorf("/pushtasks by code does not show the name: %d", st)
		}
		if st, body := town.Get("/pushtasks?" + url.Values{"unit": {"余下村"}}.Encode()); st != http.StatusBadRequest ||
			!strings.Contains(body, `value="余下村"`) || !strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("/pushtasks by a name outside the scope: %d", st)
		}

		trace := e.Login(t, "trace-l", apptest.Password)
		if st, body := trace.Get("/tracing/chain?" + url.Values{"unit": {"甘亭街道"}}.Encode()); st != http.StatusOK ||
			!strings.Contains(body, `value="甘亭街道"`) || !strings.Contains(body, `placeholder="镇街"`) {
			t.Errorf("/tracing/chain by a township's name: %d", st)
		}
		if st, _ := trace.Get("/tracing/chain?" + url.Values{"unit": {"无此镇"}}.Encode()); st != http.StatusBadRequest {
			t.Errorf("/tracing/chain by an unknown name: %d", st)
		}
	})
}
