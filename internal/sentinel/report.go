package sentinel

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/personal"
)

// The states of a fever report: 已报告 → 乡镇已接收 → 已采样 → 已送检 →
// 阴性 (closed) or 阳性 (flagged for the command centre, a case opened).
const (
	StatusReported = "已报告"
	StatusAcked    = "乡镇已接收"
	StatusSampled  = "已采样"
	StatusSent     = "已送检"
	StatusNegative = "阴性"
	StatusPositive = "阳性"
)

// Statuses lists the states in order.
var Statuses = []string{StatusReported, StatusAcked, StatusSampled, StatusSent, StatusNegative, StatusPositive}

// The actions a sentinel takes (处置).
const (
	ActionRefer  = "转诊"
	ActionSample = "采样"
	ActionHome   = "居家"
)

// Actions lists the actions in display order.
var Actions = []string{ActionRefer, ActionSample, ActionHome}

// next lists, per state, the states a report may move to.
var next = map[string][]string{
	StatusReported: {StatusAcked, StatusSampled},
	StatusAcked:    {StatusSampled},
	StatusSampled:  {StatusSent, StatusNegative, StatusPositive},
	StatusSent:     {StatusNegative, StatusPositive},
}

// Report is one fever report (发热病人报告).
type Report struct {
	ID           int64
	SentinelID   int64
	SentinelName string
	SentinelKind string
	UnitCode     string
	UnitName     string
	PersonID     int64 // 0: not (yet) in the registry
	Name         string
	IDNumber     string
	Phone        string
	TempTenths   int
	Symptoms     string
	Drugs        string
	Action       string
	Status       string
	FoundAt      int64
	Day          string
	ReportedAt   int64
	AckDueAt     int64
	AckedAt      int64
	AckedBy      string
	EscalatedAt  int64
	SampledAt    int64
	SentAt       int64
	Result       string
	ResultAt     int64
	Flagged      bool
	ReferredTo   int64
	ReferredName string
	ArrivedAt    int64
	Note         string
	CreatedBy    string
}

// Temp is the temperature as text, e.g. 38.2.
func (r Report) Temp() string { return fmt.Sprintf("%d.%d", r.TempTenths/10, r.TempTenths%10) }

// Open says whether the report awaits a result.
func (r Report) Open() bool { return r.Status != StatusNegative && r.Status != StatusPositive }

// Escalated says whether the township's clock ran out and the report went
// up to the county (超时上报县).
func (r Report) Escalated() bool { return r.EscalatedAt > 0 }

// Overdue says whether the report is still unacknowledged past its clock.
func (r Report) Overdue(now time.Time) bool {
	return r.Status == StatusReported && now.UnixMilli() > r.AckDueAt
}

// Next lists the states the report may move to.
func (r Report) Next() []string { return next[r.Status] }

// DelayMinutes is the time from finding the patient to the report.
func (r Report) DelayMinutes() int { return int((r.ReportedAt - r.FoundAt) / 60000) }

// MaskedID and MaskedPhone are the values shown in lists.
func (r Report) MaskedID() string    { return personal.MaskID(r.IDNumber) }
func (r Report) MaskedPhone() string { return personal.MaskPhone(r.Phone) }

// ReportInput is what a sentinel reports.
type ReportInput struct {
	Name     string
	IDNumber string
	Phone    string
	Temp     string // °C as typed
	Symptoms string
	Drugs    string // drugs bought (pharmacies) or taken
	Action   string
	FoundAt  int64 // unix ms; 0 = now
	ReferTo  int64 // the fever clinic referred to (转诊), 0 = none named
	Note     string
}

