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
	"fangkong/internal/measure"
	"fangkong/internal/registry"
)

// A form whose handler refuses the input comes back as the same form with
// what was typed and the message beside the field, never a bare error page.
func TestFailedFormKeepsItsInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "zhb", auth.RoleCommand, dbtest.County)
		c := e.Login(t, "zhb", apptest.Password)

		// A sweep whose end is before its start.
		status, body := c.PostFrom("/sweeps", "/sweeps", url.Values{"name": {"冬季第二轮排查"}, "unit_code": {"甘亭街道"},
			"starts_on": {"2026-12-06"}, "ends_on": {"2026-12-01"}})
		if status != http.StatusBadRequest {
			t.Fatalf("sweep with end before start: %d", status)
		}
		for _, want := range []string{`value="冬季第二轮排查"`, `value="甘亭街道"`, `value="2026-12-01"`, `aria-invalid="true"`,
			`class="error field-error"`, "不早于开始日期"} {
			if !strings.Contains(body, want) {
				t.Errorf("refilled sweep form lacks %s", want)
			}
		}
		if strings.Contains(body, "返回首页") {
			t.Error("a bare error page")
		}
		// An ambiguous scope asks, beside the scope field.
		_, body = c.PostFrom("/sweeps", "/sweeps", url.Values{"name": {"第三轮"}, "unit_code": {"余下"}, "starts_on": {"2026-12-06"}})
		if !strings.Contains(body, `id="err-排查范围"`) || !strings.Contains(body, "余下村委会") || !strings.Contains(body, `value="第三轮"`) {
			t.Errorf("ambiguous scope not asked beside the field")
		}
		// Typed by name, it opens.
		if status, _ := c.PostFrom("/sweeps", "/sweeps", url.Values{"name": {"甘亭排查"}, "unit_code": {"甘亭"}, "starts_on": {"2026-12-06"}}); status != http.StatusSeeOther {
			t.Fatalf("sweep over 甘亭 by name: %d", status)
		}

		// A health check of "365" keeps the symptoms ticked and the value.
		ctx, all := context.Background(), jurisdiction.System("test")
		hh, err := e.App.Registry.CreateHousehold(ctx, seedActor, all, registry.Household{UnitCode: dbtest.VillageA, Address: "幸福路1号"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.App.Registry.CreatePerson(ctx, seedActor, all, registry.Person{Name: "张三", IDNumber: dbtest.ID("61011819800101123"),
			HouseholdID: hh.ID, Relation: "户主"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := e.App.Measures.Assign(ctx, seedActor, all, measure.AssignInput{PersonID: p.ID, Category: "close_contact", DayZero: "2026-12-05"})
		if err != nil {
			t.Fatal(err)
		}
		page := "/measures/" + itoa(m.ID)
		status, body = c.PostFrom(page, page+"/checks", url.Values{"temp": {"365"}, "symptoms": {"干咳"}})
		if status != http.StatusBadRequest || !strings.Contains(body, `value="365"`) || !strings.Contains(body, `class="error field-error"`) {
			t.Fatalf("health check 365: %d, refilled %v", status, strings.Contains(body, `value="365"`))
		}
		if !strings.Contains(body, `value="干咳" checked`) {
			t.Error("ticked symptom lost")
		}

		// A 20,000-character paste on the public self-report page: the form
		// again with the message and the other fields kept, and no way to a
		// login.
		poster, err := e.App.Returnees.Poster(ctx, all, dbtest.VillageA)
		if err != nil {
			t.Fatal(err)
		}
		anon := e.Anonymous(t)
		status, body = anon.Post("/r/"+poster.Token, url.Values{"name": {"李四"}, "id_number": {dbtest.ID("61011819900101223")},
			"phone": {"13900000000"}, "address": {strings.Repeat("长", 20000)}, "origin": {"610113"}, "arrived_on": {"2026-12-05"}})
		if status != http.StatusBadRequest || !strings.Contains(body, `value="李四"`) || strings.Contains(body, "/login") {
			t.Errorf("long paste on the public page: %d, name kept %v, login link %v", status, strings.Contains(body, `value="李四"`),
				strings.Contains(body, "/login"))
		}
	})
}
