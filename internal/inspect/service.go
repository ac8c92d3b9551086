package inspect

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/personal"
	"fangkong/internal/sheet"
	"fangkong/internal/wire"
)

// Service keeps inspections and findings. Every method takes the caller's
// Scope; records outside it are not found.
type Service struct {
	db       *db.DB
	units    *jurisdiction.Store
	now      func() time.Time
	notifier notify.Emitter
}

// NewService returns a Service; every argument is required.
func NewService(d *db.DB, units *jurisdiction.Store, now func() time.Time) *Service {
	wire.Need("inspect.NewService", "db", d)
	wire.Need("inspect.NewService", "units", units)
	wire.Need("inspect.NewService", "now", now)
	return &Service{db: d, units: units, now: now, notifier: notify.Discard}
}

// SetNotifier tells findings and their rectification to the people
// concerned (Events); without one nothing is sent.
func (s *Service) SetNotifier(n notify.Emitter) { s.notifier = n }

func (s *Service) today() string { return clock.Day(s.now()) }

// Check is one checklist item as found.
type Check struct {
	Item string `json:"item"`
	OK   bool   `json:"ok"`
}

// Inspection is one visit.
type Inspection struct {
	ID         int64
	UnitCode   string
	UnitName   string
	ObjectType string
	ObjectName string
	Covert     bool // 暗访（四不两直）
	Team       string
	VisitedOn  string
	Checklist  []Check
	CreatedBy  string
	CreatedAt  time.Time
	Open       int // findings not yet closed (lists)
}

// TypeName is the object type's Chinese name.
func (i Inspection) TypeName() string {
	t, _ := Type(i.ObjectType)
	return t.Name
}

// labels are the forms' names of the text fields, for messages that must
// say which field they mean wherever they are shown.
var labels = map[string]string{"object_name": "检查对象", "team": "督查组", "problem": "问题描述", "leader": "责任领导",
	"person": "责任人员", "measure": "整改举措", "note": "说明"}

func text(field, s string, limit int, required bool) (string, error) {
	label := labels[field]
	t, err := personal.Text(s)
	if err != nil {
		return "", errs.Invalidf(field, "%s：%s", label, err.Error())
	}
	if required && t == "" {
		return "", errs.Invalidf(field, "请填写%s", label)
	}
	if utf8.RuneCountInString(t) > limit {
		return "", errs.Invalidf(field, "%s不超过%d个字", label, limit)
	}
	return t, nil
}

func validDay(d string) bool {
	_, err := time.Parse("2006-01-02", d)
	return err == nil
}

// CreateInspection records a visit inside scope; failed lists the checklist
// items (by text) found wanting.
func (s *Service) CreateInspection(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, in Inspection, failed map[string]bool) (Inspection, error) {
	u, err := s.units.Get(ctx, scope, in.UnitCode)
	if err != nil {
		return in, errs.Invalidf("unit_code", "单位不在您的辖区内")
	}
	t, ok := Type(in.ObjectType)
	if !ok {
		return in, errs.Invalidf("object_type", "请选择检查对象类型")
	}
	if in.ObjectName, err = text("object_name", in.ObjectName, 60, true); err != nil {
		return in, err
	}
	if in.Team, err = text("team", in.Team, 100, true); err != nil {
		return in, err
	}
	in.VisitedOn = sheet.NormDate(in.VisitedOn) // 2026年12月7日 as typed
	switch {
	case in.VisitedOn == "":
		return in, errs.Invalidf("visited_on", "请填写检查日期")
	case !validDay(in.VisitedOn) || in.VisitedOn < "2019-12-01":
		return in, errs.Invalidf("visited_on", "检查日期“%s”无法识别，请按 2022-03-01 填写", in.VisitedOn)
	case in.VisitedOn > s.today():
		return in, errs.Invalidf("visited_on", "检查日期不能晚于今天")
	}
	in.Checklist = nil
	for _, item := range t.Items {
		in.Checklist = append(in.Checklist, Check{Item: item, OK: !failed[item]})
	}
	list, _ := json.Marshal(in.Checklist)
	in.UnitCode, in.UnitName, in.CreatedBy, in.CreatedAt = u.Code, u.Name, who.Username, s.now()
	covert := 0
	if in.Covert {
		covert = 1
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO inspections (unit_code, object_type, object_name, covert, team, visited_on, checklist, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, in.UnitCode, in.ObjectType, in.ObjectName, covert, in.Team,
			in.VisitedOn, string(list), in.CreatedBy, in.CreatedAt.UnixMilli()).Scan(&in.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), who, "create", "inspection", fmt.Sprint(in.ID), in.UnitCode, "督查："+in.ObjectName)
	})
	return in, err
}

const inspectionColumns = `i.id, i.unit_code, COALESCE(u.name, ''), i.object_type, i.object_name, i.covert, i.team, i.visited_on,
	i.checklist, i.created_by, i.created_at,
	(SELECT COUNT(*) FROM findings f WHERE f.inspection_id = i.id AND f.status <> '已销号')`

func scanInspection(row interface{ Scan(...any) error }) (Inspection, error) {
	var i Inspection
	var covert int
	var list string
	var created int64
	if err := row.Scan(&i.ID, &i.UnitCode, &i.UnitName, &i.ObjectType, &i.ObjectName, &covert, &i.Team, &i.VisitedOn,
		&list, &i.CreatedBy, &created, &i.Open); err != nil {
		return i, err
	}
	i.Covert, i.CreatedAt = covert == 1, time.UnixMilli(created)
	return i, json.Unmarshal([]byte(list), &i.Checklist)
}

// Inspection returns one visit inside scope.
func (s *Service) Inspection(ctx context.Context, scope jurisdiction.Scope, id int64) (Inspection, error) {
	lo, hi := scope.Args()
	i, err := scanInspection(s.db.Reader(ctx).QueryRowContext(ctx, "SELECT "+inspectionColumns+
		" FROM inspections i LEFT JOIN units u ON u.code = i.unit_code WHERE i.id = $1 AND "+scope.Where("i.unit_code", 2), id, lo, hi))
	if err == sql.ErrNoRows {
		return i, errs.ErrNotFound
	}
	return i, err
}

// Inspections lists the visits of unit's subtree (inside scope), newest first.
func (s *Service) Inspections(ctx context.Context, scope jurisdiction.Scope, unit string, limit, offset int) ([]Inspection, error) {
	sub, err := scope.NarrowOpt(unit)
	if err != nil {
		return nil, err
	}
	lo, hi := sub.Args()
	rows, err := s.db.Reader(ctx).QueryContext(ctx, "SELECT "+inspectionColumns+
		" FROM inspections i LEFT JOIN units u ON u.code = i.unit_code WHERE "+sub.Where("i.unit_code", 1)+
		" ORDER BY i.visited_on DESC, i.id DESC LIMIT $3 OFFSET $4", lo, hi, limit, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Inspection
	for rows.Next() {
		i, err := scanInspection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}
