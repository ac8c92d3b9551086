// Package special owns special reports (特报): an immediate report of a
// unit opened by a trigger — a positive case, an arrival from abroad or a
// high-risk area, a cluster — or by hand, acknowledged up the chain. Each
// level above the reporting unit (township, county) has its own
// acknowledgement clock, kept as data in special_clocks (shipped: township
// 60 minutes, county 120 minutes from the opening). Users of that level
// acknowledge with the cadre's name; a background check marks each missed
// clock escalated, once; the summary shows open reports and missed clocks
// as late. Open is the function other domains (or app adapters) call.
package special

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
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/personal"
	"fangkong/internal/summary"
	"fangkong/internal/wire"
)

// Kinds of trigger, with their labels.
var Kinds = []struct{ Kind, Label string }{
	{"positive", "阳性病例"},
	{"arrival", "境外或中高风险地区来人"},
	{"cluster", "聚集性疫情"},
	{"other", "其他"},
}

// KindLabel is the label of a kind ("" for an unknown one).
func KindLabel(kind string) string {
	for _, k := range Kinds {
		if k.Kind == kind {
			return k.Label
		}
	}
	return ""
}

// Trigger is what opens a special report.
type Trigger struct {
	Kind    string // one of Kinds
	Unit    string // the reporting unit (where it happened)
	Title   string
	Content string
	Ref     string // the triggering record, e.g. "tracing_case:12"; a ref opens one report only
}

// Ack is one acknowledgement stage: a level's clock.
type Ack struct {
	Level       int
	Label       string // 镇街, 县区
	Due         time.Time
	AckedAt     time.Time // zero: not acknowledged
	AckedBy     string
	Cadre       string
	EscalatedAt time.Time // zero: not escalated
}

// Late reports whether the stage's clock has passed unacknowledged at t.
func (a Ack) Late(t time.Time) bool { return a.AckedAt.IsZero() && t.After(a.Due) }

// Report is one special report.
type Report struct {
	ID        int64
	UnitCode  string
	UnitName  string
	Kind      string
	Title     string
	Content   string
	Ref       string
	OpenedBy  string
	OpenedAt  time.Time
	ClosedAt  time.Time
	ClosedBy  string
	CloseNote string
	Acks      []Ack
}

// KindLabel is the report's kind as shown.
func (r Report) KindLabel() string { return KindLabel(r.Kind) }

// Late reports whether any clock has passed unacknowledged at t.
func (r Report) Late(t time.Time) bool {
	for _, a := range r.Acks {
		if a.Late(t) {
			return true
		}
	}
	return false
}

// Service keeps special reports. Every method takes the caller's Scope.
type Service struct {
	db    *db.DB
	units *jurisdiction.Store
	// notifier tells of opened reports and missed clocks (notify), in the
	// transaction that records them.
	notifier notify.Emitter
	now      func() time.Time
}

// NewService returns a Service; every argument is required (notifier: the
// notifications service, or notify.Discard).
func NewService(d *db.DB, units *jurisdiction.Store, notifier notify.Emitter, now func() time.Time) *Service {
	wire.Need("special.NewService", "db", d)
	wire.Need("special.NewService", "units", units)
	wire.Need("special.NewService", "notifier", notifier)
	wire.Need("special.NewService", "now", now)
	return &Service{db: d, units: units, notifier: notifier, now: now}
}

// labels are the forms' names of the text fields, for messages that must
// say which field they mean wherever they are shown.
var labels = map[string]string{"title": "标题", "content": "内容", "note": "处置情况"}

func text(field, s string, max int, required bool) (string, error) {
	t := strings.TrimSpace(s)
	if required && t == "" {
		return "", errs.Invalidf(field, "请填写%s", labels[field])
	}
	if utf8.RuneCountInString(t) > max {
		return "", errs.Invalidf(field, "%s不超过%d个字", labels[field], max)
	}
	return t, nil
}

