package web

import (
	"sync"
	"time"
)

// Limiter allows n requests per key (an account, a client address) within
// any 60 seconds: a sliding window, so a burst across the turn of a minute
// gets n, not 2n, and a test of the (n+1)th request does not depend on when
// the minute turns.
type Limiter struct {
	mu    sync.Mutex
	n     int
	now   func() time.Time
	swept time.Time
	seen  map[string][]time.Time // per key, the times of its allowed requests within the window, oldest first
}

// limiterWindow is the span within which a Limiter allows n requests.
const limiterWindow = time.Minute

// NewLimiter allows n requests per minute per key.
func NewLimiter(n int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{n: n, now: now, seen: map[string][]time.Time{}}
}

// Allow counts one request of key and reports whether it is within the
// limit; a refused request is not counted.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	since := now.Add(-limiterWindow)
	if now.Sub(l.swept) >= limiterWindow { // forget the keys gone quiet
		for k, ts := range l.seen {
			if len(ts) == 0 || !ts[len(ts)-1].After(since) {
				delete(l.seen, k)
			}
		}
		l.swept = now
	}
	ts := l.seen[key]
	i := 0
	for i < len(ts) && !ts[i].After(since) {
		i++
	}
	ts = ts[i:]
	if len(ts) >= l.n {
		l.seen[key] = ts
		return false
	}
	l.seen[key] = append(ts, now)
	return true
}
