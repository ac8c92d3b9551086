package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/web/lookupweb"
)

// A checkpoint account's day: no browsing, a look-up by ID number (masked:
// not its work yet), the hand-over to control measures from the answer,
// after which the person is its role's work and shows in full; look-ups
// are bounded per minute.
func TestCheckpointLooksUpAndHandsOver(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		p, err := e.App.Registry.CreatePerson(context.Background(), seedActor, jurisdiction.System("test"), registry.Person{
			Name: "过卡人员", IDNumber: dbtest.ID("61011819800101055"), Phone: "13700005555", UnitCode: dbtest.VillageA})
		if err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "kakou", auth.RoleCheckpoint, dbtest.TownshipA)
		c := e.Login(t, "kakou", apptest.Password)
		for _, path := range []string{"/people", "/households", "/people/" + fmt.Sprint(p.ID), "/returnees", "/measures/list"} {
			if st, _ := c.Get(path); st != 403 {
				t.Errorf("checkpoint GET %s: %d, want 403", path, st)
			}
		}
		if st, _ := c.Get(fmt.Sprintf("/people/%d/measure", p.ID)); st != 404 {
			t.Errorf("assign form of a person not looked up: %d, want 404", st)
		}
		st, body := c.Post("/lookup", url.Values{"id_number": {p.IDNumber}})
		if st != 200 || !strings.Contains(body, "过卡人员") || strings.Contains(body, p.IDNumber) || !strings.Contains(body, "137****5555") ||
			!strings.Contains(body, fmt.Sprintf(`href="/people/%d/measure"`, p.ID)) {
			t.Fatalf("look-up: %d %s", st, body)
		}
		if st, body := c.Get(fmt.Sprintf("/people/%d/measure", p.ID)); st != 200 || !strings.Contains(body, "列为管控对象") {
			t.Fatalf("assign form after the look-up: %d", st)
		}
		if st, _ := c.Post(fmt.Sprintf("/people/%d/measure", p.ID), url.Values{"category": {"high_risk_area"}, "day_zero": {"2026-03-01"},
			"source": {"卡口"}}); st != 303 {
			t.Fatalf("hand-over: %d", st)
		}
		if st, body := c.Post("/lookup", url.Values{"phone": {"137-0000-5555"}}); st != 200 || !strings.Contains(body, p.IDNumber) || !strings.Contains(body, "本岗位移交的管控对象") {
			t.Errorf("after the hand-over: %d %s", st, body)
		}
		// The rest of the minute's budget, then 429.
		for i := 2; i < lookupweb.PerMinute; i++ {
			if st, _ := c.API("GET", "/api/v1/lookup?id_number="+p.IDNumber, nil); st != 200 {
				t.Fatalf("look-up %d: %d", i+1, st)
			}
		}
		if st, body := c.API("GET", "/api/v1/lookup?id_number="+p.IDNumber, nil); st != 429 || !strings.Contains(body, `"error"`) {
			t.Errorf("look-up %d: %d %s, want 429", lookupweb.PerMinute+1, st, body)
		}
	})
}
