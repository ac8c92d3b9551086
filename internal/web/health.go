package web

// Health probes (探针): three questions, three answers. None of them takes
// one of the MaxInFlight slots, so a server that refuses work with 429/503
// still answers them at once.
//
//	/livez   Is the process serving? 200 "ok", always. For restarts (a
//	         liveness probe): a busy server or a database outage is no
//	         reason to restart the process.
//	/readyz  Should traffic come here? 200 "ready", or 503 with the reason:
//	         "busy: …" when the requests in flight or a queue (the scan
//	         queue) are at 90 % of their limit, "database: …" when the
//	         database did not answer a ping within a second. For routing
//	         (a load balancer's health check).
//	/healthz Is the process serving with its database? 200 "ok" or 503
//	         "database unavailable", as before, for monitors that use it. It
//	         answers from the last ping and starts a new one in the
//	         background when that is older than a second, so it never waits
//	         on a busy database pool (only the very first call waits).

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

const (
	pingTimeout = time.Second // a ping not answered by then is a failure
	pingFresh   = time.Second // a ping result is reused this long
)

var errNoAnswer = fmt.Errorf("no answer within %s", pingTimeout)

// nearLimit reports n at 90 % or more of limit.
func nearLimit(n, limit int) bool { return limit > 0 && n*10 >= limit*9 }

func (s *Server) livez(w http.ResponseWriter, r *http.Request) { probeAnswer(w, http.StatusOK, "ok") }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.db.state(false); err != nil {
		probeAnswer(w, http.StatusServiceUnavailable, "database unavailable")
		return
	}
	probeAnswer(w, http.StatusOK, "ok")
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if n := len(s.slots); nearLimit(n, cap(s.slots)) {
		probeAnswer(w, http.StatusServiceUnavailable, fmt.Sprintf("busy: %d/%d requests in flight", n, cap(s.slots)))
		return
	}
	if s.Saturation != nil {
		if why := s.Saturation(); why != "" {
			probeAnswer(w, http.StatusServiceUnavailable, "busy: "+why)
			return
		}
	}
	if err := s.db.state(true); err != nil {
		why := "unavailable" // the driver's error may name hosts: it goes to the log
		if errors.Is(err, errNoAnswer) {
			why = err.Error()
		}
		probeAnswer(w, http.StatusServiceUnavailable, "database: "+why)
		return
	}
	probeAnswer(w, http.StatusOK, "ready")
}

func probeAnswer(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write([]byte(msg + "\n"))
}

// pinger tells whether the database answers without making probes queue
// on it: at most one ping runs at a time, with pingTimeout; its result is
// reused for pingFresh.
type pinger struct {
	ping   func(ctx context.Context) error // nil: no database to check
	failed func(err error)                 // called when a ping fails after one that did not

	mu    sync.Mutex
	at    time.Time     // when the last ping ended; zero before the first
	err   error         // its result
	began time.Time     // when the running ping began
	done  chan struct{} // closed when the running ping ends; nil when none runs
}

// state returns nil when the database answered the last ping, starting a
// new one when that is stale. With wait it waits for a running ping (up to
// the end of its timeout); without, it answers from the last finished one.
// A ping still running after pingTimeout is a failure either way.
func (p *pinger) state(wait bool) error {
	if p.ping == nil {
		return nil
	}
	p.mu.Lock()
	now := time.Now()
	if p.done == nil && now.Sub(p.at) >= pingFresh {
		p.start(now)
	}
	done, began, err, never := p.done, p.began, p.err, p.at.IsZero()
	p.mu.Unlock()
	switch {
	case done == nil:
		return err
	case now.Sub(began) >= pingTimeout:
		return errNoAnswer
	case !wait && !never:
		return err
	}
	select {
	case <-done:
	case <-time.After(pingTimeout - now.Sub(began)):
		return errNoAnswer
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// start runs one ping in the background; p.mu is held.
func (p *pinger) start(now time.Time) {
	done := make(chan struct{})
	p.began, p.done = now, done
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
		err := p.ping(ctx)
		if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = errNoAnswer
		}
		cancel()
		p.mu.Lock()
		wasOK := p.err == nil
		p.at, p.err, p.done = time.Now(), err, nil
		p.mu.Unlock()
		close(done)
		if err != nil && wasOK && p.failed != nil {
			p.failed(err)
		}
	}()
}
