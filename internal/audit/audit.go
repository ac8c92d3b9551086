// Package audit owns the personal-data access log (个人信息访问日志): who viewed,
// exported, created, changed or merged which record, when and from where.
// Domain services write it — in the same transaction as a change — so pages,
// the API and exports are all covered. The table is append-only (database
// triggers refuse UPDATE and DELETE), and it is read within the reader's
// jurisdiction like everything else.
package audit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
)

// Actor is who does something, as the audit log records it.
type Actor struct {
	UserID    int64
	Username  string
	Role      string
	Unit      string
	IP        string
	RequestID string
}

// Actions.
const (
	ActionView   = "view"
	ActionExport = "export"
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
	ActionMerge  = "merge"
	ActionImport = "import"
	ActionLogin  = "login"
	// ActionPurge is the retention job clearing personal details (counts only).
	ActionPurge = "purge"
	// ActionBreakGlass is a read of a person outside the reader's
	// jurisdiction for a stated reason (跨辖区查看), reported to that
	// jurisdiction's administrators through their audit log.
	ActionBreakGlass = "break_glass"
	ActionLookup     = "lookup" // an exact look-up of one person (ID number, phone, code)
)

// ActionName is the Chinese label of an action.
func ActionName(a string) string {
	switch a {
	case ActionView:
		return "查看"
	case ActionExport:
		return "导出"
	case ActionCreate:
		return "新增"
	case ActionUpdate:
		return "修改"
	case ActionDelete:
		return "删除"
	case ActionMerge:
		return "合并"
	case ActionImport:
		return "导入"
	case ActionLogin:
		return "登录"
	case ActionPurge:
		return "按期清除"
	case ActionBreakGlass:
		return "跨辖区查看"
	case ActionLookup:
		return "查找"
	}
	return a
}

// EntityName is the Chinese label of an entity kind.
func EntityName(e string) string {
	switch e {
	case "person":
		return "人员"
	case "household":
		return "户"
	case "unit":
		return "辖区"
	case "user":
		return "用户"
	case "ledger":
		return "台账"
	case "retention":
		return "保存期限"
	}
	return e
}

// Entry is one line of the log.
type Entry struct {
	ID          int64
	At          int64 // Unix ms
	UserID      int64
	Username    string
	Role        string
	ActorUnit   string
	Action      string
	Entity      string
	EntityID    string
	SubjectUnit string
	Summary     string
	IP          string
	RequestID   string
}

// Time renders At in Asia/Shanghai.
func (e Entry) Time() string { return clock.Format(e.At) }

// Record appends an entry through q (a transaction or a pool).
func Record(ctx context.Context, q db.Querier, at time.Time, a Actor, action, entity, entityID, subjectUnit, summary string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log
		(at, user_id, username, role, actor_unit, action, entity, entity_id, subject_unit, summary, ip, request_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		at.UnixMilli(), a.UserID, a.Username, a.Role, a.Unit, action, entity, entityID, subjectUnit, summary, a.IP, a.RequestID)
	if err != nil {
		return fmt.Errorf("audit %s %s %s: %w", action, entity, entityID, err)
	}
	return nil
}

// Log reads and writes the audit log.
type Log struct {
	db  *db.DB
	now func() time.Time
}

// NewLog returns a Log on d.
func NewLog(d *db.DB, now func() time.Time) *Log { return &Log{db: d, now: now} }

// Write appends an entry outside any transaction.
func (l *Log) Write(ctx context.Context, a Actor, action, entity, entityID, subjectUnit, summary string) error {
	return Record(ctx, l.db.W(), l.now(), a, action, entity, entityID, subjectUnit, summary)
}

// Filter narrows a listing.
type Filter struct {
	Username string
	Action   string
	Entity   string
	EntityID string
	Unit     string // a unit inside the scope: only entries about its subtree (outside: ignored)
	From, To int64  // Unix ms, inclusive From, exclusive To; 0 = open
	BeforeID int64  // for paging: entries with a smaller id
	Limit    int
}

// List returns entries about records in the scope (or by users of the
// scope), newest first.
func (l *Log) List(ctx context.Context, scope jurisdiction.Scope, f Filter) ([]Entry, error) {
	if unit, err := scope.NarrowOpt(f.Unit); err == nil {
		scope = unit // a unit outside the scope is ignored: the listing stays the caller's
	}
	lo, hi := scope.Args()
	where := []string{"((" + scope.Where("subject_unit", 1) + ") OR (subject_unit = '' AND " + scope.Where("actor_unit", 1) + "))"}
	args := []any{lo, hi}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.Username != "" {
		add("username = ?", f.Username)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.Entity != "" {
		add("entity = ?", f.Entity)
	}
	if f.EntityID != "" {
		add("entity_id = ?", f.EntityID)
	}
	if f.From > 0 {
		add("at >= ?", f.From)
	}
	if f.To > 0 {
		add("at < ?", f.To)
	}
	if f.BeforeID > 0 {
		add("id < ?", f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := `SELECT id, at, user_id, username, role, actor_unit, action, entity, entity_id, subject_unit, summary, ip, request_id
		FROM audit_log WHERE ` + strings.Join(where, " AND ") + fmt.Sprintf(" ORDER BY id DESC LIMIT %d", f.Limit)
	rows, err := l.db.R().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.Username, &e.Role, &e.ActorUnit, &e.Action, &e.Entity,
			&e.EntityID, &e.SubjectUnit, &e.Summary, &e.IP, &e.RequestID); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
