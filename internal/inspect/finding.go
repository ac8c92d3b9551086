package inspect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// Finding is a problem found (问题), with its rectification (整改).
type Finding struct {
	ID           int64
	InspectionID int64
	UnitCode     string // the responsible unit (责任单位)
	UnitName     string
	Problem      string
	Severity     string
	Leader       string // 责任领导
	Person       string // 责任人员
	Measure      string // 整改举措
	Deadline     string // 整改时限, YYYY-MM-DD
	Status       string
	ProgressNote string
	ReviewNote   string
	HasPhoto     bool
	Escalated    bool // past its deadline and escalated (挂牌督办)
	ClosedAt     time.Time
	Version      int64
	CreatedAt    time.Time
	ObjectName   string // the inspection's object
	Overdue      bool   // not closed and past the deadline (computed on read)
}

// MaxPhoto is the largest photo a finding keeps.
const MaxPhoto = 5 << 20

// AddFinding records a finding of inspection id; photo is optional (JPEG
// or PNG). The responsible unit lies under the inspected one.
func (s *Service) AddFinding(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, in Finding, photo []byte) (Finding, error) {
	insp, err := s.Inspection(ctx, scope, id)
	if err != nil {
		return in, err
	}
	if in.UnitCode == "" {
		in.UnitCode = insp.UnitCode
	}
	if sub, err := scope.Narrow(insp.UnitCode); err != nil || !sub.Contains(in.UnitCode) {
		return in, errs.Invalidf("unit_code", "责任单位须为被检查单位或其下级")
	}
	if _, err := s.units.Get(ctx, scope, in.UnitCode); err != nil {
		return in, errs.Invalidf("unit_code", "责任单位须为被检查单位或其下级")
	}
	if in.Problem, err = text("problem", in.Problem, 500, true); err != nil {
		return in, err
	}
	if in.Severity == "" {
		in.Severity = Severities[0]
	}
	if !contains(Severities, in.Severity) {
		return in, errs.Invalidf("severity", "请选择问题程度")
	}
	if in.Leader, err = text("leader", in.Leader, 20, true); err != nil {
		return in, err
	}
	if in.Person, err = text("person", in.Person, 20, true); err != nil {
		return in, err
	}
	if in.Measure, err = text("measure", in.Measure, 500, true); err != nil {
		return in, err
	}
	if !validDay(in.Deadline) || in.Deadline < insp.VisitedOn {
		return in, errs.Invalidf("deadline", "请填写整改时限（不早于检查日期）")
	}
	var ptype string
	if len(photo) > 0 {
		if len(photo) > MaxPhoto {
			return in, errs.Invalidf("photo", "照片不超过5MB")
		}
		ptype = http.DetectContentType(photo)
		if ptype != "image/jpeg" && ptype != "image/png" {
			return in, errs.Invalidf("photo", "照片须为JPEG或PNG")
		}
	} else {
		photo = nil
	}
	now := s.now()
	in.InspectionID, in.Status, in.Version, in.CreatedAt = id, StatusOpen, 1, now
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO findings (inspection_id, unit_code, problem, severity, leader, person, measure, deadline,
				status, photo_type, photo, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
			id, in.UnitCode, in.Problem, in.Severity, in.Leader, in.Person, in.Measure, in.Deadline, in.Status, ptype, photo,
			now.UnixMilli()).Scan(&in.ID); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, who, "create", "finding", fmt.Sprint(in.ID), in.UnitCode, "督查问题："+in.Problem); err != nil {
			return err
		}
		if err := addStep(ctx, tx, in.ID, now.UnixMilli(), who, "发现问题", in.Measure); err != nil {
			return err
		}
		f := in
		f.ObjectName = insp.ObjectName
		return s.emit(ctx, EventFinding, f, "")
	})
	if err != nil {
		return in, err
	}
	return s.Finding(ctx, scope, in.ID)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

const findingColumns = `f.id, f.inspection_id, f.unit_code, COALESCE(u.name, ''), f.problem, f.severity, f.leader, f.person, f.measure,
	f.deadline, f.status, f.progress_note, f.review_note, f.photo_type, f.escalated_at, f.closed_at, f.version, f.created_at, i.object_name`

