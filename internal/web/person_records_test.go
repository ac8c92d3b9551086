package web_test

import (
	"net/http"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// The person page joins up the domains' records of the person, each
// linking to its page, and the measure page links back to the person.
func TestPersonPageJoinsRecords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		s := seedToday(t, e, dbtest.VillageA, 3)
		e.AddUser(t, "wgy", auth.RoleVillage, dbtest.VillageA)
		c := e.Login(t, "wgy", apptest.Password)
		status, body := c.Get("/people/" + itoa(s.heads[0].ID))
		if status != http.StatusOK || !strings.Contains(body, `id="records"`) || !strings.Contains(body, `href="/measures/`) ||
			!strings.Contains(body, "密切接触者") {
			t.Fatalf("close contact's page: %d, measure record shown %v", status, strings.Contains(body, `href="/measures/`))
		}
		i := strings.Index(body, `href="/measures/`) + len(`href="`)
		link := body[i : i+strings.IndexByte(body[i:], '"')]
		if status, page := c.Get(link); status != http.StatusOK || !strings.Contains(page, `href="/people/`+itoa(s.heads[0].ID)+`"`) {
			t.Fatalf("measure page %s: %d, links back %v", link, status, strings.Contains(page, "/people/"+itoa(s.heads[0].ID)))
		}
		_, body = c.Get("/people/" + itoa(s.heads[2].ID))
		if !strings.Contains(body, `href="/returnees/`) || !strings.Contains(body, "返乡") {
			t.Fatal("the arrival is not on the person's page")
		}
	})
}
