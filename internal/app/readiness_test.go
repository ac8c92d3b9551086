package app_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// The readiness page of the county shows its score, gaps and a row per
// township that drills down to the township's page; a team member entered
// on the page counts; a form with a missing name comes back with the typed
// input and the message beside the field; an inspector reads, not manages.
func TestReadinessPageDrillsDown(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "xian", auth.RoleCommand, dbtest.County)
		e.AddUser(t, "ducha", auth.RoleInspector, dbtest.County)
		c := e.Login(t, "xian", apptest.Password)
		st, body := c.Get("/readiness")
		if st != 200 || !strings.Contains(body, "达标率") || !strings.Contains(body, `href="/readiness?unit=`+dbtest.TownshipA+`"`) ||
			!strings.Contains(body, "无应急预案") {
			t.Fatalf("county page: %d %s", st, body)
		}
		if st, body := c.Post("/readiness/tracers", url.Values{"back": {dbtest.TownshipA}, "unit_code": {dbtest.TownshipA}, "name": {""}, "kind": {"疾控"}}); st != 400 ||
			!regexp.MustCompile(`<option selected(="")?>疾控</option>`).MatchString(body) || !strings.Contains(body, "请填写</span>") {
			t.Fatalf("tracer without a name: %d %s", st, body)
		}
		if st, _ := c.Post("/readiness/tracers", url.Values{"back": {dbtest.TownshipA}, "unit_code": {dbtest.TownshipA}, "name": {"王警官"}, "kind": {"公安"}}); st != 303 {
			t.Fatalf("tracer: %d", st)
		}
		if st, _ := c.Post("/readiness/plans", url.Values{"back": {dbtest.TownshipA}, "unit_code": {dbtest.TownshipA}, "kind": {"应急预案"},
			"title": {"甘亭街道预案"}, "held_on": {"2026-01-01"}}); st != 303 {
			t.Fatalf("plan: %d", st)
		}
		st, body = c.Get("/readiness?unit=" + dbtest.TownshipA)
		if st != 200 || !strings.Contains(body, "王警官") || !strings.Contains(body, "甘亭街道预案") || !strings.Contains(body, "流调队员缺口 2 人") ||
			strings.Contains(body, "无应急预案") {
			t.Fatalf("township page: %d %s", st, body)
		}
		i := e.Login(t, "ducha", apptest.Password)
		if st, body := i.Get("/readiness?unit=" + dbtest.TownshipA); st != 200 || strings.Contains(body, `action="/readiness/tracers"`) {
			t.Fatalf("inspector: %d", st)
		}
		if st, _ := i.Post("/readiness/samplers", url.Values{"unit_code": {dbtest.TownshipA}, "samplers": {"3"}}); st != 403 {
			t.Fatalf("inspector manages: %d", st)
		}
	})
}
