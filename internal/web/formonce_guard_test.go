package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sentinel"
)

var formIDRE = regexp.MustCompile(`name="_form" value="([A-Za-z0-9_-]+)"`)

// formOnceEnv starts the app with the double-submit guard on and a village
// clinic (哨点) whose account reports fever patients; it returns the
// account's name.
func formOnceEnv(t *testing.T, d *db.DB) (*apptest.Env, string) {
	t.Helper()
	dbtest.Tree(t, d)
	e := apptest.Start(t, d)
	e.App.Web.Forms = d // the guard's claims (set here whether or not the app wires it)
	ctx, all := context.Background(), jurisdiction.System("test")
	x, err := e.App.Sentinels.CreateSentinel(ctx, seedActor, all, sentinel.Sentinel{UnitCode: dbtest.VillageA, Name: "西街村卫生室", Kind: sentinel.KindVillageClinic})
	if err != nil {
		t.Fatal(err)
	}
	u := e.AddUser(t, "cunyi", auth.RoleSentinel, dbtest.VillageA)
	if err := e.App.Sentinels.Bind(ctx, seedActor, all, x.ID, sentinel.Account{ID: u.ID, Username: u.Username, Role: string(u.Role), UnitCode: u.UnitCode}); err != nil {
		t.Fatal(err)
	}
	return e, "cunyi"
}

// formIDOf renders the fever report form and returns its _form id.
func formIDOf(t *testing.T, c *apptest.Client) string {
	t.Helper()
	st, body := c.Get("/sentinel/report")
	m := formIDRE.FindStringSubmatch(body)
	if st != http.StatusOK || m == nil {
		t.Fatalf("GET /sentinel/report: %d, _form field found: %v", st, m != nil)
	}
	return m[1]
}

func feverReport(name, temp, form string) url.Values {
	v := url.Values{"name": {name}, "phone": {"13911112222"}, "temp": {temp}, "action": {sentinel.ActionHome}}
	if form != "" {
		v.Set("_form", form)
	}
	return v
}

func countReports(t *testing.T, d *db.DB, name string) int {
	t.Helper()
	var n int
	if err := d.R().QueryRow("SELECT COUNT(*) FROM sentinel_reports WHERE name = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFormOnceResend: a fever report sent twice with the same _form (a
// second tap, a resend after a lost 303) is recorded once; the second
// answer is a 303 to the same page, which says it was not recorded again.
// Each render carries a fresh id; a post without one runs as before.
func TestFormOnceResend(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e, who := formOnceEnv(t, d)
		c := e.Login(t, who, apptest.Password)

		id := formIDOf(t, c)
		if again := formIDOf(t, c); again == id {
			t.Fatalf("two renders of the form carry the same _form %q", id)
		}
		st, _ := c.Post("/sentinel/reports", feverReport("重复张", "38.6", id))
		first := c.Location
		if st != http.StatusSeeOther || first == "" {
			t.Fatalf("first post: %d %q", st, first)
		}
		c.Get(first) // the first result page takes its notice
		st, body := c.Post("/sentinel/reports", feverReport("重复张", "38.6", id))
		if st != http.StatusSeeOther || c.Location != first {
			t.Fatalf("resent post: %d to %q, want 303 to %q: %s", st, c.Location, first, shortPage(body))
		}
		if n := countReports(t, d, "重复张"); n != 1 {
			t.Errorf("a resent form recorded %d reports, want 1", n)
		}
		if _, body := c.Get(first); !strings.Contains(body, "已提交过，未重复登记") {
			t.Error("the page after a resent form does not say it was not recorded again")
		}

		// Without _form (older pages, scripts): every post runs.
		for range 2 {
			if st, _ := c.Post("/sentinel/reports", feverReport("无号李", "38.2", "")); st != http.StatusSeeOther {
				t.Fatalf("post without _form: %d", st)
			}
		}
		if n := countReports(t, d, "无号李"); n != 2 {
			t.Errorf("posts without _form recorded %d reports, want 2", n)
		}

		// The same id with other fields (the page changed in the browser and
		// sent again) is no resend: it runs.
		if st, _ := c.Post("/sentinel/reports", feverReport("重复张", "39.1", id)); st != http.StatusSeeOther {
			t.Fatalf("same id, other fields: %d", st)
		}
		if n := countReports(t, d, "重复张"); n != 2 {
			t.Errorf("same id with other fields: %d reports, want 2", n)
		}
	})
}

