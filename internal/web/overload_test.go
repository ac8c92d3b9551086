package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// overloadServer is a web core with slots places in flight and one route,
// GET /hold, whose requests stay until release is called; hold(n) starts n
// of them and returns once all n are inside their handlers (so every place
// they take is known to be taken: no timing guesses).
type overloadServer struct {
	url     string
	release func()
	hold    func(n int)
}

func startOverloadServer(t *testing.T, slots int) *overloadServer {
	t.Helper()
	s, err := New(Config{MaxInFlight: slots, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Ping: func(ctx context.Context) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	var inside sync.WaitGroup
	s.Mount(routeList{
		Public("GET /hold", nil, func(w http.ResponseWriter, r *http.Request) error {
			inside.Done()
			<-gate
			_, err := io.WriteString(w, "held")
			return err
		}),
		Public("GET /page", nil, func(w http.ResponseWriter, r *http.Request) error {
			_, err := io.WriteString(w, "page")
			return err
		}),
		Public("GET /api/v1/thing", nil, func(w http.ResponseWriter, r *http.Request) error {
			_, err := io.WriteString(w, "{}")
			return err
		}),
	})
	srv := httptest.NewServer(s)
	var held sync.WaitGroup
	var once sync.Once
	release := func() { once.Do(func() { close(gate) }); held.Wait() }
	t.Cleanup(func() { release(); srv.Close() })
	return &overloadServer{url: srv.URL, release: release, hold: func(n int) {
		inside.Add(n)
		held.Add(n)
		for range n {
			go func() {
				defer held.Done()
				if resp, err := http.Get(srv.URL + "/hold"); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}()
		}
		inside.Wait()
	}}
}

func (o *overloadServer) get(t *testing.T, path string) (int, http.Header, string, time.Duration) {
	t.Helper()
	start := time.Now()
	resp, err := http.Get(o.url + path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header, strings.TrimSpace(string(b)), time.Since(start)
}

// A saturated server answers a page with 503 and Retry-After and an API
// request with 429 and Retry-After (API clients retry with the same
// idempotency key), at once, and serves again when the load is gone.
func TestOverloadAnswers503And429(t *testing.T) {
	o := startOverloadServer(t, 1)
	if st, _, _, _ := o.get(t, "/page"); st != 200 {
		t.Fatalf("idle server: %d", st)
	}
	o.hold(1)
	for _, tc := range []struct {
		path string
		want int
	}{{"/page", http.StatusServiceUnavailable}, {"/api/v1/thing", http.StatusTooManyRequests}} {
		st, hdr, body, d := o.get(t, tc.path)
		if st != tc.want || hdr.Get("Retry-After") == "" || !strings.Contains(body, "服务器繁忙") {
			t.Errorf("saturated server, %s: %d, Retry-After %q, %q; want %d with Retry-After", tc.path, st, hdr.Get("Retry-After"), body, tc.want)
		}
		if d > time.Second {
			t.Errorf("saturated server, %s: answered in %s", tc.path, d)
		}
	}
	o.release()
	if st, _, _, _ := o.get(t, "/page"); st != 200 {
		t.Fatalf("after the load went away: %d", st)
	}
}

// While every slot is held the health probes still answer, at once:
// /livez and /healthz 200 (the process is alive; a liveness check must not
// restart a busy server), /readyz 503 "busy" (a load balancer sends the
// traffic elsewhere). When the load goes, /readyz says ready again.
func TestProbesAnswerWhileOverloaded(t *testing.T) {
	const slots = 4
	o := startOverloadServer(t, slots)
	if st, _, body, _ := o.get(t, "/readyz"); st != 200 || body != "ready" {
		t.Fatalf("idle server: /readyz %d %q", st, body)
	}
	o.hold(slots)
	if st, _, _, _ := o.get(t, "/api/v1/thing"); st != http.StatusTooManyRequests {
		t.Fatalf("the server with every slot held: %d, want 429", st)
	}
	for _, path := range []string{"/livez", "/healthz"} {
		var took []time.Duration
		for range 20 {
			st, _, body, d := o.get(t, path)
			if st != 200 || body != "ok" {
				t.Fatalf("overloaded server: %s %d %q", path, st, body)
			}
			took = append(took, d)
		}
		// The median, so that one scheduling hiccup of this shared machine
		// does not fail the test; none may wait for a slot either.
		slices.Sort(took)
		if took[len(took)/2] > 50*time.Millisecond || took[len(took)-1] > time.Second {
			t.Errorf("overloaded server: %s took median %s, max %s", path, took[len(took)/2], took[len(took)-1])
		}
	}
	if st, _, body, d := o.get(t, "/readyz"); st != http.StatusServiceUnavailable ||
		body != fmt.Sprintf("busy: %d/%d requests in flight", slots, slots) || d > time.Second {
		t.Errorf("overloaded server: /readyz %d %q in %s", st, body, d)
	}
	o.release()
	if st, _, body, _ := o.get(t, "/readyz"); st != 200 || body != "ready" {
		t.Fatalf("after the load: /readyz %d %q", st, body)
	}
}
