package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

func TestLoginAndScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "wgy", auth.RoleVillage, dbtest.VillageA)
		c := e.Login(t, "wgy", apptest.Password)
		status, body := c.Get("/units/" + dbtest.VillageA)
		if status != http.StatusOK || !strings.Contains(body, "西街社区居委会") {
			t.Fatalf("own village: %d", status)
		}
		if status, _ := c.Get("/units/" + dbtest.VillageA2); status != http.StatusNotFound {
			t.Errorf("sibling village: %d", status)
		}
		// No CSRF token: refused, and nothing is created.
		c2 := *c
		c2.CSRF = ""
		if status, _ := c2.Post("/units/"+dbtest.VillageA+"/grids", url.Values{"name": {"第九网格"}}); status != http.StatusForbidden {
			t.Errorf("post without CSRF: %d", status)
		}
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM grids").Scan(&n)
		if n != 0 {
			t.Errorf("a post without CSRF token created %d grids", n)
		}
		if status, _ := c.Post("/units/"+dbtest.VillageA+"/grids", url.Values{"name": {"第九网格"}}); status != http.StatusSeeOther {
			t.Errorf("post with CSRF: %d", status)
		}
		anon := e.Anonymous(t)
		if status, _ := anon.Get("/people"); status != http.StatusSeeOther {
			t.Errorf("anonymous page: %d", status)
		}
		if status, _ := anon.API("GET", "/api/v1/people", nil); status != http.StatusUnauthorized {
			t.Errorf("anonymous API: %d", status)
		}
		// Logging out ends the session on the server, not just in the browser.
		if status, _ := c.Post("/logout", nil); status != http.StatusSeeOther {
			t.Fatalf("logout: %d", status)
		}
		if status, _ := c.Get("/units/" + dbtest.VillageA); status != http.StatusSeeOther {
			t.Errorf("after logout: %d", status)
		}
	})
}

// A new account must change its password before anything else.
func TestFirstLoginPasswordChange(t *testing.T) {
	d := dbtest.SQLite(t)
	dbtest.Tree(t, d)
	e := apptest.Start(t, d)
	if _, err := e.App.Auth.CreateUser(t.Context(), actorForTest, jurisdictionAll, auth.NewUser{Username: "newbie", DisplayName: "新用户",
		Role: auth.RoleVillage, UnitCode: dbtest.VillageA, Password: "Initial-pass-1", MustChange: true}); err != nil {
		t.Fatal(err)
	}
	c := e.Login(t, "newbie", "Initial-pass-1")
	if status, _ := c.Get("/people"); status != http.StatusSeeOther {
		t.Errorf("before changing the password: %d, want a redirect to /password", status)
	}
	if status, _ := c.API("GET", "/api/v1/people", nil); status != http.StatusForbidden {
		t.Errorf("API before changing the password: %d", status)
	}
	if status, body := c.Post("/password", url.Values{"current": {"Initial-pass-1"}, "new": {"short"}, "confirm": {"short"}}); status != http.StatusBadRequest || !strings.Contains(body, "8到64位") {
		t.Errorf("weak new password: %d", status)
	}
	if status, _ := c.Post("/password", url.Values{"current": {"Initial-pass-1"}, "new": {"Better-pass-2"}, "confirm": {"Better-pass-2"}}); status != http.StatusSeeOther {
		t.Fatalf("change password: %d", status)
	}
	if status, _ := c.Get("/people"); status != http.StatusOK {
		t.Errorf("after changing the password: %d", status)
	}
}
func TestDeregisterPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "wgy", auth.RoleVillage, dbtest.VillageA)
		c := e.Login(t, "wgy", apptest.Password)
		status, _ := c.Post("/people", url.Values{"name": {"赵老汉"}, "sex": {"男"}, "birth_date": {"1940-03-03"}, "unit_code": {dbtest.VillageA}})
		if status != http.StatusSeeOther {
			t.Fatalf("create: %d", status)
		}
		var id string
		d.R().QueryRow("SELECT CAST(id AS TEXT) FROM people WHERE name = '赵老汉'").Scan(&id)
		if status, body := c.Post("/people/"+id+"/deregister", url.Values{"reason": {"死亡"}, "date": {"2099-01-01"}}); status != http.StatusBadRequest || !strings.Contains(body, "不能晚于今天") {
			t.Errorf("future date: %d", status)
		}
		if status, _ := c.Post("/people/"+id+"/deregister", url.Values{"reason": {"死亡"}, "date": {"2026-01-05"}}); status != http.StatusSeeOther {
			t.Fatalf("deregister: %d", status)
		}
		_, body := c.Get("/people/" + id)
		if !strings.Contains(body, "已注销：死亡（2026-01-05）") || strings.Contains(body, "/deregister") || !strings.Contains(body, "/reinstate") {
			t.Errorf("person page after 注销 does not say so or still offers 注销")
		}
		if _, body := c.Get("/people?q=" + url.QueryEscape("赵老汉")); strings.Contains(body, "/people/"+id+"\"") {
			t.Error("deregistered person in the default list")
		}
		if _, body := c.Get("/people?status=left"); !strings.Contains(body, "/people/"+id+"\"") {
			t.Error("deregistered person missing from the 已注销 list")
		}
		if status, _ := c.Post("/people/"+id+"/reinstate", nil); status != http.StatusSeeOther {
			t.Fatalf("reinstate: %d", status)
		}
		if _, body := c.Get("/people/" + id); strings.Contains(body, "已注销") {
			t.Error("still shown as deregistered after reinstating")
		}
	})
}

