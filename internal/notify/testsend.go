package notify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// Kinds of messages notify itself sends.
const (
	KindTest      = "notify.test"      // 测试消息 from the channels page
	KindResidents = "notify.residents" // 群众短信 from the command centre
)

// TestSend sends one test message through a channel now (测试发送): to a
// phone for SMS, to a robot by name; it is logged like any message, under
// the caller's unit, and returns the log row with the outcome.
func (s *Service) TestSend(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, channel, to string) (Delivery, error) {
	if _, ok := s.channels[channel]; !ok {
		return Delivery{}, errs.Invalidf("channel", "渠道未配置：请在服务器环境变量中配置后重启")
	}
	unit := scope.Code()
	if unit == "" {
		return Delivery{}, errs.ErrForbidden
	}
	switch channel {
	case ChannelSMS:
		p, err := personal.NormalizePhone(to)
		if err != nil || len(p) != 11 {
			return Delivery{}, errs.Invalidf("to", "请填写11位手机号")
		}
		to = p
	case ChannelRobot:
		if !slices.ContainsFunc(s.robots, func(r Robot) bool {
			return r.Name == to && (r.Unit == "" || scope.Contains(r.Unit) || strings.HasPrefix(unit, r.Unit))
		}) {
			return Delivery{}, errs.Invalidf("to", "没有这个机器人")
		}
	}
	body := "【防控系统】测试消息：收到即表示本渠道可用。"
	owner := newOwner()
	now := s.now().UnixMilli()
	var id int64
	err := s.db.W().QueryRowContext(ctx, `INSERT INTO notify_outbox (kind, unit_code, channel, target, target_name, body, vars,
		attempts, next_at, lease_until, lease_owner, created_by, created_at) VALUES ($1, $2, $3, $4, '', $5, '{}', 1, $6, $7, $8, $9, $6)
		RETURNING id`, KindTest, unit, channel, to, body, now, now+s.opt.Lease.Milliseconds(), owner, who.Username).Scan(&id)
	if err != nil {
		return Delivery{}, fmt.Errorf("test send: %w", err)
	}
	c := claimed{Message: Message{ID: id, Kind: KindTest, To: to, Body: body, Vars: map[string]string{}}, channel: channel, attempts: s.opt.MaxAttempts}
	ch := s.channels[channel]
	pid, serr := ch.Send(ctx, c.Message)
	if err := s.finish(ctx, owner, c, pid, serr); err != nil {
		return Delivery{}, err
	}
	return s.Delivery(ctx, scope, id)
}
