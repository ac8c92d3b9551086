// Package duty owns duty rosters (值班值守): 24-hour shifts of the command
// centre, townships and villages, each with its leader on duty (带班领导)
// and the person on duty; the check-in at the shift's start; spot checks
// (查岗) recording who answered; and the gap — a shift under way that
// nobody checked in to GraceMinutes after its start — which raises an
// alert and shows on the picture. OnDuty answers "who is on duty now for
// unit X" for other domains (notifications).
package duty

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/summary"
	"fangkong/internal/wire"
)

// GraceMinutes after a shift's start without a check-in make it a gap.
const GraceMinutes = 30

// Shift is one duty shift.
type Shift struct {
	ID          int64
	UnitCode    string
	UnitName    string
	Start, End  time.Time
	Leader      string // 带班领导
	Person      string // 值班人员
	Phone       string
	CheckedInAt time.Time // zero: nobody checked in
	CheckedInBy string
	Alerted     bool
	Checks      int // spot checks
	Unanswered  int // spot checks nobody answered
	// LastCheck is the latest spot check: when, and who answered ("" for
	// nobody), zero when none.
	LastCheckAt time.Time
	LastAnswer  string
}

// Gap reports whether the shift is under way at t with nobody checked in
// GraceMinutes after its start.
func (s Shift) Gap(t time.Time) bool {
	return s.CheckedInAt.IsZero() && t.After(s.Start.Add(GraceMinutes*time.Minute)) && t.Before(s.End)
}

// Service keeps rosters. Every method takes the caller's Scope.
type Service struct {
	db    *db.DB
	units *jurisdiction.Store
	now   func() time.Time
}

// NewService returns a Service; every argument is required.
func NewService(d *db.DB, units *jurisdiction.Store, now func() time.Time) *Service {
	wire.Need("duty.NewService", "db", d)
	wire.Need("duty.NewService", "units", units)
	wire.Need("duty.NewService", "now", now)
	return &Service{db: d, units: units, now: now}
}

func name(field, s string) (string, error) {
	t, err := personal.Name(s)
	if err != nil {
		return "", errs.Invalidf(field, "%s", err.Error())
	}
	if t == "" {
		return "", errs.Invalidf(field, "请填写")
	}
	if utf8.RuneCountInString(t) > 20 {
		return "", errs.Invalidf(field, "不超过20个字")
	}
	return t, nil
}

// Phone checks a shift's 值班电话 (optional): a mobile number as the
// app's other phone fields take it (personal.NormalizePhone: 11 digits,
// 1 and 3–9 first), or a landline with its area code, as duty rooms
// answer (029-84812345: 0, then 10 or 11 digits; kept as typed). A
// number a digit short (1391234567) is neither.
func Phone(s string) (string, error) {
	s = strings.TrimSpace(personal.Halfwidth(s))
	if s == "" {
		return "", nil
	}
	if m, err := personal.NormalizePhone(s); err == nil {
		return m, nil
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-' || r == ' ':
		default:
			digits = -1
		}
		if digits < 0 {
			break
		}
	}
	if strings.HasPrefix(s, "0") && !strings.HasPrefix(s, "00") && (digits == 11 || digits == 12) && utf8.RuneCountInString(s) <= 20 {
		return s, nil
	}
	return "", errs.Invalidf("phone", "值班电话应为11位手机号，或带区号的固定电话（如 029-84812345）")
}

// Input is a shift as entered: a day, the start (HH:MM) and its hours.
type Input struct {
	UnitCode string
	Day      string
	Start    string
	Hours    int
	Leader   string
	Person   string
	Phone    string
}

// AddShift puts a shift on the roster of a unit inside scope.
func (s *Service) AddShift(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, in Input) (Shift, error) {
	u, err := s.units.Get(ctx, scope, in.UnitCode)
	if err != nil {
		return Shift{}, errs.Invalidf("unit_code", "单位不在您的辖区内")
	}
	day, err := time.ParseInLocation("2006-01-02", in.Day, clock.Shanghai)
	if err != nil {
		return Shift{}, errs.Invalidf("day", "请填写日期（如 2022-03-01）")
	}
	hm, err := time.Parse("15:04", in.Start)
	if err != nil {
		return Shift{}, errs.Invalidf("start", "请填写开始时间（如 08:00）")
	}
	start := time.Date(day.Year(), day.Month(), day.Day(), hm.Hour(), hm.Minute(), 0, 0, clock.Shanghai)
	if in.Hours < 1 || in.Hours > 24 {
		return Shift{}, errs.Invalidf("hours", "班次时长为1至24小时")
	}
	sh := Shift{UnitCode: u.Code, UnitName: u.Name, Start: start, End: start.Add(time.Duration(in.Hours) * time.Hour)}
	if sh.Leader, err = name("leader", in.Leader); err != nil {
		return sh, err
	}
	if sh.Person, err = name("person", in.Person); err != nil {
		return sh, err
	}
	if sh.Phone, err = Phone(in.Phone); err != nil {
		return sh, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO duty_shifts (unit_code, starts_at, ends_at, leader, person, phone, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, sh.UnitCode, sh.Start.UnixMilli(), sh.End.UnixMilli(), sh.Leader,
			sh.Person, sh.Phone, who.Username, s.now().UnixMilli()).Scan(&sh.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), who, "create", "duty_shift", fmt.Sprint(sh.ID), sh.UnitCode, "值班："+sh.Person)
	})
	return sh, err
}

