package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// target is one recipient resolved: a user (inbox, and SMS to the phone
// when given) or a phone alone.
type target struct {
	userID   int64
	name     string
	phone    string
	resident bool // a phone the event names (not staff): opt-outs apply
}

// recipients resolves an event type's recipients at the unit up extra
// levels above the event's unit (escalation).
func (s *Service) recipients(ctx context.Context, q *sql.Tx, t EventType, unit string, extra int, now time.Time) ([]target, error) {
	var out []target
	seenUser := map[int64]bool{}
	seenPhone := map[string]bool{}
	add := func(x target) {
		if x.userID != 0 {
			if seenUser[x.userID] {
				return
			}
			seenUser[x.userID] = true
		}
		if x.phone != "" {
			if seenPhone[x.phone] {
				x.phone = "" // one SMS per phone
			} else {
				seenPhone[x.phone] = true
			}
		}
		if x.userID != 0 || x.phone != "" {
			out = append(out, x)
		}
	}
	// A 村民小组's or 小区's events are its village's work: its cadres and
	// 网格员 sit at the village, and the levels above count from there;
	// the group's own responsible people are told as well.
	var group string
	if jurisdiction.LevelOfCode(unit) == jurisdiction.LevelGroup {
		group, unit = unit, jurisdiction.VillageOf(unit)
	}
	to := t.To
	if extra > 0 {
		// Escalation: the responsible people and the cadres of the level
		// above (township cadres, then the command centre).
		to = []Recipient{{Duty: "*", Up: extra}, {Role: levelRole[jurisdiction.LevelOfCode(ancestor(unit, extra))], Up: extra}}
		extra = 0
	}
	for _, r := range to {
		up := r.Up + extra
		if r.Level > 0 {
			up = jurisdiction.LevelOfCode(unit) - r.Level
		}
		if up < 0 {
			continue
		}
		code := ancestor(unit, up)
		if code == "" {
			continue
		}
		role := r.Role
		if lv, ok := cadreLevel[role]; ok && lv != jurisdiction.LevelOfCode(code) {
			// The cadres of the unit the event reached: a task at a
			// township's own level goes to its township cadres, one at the
			// county's to the command centre.
			role = levelRole[jurisdiction.LevelOfCode(code)]
		}
		switch {
		case r.Duty != "":
			rows, err := q.QueryContext(ctx, `SELECT name, phone FROM responsibles
				WHERE unit_code IN ($1, $3) AND ($2 = '*' OR duty = $2) ORDER BY id`, code, r.Duty, groupAt(group, up))
			if err != nil {
				return nil, fmt.Errorf("recipients %s: %w", t.Kind, err)
			}
			for rows.Next() {
				var x target
				if err := rows.Scan(&x.name, &x.phone); err != nil {
					rows.Close()
					return nil, err
				}
				add(x)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		case role != "":
			rows, err := q.QueryContext(ctx, `SELECT id, display_name, phone FROM users
				WHERE unit_code IN ($1, $3) AND role = $2 AND disabled = 0 ORDER BY id`, code, role, groupAt(group, up))
			if err != nil {
				return nil, fmt.Errorf("recipients %s: %w", t.Kind, err)
			}
			for rows.Next() {
				var x target
				if err := rows.Scan(&x.userID, &x.name, &x.phone); err != nil {
					rows.Close()
					return nil, err
				}
				add(x)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		case r.OnDuty:
			ps, err := s.roster.OnDuty(ctx, q, code, now)
			if err != nil {
				return nil, fmt.Errorf("recipients %s: on duty: %w", t.Kind, err)
			}
			for _, p := range ps {
				add(target{userID: p.UserID, name: p.Name, phone: p.Phone})
			}
		}
	}
	return out, nil
}

// groupAt is the group an event came from when a recipient is at its
// village (up 0), else "" (no unit): the group's own people are told too.
func groupAt(group string, up int) string {
	if up == 0 {
		return group
	}
	return ""
}

// cadreLevel is the level of each cadre role's units.
var cadreLevel = map[string]int{"command": jurisdiction.LevelCounty, "township": jurisdiction.LevelTownship, "village": jurisdiction.LevelVillage}

// levelRole is the role of a level's cadres, whom escalations reach.
var levelRole = map[int]string{
	jurisdiction.LevelCounty:   "command",
	jurisdiction.LevelTownship: "township",
	jurisdiction.LevelVillage:  "village",
	jurisdiction.LevelGroup:    "village",
}

// deliver writes an event's inbox and outbox rows at the recipients up
// extra levels above its unit; by names who asked (a test send, a
// resident message), "" for an event.
func (s *Service) deliver(ctx context.Context, tx *sql.Tx, t EventType, e Event, extra int, now time.Time, by string) error {
	tpl, err := s.current(ctx, tx, t)
	if err != nil {
		return err
	}
	body := Render(tpl.Body, e.Vars)
	link := e.Link
	if link == "" {
		link = Render(t.Link, e.Vars)
	}
	if extra > 0 {
		body = fmt.Sprintf("【升级提醒·%d级】", extra) + body
	}
	to, err := s.recipients(ctx, tx, t, e.Unit, extra, now)
	if err != nil {
		return err
	}
	for _, p := range e.Phones {
		to = append(to, target{phone: p, resident: true})
	}
	ms := now.UnixMilli()
	vars, _ := json.Marshal(e.Vars)
	_, smsOn := s.channels[ChannelSMS] // SMS not configured: inbox (and robots) only
	sms := smsOn && slices.Contains(tpl.Channels, ChannelSMS)
	for _, x := range to {
		if x.userID != 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO notify_inbox (user_id, kind, unit_code, body, link, created_at)
				VALUES ($1, $2, $3, $4, $5, $6)`, x.userID, t.Kind, e.Unit, body, link, ms); err != nil {
				return fmt.Errorf("emit %s: inbox: %w", t.Kind, err)
			}
		}
		if sms && x.phone != "" {
			phone, err := personal.NormalizePhone(x.phone)
			if err != nil || !strings.HasPrefix(phone, "1") || len(phone) != 11 {
				continue // a landline or a typo in the ledger: no SMS
			}
			if x.resident {
				if opted, err := s.optedOut(ctx, []string{phone}); err != nil || opted[phone] {
					if err != nil {
						return err
					}
					continue
				}
			}
			if err := s.queue(ctx, tx, t.Kind, e.Unit, ChannelSMS, phone, x.name, body, tpl.SMSCode, string(vars), ms, by); err != nil {
				return err
			}
		}
	}
	if slices.Contains(tpl.Channels, ChannelRobot) {
		for _, r := range s.robots {
			if r.Unit != "" && !strings.HasPrefix(e.Unit, r.Unit) {
				continue
			}
			if err := s.queue(ctx, tx, t.Kind, e.Unit, ChannelRobot, r.Name, RobotKindName(r.Kind), body, "", string(vars), ms, by); err != nil {
				return err
			}
		}
	}
	return nil
}

// queue writes one outbox row.
func (s *Service) queue(ctx context.Context, tx *sql.Tx, kind, unit, channel, to, name, body, code, vars string, ms int64, by string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO notify_outbox (kind, unit_code, channel, target, target_name, body, sms_code, vars,
		next_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9)`,
		kind, unit, channel, to, name, body, code, vars, ms, by); err != nil {
		return fmt.Errorf("emit %s: outbox: %w", kind, err)
	}
	return nil
}
