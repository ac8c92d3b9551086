package web_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fangkong/internal/web"
)

// /readyz tells "busy" (a queue nearly full) from "dead" (the database does
// not answer, or answers with an error), while /livez stays 200 and
// /healthz keeps answering fast from the last ping.
func TestReadyzTellsBusyFromDead(t *testing.T) {
	const (
		dbOK = iota
		dbDown
		dbHung
	)
	var dbState atomic.Int32
	var queue atomic.Value
	queue.Store("")
	srv, err := web.New(web.Config{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Ping: func(ctx context.Context) error {
			switch dbState.Load() {
			case dbDown:
				return errors.New("dial tcp 10.1.2.3:5432: connection refused")
			case dbHung:
				<-ctx.Done()
				return ctx.Err()
			}
			return nil
		},
		Saturation: func() string { return queue.Load().(string) },
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	probe := func(path string) (int, string, time.Duration) {
		t.Helper()
		start := time.Now()
		resp, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, strings.TrimSpace(string(body)), time.Since(start)
	}
	expect := func(path string, status int, body string, within time.Duration) {
		t.Helper()
		st, b, d := probe(path)
		if st != status || b != body || d > within {
			t.Errorf("%s: %d %q in %s, want %d %q within %s", path, st, b, d, status, body, within)
		}
	}
	expect("/readyz", 200, "ready", time.Second)
	expect("/healthz", 200, "ok", time.Second)
	expect("/livez", 200, "ok", time.Second)

	// Busy: the scan queue is nearly full. Alive and healthy all the same.
	queue.Store("scan queue 3700/4096")
	expect("/readyz", 503, "busy: scan queue 3700/4096", time.Second)
	expect("/livez", 200, "ok", time.Second)
	expect("/healthz", 200, "ok", time.Second)
	queue.Store("")

	// Dead: the database hangs. Once the last good ping is a second old,
	// /readyz waits at most a second for the next and says so; /healthz
	// never waits for it.
	dbState.Store(dbHung)
	time.Sleep(1100 * time.Millisecond)
	if st, b, d := probe("/healthz"); st != 200 || d > 500*time.Millisecond {
		t.Errorf("/healthz with a ping running: %d %q in %s, want the last ping's answer at once", st, b, d)
	}
	expect("/readyz", 503, "database: no answer within 1s", 1500*time.Millisecond)
	expect("/healthz", 503, "database unavailable", 500*time.Millisecond)
	expect("/livez", 200, "ok", 500*time.Millisecond)

	// The database answers with an error: not ready, and the error, which
	// may name hosts, is not shown.
	dbState.Store(dbDown)
	time.Sleep(1100 * time.Millisecond)
	expect("/readyz", 503, "database: unavailable", time.Second)
	expect("/healthz", 503, "database unavailable", time.Second)

	// Back: ready again within a ping's freshness.
	dbState.Store(dbOK)
	time.Sleep(1100 * time.Millisecond)
	expect("/readyz", 200, "ready", time.Second)
	expect("/healthz", 200, "ok", time.Second)
}
