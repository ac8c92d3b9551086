package tracing

import (
	"context"
	"database/sql"
	"encoding/json"
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
	"fangkong/internal/personal"
)

// Contact categories (判定).
const (
	CatClose     = "close"     // 密切接触者
	CatSecondary = "secondary" // 密接的密接
	CatGeneral   = "general"   // 一般接触
	CatExcluded  = "excluded"  // 排除
)

// Categories in the order of the judge form.
var Categories = []string{CatClose, CatSecondary, CatGeneral, CatExcluded}

// CategoryName is the Chinese name of a category.
func CategoryName(c string) string {
	switch c {
	case CatClose:
		return "密切接触者"
	case CatSecondary:
		return "密接的密接"
	case CatGeneral:
		return "一般接触"
	case CatExcluded:
		return "排除"
	}
	return "待判定"
}

// Contact statuses.
const (
	StatusPending     = "待判定"
	StatusJudged      = "已判定"
	StatusTransferred = "已转运"
	StatusControlled  = "管控中"
	StatusXiecha      = "待协查"
)

// Contact is a candidate stored on a case, with the tracer's judgment.
type Contact struct {
	ID            int64
	CaseID        int64
	CaseName      string
	Key           string
	PersonID      int64
	Name          string
	IDNumber      string
	Phone         string
	UnitCode      string
	UnitName      string
	Outside       bool // not in the county's registry, or registered outside it: 协查
	Sources       []string
	Evidence      []Evidence
	FirstExposure int64
	LastExposure  int64
	ParentID      int64 // the close contact a secondary candidate came from
	Category      string
	Status        string
	JudgedAt      int64
	JudgedBy      string
	TransferDue   int64
	StayID        int64
	HandedAt      int64
	BecameCaseID  int64
	Version       int64
}

func (c Contact) IDMasked() string     { return personal.MaskID(c.IDNumber) }
func (c Contact) PhoneMasked() string  { return personal.MaskPhone(c.Phone) }
func (c Contact) CategoryName() string { return CategoryName(c.Category) }

// SourceNames are the Chinese names of the sources.
func (c Contact) SourceNames() string {
	var out []string
	for _, s := range c.Sources {
		out = append(out, SourceName(s))
	}
	return strings.Join(out, "、")
}

// ControlledInTime reports a hand-off by the transfer deadline.
func (c Contact) ControlledInTime() bool {
	return c.HandedAt != 0 && c.TransferDue != 0 && c.HandedAt <= c.TransferDue
}

// EvidenceText is the evidence as lines.
func (c Contact) EvidenceText() []string {
	var out []string
	for _, e := range c.Evidence {
		line := SourceName(e.Source) + " " + e.Where + " " + clock.Format(e.At)
		if e.IndexAt != 0 && e.Source != SourceStay {
			d := (e.At - e.IndexAt) / 60000
			line += fmt.Sprintf("（与病例相差%d分钟）", d)
		}
		out = append(out, line)
	}
	return out
}

// countyOf is the county code of a unit code.
func countyOf(code string) string {
	if len(code) >= 6 {
		return code[:6]
	}
	return code
}

