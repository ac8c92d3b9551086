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
