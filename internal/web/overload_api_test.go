package web_test

import (
	"fmt"
	"net"
	"net/http"
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