// Refresh computes the candidates of a case (and the secondary candidates
// of its close contacts) and stores them: new people are added as 待判定,
// pending ones get the fresh evidence, judged ones are kept as judged.
// It returns how many candidates were computed.
func (s *Service) Refresh(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, caseID int64) (int, error) {
	c, err := s.caseIn(ctx, scope, caseID)
	if err != nil {
		return 0, err
	}
	r, err := s.rule(ctx, c.RuleID)
	if err != nil {
		return 0, err
	}
	ix := Index{PersonID: c.PersonID, IDNumber: c.IDNumber, From: c.WindowFrom, To: c.IsolatedAt,
		ScanWindow: int64(r.ScanWindowMinutes) * 60000, SampleWindow: int64(r.SampleWindowMinutes) * 60000}
	n := 0
	now := s.now().UnixMilli()
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		n = 0
		list, err := Compute(ctx, tx, s.sources, ix)
		if err != nil {
			return err
		}
		n += len(list)
		if err := s.store(ctx, tx, c, list, 0, now); err != nil {
			return err
		}
		// Secondary candidates from the close contacts, since their last exposure.
		rows, err := tx.QueryContext(ctx, `SELECT id, person_id, id_number, last_exposure, handed_at FROM tracing_contacts
			WHERE case_id = $1 AND category = $2 AND person_id IS NOT NULL`, caseID, CatClose)
		if err != nil {
			return err
		}
		type cc struct {
			id, pid, last, handed int64
			idn                   string
		}
		var closes []cc
		for rows.Next() {
			var x cc
			if err := rows.Scan(&x.id, &x.pid, &x.idn, &x.last, &x.handed); err != nil {
				rows.Close()
				return err
			}
			closes = append(closes, x)
		}
		rows.Close()
		for _, x := range closes {
			to := x.handed
			if to == 0 {
				to = now
			}
			sub := Index{PersonID: x.pid, IDNumber: x.idn, From: x.last, To: to, ScanWindow: ix.ScanWindow, SampleWindow: ix.SampleWindow}
			list, err := Compute(ctx, tx, s.sources, sub)
			if err != nil {
				return err
			}
			list = slices.DeleteFunc(list, func(k Candidate) bool { return k.PersonID == c.PersonID })
			n += len(list)
			if err := s.store(ctx, tx, c, list, x.id, now); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "tracing_case", caseID, c.UnitCode, fmt.Sprintf("计算候选接触者 %d 人", n))
	})
	if err != nil {
		return 0, fmt.Errorf("refresh candidates of case %d: %w", caseID, err)
	}
	return n, nil
}

