package command

import (
	"context"
	"sync"
	"time"
)

// flight is one computation of a picture that concurrent callers share.
type flight struct {
	done chan struct{}
	p    Picture
	err  error
	at   time.Time
}

// cache keeps computed pictures for ttl and lets concurrent misses of a
// key wait for one computation.
type cache struct {
	mu      sync.Mutex
	ttl     time.Duration
	now     func() time.Time
	entries map[string]*flight
	// refreshing are the computations replacing expired entries.
	refreshing map[string]*flight
}

func newCache(ttl time.Duration, now func() time.Time) *cache {
	return &cache{ttl: ttl, now: now, entries: map[string]*flight{}, refreshing: map[string]*flight{}}
}

// get returns the picture of key: a fresh cached one, the one being
// computed, or a new computation by compute. An expired picture is still
// served while its successor is computed in the background (stale while
// revalidate), so only the very first viewer of a key waits for a
// computation. A failed computation is not kept. The computation runs
// without the caller's cancellation, so one commander closing the page
// does not fail the others waiting.
func (c *cache) get(ctx context.Context, key string, compute func(context.Context) (Picture, error)) (Picture, error) {
	c.mu.Lock()
	f, ok := c.entries[key]
	if ok {
		select {
		case <-f.done:
			if f.err == nil {
				if c.now().Sub(f.at) >= c.ttl && c.refreshing[key] == nil {
					c.refreshing[key] = c.start(ctx, key, compute)
				}
				c.mu.Unlock()
				return f.p, nil
			}
			ok = false
		default:
		}
	}
	if !ok {
		f = c.start(ctx, key, compute)
		c.entries[key] = f
		c.sweep()
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.p, f.err
	case <-ctx.Done():
		return Picture{}, ctx.Err()
	}
}

// start computes key in the background (called with mu held); a good
// result replaces the entry, a failure drops it.
func (c *cache) start(ctx context.Context, key string, compute func(context.Context) (Picture, error)) *flight {
	f := &flight{done: make(chan struct{})}
	go func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		p, err := compute(cctx)
		c.mu.Lock()
		f.p, f.err, f.at = p, err, c.now()
		if c.refreshing[key] == f {
			delete(c.refreshing, key)
			if err == nil {
				c.entries[key] = f
			}
		} else if err != nil && c.entries[key] == f {
			delete(c.entries, key)
		}
		c.mu.Unlock()
		close(f.done)
	}()
	return f
}

// sweep drops expired entries once the map grows (called with mu held).
func (c *cache) sweep() {
	if len(c.entries) < 256 {
		return
	}
	for k, f := range c.entries {
		select {
		case <-f.done:
			if c.now().Sub(f.at) >= 10*c.ttl {
				delete(c.entries, k)
			}
		default:
		}
	}
}

// forget drops every cached picture (after a write that changes figures
// the caller wants to see at once, such as a submitted report).
func (c *cache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, f := range c.entries {
		select {
		case <-f.done:
			delete(c.entries, k)
		default:
		}
	}
}
