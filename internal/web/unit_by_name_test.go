package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// TestFormsTakeUnitNames: the inspector names the unit inspected as people
// say it (西街社区), not by its 12-digit code; a name outside the scope or
// fitting none is refused beside the field, with what was typed kept.
func TestFormsTakeUnitNames(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "ducha9", auth.RoleInspector, dbtest.TownshipA)
		c := e.Login(t, "ducha9", apptest.Password)
		form := url.Values{"unit_code": {"西街社区"}, "object_type": {"checkpoint"}, "object_name": {"西街卡口"}, "team": {"第一组"},
			"visited_on": {clock.Day(time.Now())}}
		if st, body := c.Post("/inspections", form); st != 303 {
			t.Fatalf("by name: %d %.500s", st, body)
		}
		var unit string
		d.R().QueryRow("SELECT unit_code FROM inspections WHERE object_name = '西街卡口'").Scan(&unit)
		if unit != dbtest.VillageA {
			t.Errorf("stored under %q, want %s", unit, dbtest.VillageA)
		}
		form.Set("unit_code", "余下村")
		form.Set("object_name", "余下卡口")
		if st, body := c.Post("/inspections", form); st != 400 || !strings.Contains(body, `value="余下村"`) {
			t.Errorf("a village of another township: %d", st)
		}
	})
}
