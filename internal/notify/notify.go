// Package notify owns notifications (通知): the kinds of event each domain
// declares (事件类型), the county's message templates (消息模板) in versions,
// who receives a message (the unit's responsible people, the users of a
// role in a unit, the person on duty), the in-app inbox (站内信), the outbox
// (发送队列) with the workers that send it through channels — SMS through a
// provider's HTTP API and work-group robots (企业微信, 钉钉, 飞书) by webhook —
// with retries, back-off, rate limits and de-duplication, the delivery log
// (发送记录) with provider receipts, messages to residents, and escalation of
// alerts nobody handled in time.
//
// # How a domain emits
//
// A domain declares its events as data and lists them where the app is
// wired (internal/app), e.g.
//
//	var Events = []notify.EventType{{
//		Kind: "measure.missed", Name: "脱管预警",
//		Template: "${village}${name}已脱管：${detail}，请立即核实处置",
//		Vars: []string{"village", "name", "detail"},
//		To: []notify.Recipient{{Duty: "网格员"}, {Role: "village"}},
//	}}
//
// and, inside the transaction of the change the event is about, calls
//
//	err := notifier.Emit(ctx, notify.Event{Kind: "measure.missed", Unit: villageCode,
//		Vars: map[string]string{"name": "张三", "detail": "今日未测体温"},
//		Key: "missed:42:2026-12-06"})
//
// Emit joins the caller's transaction (db.InTx): the inbox rows and the
// outbox rows commit or roll back with the change, so nothing is sent for a
// change that did not happen and nothing is lost when the process dies
// after COMMIT. The workers (Service.Run) send the outbox afterwards. A
// domain keeps its emitter behind an interface of its own (Emitter) and
// passes Discard where there is none.
package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/wire"
)

// Channel names as stored in templates and the outbox.
const (
	ChannelInbox = "inbox" // always; not in the outbox
	ChannelSMS   = "sms"
	ChannelRobot = "robot"
)

// Recipient says who receives an event's message, relative to the event's
// unit. Exactly one of Duty, Role or OnDuty selects; Up moves to the unit
// that many levels above (0: the unit itself; 1: the township of a village).
type Recipient struct {
	Duty   string // responsible people (责任人) with this duty, e.g. "网格员"; "*" for every duty
	Role   string // signed-in users of this role bound to the unit (inbox, and SMS to their phone)
	OnDuty bool   // the person on duty now (值班), through the Roster
	Up     int
	// Level, when set, is the unit of that level above the event's unit
	// (jurisdiction.LevelTownship: the township of a village or group)
	// instead of Up.
	Level int
}

// EventType is one kind of event a domain declares: its default template,
// the variables a template may use, the default channels, who receives it,
// and for alerts, when to escalate (EscalateAfter > 0: Handled must be
// called in time, else the next level up is told).
type EventType struct {
	Kind     string // "domain.what", stable: stored with every message
	Name     string // Chinese name shown in the pages
	Template string // default message; ${var} placeholders
	Vars     []string
	Sample   map[string]string // values for the template preview
	Channels []string          // default channels besides the inbox: ChannelSMS, ChannelRobot
	To       []Recipient
	// Dedup is how long the same Event.Key is not sent again (0: 30 minutes).
	Dedup time.Duration
	// EscalateAfter, when set, escalates an unhandled event one level up
	// each time it passes, up to the county.
	EscalateAfter time.Duration
	Link          string // default in-app link, may use ${var}
}

// Event is one occurrence a domain emits.
type Event struct {
	Kind string
	Unit string // the division code the event is about
	Vars map[string]string
	// Key de-duplicates: an event with the Key of one emitted within the
	// type's Dedup window is dropped. "" never de-duplicates.
	Key  string
	Link string // in-app link ("" : the type's Link)
	// Phones are extra SMS recipients for this event (e.g. the person
	// concerned); opt-outs apply.
	Phones []string
}

// Emitter is what a domain needs of notify; *Service implements it.
type Emitter interface {
	Emit(ctx context.Context, e Event) error
}

