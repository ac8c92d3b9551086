package web

import (
	"testing"
	"time"
)

// n requests within any 60 seconds, across the turn of a minute; the
// window slides; refusals are not counted; quiet keys are forgotten.
func TestLimiterSlides(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 59, 500_000_000, time.UTC) // half a second before the minute turns
	l := NewLimiter(3, func() time.Time { return at })
	step := func(d time.Duration, want bool, what string) {
		t.Helper()
		at = at.Add(d)
		if got := l.Allow("a"); got != want {
			t.Fatalf("%s: allowed %v, want %v", what, got, want)
		}
	}
	step(0, true, "first")
	step(200*time.Millisecond, true, "second")
	step(600*time.Millisecond, true, "third, after the minute turned")
	step(time.Second, false, "fourth, within 60 s of the first")
	step(30*time.Second, false, "fifth, still within 60 s")
	if !l.Allow("b") {
		t.Fatal("another key is limited by a's requests")
	}
	step(28*time.Second+201*time.Millisecond, true, "60 s after the first")
	step(0, false, "the second's place not yet free")
	step(200*time.Millisecond, true, "60 s after the second")
	// Two minutes later every key has gone quiet and is forgotten.
	at = at.Add(2 * time.Minute)
	l.Allow("c")
	if _, ok := l.seen["b"]; ok || len(l.seen) != 1 {
		t.Fatalf("quiet keys kept: %v", l.seen)
	}
}
