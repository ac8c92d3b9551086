package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// Changing one's password on the page ends the account's other browser
// sessions and its API tokens at once; the browser that changed it stays
// signed in.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		u := e.AddUser(t, "wgy", auth.RoleVillage, dbtest.VillageA)
		here := e.Login(t, "wgy", apptest.Password)
		there := e.Login(t, "wgy", apptest.Password)
		machine := e.TokenClient(t, u)
		for _, c := range []*apptest.Client{here, there} {
			if st, _ := c.Get("/account"); st != http.StatusOK {
				t.Fatalf("before: %d", st)
			}
		}
		if st, _ := machine.API("GET", "/api/v1/me", nil); st != http.StatusOK {
			t.Fatalf("token before: %d", st)
		}
		if st, _ := here.Post("/password", url.Values{"current": {apptest.Password}, "new": {"Other-pass-2027"}, "confirm": {"Other-pass-2027"}}); st != http.StatusSeeOther {
			t.Fatalf("change password: %d", st)
		}
		if st, _ := here.Get("/account"); st != http.StatusOK {
			t.Errorf("the browser that changed the password: %d, want 200", st)
		}
		if st, _ := there.Get("/account"); st != http.StatusSeeOther {
			t.Errorf("another browser after the change: %d, want 303 to the login", st)
		}
		if st, _ := machine.API("GET", "/api/v1/me", nil); st != http.StatusUnauthorized {
			t.Errorf("API token after the change: %d, want 401", st)
		}
	})
}
