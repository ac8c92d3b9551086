package clock

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// Every runs at once when asked, then on each tick, and returns when its
// context ends.
func TestEvery(t *testing.T) {
	for _, first := range []bool{true, false} {
		ctx, cancel := context.WithCancel(context.Background())
		var n atomic.Int32
		done := make(chan struct{})
		go func() { Every(ctx, time.Hour, first, func(context.Context) { n.Add(1) }); close(done) }()
		time.Sleep(50 * time.Millisecond)
		want := int32(0)
		if first {
			want = 1
		}
		if got := n.Load(); got != want {
			t.Errorf("first=%v: %d runs before the first tick, want %d", first, got, want)
		}
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Every did not return when its context ended")
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int32
	go Every(ctx, 10*time.Millisecond, false, func(context.Context) {
		if n.Add(1) == 3 {
			cancel()
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for n.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n.Load() < 3 {
		t.Errorf("%d runs on a 10 ms tick after 5 s", n.Load())
	}
}
