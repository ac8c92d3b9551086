package web_test

// Round 4b: names, not codes — place suggestions near the user, ?unit=
// filters typed by name, unit fields labelled and read as names, the
// village before a group's name, and household and person search as
// cadres type it (spaces, traditional characters, 8组/八组, 1号/一号).

import (
	"context"
	"fmt"
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

// TestRound4bPlacesNearUser: a cadre of 鄠邑区 typing 甘亭 is offered the
// county's 甘亭街道 first.
func TestRound4bPlacesNearUser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := placeWorld(t, d)
		e.AddUser(t, "wg-r4b-sg", auth.RoleVillage, dbtest.VillageA)
		c := e.Login(t, "wg-r4b-sg", apptest.Password)
		if st, body := c.Get("/api/v1/places?q=" + url.QueryEscape("甘亭")); st != 200 || !strings.HasPrefix(body, `{"places":[{"code":"610118001"`) {
			t.Errorf("甘亭: %d %.300s", st, body)
		}
	})
}

// TestRound4bUnitFilterByName: the list pages read ?unit= typed by name
// (西街社区, 甘亭街道) as that unit; a code still works; a name that fits
// no unit is the page with a message, not an error page.
func TestRound4bUnitFilterByName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		ctx, all := context.Background(), jurisdiction.System("test")
		for _, p := range []registry.Person{{Name: "西街甲", UnitCode: dbtest.VillageA, Sex: "男", BirthDate: "1980-01-01"},
			{Name: "东街乙", UnitCode: dbtest.VillageA2, Sex: "女", BirthDate: "1981-01-01"}} {
			if _, err := e.App.Registry.CreatePerson(ctx, seedActor, all, p); err != nil {
				t.Fatal(err)
			}
		}
		e.AddUser(t, "zhen-r4b", auth.RoleTownship, dbtest.TownshipA)
		e.AddUser(t, "zhb-r4b", auth.RoleCommand, dbtest.County)
		c := e.Login(t, "zhen-r4b", apptest.Password)
		st, body := c.Get("/people?unit=" + url.QueryEscape("西街社区"))
		if st != 200 || !strings.Contains(body, "西街甲") || strings.Contains(body, "东街乙") {
			t.Errorf("/people?unit=西街社区: %d", st)
		}
		if st, body := c.Get("/people?unit=" + dbtest.VillageA2); st != 200 || !strings.Contains(body, "东街乙") || strings.Contains(body, "西街甲") {
			t.Errorf("/people by code: %d", st)
		}
		if st, _ := c.Get("/api/v1/people?unit=" + url.QueryEscape("东街社区")); st != 200 {
			t.Errorf("API by name: %d", st)
		}
		for _, path := range []string{"/households", "/returnees", "/measures", "/measures/list", "/measures/alerts", "/measures/work",
			"/measures/release", "/sites", "/sentinel-reports"} {
			if st, body := c.Get(path + "?unit=" + url.QueryEscape("西街社区")); st != 200 {
				i := strings.Index(body, `class="error"`)
				t.Errorf("%s?unit=西街社区: %d %.300s", path, st, body[max(i, 0):])
			}
			st, body := c.Get(path + "?unit=" + url.QueryEscape("南涝村"))
			if st != http.StatusBadRequest || !strings.Contains(body, "辖区内没有名为“南涝村”的单位") || strings.Contains(body, "出错了") {
				t.Errorf("%s?unit=南涝村: %d %.300s", path, st, body)
			}
		}
		if st, body := c.Get("/people?unit=" + url.QueryEscape("南涝村")); st != http.StatusBadRequest || !strings.Contains(body, "辖区内没有名为") ||
			!strings.Contains(body, "西街甲") {
			t.Errorf("/people?unit=南涝村: %d", st)
		}
		z := e.Login(t, "zhb-r4b", apptest.Password)
		for _, path := range []string{"/command", "/sites/occupancy", "/sentinels"} {
			if st, body := z.Get(path + "?unit=" + url.QueryEscape("甘亭街道")); st != 200 {
				t.Errorf("%s?unit=甘亭街道: %d %.300s", path, st, body)
			}
		}
		if st, body := z.Get("/command?unit=" + url.QueryEscape("西街社区")); st != 200 || !strings.Contains(body, "指挥部态势 · 西街社区居委会") {
			t.Errorf("/command?unit=西街社区: %d", st)
		}
		if st, body := z.Get("/command?unit=" + url.QueryEscape("没有的村")); st != http.StatusBadRequest || !strings.Contains(body, "辖区内没有名为") ||
			!strings.Contains(body, "指挥部态势 · 鄠邑区") {
			t.Errorf("/command?unit=没有的村: %d", st)
		}
		if st, body := z.Get("/api/v1/command?unit=" + url.QueryEscape("甘亭街道")); st != 200 || !strings.Contains(body, `"unit_code":"610118001"`) {
			t.Errorf("/api/v1/command by name: %d %.200s", st, body)
		}
	})
}