const shiftColumns = `d.id, d.unit_code, COALESCE(u.name, ''), d.starts_at, d.ends_at, d.leader, d.person, d.phone, d.checked_in_at,
	d.checked_in_by, d.alerted_at, (SELECT COUNT(*) FROM duty_checks c WHERE c.shift_id = d.id),
	(SELECT COUNT(*) FROM duty_checks c WHERE c.shift_id = d.id AND c.answered = 0),
	COALESCE((SELECT MAX(c.checked_at) FROM duty_checks c WHERE c.shift_id = d.id), 0),
	COALESCE((SELECT c.answerer FROM duty_checks c WHERE c.shift_id = d.id ORDER BY c.checked_at DESC, c.id DESC LIMIT 1), '')`

func scanShift(row interface{ Scan(...any) error }) (Shift, error) {
	var sh Shift
	var start, end, in, alerted, last int64
	err := row.Scan(&sh.ID, &sh.UnitCode, &sh.UnitName, &start, &end, &sh.Leader, &sh.Person, &sh.Phone, &in, &sh.CheckedInBy,
		&alerted, &sh.Checks, &sh.Unanswered, &last, &sh.LastAnswer)
	if last > 0 {
		sh.LastCheckAt = time.UnixMilli(last)
	}
	sh.Start, sh.End, sh.Alerted = time.UnixMilli(start), time.UnixMilli(end), alerted > 0
	if in > 0 {
		sh.CheckedInAt = time.UnixMilli(in)
	}
	return sh, err
}

func (s *Service) shifts(ctx context.Context, where string, args ...any) ([]Shift, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, "SELECT "+shiftColumns+" FROM duty_shifts d LEFT JOIN units u ON u.code = d.unit_code WHERE "+
		where+" ORDER BY d.unit_code, d.starts_at", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Shift
	for rows.Next() {
		sh, err := scanShift(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
	return out, rows.Err()
}

// Shift returns one shift inside scope.
func (s *Service) Shift(ctx context.Context, scope jurisdiction.Scope, id int64) (Shift, error) {
	lo, hi := scope.Args()
	list, err := s.shifts(ctx, "d.id = $1 AND "+scope.Where("d.unit_code", 2), id, lo, hi)
	if err != nil {
		return Shift{}, err
	}
	if len(list) == 0 {
		return Shift{}, errs.ErrNotFound
	}
	return list[0], nil
}

// Roster returns the shifts of unit's subtree that overlap day.
func (s *Service) Roster(ctx context.Context, scope jurisdiction.Scope, unit, day string) ([]Shift, error) {
	sub, err := scope.NarrowOpt(unit)
	if err != nil {
		return nil, err
	}
	from, err := time.ParseInLocation("2006-01-02", day, clock.Shanghai)
	if err != nil {
		return nil, errs.Invalidf("day", "日期有误")
	}
	lo, hi := sub.Args()
	return s.shifts(ctx, sub.Where("d.unit_code", 1)+" AND d.starts_at < $3 AND d.ends_at > $4", lo, hi,
		from.AddDate(0, 0, 1).UnixMilli(), from.UnixMilli())
}

// OnDuty is who is on duty at t for unit exactly (its own roster, not its
// children's), inside scope: the shifts under way, checked in or not.
func (s *Service) OnDuty(ctx context.Context, scope jurisdiction.Scope, unit string, t time.Time) ([]Shift, error) {
	if _, err := scope.Narrow(unit); err != nil {
		return nil, err
	}
	return s.shifts(ctx, "d.unit_code = $1 AND d.starts_at <= $2 AND d.ends_at > $2", unit, t.UnixMilli())
}

// CheckIn records the check-in at a shift's start (from an hour before
// it until its end).
func (s *Service) CheckIn(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64) (Shift, error) {
	sh, err := s.Shift(ctx, scope, id)
	if err != nil {
		return sh, err
	}
	now := s.now()
	if now.Before(sh.Start.Add(-time.Hour)) || !now.Before(sh.End) {
		return sh, &errs.Conflict{Message: "只能在班次开始前1小时至班次结束前签到"}
	}
	if !sh.CheckedInAt.IsZero() {
		return sh, &errs.Conflict{Message: "该班次已签到"}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE duty_shifts SET checked_in_at = $1, checked_in_by = $2 WHERE id = $3 AND checked_in_at = 0`,
			now.UnixMilli(), who.Username, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, who, "update", "duty_shift", fmt.Sprint(id), sh.UnitCode, "值班签到")
	})
	if err != nil {
		return sh, err
	}
	return s.Shift(ctx, scope, id)
}

// SpotCheck records a 查岗 of a shift under way: whether someone answered, and who.
func (s *Service) SpotCheck(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, answered bool, answerer string) (Shift, error) {
	sh, err := s.Shift(ctx, scope, id)
	if err != nil {
		return sh, err
	}
	now := s.now()
	if now.Before(sh.Start) || !now.Before(sh.End) {
		return sh, &errs.Conflict{Message: "只能对进行中的班次查岗"}
	}
	if answered {
		if answerer, err = name("answerer", answerer); err != nil {
			return sh, err
		}
	} else {
		answerer = ""
	}
	a := 0
	if answered {
		a = 1
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO duty_checks (shift_id, checked_at, answered, answerer, checker) VALUES ($1, $2, $3, $4, $5)`,
			id, now.UnixMilli(), a, answerer, who.Username); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, who, "create", "duty_check", fmt.Sprint(id), sh.UnitCode, map[bool]string{true: "查岗：应答 " + answerer, false: "查岗：无人应答"}[answered])
	})
	if err != nil {
		return sh, err
	}
	return s.Shift(ctx, scope, id)
}