func (s *Service) validateReport(ctx context.Context, scope jurisdiction.Scope, in *ReportInput) (tempTenths int, err error) {
	if in.Name, err = personal.Name(in.Name); err != nil {
		return 0, errs.Invalidf("name", "姓名：%s", err.Error())
	}
	if in.Name == "" || len([]rune(in.Name)) > 30 {
		return 0, errs.Invalidf("name", "请填写发热病人姓名（30字以内）")
	}
	if strings.TrimSpace(in.IDNumber) != "" {
		if in.IDNumber, err = personal.NormalizeIDNumber(in.IDNumber); err != nil {
			return 0, errs.Invalidf("id_number", "%s", err.Error())
		}
	}
	if strings.TrimSpace(in.Phone) != "" {
		if in.Phone, err = personal.NormalizePhone(in.Phone); err != nil {
			return 0, errs.Invalidf("phone", "%s", err.Error())
		}
	}
	if in.IDNumber == "" && in.Phone == "" {
		return 0, errs.Invalidf("id_number", "请填写身份证号或手机号（至少一项），以便乡镇卫生院联系和采样")
	}
	if tempTenths, err = measure.ParseTemp(in.Temp); err != nil {
		return 0, err
	}
	for _, f := range []struct {
		field, label string
		v            *string
		max          int
	}{{"symptoms", "症状", &in.Symptoms, 200}, {"drugs", "购买/服用药品", &in.Drugs, 200}, {"note", "备注", &in.Note, 200}} {
		t, err := personal.Text(*f.v)
		if err != nil || len([]rune(t)) > f.max {
			return 0, errs.Invalidf(f.field, "%s请在%d字以内，不含控制字符", f.label, f.max)
		}
		*f.v = t
	}
	if !slices.Contains(Actions, in.Action) {
		return 0, errs.Invalidf("action", "请选择处置：%s", strings.Join(Actions, "、"))
	}
	now := s.now().UnixMilli()
	if in.FoundAt == 0 {
		in.FoundAt = now
	}
	if in.FoundAt > now+5*60000 || in.FoundAt < now-7*24*3600000 {
		return 0, errs.Invalidf("found_at", "发现时间应在最近7天内，且不晚于现在")
	}
	if in.ReferTo != 0 {
		if in.Action != ActionRefer {
			in.ReferTo = 0
		} else if to, err := s.sentinel(ctx, s.db.Reader(ctx), jurisdiction.System("sentinel referral"), in.ReferTo); err != nil || !to.MayTreatFever {
			return 0, errs.Invalidf("refer_to", "请选择接诊的发热门诊或乡镇卫生院发热哨点")
		}
	}
	return tempTenths, nil
}

// ReportFever records a fever patient found at the sentinel mine (the
// caller's bound sentinel). The township must acknowledge it within the
// clock in force (Clocks.AckHours) of the report.
func (s *Service) ReportFever(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, mine Sentinel, in ReportInput) (Report, error) {
	x, err := s.sentinel(ctx, s.db.Reader(ctx), scope, mine.ID)
	if err != nil {
		return Report{}, err
	}
	temp, err := s.validateReport(ctx, scope, &in)
	if err != nil {
		return Report{}, err
	}
	now := s.now()
	day := clock.Day(time.UnixMilli(in.FoundAt))
	clocks, err := s.ClocksOn(ctx, day)
	if err != nil {
		return Report{}, err
	}
	var personID sql.NullInt64
	if id, err := s.people.PersonByKey(ctx, scope, in.IDNumber, in.Phone); err == nil {
		personID = sql.NullInt64{Int64: id, Valid: true}
	} else if !errors.Is(err, errs.ErrNotFound) {
		return Report{}, err
	}
	var refer sql.NullInt64
	if in.ReferTo != 0 {
		refer = sql.NullInt64{Int64: in.ReferTo, Valid: true}
	}
	r := Report{SentinelID: x.ID, SentinelName: x.Name, SentinelKind: x.Kind, UnitCode: x.UnitCode, UnitName: x.UnitName,
		PersonID: personID.Int64, Name: in.Name, IDNumber: in.IDNumber, Phone: in.Phone, TempTenths: temp, Symptoms: in.Symptoms,
		Drugs: in.Drugs, Action: in.Action, Status: StatusReported, FoundAt: in.FoundAt, Day: day, ReportedAt: now.UnixMilli(),
		AckDueAt: now.Add(time.Duration(clocks.AckHours) * time.Hour).UnixMilli(), ReferredTo: in.ReferTo, Note: in.Note, CreatedBy: who.Username}
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO sentinel_reports (sentinel_id, unit_code, township_code, person_id, name, id_number, phone,
			temp_tenths, symptoms, drugs, action, status, found_at, day, reported_at, ack_due_at, referred_to, note, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
			r.SentinelID, r.UnitCode, townshipOf(r.UnitCode), personID, r.Name, r.IDNumber, r.Phone, r.TempTenths, r.Symptoms, r.Drugs,
			r.Action, r.Status, r.FoundAt, r.Day, r.ReportedAt, r.AckDueAt, refer, r.Note, r.CreatedBy).Scan(&r.ID)
		if err != nil {
			return err
		}
		if err := s.record(ctx, tx, who, audit.ActionCreate, "sentinel_report", r.ID, r.UnitCode,
			fmt.Sprintf("%s报告发热病人 %s %s℃（%s）", x.Name, r.Name, r.Temp(), r.Action)); err != nil {
			return err
		}
		// The township acknowledges within its clock: tell it now.
		return s.emitReport(ctx, EventReported, r)
	})
	if err != nil {
		return Report{}, fmt.Errorf("report fever at sentinel %d: %w", x.ID, err)
	}
	return r, nil
}

const reportColumns = `r.id, r.sentinel_id, s.name, s.kind, r.unit_code, COALESCE(u.name, ''), COALESCE(r.person_id, 0), r.name, r.id_number,
	r.phone, r.temp_tenths, r.symptoms, r.drugs, r.action, r.status, r.found_at, r.day, r.reported_at, r.ack_due_at, r.acked_at,
	r.acked_by, r.escalated_at, r.sampled_at, r.sent_at, r.result, r.result_at, r.flagged, COALESCE(r.referred_to, 0),
	COALESCE(rt.name, ''), r.arrived_at, r.note, r.created_by`