// TestRound4bUnitFieldsByName: the sampling round's scope and sealed
// area and the tracing forms' village ask for names (no digit keypad),
// and a name typed there is that unit.
func TestRound4bUnitFieldsByName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "zhb-r4b-f", auth.RoleCommand, dbtest.County)
		c := e.Login(t, "zhb-r4b-f", apptest.Password)
		_, body := c.Get("/sampling")
		if !strings.Contains(body, "检测范围（镇街/村社区名称）") || !strings.Contains(body, "封控区域（村/社区或村民小组名称，逗号分隔）") ||
			strings.Contains(body, `name="unit_code" value="610118" inputmode="numeric"`) || strings.Contains(body, `name="sealed_units" inputmode="numeric"`) ||
			!strings.Contains(body, `value="鄠邑区"`) {
			i := strings.Index(body, "新建检测轮次")
			t.Errorf("campaign form: %.1200s", body[max(i, 0):])
		}
		form := url.Values{"name": {"名称轮次"}, "unit_code": {"甘亭街道"}, "starts_on": {"2021-12-27"}, "ends_on": {"2021-12-28"},
			"pool_size": {"10"}, "sealed_units": {"西街社区，东街社区"}}
		if st, body := c.Post("/sampling/campaigns", form); st != http.StatusSeeOther {
			i := strings.Index(body, `class="error"`)
			t.Fatalf("campaign by name: %d %.300s", st, body[max(i, 0):])
		}
		var unit string
		d.R().QueryRow("SELECT unit_code FROM test_campaigns WHERE name = '名称轮次'").Scan(&unit)
		if unit != dbtest.TownshipA {
			t.Errorf("campaign unit %q", unit)
		}
		form.Set("name", "默认范围")
		form.Set("unit_code", "鄠邑区") // as the form offers it
		form.Del("sealed_units")
		if st, _ := c.Post("/sampling/campaigns", form); st != http.StatusSeeOther {
			t.Errorf("campaign at the county by name: %d", st)
		}

		e.AddUser(t, "ld-r4b", auth.RoleTracing, dbtest.County)
		l := e.Login(t, "ld-r4b", apptest.Password)
		_, body = l.Get("/tracing/cases/new")
		if !strings.Contains(body, "所在村(社区)名称（台账中没有时）") || strings.Contains(body, "代码（台账中没有时）") {
			t.Errorf("case form label")
		}
		cs := url.Values{"id_number": {dbtest.ID("61011819850505123")}, "name": {"名称病例"}, "unit_code": {"西街社区"},
			"classification": {"确诊"}, "found_via": {"筛查"}, "found_at": {"2021-12-27T08:00"}}
		if st, body := l.Post("/tracing/cases", cs); st != http.StatusSeeOther {
			i := strings.Index(body, `class="error"`)
			t.Errorf("case by village name: %d %.300s", st, body[max(i, 0):])
		}
		d.R().QueryRow("SELECT unit_code FROM people WHERE name = '名称病例'").Scan(&unit)
		if unit != dbtest.VillageA {
			t.Errorf("case's person in %q", unit)
		}
		_, body = l.Get("/tracing/places")
		if !strings.Contains(body, "所在村(社区)/镇街名称") || strings.Contains(body, "镇街代码") {
			t.Errorf("places form label")
		}
		pl := url.Values{"name": {"西街卫生室"}, "kind": {"村卫生室"}, "unit_code": {"西街社区"}}
		if st, body := l.Post("/tracing/places", pl); st != http.StatusSeeOther {
			i := strings.Index(body, `class="error"`)
			t.Errorf("place by village name: %d %.300s", st, body[max(i, 0):])
		}
		d.R().QueryRow("SELECT unit_code FROM tracing_places WHERE name = '西街卫生室'").Scan(&unit)
		if unit != dbtest.VillageA {
			t.Errorf("place in %q", unit)
		}
	})
}