// Gaps marks every shift under way that nobody checked in to GraceMinutes
// after its start as alerted, once, and returns how many it marked.
func (s *Service) Gaps(ctx context.Context) (int, error) {
	now := s.now()
	res, err := s.db.Writer(ctx).ExecContext(ctx, `UPDATE duty_shifts SET alerted_at = $1
		WHERE alerted_at = 0 AND checked_in_at = 0 AND starts_at < $2 AND ends_at > $1`,
		now.UnixMilli(), now.Add(-GraceMinutes*time.Minute).UnixMilli())
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Summary is the duty figures of a unit's subtree now: shifts under way
// (进行中班次, whether or not anyone checked in: the label must not read as
// "someone is on duty"), and those with nobody checked in (the gap),
// linked to the roster.
func (s *Service) Summary(ctx context.Context, scope jurisdiction.Scope, unit, day string) (summary.Card, error) {
	sub, err := scope.Narrow(unit)
	if err != nil {
		return summary.Card{}, err
	}
	now := s.now()
	lo, hi := sub.Args()
	var on, gap int
	err = s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN checked_in_at = 0 AND starts_at < $4 THEN 1 ELSE 0 END), 0)
		FROM duty_shifts d WHERE `+sub.Where("d.unit_code", 1)+` AND d.starts_at <= $3 AND d.ends_at > $3`,
		lo, hi, now.UnixMilli(), now.Add(-GraceMinutes*time.Minute).UnixMilli()).Scan(&on, &gap)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	if err != nil {
		return summary.Card{}, err
	}
	link := "/duty?" + url.Values{"unit": {unit}}.Encode()
	return summary.Card{Domain: "duty", Title: "值班值守", Figures: []summary.Figure{
		{Key: "duty.on", Label: "进行中班次", Value: on, Link: link, Note: "此刻在排班时段内的值班班次，含无人签到的（见值班未到岗）"},
		{Key: "duty.gap", Label: "值班未到岗", Value: gap, Link: link, Late: gap > 0, Note: "班次开始30分钟后仍无人签到"},
	}}, nil
}

// Run marks duty gaps every interval until ctx ends.
func (s *Service) Run(ctx context.Context, every time.Duration, log interface {
	Warn(string, ...any)
	Error(string, ...any)
}) {
	clock.Every(ctx, every, true, func(ctx context.Context) {
		if n, err := s.Gaps(ctx); err != nil {
			log.Error("duty: gap check", "err", err)
		} else if n > 0 {
			log.Warn("duty shifts with nobody checked in", "shifts", n)
		}
	})
}
