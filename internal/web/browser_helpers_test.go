package web_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fangkong/internal/apptest"
)

// startBrowser starts a headless Chromium with a fresh profile, bounded by a
// 90-second timeout, and returns a tab at a 360×740 phone viewport and a func
// that stops the browser, waits for it to exit and checks that no Chromium
// process of the profile and no zombie child of the test remains. The
// browser is stopped when the test ends at the latest.
func startBrowser(t *testing.T) (context.Context, func()) {
	t.Helper()
	profile := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath), chromedp.UserDataDir(profile))
	for _, f := range []string{"headless", "no-sandbox", "disable-gpu", "disable-background-networking",
		"disable-component-update", "disable-sync", "no-first-run", "disable-quic"} {
		opts = append(opts, chromedp.Flag(f, true))
	}
	timeout, cancelTimeout := context.WithTimeout(context.Background(), 90*time.Second)
	alloc, cancelAlloc := chromedp.NewExecAllocator(timeout, opts...)
	tab, cancelTab := chromedp.NewContext(alloc)
	var once sync.Once
	stop := func() {
		once.Do(func() {
			if err := chromedp.Cancel(tab); err != nil {
				t.Logf("close browser: %v", err)
			}
			cancelTab()
			cancelAlloc() // waits for the browser process to exit
			cancelTimeout()
			var left []string
			for range 50 {
				if left = leftovers(profile); len(left) == 0 {
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
			t.Errorf("processes left after stopping Chromium: %v", left)
		})
	}
	t.Cleanup(stop)
	do(t, tab, chromedp.EmulateViewport(360, 740))
	return tab, stop
}

// leftovers lists processes that run with the profile, and zombie children of
// this process.
func leftovers(profile string) []string {
	var out []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range dirs {
		cmdline, err := os.ReadFile(dir + "/cmdline")
		if err == nil && bytes.Contains(cmdline, []byte(profile)) {
			out = append(out, filepath.Base(dir)+" "+string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})))
		}
		stat, err := os.ReadFile(dir + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) > 1 && f[0] == "Z" && f[1] == strconv.Itoa(os.Getpid()) {
			out = append(out, filepath.Base(dir)+" zombie "+string(stat))
		}
	}
	return out
}

// do runs the steps on the tab and stops the test at the first error.
func do(t *testing.T, tab context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(tab, steps...); err != nil {
		t.Fatal(err)
	}
}

// follow runs the steps (a click that loads a page) and waits for the page;
// the page must load with status 200.
func follow(t *testing.T, tab context.Context, steps ...chromedp.Action[chromedp.Void]) string {
	t.Helper()
	resp, err := chromedp.RunResponse(tab, steps...)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 {
		t.Fatalf("%s: status %d", resp.URL, resp.Status)
	}
	return resp.URL
}

// eval evaluates JavaScript in the page and decodes its result.
func eval[T any](t *testing.T, tab context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(tab, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("eval %s: %v", js, err)
	}
	return v
}

// texts returns the trimmed text of every element matching the CSS selector.
func texts(t *testing.T, tab context.Context, sel string) []string {
	t.Helper()
	return eval[[]string](t, tab, `[...document.querySelectorAll(`+strconv.Quote(sel)+`)].map(e => e.textContent.trim())`)
}

// login signs in through the login form.
func login(t *testing.T, tab context.Context, base, username string) {
	t.Helper()
	do(t, tab, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), username), chromedp.SendKeys(chromedp.ID("password"), apptest.Password))
	if u := follow(t, tab, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`))); strings.HasSuffix(u, "/login") {
		t.Fatalf("login %s failed", username)
	}
	do(t, tab, chromedp.WaitVisible(chromedp.CSS("h1")))
}

// search opens /people, types q into the search box, submits the form and
// waits for the results table.
func search(t *testing.T, tab context.Context, base, q string) {
	t.Helper()
	do(t, tab, chromedp.Navigate(base+"/people"), chromedp.WaitVisible(chromedp.CSS(`input[name=q]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=q]`), q))
	if u := follow(t, tab, chromedp.Click(chromedp.CSS(`form.search button`))); !strings.Contains(u, "q=") {
		t.Fatalf("search %s landed on %s", q, u)
	}
	do(t, tab, chromedp.WaitVisible(chromedp.ID("people")))
}

// overflow says how the page is wider than the viewport, or "" when it is not.
func overflow(t *testing.T, tab context.Context) string {
	t.Helper()
	w := eval[struct {
		Scroll int      `json:"scroll"`
		Inner  int      `json:"inner"`
		Wide   []string `json:"wide"`
	}](t, tab, `({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
		wide: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
			.slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '') +
				' right=' + Math.round(e.getBoundingClientRect().right))})`)
	if w.Scroll <= w.Inner+1 {
		return ""
	}
	return fmt.Sprintf("scrollWidth %d > innerWidth %d; widest elements: %s", w.Scroll, w.Inner, strings.Join(w.Wide, ", "))
}

// screenshot writes a full-page PNG to os.TempDir() when FANGKONG_SCREENSHOTS=1.
func screenshot(t *testing.T, tab context.Context, name string) {
	t.Helper()
	if os.Getenv("FANGKONG_SCREENSHOTS") != "1" {
		return
	}
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(os.TempDir(), "fangkong-browser-"+filepath.Base(t.Name())+"-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}