// TestRound4bGroupOptionsNamed: the 所属村(社区)/组 select names a group
// with its village in front, without codes.
func TestRound4bGroupOptionsNamed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "zhen-r4b-g", auth.RoleTownship, dbtest.TownshipA)
		c := e.Login(t, "zhen-r4b-g", apptest.Password)
		for _, path := range []string{"/people/new", "/households/new"} {
			_, body := c.Get(path)
			if !strings.Contains(body, `<option value="`+dbtest.GroupA1+`" >西街社区 滨河花园</option>`) ||
				!strings.Contains(body, `<option value="`+dbtest.VillageA+`" >西街社区</option>`) || strings.Contains(body, "滨河花园 "+dbtest.GroupA1) {
				i := strings.Index(body, `id="unit_code"`)
				t.Errorf("%s: %.600s", path, body[max(i, 0):])
			}
		}
	})
}

// TestRound4bSearchAsTyped: a household and its head are found by the
// head's name with a space or in traditional characters, and by the
// address's end in digits or numerals, half- or full-width; a county
// user's address search starting with the village reads that village.
func TestRound4bSearchAsTyped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		ctx, all := context.Background(), jurisdiction.System("test")
		hh, err := e.App.Registry.CreateHousehold(ctx, seedActor, all, registry.Household{UnitCode: dbtest.VillageA, Address: "西街社区八组1号"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := e.App.Registry.CreateHousehold(ctx, seedActor, all, registry.Household{UnitCode: dbtest.VillageA, Address: "西街社区八组11号"})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []registry.Person{{Name: "苏天华", HouseholdID: hh.ID, Relation: "户主", Sex: "男", BirthDate: "1970-01-01"},
			{Name: "林十一", HouseholdID: other.ID, Relation: "户主", Sex: "男", BirthDate: "1971-01-01"}} {
			p.UnitCode = dbtest.VillageA
			if _, err := e.App.Registry.CreatePerson(ctx, seedActor, all, p); err != nil {
				t.Fatal(err)
			}
		}
		e.AddUser(t, "wg-r4b-s", auth.RoleVillage, dbtest.VillageA)
		e.AddUser(t, "zhb-r4b-s", auth.RoleCommand, dbtest.County)
		c := e.Login(t, "wg-r4b-s", apptest.Password)
		hhLink := fmt.Sprintf(`href="/households/%d"`, hh.ID)
		otherLink := fmt.Sprintf(`href="/households/%d"`, other.ID)
		for _, q := range []string{"苏 天华", "蘇天華", "八组1号", "西街社区8组1号", "西街社区八组一号", "８组１号", "8组 1号"} {
			st, body := c.Get("/households?q=" + url.QueryEscape(q))
			if st != 200 || !strings.Contains(body, hhLink) || strings.Contains(body, otherLink) {
				t.Errorf("/households?q=%s: %d found %v, 11号 %v", q, st, strings.Contains(body, hhLink), strings.Contains(body, otherLink))
			}
		}
		if _, body := c.Get("/households?q=" + url.QueryEscape("八组十一号")); !strings.Contains(body, otherLink) || strings.Contains(body, hhLink) {
			t.Errorf("八组十一号")
		}
		for _, q := range []string{"苏 天华", "蘇天華", "苏天华"} {
			if st, body := c.Get("/people?q=" + url.QueryEscape(q)); st != 200 || !strings.Contains(body, "苏天华") {
				t.Errorf("/people?q=%s: %d", q, st)
			}
		}
		z := e.Login(t, "zhb-r4b-s", apptest.Password)
		if _, body := z.Get("/households?q=" + url.QueryEscape("西街社区8组1号")); !strings.Contains(body, hhLink) || strings.Contains(body, otherLink) {
			t.Errorf("county: 西街社区8组1号 not found")
		}
		if _, body := z.Get("/api/v1/households?q=" + url.QueryEscape("蘇 天華")); !strings.Contains(body, fmt.Sprintf(`"id":%d`, hh.ID)) {
			t.Errorf("county API: 蘇 天華 not found: %.300s", body)
		}
	})
}
