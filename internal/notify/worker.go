package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"fangkong/internal/db"
)

// Outbox statuses (发送状态).
const (
	StatusQueued    = "queued"    // 待发送 (or waiting for a retry)
	StatusSent      = "sent"      // 已发送: the provider accepted it
	StatusDelivered = "delivered" // 已送达: the provider's receipt says so
	StatusFailed    = "failed"    // 发送失败: given up, or the receipt says undelivered
)

// StatusName is the Chinese label of a status.
func StatusName(st string) string {
	switch st {
	case StatusQueued:
		return "待发送"
	case StatusSent:
		return "已发送"
	case StatusDelivered:
		return "已送达"
	case StatusFailed:
		return "发送失败"
	}
	return st
}

// claimed is an outbox row a worker holds.
type claimed struct {
	Message
	channel  string
	attempts int
}

// claim leases up to n due rows for owner. On PostgreSQL, FOR UPDATE SKIP
// LOCKED lets instances claim disjoint rows at once; SQLite has one
// writer, so the statement is atomic there without it. A row whose lease
// ran out (its worker died) is due again.
func (s *Service) claim(ctx context.Context, owner string, n int) ([]claimed, error) {
	now := s.now().UnixMilli()
	lock := ""
	if s.db.Dialect == db.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	rows, err := s.db.W().QueryContext(ctx, `UPDATE notify_outbox SET lease_until = $1, lease_owner = $2, attempts = attempts + 1
		WHERE id IN (SELECT id FROM notify_outbox WHERE status = 'queued' AND next_at <= $3 AND lease_until <= $3
			ORDER BY next_at, id LIMIT $4`+lock+`)
		RETURNING id, kind, channel, target, body, sms_code, vars, attempts`,
		now+s.opt.Lease.Milliseconds(), owner, now, n)
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	defer rows.Close()
	var out []claimed
	for rows.Next() {
		var c claimed
		var vars string
		if err := rows.Scan(&c.ID, &c.Kind, &c.channel, &c.To, &c.Body, &c.SMSCode, &vars, &c.attempts); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(vars), &c.Vars)
		out = append(out, c)
	}
	return out, rows.Err()
}

func newOwner() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// DeliverOnce claims one batch and sends it; it returns how many rows it
// claimed (0: nothing due).
func (s *Service) DeliverOnce(ctx context.Context) (int, error) {
	owner := newOwner()
	batch, err := s.claim(ctx, owner, s.opt.Batch)
	if err != nil {
		return 0, err
	}
	claimedAt := s.now()
	for i, c := range batch {
		// Past half the lease, the rest goes back: another worker may take
		// a row whose lease ran out, and must not while this one sends it.
		if s.now().Sub(claimedAt) > s.opt.Lease/2 {
			return len(batch), s.release(ctx, owner, batch[i:])
		}
		if err := s.send(ctx, owner, c); err != nil {
			return len(batch), err
		}
	}
	return len(batch), nil
}

// release gives claimed rows back unsent, without counting an attempt.
func (s *Service) release(ctx context.Context, owner string, rest []claimed) error {
	for _, c := range rest {
		if _, err := s.db.W().ExecContext(ctx, `UPDATE notify_outbox SET lease_until = 0, attempts = attempts - 1
			WHERE id = $1 AND lease_owner = $2 AND status = 'queued'`, c.ID, owner); err != nil {
			return fmt.Errorf("outbox %d: release: %w", c.ID, err)
		}
	}
	return nil
}

// send sends one claimed row and records the outcome; only a database
// error is returned.
func (s *Service) send(ctx context.Context, owner string, c claimed) error {
	w := s.db.W()
	ch, ok := s.channels[c.channel]
	if !ok {
		return s.finish(ctx, owner, c, "", permanent("渠道 %s 未配置", c.channel))
	}
	// Per recipient: at most PerTargetHour an hour; the rest waits.
	hourAgo := s.now().Add(-time.Hour).UnixMilli()
	var n int
	if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_outbox WHERE target = $1 AND sent_at > $2 AND channel = $3`,
		c.To, hourAgo, c.channel).Scan(&n); err != nil {
		return fmt.Errorf("outbox %d: rate: %w", c.ID, err)
	}
	if n >= s.opt.PerTargetHour {
		_, err := w.ExecContext(ctx, `UPDATE notify_outbox SET next_at = $1, lease_until = 0, attempts = attempts - 1,
			last_error = $2 WHERE id = $3 AND lease_owner = $4`,
			s.now().Add(5*time.Minute).UnixMilli(), "超过每小时发送上限，稍后发送", c.ID, owner)
		return err
	}
	if err := s.lim.wait(ctx, c.channel); err != nil {
		return err
	}
	pid, serr := ch.Send(ctx, c.Message)
	return s.finish(ctx, owner, c, pid, serr)
}

// finish records a send's outcome: sent, a retry after back-off, or failed.
func (s *Service) finish(ctx context.Context, owner string, c claimed, pid string, serr error) error {
	now := s.now()
	var err error
	switch {
	case serr == nil:
		_, err = s.db.W().ExecContext(ctx, `UPDATE notify_outbox SET status = 'sent', sent_at = $1, provider_id = $2,
			lease_until = 0, last_error = '' WHERE id = $3 AND lease_owner = $4`, now.UnixMilli(), pid, c.ID, owner)
	case errors.Is(serr, ErrPermanent) || c.attempts >= s.opt.MaxAttempts:
		_, err = s.db.W().ExecContext(ctx, `UPDATE notify_outbox SET status = 'failed', lease_until = 0, last_error = $1
			WHERE id = $2 AND lease_owner = $3`, clip(serr.Error(), 500), c.ID, owner)
	default:
		_, err = s.db.W().ExecContext(ctx, `UPDATE notify_outbox SET next_at = $1, lease_until = 0, last_error = $2
			WHERE id = $3 AND lease_owner = $4`, now.Add(s.backoff(c.attempts)).UnixMilli(), clip(serr.Error(), 500), c.ID, owner)
	}
	if err != nil {
		return fmt.Errorf("outbox %d: %w", c.ID, err)
	}
	return nil
}

// backoff is the wait before retry number attempts: Backoff doubling, at
// most MaxBackoff.
func (s *Service) backoff(attempts int) time.Duration {
	d := s.opt.Backoff
	for i := 1; i < attempts && d < s.opt.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.opt.MaxBackoff)
}

// Run sends the outbox with workers goroutines and escalates unhandled
// alerts until ctx ends, polling every poll when there is nothing to do.
func (s *Service) Run(ctx context.Context, workers int, poll time.Duration, log *slog.Logger) {
	if workers <= 0 {
		workers = 2
	}
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for ctx.Err() == nil {
				if i == 0 {
					if _, err := s.Escalate(ctx); err != nil && ctx.Err() == nil {
						log.Warn("notify escalate", "err", err)
					}
				}
				n, err := s.DeliverOnce(ctx)
				if err != nil && ctx.Err() == nil {
					log.Warn("notify deliver", "err", err)
				}
				if n == 0 || err != nil {
					select {
					case <-ctx.Done():
					case <-time.After(poll):
					}
				}
			}
		}(i)
	}
	wg.Wait()
}