const reportFrom = ` FROM sentinel_reports r JOIN sentinels s ON s.id = r.sentinel_id LEFT JOIN units u ON u.code = r.unit_code
	LEFT JOIN sentinels rt ON rt.id = r.referred_to`

func scanReport(row interface{ Scan(...any) error }) (Report, error) {
	var r Report
	var flagged int
	err := row.Scan(&r.ID, &r.SentinelID, &r.SentinelName, &r.SentinelKind, &r.UnitCode, &r.UnitName, &r.PersonID, &r.Name, &r.IDNumber,
		&r.Phone, &r.TempTenths, &r.Symptoms, &r.Drugs, &r.Action, &r.Status, &r.FoundAt, &r.Day, &r.ReportedAt, &r.AckDueAt, &r.AckedAt,
		&r.AckedBy, &r.EscalatedAt, &r.SampledAt, &r.SentAt, &r.Result, &r.ResultAt, &flagged, &r.ReferredTo,
		&r.ReferredName, &r.ArrivedAt, &r.Note, &r.CreatedBy)
	r.Flagged = flagged == 1
	return r, err
}

func (s *Service) report(ctx context.Context, q db.Querier, scope jurisdiction.Scope, id int64) (Report, error) {
	lo, hi := scope.Args()
	r, err := scanReport(q.QueryRowContext(ctx, "SELECT "+reportColumns+reportFrom+" WHERE r.id = $1 AND "+scope.Where("r.unit_code", 2), id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, fmt.Errorf("sentinel report %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Report{}, fmt.Errorf("sentinel report %d: %w", id, err)
	}
	return r, nil
}

// ViewReport returns one report inside the scope, in full; the view is
// audited (it names a person).
func (s *Service) ViewReport(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64) (Report, error) {
	r, err := s.report(ctx, s.db.Reader(ctx), scope, id)
	if err != nil {
		return Report{}, err
	}
	if err := s.record(ctx, s.db.Writer(ctx), who, audit.ActionView, "sentinel_report", r.ID, r.UnitCode, "查看发热病人报告 "+r.Name); err != nil {
		return Report{}, err
	}
	return r, nil
}

// ReportFilter selects reports.
type ReportFilter struct {
	Unit       string
	SentinelID int64  // one sentinel's reports (a sentinel account's own)
	Status     string // a state, or "open", "overdue" (unacknowledged past the clock), "escalated", "flagged"
	Day        string // found on this day
	Limit      int
	Offset     int
}

func (s *Service) reportWhere(scope jurisdiction.Scope, f ReportFilter) (string, []any, error) {
	scope, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return "", nil, err
	}
	lo, hi := scope.Args()
	where := " WHERE " + scope.Where("r.unit_code", 1)
	args := []any{lo, hi}
	add := func(cond string, v any) {
		args = append(args, v)
		where += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.SentinelID != 0 {
		add("r.sentinel_id = $%d", f.SentinelID)
	}
	if f.Day != "" {
		add("r.day = $%d", f.Day)
	}
	switch f.Status {
	case "":
	case "open":
		where += " AND r.status NOT IN ('阴性', '阳性')"
	case "overdue":
		add("r.status = '已报告' AND r.ack_due_at < $%d", s.now().UnixMilli())
	case "escalated":
		where += " AND r.escalated_at > 0"
	case "flagged":
		where += " AND r.flagged = 1"
	default:
		if !slices.Contains(Statuses, f.Status) {
			return "", nil, errs.Invalidf("status", "未知状态“%s”", f.Status)
		}
		add("r.status = $%d", f.Status)
	}
	return where, args, nil
}

// Reports lists reports inside the scope, newest first.
func (s *Service) Reports(ctx context.Context, scope jurisdiction.Scope, f ReportFilter) ([]Report, error) {
	where, args, err := s.reportWhere(scope, f)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	args = append(args, f.Limit, f.Offset)
	rows, err := s.db.Reader(ctx).QueryContext(ctx, "SELECT "+reportColumns+reportFrom+where+
		fmt.Sprintf(" ORDER BY r.reported_at DESC, r.id DESC LIMIT $%d OFFSET $%d", len(args)-1, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list sentinel reports: %w", err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CountReports counts the reports Reports would list (without paging).
func (s *Service) CountReports(ctx context.Context, scope jurisdiction.Scope, f ReportFilter) (int, error) {
	where, args, err := s.reportWhere(scope, f)
	if err != nil {
		return 0, err
	}
	var n int
	if err := s.db.Reader(ctx).QueryRowContext(ctx, "SELECT COUNT(*) FROM sentinel_reports r"+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count sentinel reports: %w", err)
	}
	return n, nil
}