// store upserts candidates of a case (parent: the close contact they came
// from, 0 for the case's own).
func (s *Service) store(ctx context.Context, tx *sql.Tx, c Case, list []Candidate, parent int64, now int64) error {
	if len(list) == 0 {
		return nil
	}
	units := map[int64]string{}
	var ids []int64
	for _, k := range list {
		if k.PersonID != 0 {
			ids = append(ids, k.PersonID)
		}
	}
	for i := 0; i < len(ids); i += 500 {
		part := ids[i:min(i+500, len(ids))]
		args := make([]any, len(part))
		for j, id := range part {
			args[j] = id
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, unit_code FROM people WHERE id IN (`+db.In(len(part), 1)+`)`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var u string
			if err := rows.Scan(&id, &u); err != nil {
				rows.Close()
				return err
			}
			units[id] = u
		}
		rows.Close()
	}
	var parentArg any
	if parent != 0 {
		parentArg = parent
	}
	county := countyOf(c.UnitCode)
	for _, k := range list {
		unit, outside := units[k.PersonID], false
		if unit == "" || countyOf(unit) != county {
			outside = true
		}
		if unit == "" {
			unit = c.UnitCode // people not in the registry are the case team's to 协查
		}
		ev, err := json.Marshal(k.Evidence)
		if err != nil {
			return err
		}
		var srcs []string
		for _, e := range k.Evidence {
			if !slices.Contains(srcs, e.Source) {
				srcs = append(srcs, e.Source)
			}
		}
		var pid any
		if k.PersonID != 0 {
			pid = k.PersonID
		}
		// Only pending rows take the fresh evidence; a parent row never
		// replaces the case's own (the case's own row was stored first).
		if _, err := tx.ExecContext(ctx, `INSERT INTO tracing_contacts (case_id, person_key, person_id, name, id_number, phone, unit_code,
			outside, sources, evidence, first_exposure, last_exposure, parent_id, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
			ON CONFLICT (case_id, person_key) DO UPDATE SET sources = excluded.sources, evidence = excluded.evidence,
			first_exposure = excluded.first_exposure, last_exposure = excluded.last_exposure, updated_at = excluded.updated_at,
			version = tracing_contacts.version + 1
			WHERE tracing_contacts.status = $14 AND ((tracing_contacts.parent_id IS NULL AND excluded.parent_id IS NULL)
				OR tracing_contacts.parent_id = excluded.parent_id)
			AND (tracing_contacts.evidence <> excluded.evidence)`,
			c.ID, k.Key, pid, k.Name, k.IDNumber, k.Phone, unit, boolInt(outside), strings.Join(srcs, ","), string(ev),
			k.FirstExposure(), k.LastExposure(), parentArg, StatusPending, now); err != nil {
			return fmt.Errorf("store candidate: %w", err)
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ManualInput is a contact a tracer enters (同餐、同车同座、同工作场所…).
type ManualInput struct {
	IDNumber, Name, Phone string
	Kind                  string // 同餐, 同车同座, 同工作场所, 其他
	Where                 string
	At                    int64 // exposure time, ms
}

// ManualKinds are the kinds of manual contact.
var ManualKinds = []string{"同餐", "同车同座", "同工作场所", "同住", "其他"}

// AddManual adds a contact entered by a tracer to a case.
func (s *Service) AddManual(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, caseID int64, in ManualInput) error {
	c, err := s.caseIn(ctx, scope, caseID)
	if err != nil {
		return err
	}
	if !slices.Contains(ManualKinds, in.Kind) {
		return errs.Invalidf("接触方式", "请选择：%s", strings.Join(ManualKinds, "、"))
	}
	name, err := personal.Name(in.Name)
	if err != nil || name == "" {
		return errs.Invalidf("姓名", "请填写姓名")
	}
	idn := ""
	if strings.TrimSpace(in.IDNumber) != "" {
		if idn, err = personal.NormalizeIDNumber(in.IDNumber); err != nil {
			return errs.Invalidf("身份证号", "%s", err.Error())
		}
	}
	phone := ""
	if strings.TrimSpace(in.Phone) != "" {
		if phone, err = personal.NormalizePhone(in.Phone); err != nil {
			return errs.Invalidf("手机号", "%s", err.Error())
		}
	}
	where, _ := personal.Text(in.Where)
	if len([]rune(where)) > 100 {
		return errs.Invalidf("地点", "请在100字以内")
	}
	if in.At == 0 || in.At > s.now().UnixMilli() || in.At < c.WindowFrom-7*24*3600*1000 {
		return errs.Invalidf("接触时间", "请填写接触时间（不晚于现在）")
	}
	var pid int64
	if idn != "" {
		err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT id FROM people WHERE id_number = $1 AND active = 1`, idn).Scan(&pid)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	k := Candidate{PersonID: pid, Name: name, IDNumber: idn, Phone: phone,
		Evidence: []Evidence{{Source: SourceManual, At: in.At, Where: in.Kind + " " + where}}}
	k.Key = Key(pid, idn, phone, name)
	if k.Key == Key(c.PersonID, "", "", "") {
		return errs.Invalidf("身份证号", "这是病例本人")
	}
	return s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.store(ctx, tx, c, []Candidate{k}, 0, s.now().UnixMilli()); err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionCreate, "tracing_contact", caseID, c.UnitCode, "录入接触者 "+name+"（"+in.Kind+"）")
	})
}

const contactCols = `t.id, t.case_id, cp.name, t.person_key, COALESCE(t.person_id, 0), t.name, t.id_number, t.phone, t.unit_code,
	COALESCE(u.name, ''), t.outside, t.sources, t.evidence, t.first_exposure, t.last_exposure, COALESCE(t.parent_id, 0), t.category,
	t.status, t.judged_at, t.judged_by, t.transfer_due, COALESCE(t.stay_id, 0), t.handed_at, COALESCE(t.became_case_id, 0), t.version`

const contactFrom = ` FROM tracing_contacts t JOIN tracing_cases c ON c.id = t.case_id JOIN people cp ON cp.id = c.person_id
	LEFT JOIN units u ON u.code = t.unit_code`

