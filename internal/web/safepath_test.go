package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/policy"
	"fangkong/internal/web"
)

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// Open redirects: strings a browser reads as another host (or that
// path.Clean or a browser's URL parser would turn into one).
var offsite = []string{
	"//evil.example", "///evil.example", "/\\evil.example", "\\/evil.example", "/x/../\\evil.example", "/x/..\\evil.example",
	"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "\t//evil.example", " /evil", "/ /evil.example",
	"/%09/evil.example", "/%5Cevil.example", "/x/%2e%2e/%5Cevil.example", "/%2F%2Fevil.example", "/%2F/evil.example",
	"/x/../", "/./x", "/x/./y", "/x//y", "/x/..", "/\u00a0/evil.example", "/\u2028/evil.example", "/\x00", "/%00",
	"https://evil.example", "http:/evil.example", "javascript:alert(1)", "evil.example", "", "x/../../evil",
	"/%", "/%zz", "/\xff",
}

func TestSafePath(t *testing.T) {
	for _, s := range offsite {
		if p, ok := web.SafePath(s); ok {
			t.Errorf("SafePath(%q) = %q, accepted", s, p)
		}
	}
	for _, s := range []string{"/", "/people", "/measures/work?unit=610118001001&day=2022-01-05", "/units/610118/", "/people?q=%E5%BC%A0", "/people?q=a%20b#top",
		"/measures/12", "/sites/3/transfer?back=/sites/3"} {
		if p, ok := web.SafePath(s); !ok || p != s {
			t.Errorf("SafePath(%q) = %q, %v; want it unchanged", s, p, ok)
		}
	}
}

// The login's next and a measure form's back only ever lead to a path of
// this site.
func TestNoOpenRedirect(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "wgy", auth.RoleVillage, dbtest.VillageA)
		login := func(next string) string {
			c := e.Anonymous(t)
			_, body := c.Get("/login?next=" + url.QueryEscape(next))
			m := csrfField.FindStringSubmatch(body)
			if m == nil {
				t.Fatal("no CSRF token on the login page")
			}
			st, _ := c.Post("/login", url.Values{"csrf_token": {m[1]}, "username": {"wgy"}, "password": {apptest.Password}, "next": {next}})
			if st != http.StatusSeeOther {
				t.Fatalf("login with next=%q: %d", next, st)
			}
			return c.Location
		}
		for _, next := range offsite {
			if loc := login(next); loc != "/" {
				t.Errorf("login with next=%q redirects to %q, want /", next, loc)
			}
		}
		if loc := login("/people?q=%E5%BC%A0"); loc != "/people?q=%E5%BC%A0" {
			t.Errorf("login with a clean next redirects to %q", loc)
		}
		// A measure form's back: the check is recorded, the redirect stays here.
		id, _ := measureFor(t, e, d)
		c := e.Login(t, "wgy", apptest.Password)
		self := fmt.Sprintf("/measures/%d", id)
		for _, back := range offsite {
			st, _ := c.Post(self+"/checks", url.Values{"temp": {"36.5"}, "back": {back}})
			if st != http.StatusSeeOther {
				t.Fatalf("check with back=%q: %d", back, st)
			}
			if loc, _, _ := strings.Cut(c.Location, "?"); loc != self {
				t.Errorf("check with back=%q redirects to %q, want %s", back, c.Location, self)
			}
		}
		// The unit page's delete-responsible form goes back to a unit page only.
		rp, err := e.App.Units.AddResponsible(t.Context(), jurisdiction.System("test"), jurisdiction.Responsible{UnitCode: dbtest.VillageA,
			Duty: "网格长", Name: "责任人", Phone: "18800001001"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Post(fmt.Sprintf("/responsibles/%d/delete", rp.ID), url.Values{"back": {"/units/../\\evil.example"}}); c.Location != "/" {
			t.Errorf("delete responsible redirects to %q", c.Location)
		}
		back := "/measures/work?unit=" + dbtest.VillageA
		if c.Post(self+"/checks", url.Values{"temp": {"36.5"}, "back": {back}}); c.Location != back {
			t.Errorf("check with a clean back redirects to %q", c.Location)
		}
	})
}

// measureFor puts a new person of VillageA under a close-contact measure
// from two days ago; it returns the measure's id and personal-link token.
func measureFor(t *testing.T, e *apptest.Env, d *db.DB) (int64, string) {
	t.Helper()
	var pid int64
	if err := d.W().QueryRow(`INSERT INTO people (name, unit_code, phone, created_at, updated_at) VALUES ('赵测试', $1, '13912345678', 0, 0) RETURNING id`,
		dbtest.VillageA).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	dz := policy.AddDays(clock.Day(e.App.Config.Now()), -2)
	if err := e.App.Measures.AssignCategory(t.Context(), audit.Actor{Username: "test"}, pid, "close_contact", dz, "测试", ""); err != nil {
		t.Fatal(err)
	}
	var id int64
	var tok string
	if err := d.R().QueryRow("SELECT id, token FROM measures WHERE person_id = $1", pid).Scan(&id, &tok); err != nil {
		t.Fatal(err)
	}
	return id, tok
}
