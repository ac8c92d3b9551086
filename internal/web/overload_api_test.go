package web_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/apptest"
	"fangkong/internal/dbtest"
)

// A saturated server tells API clients 429 with Retry-After (they retry
// with the same idempotency key), at once.
func TestOverloadAnswersAPIWith429(t *testing.T) {
	d := dbtest.SQLite(t)
	dbtest.Tree(t, d)
	e := apptest.StartWith(t, d, func(c *app.Config) { c.MaxInFlight = 1 })
	conn, err := net.Dial("tcp", e.Server.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername=a")
	// The half-sent request takes the one slot once the server has read its
	// headers; give that up to 10 s on a loaded machine.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		start := time.Now()
		resp, err := http.Get(e.Server.URL + "/api/v1/me")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			if resp.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("429 took %s", d)
			}
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("saturated server did not answer 429 to an API request")
}

// While every slot is held and API clients get 429, the health probes
// still answer, at once: /livez and /healthz 200 (the process is alive; a
// liveness check must not restart a busy server), /readyz 503 "busy" (a
// load balancer sends the traffic elsewhere). When the load goes, /readyz
// says ready again.
func TestProbesAnswerWhileOverloaded(t *testing.T) {
	d := dbtest.SQLite(t)
	dbtest.Tree(t, d)
	const slots = 4
	e := apptest.StartWith(t, d, func(c *app.Config) { c.MaxInFlight = slots })
	probe := func(path string) (int, string, time.Duration) {
		t.Helper()
		start := time.Now()
		resp, err := http.Get(e.Server.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, strings.TrimSpace(string(body)), time.Since(start)
	}
	if st, body, _ := probe("/readyz"); st != 200 || body != "ready" {
		t.Fatalf("idle server: /readyz %d %q", st, body)
	}
	// Hold every slot with a login form whose body never finishes.
	var held []net.Conn
	for range slots {
		conn, err := net.Dial("tcp", e.Server.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername=a")
		held = append(held, conn)
	}
	refusing := false
	for deadline := time.Now().Add(10 * time.Second); !refusing && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		st, _, _ := probe("/api/v1/me")
		refusing = st == http.StatusTooManyRequests
	}
	if !refusing {
		t.Fatal("the server with every slot held did not answer 429")
	}
	for _, path := range []string{"/livez", "/healthz"} {
		var took []time.Duration
		for range 20 {
			st, body, d := probe(path)
			if st != 200 || body != "ok" {
				t.Fatalf("overloaded server: %s %d %q", path, st, body)
			}
			took = append(took, d)
		}
		// The median, so that one scheduling hiccup of this shared machine
		// does not fail the test; none may wait for a slot either.
		slices.Sort(took)
		if took[len(took)/2] > 10*time.Millisecond || took[len(took)-1] > time.Second {
			t.Errorf("overloaded server: %s took median %s, max %s", path, took[len(took)/2], took[len(took)-1])
		}
	}
	if st, body, d := probe("/readyz"); st != http.StatusServiceUnavailable || body != fmt.Sprintf("busy: %d/%d requests in flight", slots, slots) ||
		d > time.Second {
		t.Errorf("overloaded server: /readyz %d %q in %s", st, body, d)
	}
	for _, c := range held {
		c.Close()
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		st, body, _ := probe("/readyz")
		if st == 200 && body == "ready" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the load: /readyz %d %q", st, body)
		}
	}
}