func scanContact(row interface{ Scan(...any) error }) (Contact, error) {
	var x Contact
	var srcs, ev string
	var outside int
	err := row.Scan(&x.ID, &x.CaseID, &x.CaseName, &x.Key, &x.PersonID, &x.Name, &x.IDNumber, &x.Phone, &x.UnitCode, &x.UnitName,
		&outside, &srcs, &ev, &x.FirstExposure, &x.LastExposure, &x.ParentID, &x.Category, &x.Status, &x.JudgedAt, &x.JudgedBy,
		&x.TransferDue, &x.StayID, &x.HandedAt, &x.BecameCaseID, &x.Version)
	if err != nil {
		return x, err
	}
	x.Outside = outside == 1
	if srcs != "" {
		x.Sources = strings.Split(srcs, ",")
	}
	if ev != "" {
		_ = json.Unmarshal([]byte(ev), &x.Evidence)
	}
	return x, nil
}

// ContactFilter narrows a contact list.
type ContactFilter struct {
	CaseID   int64
	Unit     string
	Status   string
	Outside  bool // only the 协查 list
	Category string
	Limit    int
	Offset   int // rows skipped (the page's paging)
	// PendingFirst lists the contacts still 待判定 before the others (a
	// case's page: the tracer's work first), each part in the usual order.
	PendingFirst bool
	// HandOver lists only the contacts the hand-over form takes: judged
	// close or secondary contacts not handed over yet.
	HandOver bool
}

// Contacts lists the contacts inside scope (by the contact's unit).
func (s *Service) Contacts(ctx context.Context, scope jurisdiction.Scope, f ContactFilter) ([]Contact, error) {
	scope, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return nil, fmt.Errorf("contacts of %s: %w", f.Unit, err)
	}
	if f.Limit <= 0 || f.Limit > 5000 {
		f.Limit = 1000
	}
	// The page's ids first, from the contacts alone, then their rows and
	// joins: what is sorted is ids, not every contact's evidence and case.
	// A first page is looked for among the first contacts of the whole
	// list's order (an index of that order, read for a few pages' worth):
	// when a county or an outbreak's village holds most contacts, the page
	// is there and nothing is sorted. Otherwise — a quiet village, a deep
	// page, a narrow filter — the scope's contacts are read through the
	// unit index (which covers the scope, the status and the order) and
	// sorted.
	offset := max(f.Offset, 0)
	if n := offset + f.Limit; n <= 500 && !f.PendingFirst {
		window := fmt.Sprintf("(SELECT id, unit_code, case_id, status, category, outside, parent_id, last_exposure FROM tracing_contacts"+
			contactOrder+" LIMIT %d)", "tracing_contacts", 4*n)
		out, err := s.contactPage(ctx, scope, f, window, offset)
		if err != nil || len(out) == f.Limit {
			return out, err
		}
	}
	return s.contactPage(ctx, scope, f, "tracing_contacts", offset)
}

// contactOrder is the contacts list's order over a table or alias (%[1]s).
const contactOrder = " ORDER BY %[1]s.parent_id IS NOT NULL, %[1]s.last_exposure DESC, %[1]s.id"

// pendingFirstOrder is contactOrder with the 待判定 contacts first.
const pendingFirstOrder = " ORDER BY %[1]s.status <> '" + StatusPending + "', %[1]s.parent_id IS NOT NULL, %[1]s.last_exposure DESC, %[1]s.id"

