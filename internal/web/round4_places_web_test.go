package web_test

// Round 4: places, units and people named as cadres and villagers type
// them — a village of the county alone (南涝村), a township's short name
// (甘亭), the county's former name (户县), traditional characters — on the
// returnee form, the public self-report page, the checkpoint and the
// lookup page; and pages that named a unit by its bare code.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/checkpoint"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// TestRound4ReturneeOriginAtHome: 南涝村 and 甘亭 typed by a grid worker
// of 鄠邑区 are the village and township of 鄠邑区, settled without a
// question; 户县 and 鄠邑區 are 鄠邑区; 韩村, two villages of the county,
// is asked between those two (not fifty of the country). The record names
// its village, not its code.
func TestRound4ReturneeOriginAtHome(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := placeWorld(t, d)
		e.AddUser(t, "wg-r4", auth.RoleVillage, dbtest.VillageA)
		c := e.Login(t, "wg-r4", apptest.Password)
		for name, want := range map[string]struct{ origin, code string }{
			"南涝返乡": {"南涝村", "610118011211"},
			"八组返乡": {"南涝村八组", "610118011211"},
			"甘亭返乡": {"甘亭", "610118001"},
			"户县返乡": {"户县", "610118"},
			"繁体返乡": {"陝西省西安市鄠邑區", "610118"},
		} {
			if st, body := c.Post("/returnees", arrivalForm(name, want.origin)); st != http.StatusSeeOther {
				t.Errorf("%s: %d %.400s", want.origin, st, body)
				continue
			}
			if o := originOf(t, d, name); o.code != want.code || o.status != "" {
				t.Errorf("%s: origin %s (%q), want %s settled", want.origin, o.code, o.status, want.code)
			}
		}
		st, body := c.Post("/returnees", arrivalForm("韩村返乡", "韩村"))
		if st != 200 || !strings.Contains(body, "您是指") || !strings.Contains(body, "610118001258") || !strings.Contains(body, "610118013215") ||
			strings.Contains(body, "130133104") {
			t.Errorf("韩村: %d %.600s", st, body)
		}
		o := originOf(t, d, "南涝返乡")
		if _, body := c.Get(fmt.Sprintf("/returnees/%d", o.id)); !strings.Contains(body, "西街社区居委会</a>") || strings.Contains(body, ">"+dbtest.VillageA+"<") {
			t.Errorf("the record names its village by code: %.2000s", body)
		}
	})
}

// TestRound4PublicSelfReportNear: the villager scanning 西街社区's poster
// types 南涝 and is offered 南涝村 of 鄠邑区 first; 南涝村 submitted is
// that village.
func TestRound4PublicSelfReportNear(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := placeWorld(t, d)
		p, err := e.App.Returnees.Poster(context.Background(), jurisdiction.System("test"), dbtest.VillageA)
		if err != nil {
			t.Fatal(err)
		}
		anon := e.Anonymous(t)
		st, body := anon.Get("/r/" + p.Token + "/places?q=" + url.QueryEscape("南涝"))
		if st != 200 || !strings.HasPrefix(body, `{"places":[{"code":"610118011211"`) {
			t.Errorf("suggestions for 南涝: %d %.300s", st, body)
		}
		report := url.Values{"name": {"南涝扫码"}, "id_number": {dbtest.ID("61011819880808322")}, "address": {"西街5号"},
			"origin": {"南涝村"}, "arrived_on": {"2021-12-26"}}
		if st, body := anon.Post("/r/"+p.Token, report); st != 200 || !strings.Contains(body, "报备已提交") {
			t.Fatalf("report: %d %.500s", st, body)
		}
		var code string
		if err := d.R().QueryRow("SELECT origin_code FROM self_reports WHERE name = '南涝扫码'").Scan(&code); err != nil || code != "610118011211" {
			t.Errorf("self-report origin %q, %v", code, err)
		}
	})
}

