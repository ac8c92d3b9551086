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
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// Break-the-glass, end to end: an exact ID-number search outside the
// jurisdiction offers the form; a reason buys one read; the person's
// township administrators see it in their audit log.
func TestBreakGlassFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		id := dbtest.ID("61011819800101088")
		if _, err := e.App.Registry.CreatePerson(t.Context(), seedActor, jurisdiction.System("test"), registry.Person{Name: "余下丁", IDNumber: id,
			Phone: "13800008888", UnitCode: dbtest.VillageB}); err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "liudiao", auth.RoleTracing, dbtest.TownshipA)
		e.AddUser(t, "wgy", auth.RoleVillage, dbtest.VillageA)
		e.AddUser(t, "admin_b", auth.RoleAdmin, dbtest.TownshipB)
		e.AddUser(t, "admin_a", auth.RoleAdmin, dbtest.TownshipA)
		tracer, worker := e.Login(t, "liudiao", apptest.Password), e.Login(t, "wgy", apptest.Password)
		const why = "西安市雁塔区协查函2026-118号，核实密接"

		// A tracer (a look-up role) finds no one at /lookup and is offered the form there.
		if st, body := tracer.Post("/lookup", url.Values{"id_number": {id}}); st != http.StatusNotFound || !strings.Contains(body, "跨辖区查看（需说明理由）") || strings.Contains(body, "13800008888") {
			t.Fatalf("look-up outside the jurisdiction: %d, form shown: %v", st, strings.Contains(body, "跨辖区查看"))
		}
		if _, body := worker.Get("/people?q=" + id); strings.Contains(body, "跨辖区查看（需说明理由）") {
			t.Error("the form is offered to a role without people.breakglass")
		}
		if st, _ := worker.Post("/breakglass", url.Values{"id_number": {id}, "kind": {"协查"}, "reason": {why}}); st != http.StatusForbidden {
			t.Errorf("village worker breaking the glass: %d", st)
		}
		if st, body := tracer.Post("/breakglass", url.Values{"id_number": {id}, "kind": {"协查"}, "reason": {"查查"}}); st != http.StatusBadRequest ||
			!strings.Contains(body, "请说明理由") || !strings.Contains(body, `name="id_number" value="`+id+`"`) {
			t.Errorf("short reason: %d", st)
		}
		st, _ := tracer.Post("/breakglass", url.Values{"id_number": {id}, "kind": {"协查"}, "reason": {why}})
		if st != http.StatusSeeOther || !strings.HasPrefix(tracer.Location, "/breakglass/") {
			t.Fatalf("break the glass: %d → %q", st, tracer.Location)
		}
		grant := tracer.Location
		if st, body := worker.Get(grant); st != http.StatusForbidden || strings.Contains(body, "13800008888") {
			t.Errorf("someone else opening the grant: %d", st)
		}
		if st, body := tracer.Get(grant); st != 200 || !strings.Contains(body, id) || !strings.Contains(body, "13800008888") || !strings.Contains(body, why) {
			t.Errorf("the one read: %d", st)
		}
		if st, body := tracer.Get(grant); st != http.StatusNotFound || strings.Contains(body, "13800008888") {
			t.Errorf("a second read: %d", st)
		}
		// The person's township sees who, when and why; the reader's does not.
		adminB, adminA := e.Login(t, "admin_b", apptest.Password), e.Login(t, "admin_a", apptest.Password)
		if _, body := adminB.Get("/audit"); !strings.Contains(body, `id="breakglass-notice"`) {
			t.Error("no break-glass notice on township B's audit page")
		}
		if _, body := adminB.Get("/audit?action=break_glass"); !strings.Contains(body, why) || !strings.Contains(body, "liudiao") {
			t.Error("township B's audit log lacks the request")
		}
		if _, body := adminA.Get("/audit?action=break_glass"); strings.Contains(body, why) || strings.Contains(body, `id="breakglass-notice"`) {
			t.Error("township A's audit log shows a read of township B's person")
		}
		// A person inside the jurisdiction needs no glass broken.
		inside := dbtest.ID("61011819800101089")
		if _, err := e.App.Registry.CreatePerson(t.Context(), seedActor, jurisdiction.System("test"), registry.Person{Name: "西街戊", IDNumber: inside,
			UnitCode: dbtest.VillageA}); err != nil {
			t.Fatal(err)
		}
		if tracer.Post("/breakglass", url.Values{"id_number": {inside}, "kind": {"协查"}, "reason": {why}}); !strings.HasPrefix(tracer.Location, "/people/") {
			t.Errorf("break the glass for a person inside: → %q", tracer.Location)
		}
	})
}