// Open opens a special report of a unit inside scope, with one
// acknowledgement stage per clock level above the unit (the county's, for
// a county's own report). A trigger whose Ref already opened one returns
// that one.
func (s *Service) Open(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, tr Trigger) (Report, error) {
	if KindLabel(tr.Kind) == "" {
		return Report{}, errs.Invalidf("kind", "请选择特报类型")
	}
	u, err := s.units.Get(ctx, scope, tr.Unit)
	if err != nil {
		return Report{}, errs.Invalidf("unit_code", "单位不在您的辖区内")
	}
	r := Report{UnitCode: u.Code, UnitName: u.Name, Kind: tr.Kind, Ref: tr.Ref, OpenedBy: who.Username, OpenedAt: s.now()}
	if r.Title, err = text("title", tr.Title, 60, true); err != nil {
		return r, err
	}
	if r.Content, err = text("content", tr.Content, 2000, false); err != nil {
		return r, err
	}
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if r.Ref != "" {
			var id int64
			switch err := tx.QueryRowContext(ctx, `SELECT id FROM special_reports WHERE ref = $1`, r.Ref).Scan(&id); {
			case err == nil:
				r.ID = id
				return nil
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO special_reports (unit_code, kind, title, content, ref, opened_by, opened_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, r.UnitCode, r.Kind, r.Title, r.Content, r.Ref, r.OpenedBy,
			r.OpenedAt.UnixMilli()).Scan(&r.ID); err != nil {
			return err
		}
		// Stages: every clock level above the unit's, or the lowest clock
		// level (the county) when none is above it.
		if _, err := tx.ExecContext(ctx, `INSERT INTO special_acks (report_id, level, due_at)
			SELECT $1, c.level, CAST($2 AS BIGINT) + c.minutes * 60000 FROM special_clocks c
			WHERE c.level < CAST($3 AS INTEGER) OR (c.level = (SELECT MIN(level) FROM special_clocks) AND NOT EXISTS (SELECT 1 FROM special_clocks d WHERE d.level < CAST($3 AS INTEGER)))`,
			r.ID, r.OpenedAt.UnixMilli(), u.Level); err != nil {
			return err
		}
		// The opener's own level has received it: a township cadre opening
		// a village's 特报 is not asked to confirm it to themself.
		if lv := jurisdiction.LevelOfCode(who.Unit); who.Unit != "" && lv < u.Level {
			cadre := who.Username
			_ = tx.QueryRowContext(ctx, `SELECT display_name FROM users WHERE id = $1`, who.UserID).Scan(&cadre)
			if _, err := tx.ExecContext(ctx, `UPDATE special_acks SET acked_at = $1, acked_by = $2, cadre = $3 WHERE report_id = $4 AND level = $5`,
				r.OpenedAt.UnixMilli(), who.Username, cadre, r.ID, lv); err != nil {
				return err
			}
		}
		stage, due, err := firstStage(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if err := s.emit(ctx, EventOpened, r, stage, due); err != nil {
			return err
		}
		return audit.Record(ctx, tx, r.OpenedAt, who, "create", "special_report", fmt.Sprint(r.ID), r.UnitCode, "特报："+r.Title)
	})
	if err != nil {
		return r, err
	}
	return s.Get(ctx, jurisdiction.System("special"), r.ID)
}

// Get returns one report inside scope with its stages.
func (s *Service) Get(ctx context.Context, scope jurisdiction.Scope, id int64) (Report, error) {
	lo, hi := scope.Args()
	list, err := s.list(ctx, "r.id = $1 AND "+scope.Where("r.unit_code", 2), id, lo, hi)
	if err != nil {
		return Report{}, err
	}
	if len(list) == 0 {
		return Report{}, errs.ErrNotFound
	}
	return list[0], nil
}

// List returns the reports of unit's subtree: the open ones (all=false),
// or every report of the last 30 days.
func (s *Service) List(ctx context.Context, scope jurisdiction.Scope, unit string, all bool) ([]Report, error) {
	view := ViewOpen
	if all {
		view = ViewAll
	}
	list, _, err := s.Listing(ctx, scope, unit, view)
	return list, err
}

// Views of the list of special reports.
const (
	ViewOpen = ""     // the open reports (未关闭特报)
	ViewLate = "late" // the open reports with a clock passed unacknowledged (特报逾期未确认)
	ViewAll  = "all"  // every report opened in the last 30 days
)

// lateWhere is the condition, on special_reports r, of a report with a
// clock passed unacknowledged at the millisecond in parameter $n: the
// one definition of 特报逾期未确认, for the summary and the list.
func lateWhere(n int) string {
	return fmt.Sprintf("EXISTS (SELECT 1 FROM special_acks a WHERE a.report_id = r.id AND a.acked_at = 0 AND a.due_at < $%d)", n)
}

// Listing returns the reports of unit's subtree in view (ViewOpen,
// ViewLate or ViewAll), newest first and at most 500 of them, and how many
// reports the view holds.
func (s *Service) Listing(ctx context.Context, scope jurisdiction.Scope, unit, view string) ([]Report, int, error) {
	sub, err := scope.NarrowOpt(unit)
	if err != nil {
		return nil, 0, err
	}
	lo, hi := sub.Args()
	where, args := sub.Where("r.unit_code", 1)+" AND r.closed_at = 0", []any{lo, hi}
	switch view {
	case ViewOpen:
	case ViewLate:
		where, args = where+" AND "+lateWhere(3), append(args, s.now().UnixMilli())
	case ViewAll:
		where, args = sub.Where("r.unit_code", 1)+" AND r.opened_at > $3", append(args, s.now().AddDate(0, 0, -30).UnixMilli())
	default:
		return nil, 0, errs.Invalidf("view", "未知的特报列表")
	}
	var n int
	if err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM special_reports r WHERE `+where, args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	list, err := s.list(ctx, where, args...)
	return list, n, err
}

func (s *Service) list(ctx context.Context, where string, args ...any) ([]Report, error) {
	q := s.db.Reader(ctx)
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.unit_code, COALESCE(u.name, ''), r.kind, r.title, r.content, r.ref, r.opened_by, r.opened_at,
		r.closed_at, r.closed_by, r.close_note FROM special_reports r LEFT JOIN units u ON u.code = r.unit_code WHERE `+where+
		` ORDER BY r.opened_at DESC, r.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	var out []Report
	idx := map[int64]int{}
	for rows.Next() {
		var r Report
		var opened, closed int64
		if err := rows.Scan(&r.ID, &r.UnitCode, &r.UnitName, &r.Kind, &r.Title, &r.Content, &r.Ref, &r.OpenedBy, &opened, &closed,
			&r.ClosedBy, &r.CloseNote); err != nil {
			rows.Close()
			return nil, err
		}
		r.OpenedAt = time.UnixMilli(opened)
		if closed > 0 {
			r.ClosedAt = time.UnixMilli(closed)
		}
		idx[r.ID] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]string, 0, len(out))
	for _, r := range out {
		ids = append(ids, fmt.Sprint(r.ID))
	}
	// ids are integers read from the database: safe to inline.
	arows, err := q.QueryContext(ctx, `SELECT a.report_id, a.level, COALESCE(c.label, ''), a.due_at, a.acked_at, a.acked_by, a.cadre, a.escalated_at
		FROM special_acks a LEFT JOIN special_clocks c ON c.level = a.level WHERE a.report_id IN (`+strings.Join(ids, ",")+`) ORDER BY a.report_id, a.level DESC`)
	if err != nil {
		return nil, err
	}
	defer arows.Close()
	for arows.Next() {
		var id, due, acked, esc int64
		var a Ack
		if err := arows.Scan(&id, &a.Level, &a.Label, &due, &acked, &a.AckedBy, &a.Cadre, &esc); err != nil {
			return nil, err
		}
		a.Due = time.UnixMilli(due)
		if acked > 0 {
			a.AckedAt = time.UnixMilli(acked)
		}
		if esc > 0 {
			a.EscalatedAt = time.UnixMilli(esc)
		}
		out[idx[id]].Acks = append(out[idx[id]].Acks, a)
	}
	return out, arows.Err()
}

// Acknowledge records the acknowledgement of the caller's level (the level
// of the scope's unit; the county's for a city or province) with the
// cadre's name.
func (s *Service) Acknowledge(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, cadre string) (Report, error) {
	r, err := s.Get(ctx, scope, id)
	if err != nil {
		return r, err
	}
	if !r.ClosedAt.IsZero() {
		return r, &errs.Conflict{Message: "该特报已关闭"}
	}
	level := jurisdiction.LevelOfCode(scope.Code())
	if scope.IsSystem() || level < 3 {
		level = 3
	}
	var stage *Ack
	for i := range r.Acks {
		if r.Acks[i].Level == level {
			stage = &r.Acks[i]
		}
	}
	if stage == nil {
		return r, &errs.Conflict{Message: "您所在层级无需确认此特报"}
	}
	if !stage.AckedAt.IsZero() {
		return r, &errs.Conflict{Message: "本级已确认"}
	}
	t, err := personal.Name(cadre)
	if err != nil || t == "" {
		return r, errs.Invalidf("cadre", "请填写确认干部姓名")
	}
	if utf8.RuneCountInString(t) > 20 {
		return r, errs.Invalidf("cadre", "不超过20个字")
	}
	now := s.now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE special_acks SET acked_at = $1, acked_by = $2, cadre = $3 WHERE report_id = $4 AND level = $5 AND acked_at = 0`,
			now.UnixMilli(), who.Username, t, id, level); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, who, "update", "special_report", fmt.Sprint(id), r.UnitCode, stage.Label+"确认特报："+t)
	})
	if err != nil {
		return r, err
	}
	return s.Get(ctx, scope, id)
}

