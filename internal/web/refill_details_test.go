package web_test

import (
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
)

// TestRefillUnfoldsDetails: a refused form folded in <details> (注销 on the
// person page) comes back unfolded, with its message and what was typed.
func TestRefillUnfoldsDetails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		p, err := e.App.Registry.CreatePerson(t.Context(), seedActor, jurisdiction.System("test"), registry.Person{Name: "折叠戊",
			IDNumber: dbtest.ID("61011819800101066"), UnitCode: dbtest.VillageA})
		if err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "wgy_fold", auth.RoleVillage, dbtest.VillageA)
		c := e.Login(t, "wgy_fold", apptest.Password)
		page := fmt.Sprintf("/people/%d", p.ID)
		st, body := c.PostFrom(page, page+"/deregister", url.Values{"reason": {"死亡"}, "date": {"明年"}})
		if st != 400 {
			t.Fatalf("deregister on an unreadable date: %d", st)
		}
		i := strings.Index(body, "注销（迁出、死亡）")
		if i < 0 {
			t.Fatal("no 注销 section")
		}
		tag := body[strings.LastIndex(body[:i], "<details"):i]
		if !strings.Contains(tag, "open") {
			t.Errorf("the refused 注销 form stays folded: %s", tag)
		}
		if !strings.Contains(body, `value="明年"`) {
			t.Error("the typed date is lost")
		}
		// A second error on the refilled form: the browser's address (and so
		// the Referer) is now the posted path; the form names its page.
		from := `name="_refill_from" value="`
		j := strings.Index(body, from)
		if j < 0 {
			t.Fatal("the refilled form does not name its page")
		}
		k := strings.IndexByte(body[j+len(from):], '"')
		again := url.Values{"reason": {"死亡"}, "date": {"后年"}, "_refill_from": {body[j+len(from) : j+len(from)+k]}}
		st, body = c.PostFrom(page+"/deregister", page+"/deregister", again)
		if st != 400 || !strings.Contains(body, "注销（迁出、死亡）") || !strings.Contains(body, `value="后年"`) {
			t.Errorf("a second try: %d, want the person page again with what was typed\n%.300s", st, body)
		}
	})
}
