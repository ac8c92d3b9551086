package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// InboxItem is one message in a user's inbox (站内信).
type InboxItem struct {
	ID        int64
	Kind      string
	Name      string // the event type's name
	UnitCode  string
	Body      string
	Link      string
	CreatedAt int64
	ReadAt    int64
}

// Inbox lists a user's messages, newest first, and how many are unread.
func (s *Service) Inbox(ctx context.Context, userID int64, limit, offset int) ([]InboxItem, int, error) {
	var unread int
	if err := s.db.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_inbox WHERE user_id = $1 AND read_at = 0`, userID).Scan(&unread); err != nil {
		return nil, 0, fmt.Errorf("inbox of %d: %w", userID, err)
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT id, kind, unit_code, body, link, created_at, read_at FROM notify_inbox
		WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`, userID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("inbox of %d: %w", userID, err)
	}
	defer rows.Close()
	var out []InboxItem
	for rows.Next() {
		var x InboxItem
		if err := rows.Scan(&x.ID, &x.Kind, &x.UnitCode, &x.Body, &x.Link, &x.CreatedAt, &x.ReadAt); err != nil {
			return nil, 0, err
		}
		x.Name = s.kindName(x.Kind)
		out = append(out, x)
	}
	return out, unread, rows.Err()
}

func (s *Service) kindName(kind string) string {
	if t, ok := s.types[kind]; ok {
		return t.Name
	}
	switch kind {
	case KindTest:
		return "测试消息"
	case KindResidents:
		return "群众短信"
	}
	return kind
}

// MarkRead marks a user's message read (id 0: all of them). Another
// user's message is not found.
func (s *Service) MarkRead(ctx context.Context, userID, id int64) error {
	q := `UPDATE notify_inbox SET read_at = $1 WHERE user_id = $2 AND read_at = 0`
	args := []any{s.now().UnixMilli(), userID}
	if id != 0 {
		q += ` AND id = $3`
		args = append(args, id)
	}
	if _, err := s.db.W().ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("mark read %d: %w", id, err)
	}
	return nil
}

// Unread counts a user's unread messages.
func (s *Service) Unread(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.db.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_inbox WHERE user_id = $1 AND read_at = 0`, userID).Scan(&n)
	return n, err
}

// Delivery is one outbox row as the delivery log (发送记录) shows it.
type Delivery struct {
	ID          int64
	Kind        string
	Name        string
	UnitCode    string
	Channel     string
	Target      string // a phone: mask it for display
	TargetName  string
	Body        string
	Status      string
	Attempts    int
	NextAt      int64
	ProviderID  string
	LastError   string
	CreatedBy   string
	CreatedAt   int64
	SentAt      int64
	DeliveredAt int64
}

// LogFilter narrows the delivery log.
type LogFilter struct {
	Unit   string // inside the scope
	Status string
	Limit  int
	Offset int
}

// Counts of the delivery log by status.
type Counts struct{ Queued, Sent, Delivered, Failed int }

const deliveryColumns = `id, kind, unit_code, channel, target, target_name, body, status, attempts, next_at,
	provider_id, last_error, created_by, created_at, sent_at, delivered_at`

func scanDelivery(row interface{ Scan(...any) error }) (Delivery, error) {
	var x Delivery
	err := row.Scan(&x.ID, &x.Kind, &x.UnitCode, &x.Channel, &x.Target, &x.TargetName, &x.Body, &x.Status, &x.Attempts, &x.NextAt,
		&x.ProviderID, &x.LastError, &x.CreatedBy, &x.CreatedAt, &x.SentAt, &x.DeliveredAt)
	return x, err
}

// Log lists the delivery log inside the scope, failures first, then the
// newest; with the counts by status.
func (s *Service) Log(ctx context.Context, scope jurisdiction.Scope, f LogFilter) ([]Delivery, Counts, error) {
	scope, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return nil, Counts{}, err
	}
	lo, hi := scope.Args()
	var c Counts
	rows, err := s.db.R().QueryContext(ctx, `SELECT status, COUNT(*) FROM notify_outbox WHERE `+scope.Where("unit_code", 1)+` GROUP BY status`, lo, hi)
	if err != nil {
		return nil, c, fmt.Errorf("delivery log: %w", err)
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return nil, c, err
		}
		switch st {
		case StatusQueued:
			c.Queued = n
		case StatusSent:
			c.Sent = n
		case StatusDelivered:
			c.Delivered = n
		case StatusFailed:
			c.Failed = n
		}
	}
	rows.Close()
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err = s.db.R().QueryContext(ctx, `SELECT `+deliveryColumns+` FROM notify_outbox
		WHERE `+scope.Where("unit_code", 1)+` AND ($3 = '' OR status = $3)
		ORDER BY CASE status WHEN 'failed' THEN 0 WHEN 'queued' THEN 1 ELSE 2 END, created_at DESC, id DESC
		LIMIT $4 OFFSET $5`, lo, hi, f.Status, f.Limit, f.Offset)
	if err != nil {
		return nil, c, fmt.Errorf("delivery log: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		x, err := scanDelivery(rows)
		if err != nil {
			return nil, c, err
		}
		x.Name = s.kindName(x.Kind)
		out = append(out, x)
	}
	return out, c, rows.Err()
}

// Delivery returns one row of the delivery log inside the scope.
func (s *Service) Delivery(ctx context.Context, scope jurisdiction.Scope, id int64) (Delivery, error) {
	lo, hi := scope.Args()
	x, err := scanDelivery(s.db.R().QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM notify_outbox
		WHERE id = $1 AND `+scope.Where("unit_code", 2), id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return Delivery{}, fmt.Errorf("delivery %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Delivery{}, fmt.Errorf("delivery %d: %w", id, err)
	}
	x.Name = s.kindName(x.Kind)
	return x, nil
}

// Resend queues a failed message again (重发), inside the scope.
func (s *Service) Resend(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64) error {
	lo, hi := scope.Args()
	res, err := s.db.W().ExecContext(ctx, `UPDATE notify_outbox SET status = 'queued', attempts = 0, next_at = $1, lease_until = 0
		WHERE id = $2 AND status = 'failed' AND target <> '' AND `+scope.Where("unit_code", 3), s.now().UnixMilli(), id, lo, hi)
	if err != nil {
		return fmt.Errorf("resend %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.Delivery(ctx, scope, id); err != nil {
			return err
		}
		return &errs.Conflict{Message: "只有发送失败的消息可以重发"}
	}
	return nil
}

// Receipt records a provider's delivery report (回执) for its message id:
// delivered, or failed with the provider's reason. It reports whether a
// message had that id.
func (s *Service) Receipt(ctx context.Context, channel, providerID string, delivered bool, reason string) (bool, error) {
	if providerID == "" {
		return false, nil
	}
	q := `UPDATE notify_outbox SET status = 'delivered', delivered_at = $1 WHERE channel = $2 AND provider_id = $3 AND status IN ('sent', 'delivered')`
	args := []any{s.now().UnixMilli(), channel, providerID}
	if !delivered {
		q = `UPDATE notify_outbox SET status = 'failed', last_error = $1 WHERE channel = $2 AND provider_id = $3 AND status IN ('sent', 'failed')`
		args[0] = clip("回执："+reason, 500)
	}
	res, err := s.db.W().ExecContext(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("receipt %s: %w", providerID, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