var (
	actorForTest    = audit.Actor{Username: "test", Role: "admin"}
	jurisdictionAll = jurisdiction.System("test")
)

// A cadre moves a person into another household by typing its 户编号; a
// household of another village is refused and nothing changes.
func TestMovePersonBetweenHouseholds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "wgy", auth.RoleVillage, dbtest.VillageA)
		c := e.Login(t, "wgy", apptest.Password)
		reg, ctx := e.App.Registry, t.Context()
		h1, _ := reg.CreateHousehold(ctx, actorForTest, jurisdictionAll, registryHousehold(dbtest.VillageA, "西街1号"))
		h2, _ := reg.CreateHousehold(ctx, actorForTest, jurisdictionAll, registryHousehold(dbtest.GroupA1, "滨河花园2号楼"))
		hb, _ := reg.CreateHousehold(ctx, actorForTest, jurisdictionAll, registryHousehold(dbtest.VillageB, "余下村3号"))
		status, _ := c.Post("/people", url.Values{"name": {"孙小红"}, "sex": {"女"}, "birth_date": {"1995-05-05"},
			"household_no": {h1.No}, "relation": {"子女"}})
		if status != http.StatusSeeOther {
			t.Fatalf("create in household: %d", status)
		}
		var id, hh int64
		var unit string
		d.R().QueryRow("SELECT id, household_id, unit_code FROM people WHERE name = '孙小红'").Scan(&id, &hh, &unit)
		if hh != h1.ID || unit != dbtest.VillageA {
			t.Fatalf("created in household %d unit %s", hh, unit)
		}
		form := url.Values{"name": {"孙小红"}, "sex": {"女"}, "birth_date": {"1995-05-05"}, "relation": {"儿媳"}, "version": {"1"}}
		form.Set("household_no", hb.No)
		if status, body := c.Post("/people/"+itoa(id), form); status != http.StatusBadRequest || !strings.Contains(body, "不在您的辖区内") {
			t.Errorf("move into another village's household: %d", status)
		}
		form.Set("household_no", h2.No)
		if status, _ := c.Post("/people/"+itoa(id), form); status != http.StatusSeeOther {
			t.Fatalf("move: %d", status)
		}
		d.R().QueryRow("SELECT household_id, unit_code FROM people WHERE id = $1", id).Scan(&hh, &unit)
		if hh != h2.ID || unit != dbtest.GroupA1 {
			t.Errorf("after the move: household %d unit %s, want %d %s", hh, unit, h2.ID, dbtest.GroupA1)
		}
	})
}

func registryHousehold(unit, address string) registry.Household {
	return registry.Household{UnitCode: unit, Address: address}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