// Close closes a report with a note.
func (s *Service) Close(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, note string) (Report, error) {
	r, err := s.Get(ctx, scope, id)
	if err != nil {
		return r, err
	}
	if !r.ClosedAt.IsZero() {
		return r, &errs.Conflict{Message: "该特报已关闭"}
	}
	if note, err = text("note", note, 500, true); err != nil {
		return r, err
	}
	now := s.now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE special_reports SET closed_at = $1, closed_by = $2, close_note = $3 WHERE id = $4 AND closed_at = 0`,
			now.UnixMilli(), who.Username, note, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, who, "update", "special_report", fmt.Sprint(id), r.UnitCode, "关闭特报")
	})
	if err != nil {
		return r, err
	}
	return s.Get(ctx, scope, id)
}

// Escalate marks every stage of an open report past its clock without an
// acknowledgement as escalated, once, tells the county of each (EventLate),
// and returns how many it marked. Several instances may run it at once:
// a stage another marked first is skipped.
func (s *Service) Escalate(ctx context.Context) (int, error) {
	now := s.now().UnixMilli()
	type late struct {
		ack    int64
		label  string
		due    int64
		report Report
	}
	var list []late
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT a.id, COALESCE(c.label, ''), a.due_at, r.id, r.unit_code, COALESCE(u.name, r.unit_code), r.kind, r.title
		FROM special_acks a JOIN special_reports r ON r.id = a.report_id
		LEFT JOIN special_clocks c ON c.level = a.level LEFT JOIN units u ON u.code = r.unit_code
		WHERE a.acked_at = 0 AND a.escalated_at = 0 AND a.due_at < $1 AND r.closed_at = 0 ORDER BY a.id`, now)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var l late
		if err := rows.Scan(&l.ack, &l.label, &l.due, &l.report.ID, &l.report.UnitCode, &l.report.UnitName, &l.report.Kind, &l.report.Title); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, l := range list {
		err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE special_acks SET escalated_at = $1 WHERE id = $2 AND escalated_at = 0 AND acked_at = 0`, now, l.ack)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil // acknowledged or escalated meanwhile
			}
			n++
			return s.emit(ctx, EventLate, l.report, l.label, time.UnixMilli(l.due))
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Summary is the special-report figures of a unit's subtree: open
// reports, and those with a clock passed unacknowledged (late).
func (s *Service) Summary(ctx context.Context, scope jurisdiction.Scope, unit, day string) (summary.Card, error) {
	sub, err := scope.Narrow(unit)
	if err != nil {
		return summary.Card{}, err
	}
	lo, hi := sub.Args()
	var open, late int
	if err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN `+lateWhere(3)+` THEN 1 ELSE 0 END), 0)
		FROM special_reports r WHERE `+sub.Where("r.unit_code", 1)+` AND r.closed_at = 0`, lo, hi, s.now().UnixMilli()).Scan(&open, &late); err != nil {
		return summary.Card{}, err
	}
	link := "/special?" + url.Values{"unit": {unit}}.Encode()
	return summary.Card{Domain: "special", Title: "特报", Figures: []summary.Figure{
		{Key: "special.open", Label: "未关闭特报", Value: open, Link: link},
		{Key: "special.late", Label: "特报逾期未确认", Value: late, Link: "/special?" + url.Values{"unit": {unit}, "late": {"1"}}.Encode(),
			Late: late > 0, Note: "超过确认时限仍有层级未确认"},
	}}, nil
}
