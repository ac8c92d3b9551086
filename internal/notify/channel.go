package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Message is one outbox row as a channel sends it.
type Message struct {
	ID      int64 // the outbox row: providers that take one get it as their idempotency/out id
	Kind    string
	To      string // a phone (SMS) or a robot's name (robots)
	Body    string // the rendered text
	SMSCode string // the provider's template code, for SMS
	Vars    map[string]string
}

// Channel sends messages of one outbox channel (ChannelSMS, ChannelRobot).
// Send returns the provider's message id, if any, for delivery receipts.
// An error wrapping ErrPermanent is not retried.
type Channel interface {
	Name() string
	Send(ctx context.Context, m Message) (providerID string, err error)
}

// ErrPermanent marks a failure retrying will not mend (an invalid number,
// a template the provider refuses, a wrong key).
var ErrPermanent = errors.New("permanent failure")

func permanent(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrPermanent, fmt.Sprintf(format, args...))
}

// httpClient is the client channels use: short timeouts, because a slow
// provider only delays the retry.
func httpClient(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	return &http.Client{Timeout: timeout}
}

// readBody reads at most 64 KiB of a provider's answer.
func readBody(resp *http.Response) []byte {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return b
}

// statusError classifies a provider's HTTP status: 4xx other than 429 is
// permanent, the rest is retried.
func statusError(provider string, resp *http.Response, body []byte) error {
	msg := fmt.Sprintf("%s: HTTP %d: %s", provider, resp.StatusCode, clip(string(body), 200))
	if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests {
		return permanent("%s", msg)
	}
	return errors.New(msg)
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// limiter spaces each channel's sends to a rate per second (per instance).
type limiter struct {
	mu    sync.Mutex
	every time.Duration
	next  map[string]time.Time
}

func newLimiter(perSecond float64) *limiter {
	return &limiter{every: time.Duration(float64(time.Second) / perSecond), next: map[string]time.Time{}}
}

// wait blocks until channel may send.
func (l *limiter) wait(ctx context.Context, channel string) error {
	l.mu.Lock()
	now := time.Now()
	at := l.next[channel]
	if at.Before(now) {
		at = now
	}
	l.next[channel] = at.Add(l.every)
	l.mu.Unlock()
	if d := time.Until(at); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}