type discard struct{}

func (discard) Emit(context.Context, Event) error { return nil }

// Discard emits nothing: for domains built without notifications (tests of
// one domain, the demo loader).
var Discard Emitter = discard{}

// Person is someone on duty, as a Roster reports.
type Person struct {
	UserID int64 // 0 when not a user
	Name   string
	Phone  string
}

// Roster reports who is on duty in a unit at a time (值班表). Duty rosters
// are another domain's; NoRoster has none.
type Roster interface {
	OnDuty(ctx context.Context, q db.Querier, unit string, at time.Time) ([]Person, error)
}

type noRoster struct{}

func (noRoster) OnDuty(context.Context, db.Querier, string, time.Time) ([]Person, error) {
	return nil, nil
}

// NoRoster: nobody is on duty (no duty rosters yet).
var NoRoster Roster = noRoster{}

// Service is the notifications domain.
type Service struct {
	db       *db.DB
	now      func() time.Time
	types    map[string]EventType
	order    []string
	channels map[string]Channel
	robots   []Robot
	roster   Roster
	// Options tune the workers; set before Run.
	opt Options
	lim *limiter
}

// Options tune delivery.
type Options struct {
	Batch       int           // rows claimed at once (default 50)
	Lease       time.Duration // how long a claimed row is held (default 2 minutes)
	Backoff     time.Duration // first retry after this, doubling (default 30 s)
	MaxBackoff  time.Duration // at most (default 1 hour)
	MaxAttempts int           // then failed (default 8)
	// PerTargetHour is how many messages one phone or robot receives per
	// hour at most (default 20); more wait.
	PerTargetHour int
	// PerSecond is each channel's sending rate per instance (default 50).
	PerSecond float64
}

