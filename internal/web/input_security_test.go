package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// NaN, infinities and huge numbers are not temperatures, whether typed on
// the public personal link, in a grid worker's form or sent as JSON.
func TestTemperatureJunkRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		u := e.AddUser(t, "wgy", auth.RoleVillage, dbtest.VillageA)
		id, tok := measureFor(t, e, d)
		anon, c, api := e.Anonymous(t), e.Login(t, "wgy", apptest.Password), e.TokenClient(t, u)
		for _, temp := range []string{"NaN", "nan", "Inf", "-Inf", "1e400", "0x24p0", "3_6.5"} {
			if st, _ := anon.Post("/m/"+tok, url.Values{"temp": {temp}}); st != http.StatusBadRequest {
				t.Errorf("personal link, temp %q: %d, want 400", temp, st)
			}
			if st, _ := c.Post(fmt.Sprintf("/measures/%d/checks", id), url.Values{"temp": {temp}}); st != http.StatusBadRequest {
				t.Errorf("check form, temp %q: %d, want 400", temp, st)
			}
			if st, body := api.API("POST", fmt.Sprintf("/api/v1/measures/%d/checks", id), map[string]any{"temp": temp}); st != http.StatusBadRequest || !strings.Contains(body, `"field":"temp"`) {
				t.Errorf("check API, temp %q: %d %s", temp, st, body)
			}
		}
		if st, body := api.API("POST", fmt.Sprintf("/api/v1/measures/%d/checks", id), map[string]any{"temp": 1e300}); st != http.StatusBadRequest {
			t.Errorf("check API, temp 1e300 as a number: %d %s", st, body)
		}
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM measure_checks").Scan(&n)
		if n != 0 {
			t.Errorf("%d checks stored", n)
		}
	})
}

// Junk names and impossible dates are refused with a 400 beside the
// field, on the public pages and the API alike.
func TestJunkTextAndDatesRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		u := e.AddUser(t, "wgy", auth.RoleVillage, dbtest.VillageA)
		anon, api := e.Anonymous(t), e.TokenClient(t, u)
		for _, dz := range []string{"0001-01-01", "9999-12-31"} {
			if st, body := anon.API("GET", "/api/v1/policy/plan?category=close_contact&day_zero="+dz, nil); st != http.StatusBadRequest || !strings.Contains(body, `"field":"day_zero"`) {
				t.Errorf("public plan from %s: %d %s", dz, st, body)
			}
		}
		for name, body := range map[string]map[string]any{
			"NUL in the name": {"name": "张\x00三", "sex": "男", "birth_date": "1980-01-01", "unit_code": dbtest.VillageA},
			"RLO in the name": {"name": "\u202e三张", "sex": "男", "birth_date": "1980-01-01", "unit_code": dbtest.VillageA},
			"zero-width only": {"name": "\u200b\u200b", "sex": "男", "birth_date": "1980-01-01", "unit_code": dbtest.VillageA},
			"born in 2999":    {"name": "张三", "sex": "男", "birth_date": "2999-01-01", "unit_code": dbtest.VillageA},
			"ID born in 2999": {"name": "张三", "id_number": dbtest.ID("61011829990101008"), "unit_code": dbtest.VillageA},
		} {
			if st, out := api.API("POST", "/api/v1/people", body); st != http.StatusBadRequest {
				t.Errorf("person with %s: %d %s", name, st, out)
			}
		}
		poster, err := e.App.Returnees.Poster(t.Context(), u.Scope(), dbtest.VillageA)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := anon.Post("/r/"+poster.Token, url.Values{"name": {"\u202e三张"}, "id_number": {dbtest.ID("61011819800101009")},
			"address": {"西街1号"}, "origin_code": {"610113"}, "arrived_on": {"2022-01-05"}})
		if st != http.StatusBadRequest {
			t.Errorf("self-report with a direction override in the name: %d", st)
		}
		var n int
		d.R().QueryRow("SELECT (SELECT COUNT(*) FROM people) + (SELECT COUNT(*) FROM self_reports)").Scan(&n)
		if n != 0 {
			t.Errorf("%d rows stored", n)
		}
	})
}
