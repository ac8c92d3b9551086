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
