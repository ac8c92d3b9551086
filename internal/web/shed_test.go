package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// A route that proves slow becomes heavy: while the heavy places are taken
// another heavy request is shed at once with Retry-After, and a light route
// answers meanwhile; when the place frees, heavy requests are served again.
func TestHeavyRoutesAreShedLightOnesPass(t *testing.T) {
	s, err := New(Config{HeavySlots: 1, HeavyWait: 30 * time.Millisecond, HeavyAfter: 20 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hold := make(chan struct{})
	var holding sync.WaitGroup
	var mu sync.Mutex
	mode := "slow"
	s.Mount(routeList{
		Public("GET /county", nil, func(w http.ResponseWriter, r *http.Request) error {
			mu.Lock()
			m := mode
			mu.Unlock()
			switch m {
			case "slow":
				time.Sleep(60 * time.Millisecond)
			case "hold":
				holding.Done()
				<-hold
			}
			_, err := io.WriteString(w, "county")
			return err
		}),
		Public("GET /light", nil, func(w http.ResponseWriter, r *http.Request) error {
			_, err := io.WriteString(w, "light")
			return err
		}),
	})
	srv := httptest.NewServer(s)
	defer srv.Close()
	get := func(path string) (int, http.Header, time.Duration) {
		start := time.Now()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, resp.Header, time.Since(start)
	}
	// Two slow answers teach the route its cost.
	for range 2 {
		if st, _, _ := get("/county"); st != 200 {
			t.Fatalf("county: %d", st)
		}
	}
	mu.Lock()
	mode = "hold"
	mu.Unlock()
	holding.Add(1)
	done := make(chan int)
	go func() { st, _, _ := get("/county"); done <- st }()
	holding.Wait() // the one heavy place is taken
	st, hdr, d := get("/county")
	if st != http.StatusServiceUnavailable || hdr.Get("Retry-After") == "" {
		t.Fatalf("a second heavy request while the place is taken: %d, Retry-After %q", st, hdr.Get("Retry-After"))
	}
	if d > 2*time.Second {
		t.Errorf("shedding took %s", d)
	}
	if st, _, _ := get("/light"); st != 200 {
		t.Errorf("a light page while heavy ones are shed: %d", st)
	}
	close(hold)
	if st := <-done; st != 200 {
		t.Errorf("the heavy request holding the place: %d", st)
	}
	mu.Lock()
	mode = "fast"
	mu.Unlock()
	if st, _, _ := get("/county"); st != 200 {
		t.Errorf("heavy route after the place freed: %d", st)
	}
	var m strings.Builder
	rec := httptest.NewRecorder()
	s.metrics.serve(rec, httptest.NewRequest("GET", "/metrics", nil))
	m.WriteString(rec.Body.String())
	if !strings.Contains(m.String(), "fangkong_http_shed_total 1") {
		t.Errorf("metrics do not count the shed request:\n%s", m.String())
	}
}

// A request its client gave up on is logged as cancelled and counted under
// 499, never as a server error.
func TestCancelledRequestIsNotAServerError(t *testing.T) {
	var logs bytes.Buffer
	s, err := New(Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	s.Mount(routeList{
		Public("GET /slow", nil, func(w http.ResponseWriter, r *http.Request) error {
			close(started)
			<-r.Context().Done()
			return r.Context().Err()
		}),
	})
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/slow", nil)
	go func() { <-started; cancel() }()
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("the cancelled request got an answer")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "request cancelled by the client") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // the outer log line follows
	out := logs.String()
	if !strings.Contains(out, "request cancelled by the client") || strings.Contains(out, "level=ERROR") || strings.Contains(out, "status=500") {
		t.Errorf("cancelled request logged as:\n%s", out)
	}
	rec := httptest.NewRecorder()
	s.metrics.serve(rec, httptest.NewRequest("GET", "/metrics", nil))
	if strings.Contains(rec.Body.String(), `status="500"`) {
		t.Errorf("metrics count a 500:\n%s", rec.Body.String())
	}
}

// A route stays heavy for HeavyHold after it last proved slow or crowded,
// even when its answers, served one at a time, have become fast: otherwise
// a crowd on a page cheap alone is let in all at once again as soon as the
// page's mean falls. Once the hold has passed uncrowded, it is light again.
func TestHeavyRouteHeldWhileCrowded(t *testing.T) {
	s, err := New(Config{HeavySlots: 1, HeavyWait: 30 * time.Millisecond, HeavyAfter: 20 * time.Millisecond,
		HeavyHold: time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	entered := make(chan struct{}, 8)
	var mu sync.Mutex
	mode := "slow"
	s.Mount(routeList{
		Public("GET /county", nil, func(w http.ResponseWriter, r *http.Request) error {
			mu.Lock()
			m := mode
			mu.Unlock()
			switch m {
			case "slow":
				time.Sleep(60 * time.Millisecond)
			case "hold":
				entered <- struct{}{}
				<-release
			}
			_, err := io.WriteString(w, "county")
			return err
		}),
	})
	srv := httptest.NewServer(s)
	defer srv.Close()
	setMode := func(m string) { mu.Lock(); mode = m; mu.Unlock() }
	get := func() int {
		resp, err := http.Get(srv.URL + "/county")
		if err != nil {
			t.Error(err)
			return 0
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	for range 2 { // slow: heavy
		get()
	}
	setMode("fast")
	for range 30 { // the mean falls to about a millisecond
		get()
	}
	setMode("hold")
	first := make(chan int, 1)
	go func() { first <- get() }()
	<-entered // the one heavy place is taken
	second := make(chan int, 1)
	go func() { second <- get() }()
	select {
	case st := <-second:
		if st != http.StatusServiceUnavailable {
			t.Errorf("second request to a held heavy route: %d, want 503", st)
		}
	case <-entered:
		release <- struct{}{}
		release <- struct{}{}
		<-first
		<-second
		t.Fatal("the route was let in as light while crowded within its hold")
	case <-time.After(5 * time.Second):
		t.Fatal("no answer to the second request")
	}
	release <- struct{}{}
	<-first
	time.Sleep(1200 * time.Millisecond) // the hold passes uncrowded
	go func() { first <- get() }()
	go func() { second <- get() }()
	for i := range 2 {
		select {
		case <-entered:
		case <-time.After(5 * time.Second):
			t.Fatalf("after the hold only %d of two requests entered: the route stayed heavy", i)
		}
	}
	release <- struct{}{}
	release <- struct{}{}
	if a, b := <-first, <-second; a != 200 || b != 200 {
		t.Errorf("light again: %d, %d", a, b)
	}
}
