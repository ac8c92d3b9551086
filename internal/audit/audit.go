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
	"net/url"
	"sort"
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
	case "submit":
		return "提交"
	}
	return a
}

// entities names each kind of object the log records, in Chinese, and the
// page that shows one ("%s" is the object's ID; "" for none). A domain that
// audits a new kind adds it here.
var entities = map[string]struct{ name, page string }{
	"person":              {"人员", "/people/%s"},
	"household":           {"户", "/households/%s"},
	"unit":                {"辖区", "/units/%s"},
	"user":                {"用户", ""},
	"ledger":              {"台账", ""},
	"retention":           {"保存期限", ""},
	"returnee":            {"返乡人员", "/returnees/%s"},
	"self_report":         {"自主报备", ""},
	"sweep":               {"敲门排查", "/sweeps/%s"},
	"risk_area":           {"风险地区", ""},
	"pushlist":            {"推送名单", "/pushlists/%s"},
	"pushtask":            {"核查任务", "/pushtasks/%s"},
	"measure":             {"管控措施", "/measures/%s"},
	"measure_test":        {"管控检测", ""},
	"measure_check":       {"健康监测", ""},
	"measure_alert":       {"管控预警", ""},
	"policy_version":      {"防控政策版本", "/policy/versions/%s"},
	"site":                {"隔离点", "/sites/%s"},
	"site_room":           {"隔离房间", ""},
	"site_staff":          {"隔离点工作人员", ""},
	"site_stay":           {"隔离入住", "/site-stays/%s"},
	"campaign":            {"核酸检测轮次", "/sampling/campaigns/%s"},
	"sampling_point":      {"采样点", ""},
	"lab":                 {"检测机构", ""},
	"box":                 {"转运箱", ""},
	"tube":                {"采样管", ""},
	"sample":              {"采样记录", ""},
	"sample_walkin":       {"流动人员采样", ""},
	"test_result":         {"检测结果", ""},
	"untested":            {"应检未检名单", ""},
	"download":            {"下载文件", ""},
	"sentinel":            {"哨点", ""},
	"sentinel_buyer":      {"购药人员核查", ""},
	"sentinel_clocks":     {"哨点时限", ""},
	"sentinel_report":     {"发热病人报告", "/sentinel-reports/%s"},
	"sentinel_check":      {"晨午检", ""},
	"sentinel_return":     {"哨点日报", ""},
	"checkpoint":          {"卡口", ""},
	"checkpoint_check":    {"卡口查验记录", "/checks/%s"},
	"checkpoint_handover": {"卡口移交", ""},
	"checkpoint_incident": {"卡口事件", ""},
	"checkpoint_rules":    {"卡口规则版本", ""},
	"tracing_case":        {"病例", "/tracing/cases/%s"},
	"tracing_cluster":     {"聚集性疫情", ""},
	"tracing_contact":     {"接触者", ""},
	"tracing_place":       {"场所码", ""},
	"tracing_scan":        {"扫码记录", ""},
	"tracing_trajectory":  {"活动轨迹", ""},
	"notify_residents":    {"群众短信", ""},
	"notify_template":     {"消息模板", ""},
	"daily_report":        {"日报告", "/reports/%s"},
	"report_template":     {"日报模板", ""},
	"inspection":          {"督查", "/inspections/%s"},
	"finding":             {"督查问题", "/findings/%s"},
	"duty":                {"值班", ""},
	"duty_shift":          {"值班班次", ""},
	"duty_check":          {"查岗", ""},
	"special_report":      {"特报", "/special/%s"},
	"readiness_tracer":    {"流调队员", ""},
	"readiness_samplers":  {"采样人员数", ""},
	"readiness_plan":      {"应急预案与演练", ""},
}

// impersonal are the kinds whose entries' summaries name no resident and
// say nothing of anyone's health: units, accounts, policies, sites,
// rounds, schedules and the like. Every other kind, and a kind added
// later until it is listed here, is personal.
var impersonal = map[string]bool{
	"unit": true, "user": true, "ledger": true, "retention": true, "risk_area": true, "pushlist": true,
	"policy_version": true, "site": true, "site_room": true, "campaign": true, "sampling_point": true, "lab": true,
	"box": true, "tube": true, "untested": true, "download": true, "sentinel": true, "sentinel_clocks": true,
	"checkpoint": true, "checkpoint_rules": true, "tracing_place": true, "notify_template": true,
	"daily_report": true, "report_template": true, "duty": true, "duty_shift": true, "duty_check": true,
	"readiness_tracer": true, "readiness_samplers": true, "readiness_plan": true,
}