func (o *Options) defaults() {
	if o.Batch <= 0 {
		o.Batch = 50
	}
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.Backoff <= 0 {
		o.Backoff = 30 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Hour
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.PerTargetHour <= 0 {
		o.PerTargetHour = 20
	}
	if o.PerSecond <= 0 {
		o.PerSecond = 50
	}
}

// NewService returns the service with the event types the domains declare
// and the channels configured (SMS and robots; the inbox is built in). All
// arguments are required; pass NoRoster when there are no duty rosters.
func NewService(d *db.DB, types []EventType, channels []Channel, robots []Robot, roster Roster, opt Options, now func() time.Time) *Service {
	wire.Need("notify.NewService", "db", d)
	wire.Need("notify.NewService", "roster", roster)
	wire.Need("notify.NewService", "now", now)
	opt.defaults()
	s := &Service{db: d, now: now, types: map[string]EventType{}, channels: map[string]Channel{}, robots: robots, roster: roster, opt: opt}
	for _, t := range types {
		if t.Kind == "" || t.Name == "" || t.Template == "" {
			panic(fmt.Sprintf("notify: event type %q needs Kind, Name and Template", t.Kind))
		}
		if _, dup := s.types[t.Kind]; dup {
			panic("notify: event type declared twice: " + t.Kind)
		}
		if err := checkTemplate(t, t.Template); err != nil {
			panic(fmt.Sprintf("notify: event type %s: %v", t.Kind, err))
		}
		s.types[t.Kind] = t
		s.order = append(s.order, t.Kind)
	}
	for _, c := range channels {
		s.channels[c.Name()] = c
	}
	s.lim = newLimiter(opt.PerSecond)
	return s
}

// Types lists the declared event types in declaration order.
func (s *Service) Types() []EventType {
	out := make([]EventType, 0, len(s.order))
	for _, k := range s.order {
		out = append(out, s.types[k])
	}
	return out
}

// Type returns a declared event type, or errs.ErrNotFound.
func (s *Service) Type(kind string) (EventType, error) {
	t, ok := s.types[kind]
	if !ok {
		return EventType{}, fmt.Errorf("event type %q: %w", kind, errs.ErrNotFound)
	}
	return t, nil
}

// Channels lists the channel names configured (besides the inbox).
func (s *Service) Channels() []string {
	var out []string
	for n := range s.channels {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Robots lists the configured robots (their URLs and secrets stay
// inside: show Name, Kind and Unit only).
func (s *Service) Robots() []Robot { return append([]Robot(nil), s.robots...) }

// Emit records an event's messages — inbox rows now, outbox rows for the
// workers — inside the transaction ctx carries (or its own). A duplicate
// Key within the type's window records nothing and is no error.
func (s *Service) Emit(ctx context.Context, e Event) error {
	t, err := s.Type(e.Kind)
	if err != nil {
		return err
	}
	if jurisdiction.LevelOfCode(e.Unit) == 0 {
		return fmt.Errorf("emit %s: unit %q: %w", e.Kind, e.Unit, errs.ErrNotFound)
	}
	return s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := s.now()
		if e.Key != "" {
			fresh, err := s.claimKey(ctx, tx, e.Kind+"|"+e.Key, t.dedup(), now)
			if err != nil || !fresh {
				return err
			}
		}
		if err := s.deliver(ctx, tx, t, e, 0, now, ""); err != nil {
			return err
		}
		if t.EscalateAfter > 0 && e.Key != "" {
			vars, _ := json.Marshal(e.Vars)
			if _, err := tx.ExecContext(ctx, `INSERT INTO notify_open (dedup_key, kind, unit_code, vars, link, up, due_at)
				VALUES ($1, $2, $3, $4, $5, 0, $6)
				ON CONFLICT (dedup_key) DO UPDATE SET up = 0, due_at = excluded.due_at, handled_at = 0, vars = excluded.vars`,
				e.Kind+"|"+e.Key, e.Kind, e.Unit, string(vars), e.Link, now.Add(t.EscalateAfter).UnixMilli()); err != nil {
				return fmt.Errorf("emit %s: open: %w", e.Kind, err)
			}
		}
		return nil
	})
}

func (t EventType) dedup() time.Duration {
	if t.Dedup > 0 {
		return t.Dedup
	}
	return 30 * time.Minute
}

// claimKey reports whether key is fresh (not sent within the window), and
// takes it for the window. Two transactions claiming one key at once: the
// second waits on the row and finds it taken.
func (s *Service) claimKey(ctx context.Context, tx *sql.Tx, key string, window time.Duration, now time.Time) (bool, error) {
	rows, err := tx.QueryContext(ctx, `INSERT INTO notify_dedup (dedup_key, until_at) VALUES ($1, $2)
		ON CONFLICT (dedup_key) DO UPDATE SET until_at = excluded.until_at WHERE notify_dedup.until_at <= $3
		RETURNING dedup_key`, key, now.Add(window).UnixMilli(), now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("dedup %s: %w", key, err)
	}
	defer rows.Close()
	fresh := rows.Next()
	return fresh, rows.Err()
}

// Handled closes an alert emitted with EscalateAfter: it is not escalated
// further. An unknown key is no error.
func (s *Service) Handled(ctx context.Context, kind, key string) error {
	_, err := s.db.Writer(ctx).ExecContext(ctx, `UPDATE notify_open SET handled_at = $1 WHERE dedup_key = $2 AND handled_at = 0`,
		s.now().UnixMilli(), kind+"|"+key)
	if err != nil {
		return fmt.Errorf("handled %s: %w", key, err)
	}
	return nil
}

// ancestor is the code of the unit up levels above code (the code itself
// for 0); "" above the county.
func ancestor(code string, up int) string {
	lens := []int{2, 4, 6, 9, 12, 15}
	lv := jurisdiction.LevelOfCode(code)
	if lv == 0 {
		return ""
	}
	target := lv - up
	if target < jurisdiction.LevelCounty {
		return ""
	}
	return code[:lens[target-1]]
}

func splitChannels(s string) []string {
	var out []string
	for _, c := range strings.Split(s, ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}
