package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/policy"
)

func TestPolicyPlanAPIAndMeasurePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		cmdUser := e.AddUser(t, "zhihui", auth.RoleCommand, dbtest.County)
		c := e.Login(t, "zhihui", apptest.Password)
		api := e.TokenClient(t, cmdUser)

		// The plan API: the protocol's close-contact case.
		// Public: no login needed.
		st, body := e.Anonymous(t).API("GET", "/api/v1/policy/plan?category=close_contact&day_zero=2022-07-01", nil)
		if st != 200 {
			t.Fatalf("plan: %d %s", st, body)
		}
		var p policy.Plan
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatal(err)
		}
		if p.Version != "第九版" || len(p.Phases) != 2 || p.Phases[0].End != "2022-07-08" || p.Phases[1].End != "2022-07-11" ||
			strings.Join(p.TestDates, ",") != "2022-07-02,2022-07-03,2022-07-04,2022-07-06,2022-07-08,2022-07-11" || p.Explanation == "" {
			t.Fatalf("plan %s", body)
		}
		st, body = api.API("GET", "/api/v1/policy/plan?category="+url.QueryEscape("密接的密接")+"&day_zero=2022-07-01&version="+url.QueryEscape("第九版"), nil)
		if st != 200 || !strings.Contains(body, `"test_dates":["2022-07-02","2022-07-05","2022-07-08"]`) {
			t.Fatalf("secondary contact: %d %s", st, body)
		}
		for _, bad := range []string{"category=x&day_zero=2022-07-01", "category=close_contact&day_zero=2022-02-30", "category=close_contact", "day_zero=2022-07-01",
			"category=close_contact&day_zero=2022-07-01&version=none"} {
			if st, body := api.API("GET", "/api/v1/policy/plan?"+bad, nil); st != 400 || !strings.Contains(body, `"error"`) {
				t.Errorf("plan %s: %d %s", bad, st, body)
			}
		}
		if st, body := c.Get("/policy?category=close_contact&day_zero=2022-07-01"); st != 200 || !strings.Contains(body, "2022-07-11") {
			t.Errorf("policy page: %d", st)
		}

		// A new version through the API, diffed against its base.
		st, body = api.API("POST", "/api/v1/policy/versions", map[string]any{"name": "县2022-7月", "effective_from": "2022-07-10", "based_on": "第九版",
			"rules": []map[string]any{{"category": "close_contact", "day_zero": "last_exposure", "description": "十天", "phases": []map[string]any{{"type": "central_quarantine", "days": 10, "test_days": []int{1, 10}, "checks_daily": 2}}}}})
		if st != 201 {
			t.Fatalf("create version: %d %s", st, body)
		}
		st, body = api.API("GET", "/api/v1/policy/diff?a="+url.QueryEscape("第九版")+"&b="+url.QueryEscape("县2022-7月"), nil)
		if st != 200 || !strings.Contains(body, `"kind":"changed"`) || !strings.Contains(body, `"kind":"removed"`) {
			t.Errorf("diff: %d %s", st, body)
		}
		if st, _ := api.API("POST", "/api/v1/policy/versions", map[string]any{"name": "县2022-7月", "based_on": "第九版"}); st != 400 {
			t.Errorf("duplicate version name: %d", st)
		}

		// Assign a person, see the pages, record a check, release later.
		var pid int64
		d.W().QueryRow(`INSERT INTO people (name, unit_code, phone, created_at, updated_at) VALUES ('赵测试', $1, '13912345678', 0, 0) RETURNING id`, dbtest.VillageA).Scan(&pid)
		today := clock.Day(e.App.Config.Now())
		dz := policy.AddDays(today, -2)
		st, body = api.API("POST", fmt.Sprintf("/api/v1/people/%d/measure", pid), map[string]any{"category": "密切接触者", "day_zero": dz, "place": "某市某区", "risk_level": "高"})
		if st != 201 {
			t.Fatalf("assign: %d %s", st, body)
		}
		var m struct {
			ID          int64
			Explanation string
		}
		json.Unmarshal([]byte(body), &m)
		if !strings.Contains(m.Explanation, "某市某区") {
			t.Errorf("explanation %q", m.Explanation)
		}
		for _, path := range []string{"/measures", "/measures?unit=" + dbtest.TownshipA, "/measures/list", fmt.Sprintf("/measures/%d", m.ID),
			"/measures/work?unit=" + dbtest.VillageA, "/measures/alerts", "/measures/release", "/policy/diff?a=1&b=2", "/policy/versions/1",
			"/policy/versions/2/copy", "/policy/versions/2/replan", fmt.Sprintf("/people/%d/measure", pid)} {
			if st, body := c.Get(path); st != 200 {
				t.Errorf("GET %s: %d %.300s", path, st, body)
			}
		}
		st, body = c.Post(fmt.Sprintf("/measures/%d/checks", m.ID), url.Values{"temp": {"38.1"}, "symptoms": {"发热"}})
		if st != 303 {
			t.Fatalf("check: %d %s", st, body)
		}
		if st, body := api.API("GET", "/api/v1/measures/alerts", nil); st != 200 || !strings.Contains(body, `"kind":"abnormal"`) {
			t.Errorf("alerts: %d %s", st, body)
		}
		// The copy form posts a new version.
		st, body = c.Post("/policy/versions", url.Values{"based_on": {"2"}, "name": {"县2022-8月"}, "effective_from": {"2022-08-01"}, "r2_p0_days": {"5"}, "r2_p0_tests": {"1,3,5"}})
		if st != 303 {
			t.Fatalf("copy form: %d %s", st, body)
		}
		st, body = api.API("GET", "/api/v1/policy/versions", nil)
		if st != 200 || !strings.Contains(body, "县2022-8月") {
			t.Fatalf("versions: %s", body)
		}
		// The person's own link works without login, a wrong one does not.
		var tok string
		d.R().QueryRow("SELECT token FROM measures WHERE id = $1", m.ID).Scan(&tok)
		anon := e.Anonymous(t)
		if st, body := anon.Get("/m/" + tok); st != 200 || !strings.Contains(body, "赵测试") {
			t.Errorf("self link: %d", st)
		}
		if st, _ := anon.Get("/m/" + strings.Repeat("A", len(tok))); st != http.StatusNotFound {
			t.Errorf("wrong token: %d", st)
		}
		if st, _ := anon.Post("/m/"+tok, url.Values{"temp": {"36.6"}}); st != 303 {
			t.Errorf("self check: %d", st)
		}
		n := 0
		d.R().QueryRow("SELECT COUNT(*) FROM measure_checks WHERE measure_id = $1 AND via = 'self'", m.ID).Scan(&n)
		if n != 1 {
			t.Errorf("%d self checks", n)
		}
		// Rate limit: the limiter allows 30 a minute per address.
		limited := false
		for i := 0; i < 40 && !limited; i++ {
			st, _ := anon.Get("/m/" + tok)
			limited = st == http.StatusTooManyRequests
		}
		if !limited {
			t.Error("the personal link is not rate limited")
		}
	})
}
