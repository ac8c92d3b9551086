package auth

import (
	"sync"
	"time"
)

// authCache keeps recently resolved sessions and API tokens in memory for a
// few seconds, so that a hot path (a sampler's scans, many per second) does
// no database read to authenticate. Logout, token revocation, password
// changes and disabling an account drop the affected entries in this
// process at once; another instance sharing the database sees such a change
// within the TTL at most (its entries expire and are read again).
type authCache struct {
	ttl time.Duration
	max int

	mu      sync.Mutex
	entries map[string]cacheEntry // key: token hash (session id or API token hash)
	// gen counts invalidations: an entry read from the database before one
	// is not stored after it (it may predate the change).
	gen uint64
}

type cacheEntry struct {
	user    User
	sess    Session // zero for an API token
	tokenID int64   // API token id, 0 for a session
	until   int64   // Unix ms after which the entry is stale
}

// Cache defaults: staleness across instances is bounded by authCacheTTL.
const (
	authCacheTTL = 5 * time.Second
	authCacheMax = 20_000
)

func newAuthCache(ttl time.Duration, max int) *authCache {
	return &authCache{ttl: ttl, max: max, entries: make(map[string]cacheEntry)}
}

func (c *authCache) get(key string, now time.Time) (cacheEntry, bool) {
	if c == nil || c.ttl <= 0 {
		return cacheEntry{}, false
	}
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if !ok || now.UnixMilli() >= e.until {
		return cacheEntry{}, false
	}
	return e, true
}

// generation is taken before a database read and passed to put.
func (c *authCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *authCache) put(key string, e cacheEntry, now time.Time, gen uint64) {
	if c == nil || c.ttl <= 0 {
		return
	}
	e.until = now.Add(c.ttl).UnixMilli()
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.entries) >= c.max {
		// Bounded: first drop the stale entries; if all are fresh, start over.
		n := now.UnixMilli()
		for k, old := range c.entries {
			if n >= old.until {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= c.max {
			clear(c.entries)
		}
	}
	c.entries[key] = e
}

func (c *authCache) drop(key string) {
	c.mu.Lock()
	c.gen++
	delete(c.entries, key)
	c.mu.Unlock()
}

// dropUser forgets every session and token of a user.
func (c *authCache) dropUser(userID int64) {
	c.mu.Lock()
	c.gen++
	for k, e := range c.entries {
		if e.user.ID == userID {
			delete(c.entries, k)
		}
	}
	c.mu.Unlock()
}

// dropToken forgets an API token by its id.
func (c *authCache) dropToken(id int64) {
	c.mu.Lock()
	c.gen++
	for k, e := range c.entries {
		if e.tokenID == id {
			delete(c.entries, k)
		}
	}
	c.mu.Unlock()
}
