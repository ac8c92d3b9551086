package web

import (
	"sync"
	"time"
)

// Limiter allows n requests per minute per key (a client address).
type Limiter struct {
	mu   sync.Mutex
	n    int
	now  func() time.Time
	win  int64
	seen map[string]int
}

// NewLimiter allows n requests per minute per key.
func NewLimiter(n int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{n: n, now: now, seen: map[string]int{}}
}

// Allow counts one request of key and reports whether it is within the limit.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w := l.now().Unix() / 60; w != l.win {
		l.win, l.seen = w, map[string]int{}
	}
	l.seen[key]++
	return l.seen[key] <= l.n
}
