package web

import (
	"context"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"
)

// Load shedding by cost (分级限流). MaxInFlight alone lets one expensive
// page — the county page of half a million people, a whole-county export
// — fill the server with requests that each take a core for a fifth of a
// second, and everyone else's light page waits behind them. So each route
// learns what it costs: a route whose recent requests average HeavyAfter
// or more is heavy, and heavy requests share HeavySlots places; a heavy
// request that finds no place within HeavyWait is answered at once with
// 503 (pages) or 429 (API) and Retry-After, while light routes pass
// straight through. Routes start light and are judged by their own
// history (an exponentially weighted mean of their latency), so a new
// domain's slow page is caught without being declared. A route that bounds
// its own work (Route.OwnLimits: the scan queue, the picture's single
// flight) stays out. HeavyAfter is 40 ms: a page of 60 ms is light alone,
// but 64 of them at once on 2 cores take 2 s each (measured: the county
// page with the roll-up counters, fkbench shed), so the threshold sits
// well below what one request may cost.
//
// A route stays heavy for HeavyHold (10 s) after its mean last reached
// HeavyAfter or one of its requests last had to wait for a place. Without
// that hold, a page that costs 15 ms alone but is hammered by 64 clients
// went back and forth: judged heavy on latencies inflated by its own
// crowd, served fast one at a time, judged light again on those fast
// answers, and let the whole crowd in at once (fkbench shed: served p99
// 980 ms on the county page of 550,000 people, on a machine at half speed).

// Shedding defaults.
const (
	DefaultHeavyAfter = 40 * time.Millisecond
	DefaultHeavyWait  = 50 * time.Millisecond
	DefaultHeavyHold  = 10 * time.Second
)

// costGate is the shared state of the heavy class.
type costGate struct {
	slots      chan struct{}
	wait       time.Duration
	heavyAfter int64 // ns
	hold       int64 // ns
	shed       atomic.Int64
}

func newCostGate(slots int, wait, heavyAfter, hold time.Duration) *costGate {
	if slots <= 0 {
		// Half the cores: the other half stays with the light pages.
		slots = max(1, runtime.GOMAXPROCS(0)/2)
	}
	if wait <= 0 {
		wait = DefaultHeavyWait
	}
	if heavyAfter <= 0 {
		heavyAfter = DefaultHeavyAfter
	}
	if hold <= 0 {
		hold = DefaultHeavyHold
	}
	return &costGate{slots: make(chan struct{}, slots), wait: wait, heavyAfter: int64(heavyAfter), hold: int64(hold)}
}

// routeCost is one route's latency history.
type routeCost struct {
	ewma       atomic.Int64 // ns, weight 1/8
	heavyUntil atomic.Int64 // unix ns: heavy until then whatever its mean
}

// heavy says whether the route's requests take a heavy place now, and
// holds it heavy for g.hold from the last time its mean was heavy.
func (c *routeCost) heavy(g *costGate, now int64) bool {
	if c.ewma.Load() >= g.heavyAfter {
		c.heavyUntil.Store(now + g.hold)
		return true
	}
	return now < c.heavyUntil.Load()
}

func (c *routeCost) observe(d time.Duration) {
	for {
		old := c.ewma.Load()
		next := int64(d)
		if old != 0 {
			next = old + (int64(d)-old)/8
		}
		if c.ewma.CompareAndSwap(old, next) {
			return
		}
	}
}

// gate wraps a route's handler: heavy routes take a place in the heavy
// class (or are shed), every route's latency updates its history.
func (s *Server) gate(h http.Handler) http.Handler {
	cost := &routeCost{}
	g := s.costs
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A refused form's page rendered again inside its request (refill)
		// rides on the place the request already holds.
		if !info(r).refilling && cost.heavy(g, time.Now().UnixNano()) {
			waited, ok := g.enter(r.Context())
			if waited {
				cost.heavyUntil.Store(time.Now().UnixNano() + g.hold) // still crowded
			}
			if !ok {
				if r.Context().Err() != nil {
					return // the client left while waiting: nothing to answer
				}
				g.shed.Add(1)
				s.overloaded(w, r)
				return
			}
			defer func() { <-g.slots }()
		}
		start := time.Now()
		h.ServeHTTP(w, r)
		cost.observe(time.Since(start))
	})
}

// enter takes a heavy place, waiting at most g.wait; waited says it found
// none free at once.
func (g *costGate) enter(ctx context.Context) (waited, ok bool) {
	select {
	case g.slots <- struct{}{}:
		return false, true
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return true, true
	case <-t.C:
		return true, false
	case <-ctx.Done():
		return true, false
	}
}