// TestFormOnceCorrected: a form refused by validation lets its id go, so
// the corrected form sent with the same _form is recorded; a refused
// form's page comes back with a fresh id.
func TestFormOnceCorrected(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e, who := formOnceEnv(t, d)
		c := e.Login(t, who, apptest.Password)
		id := formIDOf(t, c)
		st, body := c.Post("/sentinel/reports", feverReport("改正王", "99", id))
		if st != http.StatusBadRequest {
			t.Fatalf("invalid temperature: %d", st)
		}
		if m := formIDRE.FindStringSubmatch(body); m == nil || m[1] == id {
			t.Errorf("the refused form's page does not carry a fresh _form (%v)", m)
		}
		if st, _ := c.Post("/sentinel/reports", feverReport("改正王", "38.5", id)); st != http.StatusSeeOther {
			t.Fatalf("corrected post with the same _form: %d", st)
		}
		if n := countReports(t, d, "改正王"); n != 1 {
			t.Errorf("corrected post: %d reports, want 1", n)
		}
		var status string
		d.R().QueryRow("SELECT status FROM form_claims WHERE id = $1", id).Scan(&status)
		if status != "done" {
			t.Errorf("claim after the corrected post: %q, want done", status)
		}
	})
}

// TestFormOnceSessions: an id claimed by one session does not stop
// another session's post (the guard answers only a session's own resends).
func TestFormOnceSessions(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e, who := formOnceEnv(t, d)
		a, b := e.Login(t, who, apptest.Password), e.Login(t, who, apptest.Password)
		id := formIDOf(t, a)
		if st, _ := a.Post("/sentinel/reports", feverReport("两端赵", "38.4", id)); st != http.StatusSeeOther {
			t.Fatalf("first session: %d", st)
		}
		if st, _ := b.Post("/sentinel/reports", feverReport("两端赵", "38.4", id)); st != http.StatusSeeOther {
			t.Fatalf("second session: %d", st)
		}
		if n := countReports(t, d, "两端赵"); n != 2 {
			t.Errorf("two sessions with one id: %d reports, want 2", n)
		}
		if _, body := b.Get("/sentinel"); strings.Contains(body, "已提交过") {
			t.Error("another session's post was taken for a resend")
		}
	})
}

// TestFormOnceInFlight: a resend that arrives while the first request
// still runs waits for it and is redirected to its result; when the first
// does not finish in time, it gets a page (409) saying so, not an error.
func TestFormOnceInFlight(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e, who := formOnceEnv(t, d)
		c := e.Login(t, who, apptest.Password)
		id := formIDOf(t, c)
		if st, _ := c.Post("/sentinel/reports", feverReport("等待孙", "38.3", id)); st != http.StatusSeeOther {
			t.Fatalf("first post: %d", st)
		}
		first := c.Location
		// The first request is made to look as if still running, and
		// finishes a moment after the resend arrives.
		if _, err := d.W().Exec("UPDATE form_claims SET status = 'pending', location = '' WHERE id = $1", id); err != nil {
			t.Fatal(err)
		}
		go func() {
			time.Sleep(600 * time.Millisecond)
			d.W().Exec("UPDATE form_claims SET status = 'done', location = $1 WHERE id = $2", first, id)
		}()
		start := time.Now()
		st, body := c.Post("/sentinel/reports", feverReport("等待孙", "38.3", id))
		if st != http.StatusSeeOther || c.Location != first {
			t.Fatalf("resend while running: %d to %q, want 303 to %q: %s", st, c.Location, first, shortPage(body))
		}
		if time.Since(start) < 500*time.Millisecond {
			t.Error("the resend did not wait for the first request")
		}

		// Still running after the wait: a page that says so.
		if _, err := d.W().Exec("UPDATE form_claims SET status = 'pending', location = '' WHERE id = $1", id); err != nil {
			t.Fatal(err)
		}
		st, body = c.Post("/sentinel/reports", feverReport("等待孙", "38.3", id))
		if st != http.StatusConflict || !strings.Contains(body, "正在提交，请稍候刷新查看结果") || !strings.Contains(body, "<html") {
			t.Errorf("resend while the first never ends: %d %s", st, shortPage(body))
		}
		if n := countReports(t, d, "等待孙"); n != 1 {
			t.Errorf("%d reports, want 1", n)
		}
	})
}

// shortPage shortens a page for a failure message.
func shortPage(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}
