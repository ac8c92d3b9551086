package command

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Twenty concurrent misses of one key compute once; a fresh entry is served
// from the cache; an expired one is computed again; a failure is not kept.
func TestCacheSingleFlight(t *testing.T) {
	now := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	c := newCache(TTL, clock)
	var calls atomic.Int32
	release := make(chan struct{})
	compute := func(context.Context) (Picture, error) {
		calls.Add(1)
		<-release
		return Picture{Day: "2026-12-06"}, nil
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if p, err := c.get(t.Context(), "k", compute); err != nil || p.Day != "2026-12-06" {
				t.Errorf("get: %v %v", p.Day, err)
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("20 concurrent misses computed %d times, want 1", n)
	}
	if _, err := c.get(t.Context(), "k", compute); err != nil || calls.Load() != 1 {
		t.Fatalf("a fresh entry was computed again (%d calls)", calls.Load())
	}
	mu.Lock()
	now = now.Add(TTL)
	mu.Unlock()
	// Expired: the old picture is served at once while a new one is computed.
	release = make(chan struct{})
	if p, err := c.get(t.Context(), "k", compute); err != nil || p.Day != "2026-12-06" {
		t.Fatalf("an expired entry was not served while refreshed: %v", err)
	}
	if _, err := c.get(t.Context(), "k", compute); err != nil {
		t.Fatal(err)
	}
	close(release)
	for i := 0; calls.Load() != 2 && i < 100; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("an expired entry was refreshed %d times, want once", n-1)
	}
	fail := func(context.Context) (Picture, error) { calls.Add(1); return Picture{}, context.DeadlineExceeded }
	if _, err := c.get(t.Context(), "f", fail); err == nil {
		t.Fatal("the failure was not returned")
	}
	if _, err := c.get(t.Context(), "f", compute); err != nil || calls.Load() != 4 {
		t.Fatalf("a failure was kept (%d calls)", calls.Load())
	}
}

// The chart marks the last point and leaves days without a value out.
func TestSpark(t *testing.T) {
	s := string(Spark([]int{-1, 2, 4, -1, 3}, []string{"2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05"}, 96, 24))
	for _, want := range []string{"<svg", "<polyline", "<circle", "12-05:3", "12-03:4"} {
		if !contains(s, want) {
			t.Errorf("spark lacks %q: %s", want, s)
		}
	}
	if contains(s, "12-01") {
		t.Errorf("a day without a value is drawn: %s", s)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
