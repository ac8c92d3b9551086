package main_test

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"fangkong/internal/dbtest"
)

var (
	buildOnce sync.Once
	buildDir  string // removed by TestMain
	buildBin  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// build compiles the fangkong binary once per test binary (the tests that
// need it share it, parallel ones too).
func build(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "fangkong-cmd-test-"); buildErr != nil {
			return
		}
		buildBin = filepath.Join(buildDir, "fangkong")
		if out, err := exec.Command("go", "build", "-o", buildBin, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin
}

func run(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("fangkong %v: %v\n%s", args, err, out)
	}
	return string(out)
}

var servingRE = regexp.MustCompile(`fangkong serving" addr=(\S+)`)

// serve starts `fangkong serve` on a free port and returns its base URL.
func serve(t *testing.T, bin, dbURL string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", dbURL, "--addr", "127.0.0.1:0")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case addr := <-found:
		return "http://" + addr, cmd
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	return "", nil
}

func noRedirect(jar http.CookieJar) *http.Client {
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func login(t *testing.T, c *http.Client, base, user, pass string) {
	t.Helper()
	resp, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatal("no csrf token")
	}
	resp, err = c.PostForm(base+"/login", url.Values{"csrf_token": {m[1]}, "username": {user}, "password": {pass}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
}

func TestTwoServersShareSessionsOnPostgres(t *testing.T) {
	t.Parallel()
	dbURL := dbtest.PostgresURL(t) // skips without FANGKONG_TEST_POSTGRES
	bin := build(t)
	run(t, bin, "regions", "import", "--db", dbURL, "--data", dbtest.SharedData(t), "--prefix", "610118")
	run(t, bin, "users", "add", "--db", dbURL, "--username", "wgy", "--name", "网格员", "--role", "village", "--unit", "610118001001", "--password", "First-pass-1")
	a, cmdA := serve(t, bin, dbURL)
	b, _ := serve(t, bin, dbURL)

	jar, _ := cookiejar.New(nil)
	c := noRedirect(jar)
	login(t, c, a, "wgy", "First-pass-1")
	// The session cookie set by A is valid on B. Cookies are per host:port,
	// so copy it.
	ua, _ := url.Parse(a)
	ub, _ := url.Parse(b)
	jar.SetCookies(ub, jar.Cookies(ua))
	resp, err := c.Get(b + "/password") // a new account must change its password first
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "修改密码") {
		t.Fatalf("session from A on B: %d", resp.StatusCode)
	}
	// Graceful shutdown of A on SIGTERM; B keeps serving the same session.
	cmdA.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmdA.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("A after SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Error("A did not stop on SIGTERM")
	}
	resp, err = c.Get(b + "/password")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("B after A stopped: %v %v", resp, err)
	}
	resp.Body.Close()
	for _, p := range []string{"/livez", "/readyz", "/healthz", "/metrics"} {
		resp, err := http.Get(b + p)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v %v", p, resp, err)
		}
		resp.Body.Close()
	}
}

func TestDemoReusesDatabase(t *testing.T) {
	t.Parallel()
	bin := build(t)
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	first := run(t, bin, "demo", "--db", dbURL, "--people", "3000", "--no-serve")
	if !strings.Contains(first, "wanggeyuan") || !strings.Contains(first, "就绪：3000人") {
		t.Fatalf("first demo run:\n%s", first)
	}
	second := run(t, bin, "demo", "--db", dbURL, "--people", "3000", "--no-serve")
	if !strings.Contains(second, "已存在") || !strings.Contains(second, "就绪：3000人") {
		t.Fatalf("second demo run did not reuse the database:\n%s", second)
	}
	if v := run(t, bin, "version"); !strings.HasPrefix(v, "fangkong ") {
		t.Errorf("version: %q", v)
	}
}
