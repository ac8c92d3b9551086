// Package apptest starts a whole fangkong (app + HTTP server on httptest) on
// a real test database, with the fixture tree, one account per role and
// HTTP clients that log in through the login page like a browser, or use
// an API token like a machine client.
package apptest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/place"
)

// Env is a running fangkong for one test.
type Env struct {
	App    *app.App
	Server *httptest.Server
	DB     *db.DB
}

// Start builds the app on d (already migrated, e.g. from dbtest) and serves it.
func Start(t testing.TB, d *db.DB) *Env { return StartWith(t, d, nil) }

var (
	placesOnce sync.Once
	places     *place.Resolver
)

// Places is the national place resolver (地名解析) from ../shared/data,
// loaded once per test binary and shared by every app a test starts, as
// the server loads it once at start; nil when the data is not there (the
// app then knows codes only).
func Places() *place.Resolver {
	placesOnce.Do(func() {
		if dir, ok := dbtest.SharedDataDir(); ok {
			places, _ = place.Load(jurisdiction.DirSource(dir))
		}
	})
	return places
}

// NeedPlaces returns Places, or skips a test that needs place names when
// ../shared/data is absent.
func NeedPlaces(t testing.TB) *place.Resolver {
	t.Helper()
	p := Places()
	if p == nil {
		t.Skip("place names need ../shared/data (the national division codes): not found")
	}
	return p
}

// StartWith is Start with a chance to change the configuration.
func StartWith(t testing.TB, d *db.DB, configure func(*app.Config)) *Env {
	t.Helper()
	// Tests of what pages do are not shed as heavy when the machine running
	// them is loaded (CI runs packages side by side): a route counts as heavy
	// only from a minute. Shedding has its own tests (internal/web shed_test.go).
	cfg := app.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test", Places: Places(), HeavyAfter: time.Minute}
	if configure != nil {
		configure(&cfg)
	}
	a, err := app.WithDB(cfg, d)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Web)
	t.Cleanup(srv.Close)
	return &Env{App: a, Server: srv, DB: d}
}

// Password is the password of every account AddUser makes.
const Password = "Test-pass-2026"

var system = audit.Actor{Username: "test", Role: "admin"}

// AddUser creates an account (no first-login change) and returns it.
func (e *Env) AddUser(t testing.TB, username string, role auth.Role, unit string) auth.User {
	t.Helper()
	u, err := e.App.Auth.CreateUser(context.Background(), system, jurisdiction.System("apptest"), auth.NewUser{
		Username: username, DisplayName: username, Role: role, UnitCode: unit, Password: Password})
	if err != nil {
		t.Fatalf("add user %s: %v", username, err)
	}
	return u
}

// Client is a browser-like HTTP client with a cookie jar and the session's
// CSRF token, or a machine client with a bearer token.
type Client struct {
	t      testing.TB
	base   string
	http   *http.Client
	CSRF   string
	Bearer string
	// Location is the Location header of the last answer (a redirect's
	// target), "" when it had none.
	Location string
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// Anonymous returns a client without a session.
func (e *Env) Anonymous(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, base: e.Server.URL, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// Login logs in through the login form and returns the client.
func (e *Env) Login(t testing.TB, username, password string) *Client {
	t.Helper()
	c := e.Anonymous(t)
	_, body := c.Get("/login")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no CSRF token on the login page")
	}
	status, _ := c.do("POST", "/login", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"csrf_token": {m[1]}, "username": {username}, "password": {password}}.Encode()), nil)
	if status != http.StatusSeeOther {
		t.Fatalf("login %s: status %d", username, status)
	}
	_, body = c.Get("/account")
	if m = csrfRE.FindStringSubmatch(body); m == nil {
		_, body = c.Get("/password") // an account that must change its password first
		m = csrfRE.FindStringSubmatch(body)
	}
	if m == nil {
		t.Fatalf("login %s: no session CSRF token", username)
	}
	c.CSRF = m[1]
	return c
}

// TokenClient returns a machine client using a new API token of the user.
func (e *Env) TokenClient(t testing.TB, u auth.User) *Client {
	t.Helper()
	plain, _, err := e.App.Auth.CreateToken(context.Background(), u, "test")
	if err != nil {
		t.Fatal(err)
	}
	c := e.Anonymous(t)
	c.Bearer = plain
	return c
}

func (c *Client) do(method, path, contentType string, body io.Reader, hdr map[string]string) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.Bearer)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	c.Location = resp.Header.Get("Location")
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Get fetches a path; it does not follow redirects.
func (c *Client) Get(path string) (int, string) { return c.do("GET", path, "", nil, nil) }

// Post submits a form with the session's CSRF token.
func (c *Client) Post(path string, form url.Values) (int, string) {
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf_token") == "" && c.CSRF != "" {
		form.Set("csrf_token", c.CSRF)
	}
	return c.do("POST", path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), nil)
}

// PostFrom submits a form as a browser does from the page at referer.
func (c *Client) PostFrom(referer, path string, form url.Values) (int, string) {
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf_token") == "" && c.CSRF != "" {
		form.Set("csrf_token", c.CSRF)
	}
	return c.do("POST", path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()),
		map[string]string{"Referer": c.base + referer})
}

// Upload posts a multipart form with one file field "file" and extra fields.
func (c *Client) Upload(path, filename string, content []byte, fields map[string]string) (int, string) {
	body, ctype := multipartBody(filename, content, fields, c.CSRF)
	hdr := map[string]string{}
	if c.CSRF != "" {
		hdr["X-CSRF-Token"] = c.CSRF
	}
	return c.do("POST", path, ctype, body, hdr)
}

// API sends JSON (v may be nil) with X-CSRF-Token for session clients.
func (c *Client) API(method, path string, v any) (int, string) {
	var body io.Reader
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			c.t.Fatal(err)
		}
		body = strings.NewReader(string(b))
	}
	hdr := map[string]string{}
	if c.CSRF != "" {
		hdr["X-CSRF-Token"] = c.CSRF
	}
	return c.do(method, path, "application/json", body, hdr)
}

// Fetch GETs a path with extra headers and returns the answer as sent: an
// Accept-Encoding given here turns off the transport's transparent
// decompression, so the body is the bytes on the wire.
func (c *Client) Fetch(path string, hdr map[string]string) (*http.Response, []byte) {
	c.t.Helper()
	req, err := http.NewRequest("GET", c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.Bearer)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}
