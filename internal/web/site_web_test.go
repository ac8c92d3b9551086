package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
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
)

// TestSitePages walks a site through its pages as a browser would: create,
// bulk-add rooms, checklist, staff, transfer by ID number, check in, a
// refused double occupancy, check out to 待消杀, clean; the dashboard shows
// the gap; the village sees its villager's stay; the measure notes the
// check-in.
func TestSitePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "gld", auth.RoleSite, dbtest.TownshipA)
		e.AddUser(t, "wgy_b", auth.RoleVillage, dbtest.VillageB)
		c := e.Login(t, "gld", apptest.Password)
		vb := e.Login(t, "wgy_b", apptest.Password)
		all := jurisdiction.System("test")
		var people []registry.Person
		for i := range 3 {
			p, err := e.App.Registry.CreatePerson(ctx, seedActor, all, registry.Person{Name: fmt.Sprintf("余下隔离%d", i),
				IDNumber: dbtest.ID(fmt.Sprintf("6101181990010100%d", i)), Phone: fmt.Sprintf("1380000100%d", i), UnitCode: dbtest.VillageB})
			if err != nil {
				t.Fatal(err)
			}
			people = append(people, p)
		}
		// 流调 ordered two of them into central quarantine: a site of
		// another township receives them by ID number, not the third.
		for _, p := range people[:2] {
			if err := e.App.Measures.AssignCategory(ctx, seedActor, p.ID, "密切接触者", clock.Day(time.Now()), "流调", ""); err != nil {
				t.Fatal(err)
			}
		}
		post := func(path string, form url.Values, want int, has ...string) string {
			t.Helper()
			st, body := c.Post(path, form)
			if st != want {
				t.Fatalf("POST %s: %d, want %d\n%.400s", path, st, want, body)
			}
			for _, h := range has {
				if !strings.Contains(body, h) {
					t.Errorf("POST %s: missing %q", path, h)
				}
			}
			return body
		}
		page := func(cl *apptest.Client, path string, want int, has ...string) string {
			t.Helper()
			st, body := cl.Get(path)
			if st != want {
				t.Fatalf("GET %s: %d, want %d", path, st, want)
			}
			for _, h := range has {
				if !strings.Contains(body, h) {
					t.Errorf("GET %s: missing %q", path, h)
				}
			}
			return body
		}
		id := func(q string, args ...any) int64 {
			var n int64
			if err := d.R().QueryRow(q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		page(c, "/sites/new", 200, "新增隔离点")
		post("/sites", url.Values{"name": {"甘亭宾馆"}, "unit_code": {dbtest.TownshipB}}, 400, "不在您的辖区内")
		post("/sites", url.Values{"name": {"甘亭宾馆"}, "unit_code": {dbtest.TownshipA}, "staff_test_every": {"2"}}, 303)
		sid := id("SELECT id FROM sites WHERE name = '甘亭宾馆'")
		post(fmt.Sprintf("/sites/%d/rooms", sid), url.Values{"floor_from": {"1"}, "floor_to": {"5"}, "room_from": {"1"}, "room_to": {"20"}, "bathroom": {"1"}}, 303)
		page(c, fmt.Sprintf("/sites/%d", sid), 200, `id="site-rooms">100<`, "520", "批量添加房间", "未达标")
		post(fmt.Sprintf("/sites/%d/rooms", sid), url.Values{"floor_from": {"1"}, "floor_to": {"99"}, "room_from": {"1"}, "room_to": {"99"}}, 400, "一次最多添加")

		// Checklist: every required item passed makes the site 达标.
		form := url.Values{}
		for i := range 10 {
			form.Set(fmt.Sprintf("result_%d", i), "pass")
		}
		post(fmt.Sprintf("/sites/%d/checklist", sid), form, 303)
		page(c, fmt.Sprintf("/sites/%d/checklist", sid), 200, `id="ready">达标<`)

		// Staff: ID number and phone masked; never tested is overdue.
		post(fmt.Sprintf("/sites/%d/staff", sid), url.Values{"name": {"护士甲"}, "post": {"医护"}, "phone": {"13912345678"},
			"id_number": {dbtest.ID("61011819880808008")}}, 303)
		body := page(c, fmt.Sprintf("/sites/%d/staff", sid), 200, "护士甲", "139****5678", `id="overdue">1 人逾期未检`)
		if strings.Contains(body, "13912345678") || strings.Contains(body, dbtest.ID("61011819880808008")) {
			t.Error("staff list shows a full phone or ID number")
		}
		staff := id("SELECT id FROM site_staff WHERE name = '护士甲'")
		post(fmt.Sprintf("/site-staff/%d", staff), url.Values{"last_test_on": {clock.Day(time.Now())}, "doses": {"3"}, "version": {"1"}}, 303)
		if body := page(c, fmt.Sprintf("/sites/%d/staff", sid), 200, "3 剂"); strings.Contains(body, "逾期未检") {
			t.Error("tested today, still overdue")
		}
		if id("SELECT COUNT(*) FROM site_staff WHERE name = '护士甲' AND post = '医护' AND phone = '13912345678'") != 1 {
			t.Error("the page's update changed the name, post or phone")
		}

		// Transfer by ID number (a TownshipB villager: the site receives the county), check in.
		r101 := id("SELECT id FROM site_rooms WHERE site_id = $1 AND no = '101'", sid)
		post(fmt.Sprintf("/sites/%d/stays", sid), url.Values{"id_number": {people[0].IDNumber}, "reason": {"密切接触者"}, "vehicle": {"陕A00001"},
			"transfer_at": {"2026-03-01T08:30"}}, 303)
		s0 := id("SELECT id FROM site_stays WHERE person_id = $1", people[0].ID)
		page(c, fmt.Sprintf("/site-stays/%d", s0), 200, "转运中", people[0].IDNumber, "2026-03-01 08:30", "办理入住")
		post(fmt.Sprintf("/site-stays/%d/checkin", s0), url.Values{"room_id": {fmt.Sprint(r101)}, "version": {"1"}}, 303)
		post(fmt.Sprintf("/sites/%d/stays", sid), url.Values{"id_number": {people[0].IDNumber}}, 409, "不能重复安排")
		post(fmt.Sprintf("/sites/%d/stays", sid), url.Values{"id_number": {people[1].IDNumber}, "room_id": {fmt.Sprint(r101)}}, 409, "房间 101 已住满")
		post(fmt.Sprintf("/sites/%d/stays", sid), url.Values{"id_number": {dbtest.ID("61012419700707007")}}, 400, "没有找到可转运的该人员")
		// A villager of another township under no measure: answered as not
		// found (a transfer is not a look-up), nothing written.
		if body := post(fmt.Sprintf("/sites/%d/stays", sid), url.Values{"id_number": {people[2].IDNumber}, "reason": {"密切接触者"}}, 400,
			"没有找到可转运的该人员", people[2].IDNumber); strings.Contains(body, people[2].Name) {
			t.Error("a refused transfer names the person")
		}
		if id("SELECT COUNT(*) FROM site_stays WHERE person_id = $1", people[2].ID) != 0 {
			t.Error("a refused transfer wrote a stay")
		}
		var note string
		d.R().QueryRow("SELECT note FROM measures WHERE person_id = $1", people[0].ID).Scan(&note)
		if !strings.Contains(note, "入住 甘亭宾馆 101室") {
			t.Errorf("measure note %q", note)
		}

		// The village sees its villager's stay; the site list is not theirs.
		page(vb, "/site-stays", 200, people[0].Name, maskID(people[0].IDNumber), "甘亭宾馆")
		page(vb, fmt.Sprintf("/sites/%d", sid), 404)
		page(vb, fmt.Sprintf("/site-stays/%d", s0), 200, people[0].IDNumber)
		if st, _ := vb.Post(fmt.Sprintf("/site-stays/%d/checkout", s0), url.Values{"outcome": {"解除隔离"}}); st != http.StatusForbidden {
			t.Errorf("village checks out: %d", st)
		}

		// Check-out: the room waits for disinfection, then is cleaned.
		post(fmt.Sprintf("/site-stays/%d/checkout", s0), url.Values{"outcome": {"转出医院"}}, 400, "请填写转往")
		post(fmt.Sprintf("/site-stays/%d/checkout", s0), url.Values{"outcome": {"转出医院"}, "to": {"鄠邑区人民医院"}, "version": {"2"}}, 303)
		page(c, fmt.Sprintf("/sites/%d", sid), 200, `id="site-dirty">1<`, "消杀完成")
		post(fmt.Sprintf("/sites/%d/stays", sid), url.Values{"id_number": {people[1].IDNumber}, "room_id": {fmt.Sprint(r101)}}, 409, "待消杀")
		post(fmt.Sprintf("/site-rooms/%d", r101), url.Values{"status": {"空闲"}, "version": {"1"}}, 409, "状态已变化")
		v := id("SELECT version FROM site_rooms WHERE id = $1", r101)
		post(fmt.Sprintf("/site-rooms/%d", r101), url.Values{"status": {"空闲"}, "version": {fmt.Sprint(v)}}, 303)
		post(fmt.Sprintf("/sites/%d/stays", sid), url.Values{"id_number": {people[1].IDNumber}, "room_id": {fmt.Sprint(r101)}}, 303)

		// Dashboard: the county's 3 residents need 1 room (TownshipA has none
		// registered); once the site is closed the county is short of it.
		page(c, "/sites/occupancy", 200, `id="occ-residents">0<`, `id="occ-usable">100<`, "甘亭宾馆")
		page(c, "/sites/occupancy?unit="+dbtest.TownshipB, 404)
		e.AddUser(t, "zhb", auth.RoleCommand, dbtest.County)
		cmd := e.Login(t, "zhb", apptest.Password)
		page(cmd, "/sites/occupancy", 200, `id="occ-residents">3<`, `id="occ-need">1<`, `id="occ-gap">达标<`, "鄠邑区")
		if _, err := d.W().Exec("UPDATE sites SET status = '停用'"); err != nil {
			t.Fatal(err)
		}
		page(cmd, "/sites/occupancy", 200, `id="occ-gap">缺口 1 间<`)
		page(c, "/sites", 200, "甘亭宾馆")
	})
}
