package web_test

import (
	"net/url"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// TestRosterAndPlacesTakeUnitNames: the duty roster and the place-code register take
// a village typed by name as people write it (西街社区 for 西街社区居委会);
// a name nobody has is answered beside the field, with what was typed.
func TestRosterAndPlacesTakeUnitNames(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "zj_names", auth.RoleTownship, dbtest.TownshipA)
		e.AddUser(t, "ld_names", auth.RoleTracing, dbtest.County)
		town, tracer := e.Login(t, "zj_names", apptest.Password), e.Login(t, "ld_names", apptest.Password)
		shift := url.Values{"unit_code": {"西街社区"}, "day": {"2026-12-08"}, "start": {"08:00"}, "hours": {"24"}, "leader": {"带班甲"},
			"person": {"值班乙"}, "phone": {"13900000021"}}
		if st, _ := town.PostFrom("/duty", "/duty", shift); st != 303 || !strings.Contains(town.Location, "unit="+dbtest.VillageA) {
			t.Errorf("duty shift for 西街社区: %d → %s", st, town.Location)
		}
		shift.Set("unit_code", "不存在村")
		if st, body := town.PostFrom("/duty", "/duty", shift); st != 400 || !strings.Contains(body, `value="不存在村"`) {
			t.Errorf("duty shift for an unknown village: %d", st)
		}
		place := url.Values{"name": {"西街卫生室"}, "kind": {"村卫生室"}, "unit_code": {"西街社区"}}
		if st, _ := tracer.PostFrom("/tracing/places", "/tracing/places", place); st != 303 {
			t.Errorf("place in 西街社区: %d", st)
		}
	})
}