// TestRound4CheckpointLocalFrom: the checkpoint officer types the
// county's own village (南涝村) as where the person came from and it is
// recorded as that village, not refused as an unknown place; a name two
// villages share (余下村) is asked about by their names.
func TestRound4CheckpointLocalFrom(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := placeWorld(t, d)
		ctx, all := context.Background(), jurisdiction.System("test")
		for _, u := range []struct {
			code, parent string
			level        int
			name         string
		}{
			{dbtest.TownshipA + "206", dbtest.TownshipA, 5, "余下村委会"}, // beside 余下镇's
			{"610118011", dbtest.County, 4, "涝店街道"},
			{"610118011211", "610118011", 5, "南涝村村委会"},
		} {
			if _, err := d.W().Exec("INSERT INTO units (code, parent_code, level, name, kind, created_at) VALUES ($1, $2, $3, $4, '', 0)",
				u.code, u.parent, u.level, u.name); err != nil {
				t.Fatal(err)
			}
		}
		cp, err := e.App.Checkpoints.CreateCheckpoint(ctx, seedActor, all, checkpoint.Checkpoint{UnitCode: dbtest.TownshipA, Name: "甘亭西卡口",
			Kind: "国省道", StaffPerShift: 2})
		if err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "kakou-r4", auth.RoleCheckpoint, dbtest.County)
		c := e.Login(t, "kakou-r4", apptest.Password)
		form := url.Values{"checkpoint_id": {fmt.Sprint(cp.ID)}, "client_id": {"r4-1"}, "vehicle_type": {"步行"},
			"people.0.name": {"本县甲"}, "people.0.from": {"南涝村"}, "people.0.health_code": {"green"}}
		if st, body := c.Post("/checks", form); st != http.StatusSeeOther {
			i := strings.Index(body, "第1人")
			t.Fatalf("南涝村: %d %.300s", st, body[max(i, 0):])
		}
		var code string
		d.R().QueryRow("SELECT from_code FROM checkpoint_checks WHERE name = '本县甲'").Scan(&code)
		if code != "610118011211" {
			t.Errorf("from %q, want 610118011211", code)
		}
		form.Set("client_id", "r4-2")
		form.Set("people.0.name", "本县乙")
		form.Set("people.0.from", "余下村")
		st, body := c.Post("/checks", form)
		if st != http.StatusBadRequest || !strings.Contains(body, "余下镇余下村委会") || !strings.Contains(body, "甘亭街道余下村委会") {
			t.Errorf("余下村, two of the county: %d %.600s", st, body)
		}
	})
}

// TestRound4LookupNamesTheUnit: the checkpoint officer looks a person of
// a group (小区) up and reads the township, village and group, not the
// group's name with its 15-digit code.
func TestRound4LookupNamesTheUnit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		id := dbtest.ID("61011819800101055")
		if _, err := e.App.Registry.CreatePerson(context.Background(), seedActor, jurisdiction.System("test"),
			registry.Person{Name: "滨河乙", IDNumber: id, UnitCode: dbtest.GroupA1}); err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "kakou-r4l", auth.RoleCheckpoint, dbtest.County)
		c := e.Login(t, "kakou-r4l", apptest.Password)
		st, body := c.Post("/lookup", url.Values{"id_number": {id}})
		if st != 200 || !strings.Contains(body, `<dd id="unit_shown">甘亭街道 西街社区居委会 滨河花园</dd>`) || strings.Contains(body, dbtest.GroupA1) {
			i := strings.Index(body, "所属")
			t.Errorf("lookup: %d %.300s", st, body[max(i, 0):])
		}
	})
}

// TestRound4CheckpointPlaceByName: the township cadre registers a
// checkpoint at 西街社区 by name; the edit form shows the place by name
// (with its township, as it may be typed back), not its 12-digit code.
func TestRound4CheckpointPlaceByName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "zhen-r4", auth.RoleTownship, dbtest.TownshipA)
		c := e.Login(t, "zhen-r4", apptest.Password)
		form := url.Values{"name": {"西街东口"}, "unit_code": {dbtest.TownshipA}, "kind": {checkpoint.Kinds[2]}, "status": {checkpoint.Manned},
			"status_since": {"2021-12-20"}, "place_code": {"西街社区"}, "staff_per_shift": {"2"}, "leader_post": {"村干部"}, "version": {"0"}}
		if st, body := c.Post("/checkpoints", form); st != http.StatusSeeOther {
			i := strings.Index(body, `class="error"`)
			t.Fatalf("by name: %d %.300s", st, body[max(i, 0):])
		}
		var id int64
		var place string
		d.R().QueryRow("SELECT id, place_code FROM checkpoints WHERE name = '西街东口'").Scan(&id, &place)
		if place != dbtest.VillageA {
			t.Errorf("place %q, want %s", place, dbtest.VillageA)
		}
		if _, body := c.Get(fmt.Sprintf("/checkpoints/%d/edit", id)); !strings.Contains(body, `value="甘亭街道西街社区居委会"`) || strings.Contains(body, `value="`+dbtest.VillageA+`"`) {
			t.Errorf("edit form shows the place by code")
		}
		form.Set("name", "余下口")
		form.Set("place_code", "余下村")
		if st, body := c.Post("/checkpoints", form); st != http.StatusBadRequest || !strings.Contains(body, `value="余下村"`) {
			t.Errorf("a village of another township: %d", st)
		}
	})
}