// contactPage reads the page of f.Limit contacts from offset on, in scope
// and matching f, taking their ids from from (the table or a window of it).
func (s *Service) contactPage(ctx context.Context, scope jurisdiction.Scope, f ContactFilter, from string, offset int) ([]Contact, error) {
	lo, hi := scope.Args()
	ids := "SELECT k.id FROM " + from + " k WHERE " + scope.Where("k.unit_code", 1)
	args := []any{lo, hi}
	add := func(cond string, v any) {
		args = append(args, v)
		ids += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.CaseID != 0 {
		add("k.case_id = $%d", f.CaseID)
	}
	if f.Status != "" {
		add("k.status = $%d", f.Status)
	}
	if f.Category != "" {
		add("k.category = $%d", f.Category)
	}
	if f.Outside {
		ids += " AND k.outside = 1 AND k.category IN ('close', 'secondary')"
	}
	if f.HandOver {
		ids += " AND k.status = '" + StatusJudged + "' AND k.category IN ('close', 'secondary')"
	}
	order := contactOrder
	if f.PendingFirst {
		order = pendingFirstOrder
	}
	ids += fmt.Sprintf(order+" LIMIT %d OFFSET %d", "k", f.Limit, offset)
	q := "SELECT " + contactCols + contactFrom + " WHERE t.id IN (" + ids + ")" + fmt.Sprintf(order, "t")
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("contacts: %w", err)
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		x, err := scanContact(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// JudgeInput is the tracer's judgment of some contacts of a case.
type JudgeInput struct {
	ContactIDs []int64
	Category   string
	// LastExposure overrides the computed last exposure (ms) when not 0.
	LastExposure int64
}

// Judge records the category of contacts of a case (密接 / 次密接 / 一般接触 /
// 排除) and sets their transfer deadline from the case's rule. Contacts
// already handed over are refused.
func (s *Service) Judge(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, caseID int64, in JudgeInput) (int, error) {
	if !slices.Contains(Categories, in.Category) {
		return 0, errs.Invalidf("判定", "请选择判定结果")
	}
	if len(in.ContactIDs) == 0 {
		return 0, errs.Invalidf("接触者", "请勾选要判定的人")
	}
	c, err := s.caseIn(ctx, scope, caseID)
	if err != nil {
		return 0, err
	}
	r, err := s.rule(ctx, c.RuleID)
	if err != nil {
		return 0, err
	}
	now := s.now().UnixMilli()
	if in.LastExposure > now {
		return 0, errs.Invalidf("末次暴露时间", "不能晚于现在")
	}
	var due int64
	switch in.Category {
	case CatClose:
		due = c.FoundAt + int64(r.CloseTransferHours)*int64(time.Hour/time.Millisecond)
	case CatSecondary:
		due = c.FoundAt + int64(r.SecondaryTransferHours)*int64(time.Hour/time.Millisecond)
	}
	lo, hi := scope.Args()
	n := 0
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		n = 0
		for _, id := range in.ContactIDs {
			var status, name, unit string
			err := tx.QueryRowContext(ctx, `SELECT status, name, unit_code FROM tracing_contacts WHERE id = $1 AND case_id = $2 AND `+
				scope.Where("unit_code", 3), id, caseID, lo, hi).Scan(&status, &name, &unit)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("contact %d: %w", id, errs.ErrNotFound)
			}
			if err != nil {
				return err
			}
			if status == StatusTransferred || status == StatusControlled {
				return &errs.Conflict{Message: name + " 已移交管控，不能改判"}
			}
			q := `UPDATE tracing_contacts SET category = $1, status = $2, judged_at = $3, judged_by = $4, transfer_due = $5,
				updated_at = $3, version = version + 1`
			args := []any{in.Category, StatusJudged, now, who.Username, due}
			if in.LastExposure != 0 {
				q += ", last_exposure = $7"
				args = append(args, id, in.LastExposure)
			} else {
				args = append(args, id)
			}
			if _, err := tx.ExecContext(ctx, q+" WHERE id = $6", args...); err != nil {
				return err
			}
			if err := s.record(ctx, tx, who, audit.ActionUpdate, "tracing_contact", id, unit, "判定 "+name+" 为"+CategoryName(in.Category)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("judge contacts of case %d: %w", caseID, err)
	}
	return n, nil
}

// Xiecha is the outgoing 协查 list for an export: the close and secondary
// contacts inside scope who are not in the county's registry or are
// registered outside it. The export is audited.
func (s *Service) Xiecha(ctx context.Context, who audit.Actor, scope jurisdiction.Scope) ([]Contact, error) {
	list, err := s.Contacts(ctx, scope, ContactFilter{Outside: true, Limit: 5000})
	if err != nil {
		return nil, err
	}
	if err := s.record(ctx, s.db.Writer(ctx), who, audit.ActionExport, "tracing_contact", 0, scope.Code(),
		fmt.Sprintf("导出协查推送名单 %d 人", len(list))); err != nil {
		return nil, err
	}
	return list, nil
}