// Personal says whether entries of a kind may name a resident or their
// health in their summaries: a reader who may not read personal records
// (the administrator) sees those summaries withheld.
func Personal(entity string) bool { return !impersonal[entity] }

// EntityName is the Chinese label of an entity kind (the kind itself when
// unknown).
func EntityName(e string) string {
	if k, ok := entities[e]; ok {
		return k.name
	}
	return e
}

// EntityPage is the page of one object of a kind, or "" when it has none.
func EntityPage(e, id string) string {
	k, ok := entities[e]
	if !ok || k.page == "" || id == "" {
		return ""
	}
	return fmt.Sprintf(k.page, url.PathEscape(id))
}

// EntityKinds lists the kinds in Chinese order of their names, for filters.
func EntityKinds() []string {
	out := make([]string, 0, len(entities))
	for k := range entities {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return entities[out[i]].name < entities[out[j]].name })
	return out
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
	// Few says the filters select few entries (the break-glass reads of a
	// week): List asks the indexes at once, without first reading the
	// newest entries for a page.
	Few bool
}

// recentWindow is how many of the newest ids List reads first, in id
// order, before it asks an index, for a page of limit entries: at a
// county's scope nearly every entry is the reader's, and the newest page
// lies in them.
func recentWindow(limit int) int64 { return int64(3 * limit) }

// List returns entries about records in the scope (or by users of the
// scope), newest first. It reads a window of the newest ids first by the
// primary key alone (a bounded scan, then the filters): for a county's
// reader the page is there. Only when that window holds fewer entries than
// the page does it ask the indexes for the older rest — a village's entries
// through its unit's range, a kind or an action through theirs — so no
// request sorts the whole scope's log.
func (l *Log) List(ctx context.Context, scope jurisdiction.Scope, f Filter) ([]Entry, error) {
	if unit, err := scope.NarrowOpt(f.Unit); err == nil {
		scope = unit // a unit outside the scope is ignored: the listing stays the caller's
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	if f.Few {
		return l.list(ctx, scope, f, "", f.Limit)
	}
	top := f.BeforeID
	if top <= 0 {
		if err := l.db.R().QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log`).Scan(&top); err != nil {
			return nil, fmt.Errorf("list audit: %w", err)
		}
	}
	window := recentWindow(f.Limit)
	floor := max(top-window, 0)
	// The window as a subquery with a LIMIT: neither database merges it
	// into the outer query, so the filters are applied to its rows and
	// cannot pick an index over the whole log.
	from := fmt.Sprintf(`(SELECT `+entryCols+` FROM audit_log WHERE id >= %d AND id < %d ORDER BY id DESC LIMIT %d) a`, floor, top, window)
	out, err := l.list(ctx, scope, f, from, f.Limit)
	if err != nil || len(out) == f.Limit || floor == 0 {
		return out, err
	}
	f.BeforeID = floor
	rest, err := l.list(ctx, scope, f, "audit_log", f.Limit-len(out))
	return append(out, rest...), err
}

const entryCols = `id, at, user_id, username, role, actor_unit, action, entity, entity_id, subject_unit, summary, ip, request_id`

// list reads up to limit entries of from (the log or a window of it) in
// the scope and matching f, newest first. With from "" the entries
// matching f's filters are taken first, through their indexes, and the
// scope applied to them (f.Few): left to itself the planner reads the
// whole scope's log through the unit index instead.
func (l *Log) list(ctx context.Context, scope jurisdiction.Scope, f Filter, from string, limit int) ([]Entry, error) {
	lo, hi := scope.Args()
	inScope := "((" + scope.Where("subject_unit", 1) + ") OR (subject_unit = '' AND " + scope.Where("actor_unit", 1) + "))"
	var where []string
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
	q := `SELECT ` + entryCols + ` FROM ` + from + ` WHERE ` + strings.Join(append([]string{inScope}, where...), " AND ")
	if from == "" && len(where) > 0 {
		q = `WITH f AS MATERIALIZED (SELECT ` + entryCols + ` FROM audit_log WHERE ` + strings.Join(where, " AND ") + `)
			SELECT ` + entryCols + ` FROM f WHERE ` + inScope
	} else if from == "" {
		q = `SELECT ` + entryCols + ` FROM audit_log WHERE ` + inScope
	}
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", limit)
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