func (s *Service) scanFinding(row interface{ Scan(...any) error }) (Finding, error) {
	var f Finding
	var ptype string
	var esc, closed, created int64
	if err := row.Scan(&f.ID, &f.InspectionID, &f.UnitCode, &f.UnitName, &f.Problem, &f.Severity, &f.Leader, &f.Person, &f.Measure,
		&f.Deadline, &f.Status, &f.ProgressNote, &f.ReviewNote, &ptype, &esc, &closed, &f.Version, &created, &f.ObjectName); err != nil {
		return f, err
	}
	f.HasPhoto, f.Escalated, f.CreatedAt = ptype != "", esc > 0, time.UnixMilli(created)
	if closed > 0 {
		f.ClosedAt = time.UnixMilli(closed)
	}
	f.Overdue = f.Status != StatusClosed && f.Deadline < s.today()
	return f, nil
}

const findingFrom = ` FROM findings f JOIN inspections i ON i.id = f.inspection_id LEFT JOIN units u ON u.code = f.unit_code `

// Finding returns one finding inside scope.
func (s *Service) Finding(ctx context.Context, scope jurisdiction.Scope, id int64) (Finding, error) {
	lo, hi := scope.Args()
	f, err := s.scanFinding(s.db.Reader(ctx).QueryRowContext(ctx, "SELECT "+findingColumns+findingFrom+
		"WHERE f.id = $1 AND "+scope.Where("f.unit_code", 2), id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return f, errs.ErrNotFound
	}
	return f, err
}

// Filter selects findings.
type Filter struct {
	Unit       string
	Status     string // one status, "open" (not closed), or "" for all
	Overdue    bool
	Inspection int64
	Limit      int
	Offset     int
}

// where is the filter as SQL after the scope's two arguments.
func (s *Service) where(f Filter, sub jurisdiction.Scope) (string, []any) {
	lo, hi := sub.Args()
	q, args := sub.Where("f.unit_code", 1), []any{lo, hi}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	switch {
	case f.Status == "open":
		add("f.status <> $%d", StatusClosed)
	case f.Status == "rectify": // the unit's to do: neither closed nor waiting for review
		add("f.status <> $%d", StatusClosed)
		add("f.status <> $%d", StatusReview)
	case f.Status != "":
		add("f.status = $%d", f.Status)
	}
	if f.Overdue {
		add("f.status <> $%d", StatusClosed)
		add("f.deadline < $%d", s.today())
	}
	if f.Inspection > 0 {
		add("f.inspection_id = $%d", f.Inspection)
	}
	return q, args
}

// Findings lists findings inside scope, oldest deadline first.
func (s *Service) Findings(ctx context.Context, scope jurisdiction.Scope, f Filter) ([]Finding, error) {
	sub, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return nil, err
	}
	q, args := s.where(f, sub)
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	args = append(args, f.Limit, f.Offset)
	rows, err := s.db.Reader(ctx).QueryContext(ctx, "SELECT "+findingColumns+findingFrom+"WHERE "+q+
		fmt.Sprintf(" ORDER BY f.unit_code, f.deadline, f.id LIMIT $%d OFFSET $%d", len(args)-1, len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		x, err := s.scanFinding(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Count counts the findings a filter selects (the summary's figures).
func (s *Service) Count(ctx context.Context, scope jurisdiction.Scope, f Filter) (int, error) {
	sub, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return 0, err
	}
	q, args := s.where(f, sub)
	var n int
	err = s.db.Reader(ctx).QueryRowContext(ctx, "SELECT COUNT(*) FROM findings f WHERE "+q, args...).Scan(&n)
	return n, err
}

// Photo returns a finding's photo and its type.
func (s *Service) Photo(ctx context.Context, scope jurisdiction.Scope, id int64) ([]byte, string, error) {
	lo, hi := scope.Args()
	var b []byte
	var t string
	err := s.db.Reader(ctx).QueryRowContext(ctx, "SELECT photo, photo_type FROM findings f WHERE f.id = $1 AND "+
		scope.Where("f.unit_code", 2), id, lo, hi).Scan(&b, &t)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && t == "") {
		return nil, "", errs.ErrNotFound
	}
	return b, t, err
}

// move changes a finding's status from one of from, at version.
func (s *Service) move(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id, version int64, from []string, to, col, note string) (Finding, error) {
	f, err := s.Finding(ctx, scope, id)
	if err != nil {
		return f, err
	}
	if !contains(from, f.Status) {
		return f, &errs.Conflict{Message: "该问题当前为“" + f.Status + "”，不能改为“" + to + "”"}
	}
	if note, err = text("note", note, 500, to == StatusReview); err != nil {
		return f, err
	}
	now := s.now().UnixMilli()
	closed := int64(0)
	if to == StatusClosed {
		closed = now
	}
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE findings SET status = $1, `+col+` = $2, closed_at = $3, version = version + 1, updated_at = $4
			WHERE id = $5 AND version = $6`, to, note, closed, now, id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.ErrConflict
		}
		if err := audit.Record(ctx, tx, s.now(), who, "update", "finding", fmt.Sprint(id), f.UnitCode, "整改："+f.Status+"→"+to); err != nil {
			return err
		}
		step := to
		if to == StatusProgress && f.Status == StatusReview {
			step = "退回"
		}
		if err := addStep(ctx, tx, id, now, who, step, note); err != nil {
			return err
		}
		g := f
		g.Version = version + 1
		switch {
		case to == StatusReview:
			return s.emit(ctx, EventReview, g, note)
		case to == StatusProgress && f.Status == StatusReview: // 退回
			return s.emit(ctx, EventReturned, g, note)
		}
		return nil
	})
	if err != nil {
		return f, err
	}
	return s.Finding(ctx, scope, id)
}

// Progress is the responsible unit's report: 整改中, or done and asking
// for review (待复核, with what was done).
func (s *Service) Progress(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id, version int64, to, note string) (Finding, error) {
	if _, err := s.Finding(ctx, scope, id); err != nil {
		return Finding{}, err
	}
	switch to {
	case StatusProgress:
		return s.move(ctx, who, scope, id, version, []string{StatusOpen}, to, "progress_note", note)
	case StatusReview:
		return s.move(ctx, who, scope, id, version, []string{StatusOpen, StatusProgress}, to, "progress_note", note)
	}
	return Finding{}, errs.Invalidf("status", "请选择整改中或已整改待复核")
}

// Review is the inspector's re-check of a finding waiting for it: 销号
// (pass) or 退回 to 整改中.
func (s *Service) Review(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id, version int64, pass bool, note string) (Finding, error) {
	to := StatusProgress
	if pass {
		to = StatusClosed
	}
	return s.move(ctx, who, scope, id, version, []string{StatusReview}, to, "review_note", note)
}

// Escalate marks every finding past its deadline and not closed as
// escalated (挂牌督办), once; it returns how many it marked.
func (s *Service) Escalate(ctx context.Context) (int, error) {
	all := jurisdiction.System("inspect escalation")
	due, err := s.Findings(ctx, all, Filter{Overdue: true})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range due {
		if f.Escalated {
			continue
		}
		err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE findings SET escalated_at = $1 WHERE id = $2 AND escalated_at = 0`, s.now().UnixMilli(), f.ID)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil // another instance marked it
			}
			n++
			return s.emit(ctx, EventEscalated, f, "")
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Step is one step of a finding's rectification (整改记录).
type Step struct {
	At     time.Time
	Actor  string // the user's name
	Status string // 发现问题, 整改中, 待复核, 退回, 已销号
	Note   string
}

// addStep records a step inside the transaction of the change.
func addStep(ctx context.Context, tx *sql.Tx, id, at int64, who audit.Actor, status, note string) error {
	actor := who.Username
	_ = tx.QueryRowContext(ctx, `SELECT display_name FROM users WHERE id = $1`, who.UserID).Scan(&actor)
	_, err := tx.ExecContext(ctx, `INSERT INTO finding_steps (finding_id, at, actor, status, note) VALUES ($1, $2, $3, $4, $5)`,
		id, at, actor, status, note)
	return err
}

// Steps lists the rectification of finding id inside scope, oldest first.
func (s *Service) Steps(ctx context.Context, scope jurisdiction.Scope, id int64) ([]Step, error) {
	if _, err := s.Finding(ctx, scope, id); err != nil {
		return nil, err
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT at, actor, status, note FROM finding_steps WHERE finding_id = $1 ORDER BY at, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Step
	for rows.Next() {
		var st Step
		var at int64
		if err := rows.Scan(&at, &st.Actor, &st.Status, &st.Note); err != nil {
			return nil, err
		}
		st.At = time.UnixMilli(at).In(clock.Shanghai)
		out = append(out, st)
	}
	return out, rows.Err()
}
