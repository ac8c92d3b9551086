package tracing

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
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/registry"
	"fangkong/internal/sheet"
)

// Classifications (病例分类).
var Classifications = []string{"确诊", "无症状感染者", "疑似"}

// FoundVia lists how a case was found (发现途径).
var FoundVia = []string{"哨点", "混管复核", "筛查", "主动就诊", "协查", "入境", "密接转归"}

// Case is one case (病例).
type Case struct {
	ID             int64
	PersonID       int64
	Name           string
	IDNumber       string
	Phone          string
	UnitCode       string
	UnitName       string
	Disease        string
	RuleID         int64
	Classification string
	FoundVia       string
	FoundAt        int64 // positive result / diagnosis: the clocks start here
	ReportedAt     int64 // 网络直报
	TrajectoryAt   int64 // trajectory done
	PreliminaryAt  int64 // preliminary epidemiological report done
	OnsetDate      string
	SampledAt      int64
	IsolatedAt     int64 // the end of the exposure window
	WindowFrom     int64 // the start of the look-back window
	TestRef        string
	ClusterID      int64
	ClusterName    string
	FromContactID  int64
	Escalated      string
	Note           string
	Version        int64
	CreatedAt      int64
	Clocks         []Clock
}

func (c Case) IDMasked() string    { return personal.MaskID(c.IDNumber) }
func (c Case) PhoneMasked() string { return personal.MaskPhone(c.Phone) }

// Late reports a missed clock.
func (c Case) Late() bool {
	for _, k := range c.Clocks {
		if k.Missed() {
			return true
		}
	}
	return false
}

// Clock is one deadline of a case and its state.
type Clock struct {
	Key   string // report, trajectory, preliminary
	Name  string // 网络直报 (2小时)
	Due   int64
	Done  int64
	State string // 按时完成, 超时完成, 进行中, 已超时
}

// Missed reports a clock past due (done late or not done).
func (k Clock) Missed() bool { return k.State == "已超时" || k.State == "超时完成" }

// Left is the time left of an open clock, as text.
func (k Clock) Left(now int64) string {
	if k.Done != 0 {
		return ""
	}
	d := time.Duration(k.Due-now) * time.Millisecond
	if d < 0 {
		return "超时 " + hm(-d)
	}
	return "剩余 " + hm(d)
}

func hm(d time.Duration) string {
	h := int(d.Hours())
	m := int(d.Minutes()) % 60
	if h > 0 {
		return fmt.Sprintf("%d小时%d分", h, m)
	}
	return fmt.Sprintf("%d分", m)
}

func clockState(due, done, now int64) string {
	switch {
	case done != 0 && done <= due:
		return "按时完成"
	case done != 0:
		return "超时完成"
	case now > due:
		return "已超时"
	}
	return "进行中"
}

// fillClocks sets the case's clocks from its rule.
func (c *Case) fillClocks(r Rule, now int64) {
	h := int64(time.Hour / time.Millisecond)
	c.Clocks = []Clock{
		{Key: "report", Name: fmt.Sprintf("网络直报（%d小时）", r.ReportHours), Due: c.FoundAt + int64(r.ReportHours)*h, Done: c.ReportedAt},
		{Key: "trajectory", Name: fmt.Sprintf("活动轨迹（%d小时）", r.TrajectoryHours), Due: c.FoundAt + int64(r.TrajectoryHours)*h, Done: c.TrajectoryAt},
		{Key: "preliminary", Name: fmt.Sprintf("初步流调报告（%d小时）", r.PreliminaryHours), Due: c.FoundAt + int64(r.PreliminaryHours)*h, Done: c.PreliminaryAt},
	}
	for i := range c.Clocks {
		c.Clocks[i].State = clockState(c.Clocks[i].Due, c.Clocks[i].Done, now)
	}
}

// CaseInput is a new case.
type CaseInput struct {
	PersonID int64
	// IDNumber finds the person in the caller's scope; when not registered,
	// Name and UnitCode register them.
	IDNumber, Name, Phone, UnitCode string
	Classification, FoundVia        string
	FoundAt                         int64 // ms; now when 0
	ReportedAt                      int64
	OnsetDate                       string
	SampledAt                       int64
	IsolatedAt                      int64 // ms; FoundAt when 0
	TestRef                         string
	FromContactID                   int64
	ClusterID                       int64
	Note                            string
}

// Window computes the exposure window of a case under rule r: from 00:00
// of (onset − N days), or (sampling − N days) without symptoms, or (found −
// N days) when neither is known; to the isolation time.
func Window(r Rule, onset string, sampledAt, foundAt int64) (int64, error) {
	day := onset
	if day == "" && sampledAt != 0 {
		day = dayOf(sampledAt)
	}
	if day == "" {
		day = dayOf(foundAt)
	}
	t, err := time.ParseInLocation("2006-01-02", day, clock.Shanghai)
	if err != nil {
		return 0, errs.Invalidf("发病日期", "日期格式应为 YYYY-MM-DD")
	}
	return dayStart(t.AddDate(0, 0, -r.LookBackDays).Format("2006-01-02"))
}

func (s *Service) validateCase(in *CaseInput) error {
	if !slices.Contains(Classifications, in.Classification) {
		return errs.Invalidf("分类", "请选择：%s", strings.Join(Classifications, "、"))
	}
	if !slices.Contains(FoundVia, in.FoundVia) {
		return errs.Invalidf("发现途径", "请选择：%s", strings.Join(FoundVia, "、"))
	}
	now := s.now().UnixMilli()
	if in.FoundAt == 0 {
		in.FoundAt = now
	}
	if in.FoundAt > now+60000 {
		return errs.Invalidf("发现时间", "不能晚于现在")
	}
	if in.IsolatedAt == 0 {
		in.IsolatedAt = in.FoundAt
	}
	if in.SampledAt > in.FoundAt {
		return errs.Invalidf("采样时间", "不能晚于发现时间")
	}
	if in.OnsetDate = sheet.NormDate(in.OnsetDate); in.OnsetDate != "" {
		if _, err := time.Parse("2006-01-02", in.OnsetDate); err != nil {
			return errs.Invalidf("发病日期", "“%s”无法识别，请按 2022-03-01 填写", in.OnsetDate)
		}
		if in.OnsetDate > dayOf(in.FoundAt) {
			return errs.Invalidf("发病日期", "不能晚于发现日期")
		}
	}
	for name, v := range map[string]*string{"检测关联": &in.TestRef, "备注": &in.Note} {
		t, err := personal.Text(*v)
		if err != nil || len([]rune(t)) > 200 {
			return errs.Invalidf(name, "请在200字以内，不含控制字符")
		}
		*v = t
	}
	return nil
}

// findPerson returns the person of a case input inside scope, registering
// them when the ID number is not known and a name and unit are given.
func (s *Service) findPerson(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, in CaseInput) (int64, error) {
	lo, hi := scope.Args()
	if in.PersonID != 0 {
		var id int64
		err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT id FROM people WHERE id = $1 AND `+registry.PeopleInScope("", scope, 2),
			in.PersonID, lo, hi).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("person %d: %w", in.PersonID, errs.ErrNotFound)
		}
		return id, err
	}
	idn, err := personal.NormalizeIDNumber(in.IDNumber)
	if err != nil {
		return 0, errs.Invalidf("身份证号", "%s", err.Error())
	}
	var id int64
	err = s.db.Reader(ctx).QueryRowContext(ctx, `SELECT id FROM people WHERE id_number = $1 AND `+registry.PeopleInScope("", scope, 2),
		idn, lo, hi).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if strings.TrimSpace(in.Name) == "" || in.UnitCode == "" {
		return 0, errs.Invalidf("身份证号", "辖区台账中没有该人员：请填写姓名和所在村(社区)以登记")
	}
	p, err := s.people.CreatePerson(ctx, who, scope, registry.Person{Name: in.Name, IDNumber: idn, Phone: in.Phone, UnitCode: in.UnitCode,
		Note: "流调登记病例"})
	if err != nil {
		return 0, err
	}
	return p.ID, nil
}

// CreateCase registers a case; its rule is the version in force on the day
// it was found, and its exposure window is fixed from it.
func (s *Service) CreateCase(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, in CaseInput) (Case, error) {
	if err := s.validateCase(&in); err != nil {
		return Case{}, err
	}
	r, err := s.RuleOn(ctx, DiseaseCOVID, dayOf(in.FoundAt))
	if err != nil {
		return Case{}, err
	}
	from, err := Window(r, in.OnsetDate, in.SampledAt, in.FoundAt)
	if err != nil {
		return Case{}, err
	}
	pid, err := s.findPerson(ctx, who, scope, in)
	if err != nil {
		return Case{}, err
	}
	now := s.now().UnixMilli()
	var id int64
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var unit, idn string
		if err := tx.QueryRowContext(ctx, `SELECT unit_code, COALESCE(id_number, '') FROM people WHERE id = $1`, pid).Scan(&unit, &idn); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tracing_cases WHERE person_id = $1`, pid).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &errs.Conflict{Message: "该人员已登记为病例"}
		}
		var cluster any
		if in.ClusterID != 0 {
			cluster = in.ClusterID
		}
		var from_ any
		if in.FromContactID != 0 {
			from_ = in.FromContactID
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO tracing_cases (person_id, unit_code, disease, rule_id, classification, found_via,
			found_at, reported_at, onset_date, sampled_at, isolated_at, window_from, test_ref, cluster_id, from_contact_id, note,
			created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)
			RETURNING id`, pid, unit, DiseaseCOVID, r.ID, in.Classification, in.FoundVia, in.FoundAt, in.ReportedAt, in.OnsetDate,
			in.SampledAt, in.IsolatedAt, from, in.TestRef, cluster, from_, in.Note, who.Username, now).Scan(&id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tracing_case_classes (case_id, classification, at, by_user, note)
			VALUES ($1, $2, $3, $4, '登记')`, id, in.Classification, now, who.Username); err != nil {
			return err
		}
		// Scans recorded before the person was registered.
		if idn != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE tracing_scans SET person_id = $1 WHERE person_id IS NULL AND id_number = $2`, pid, idn); err != nil {
				return err
			}
		}
		if in.FromContactID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE tracing_contacts SET became_case_id = $1, updated_at = $2, version = version + 1
				WHERE person_id = $3`, id, now, pid); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, who, audit.ActionCreate, "tracing_case", id, unit,
			fmt.Sprintf("登记病例（%s，%s）", in.Classification, in.FoundVia))
	})
	if err != nil {
		return Case{}, fmt.Errorf("create case: %w", err)
	}
	return s.caseIn(ctx, scope, id)
}

const caseCols = `c.id, c.person_id, p.name, COALESCE(p.id_number, ''), p.phone, c.unit_code, COALESCE(u.name, ''), c.disease, c.rule_id,
	c.classification, c.found_via, c.found_at, c.reported_at, c.trajectory_at, c.preliminary_at, c.onset_date, c.sampled_at,
	c.isolated_at, c.window_from, c.test_ref, COALESCE(c.cluster_id, 0), COALESCE(k.name, ''), COALESCE(c.from_contact_id, 0),
	c.escalated, c.note, c.version, c.created_at`

const caseFrom = ` FROM tracing_cases c JOIN people p ON p.id = c.person_id LEFT JOIN units u ON u.code = c.unit_code
	LEFT JOIN tracing_clusters k ON k.id = c.cluster_id`

func scanCase(row interface{ Scan(...any) error }) (Case, error) {
	var c Case
	err := row.Scan(&c.ID, &c.PersonID, &c.Name, &c.IDNumber, &c.Phone, &c.UnitCode, &c.UnitName, &c.Disease, &c.RuleID,
		&c.Classification, &c.FoundVia, &c.FoundAt, &c.ReportedAt, &c.TrajectoryAt, &c.PreliminaryAt, &c.OnsetDate, &c.SampledAt,
		&c.IsolatedAt, &c.WindowFrom, &c.TestRef, &c.ClusterID, &c.ClusterName, &c.FromContactID, &c.Escalated, &c.Note, &c.Version, &c.CreatedAt)
	return c, err
}

// caseIn reads a case inside scope (not audited: for the service's own use).
func (s *Service) caseIn(ctx context.Context, scope jurisdiction.Scope, id int64) (Case, error) {
	lo, hi := scope.Args()
	c, err := scanCase(s.db.Reader(ctx).QueryRowContext(ctx, "SELECT "+caseCols+caseFrom+" WHERE c.id = $1 AND "+scope.Where("c.unit_code", 2), id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, fmt.Errorf("case %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Case{}, fmt.Errorf("case %d: %w", id, err)
	}
	r, err := s.rule(ctx, c.RuleID)
	if err != nil {
		return Case{}, err
	}
	c.fillClocks(r, s.now().UnixMilli())
	return c, nil
}

// ViewCase reads a case for a person's eyes: audited.
func (s *Service) ViewCase(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64) (Case, error) {
	c, err := s.caseIn(ctx, scope, id)
	if err != nil {
		return Case{}, err
	}
	if err := s.record(ctx, s.db.Writer(ctx), who, audit.ActionView, "tracing_case", id, c.UnitCode, "查看病例 "+c.Name); err != nil {
		return Case{}, err
	}
	return c, nil
}

// CaseFilter narrows the case list.
type CaseFilter struct {
	Unit      string
	ClusterID int64
	Late      bool   // only cases with a missed clock
	Day       string // only cases found on this day (YYYY-MM-DD, China time): 当日新增病例
	Limit     int
}

// foundOn is the [from, to) of found_at (Unix ms) on day, China time: the
// one definition of a case new on a day (当日新增病例), for the summary
// and the list.
func foundOn(day string) (from, to int64, err error) {
	t, err := time.ParseInLocation("2006-01-02", day, clock.Shanghai)
	if err != nil {
		return 0, 0, invalidf("day", "日期格式应为 2006-01-02")
	}
	return t.UnixMilli(), t.AddDate(0, 0, 1).UnixMilli(), nil
}

// Cases lists the cases inside scope, newest first, with their clocks.
func (s *Service) Cases(ctx context.Context, scope jurisdiction.Scope, f CaseFilter) ([]Case, error) {
	scope, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return nil, fmt.Errorf("cases of %s: %w", f.Unit, err)
	}
	if f.Limit <= 0 || f.Limit > 2000 {
		f.Limit = 500
	}
	lo, hi := scope.Args()
	q := "SELECT " + caseCols + caseFrom + " WHERE " + scope.Where("c.unit_code", 1)
	args := []any{lo, hi}
	if f.ClusterID != 0 {
		args = append(args, f.ClusterID)
		q += fmt.Sprintf(" AND c.cluster_id = $%d", len(args))
	}
	if f.Day != "" {
		from, to, err := foundOn(f.Day)
		if err != nil {
			return nil, err
		}
		args = append(args, from, to)
		q += fmt.Sprintf(" AND c.found_at >= $%d AND c.found_at < $%d", len(args)-1, len(args))
	}
	q += fmt.Sprintf(" ORDER BY c.found_at DESC, c.id DESC LIMIT %d", f.Limit)
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("cases: %w", err)
	}
	defer rows.Close()
	var out []Case
	rules := map[int64]Rule{}
	now := s.now().UnixMilli()
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	keep := out[:0]
	for _, c := range out {
		r, ok := rules[c.RuleID]
		if !ok {
			if r, err = s.rule(ctx, c.RuleID); err != nil {
				return nil, err
			}
			rules[c.RuleID] = r
		}
		c.fillClocks(r, now)
		if !f.Late || c.Late() {
			keep = append(keep, c)
		}
	}
	return keep, nil
}

// Reclassify changes a case's classification, keeping the history.
func (s *Service) Reclassify(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, class, note string) error {
	if !slices.Contains(Classifications, class) {
		return errs.Invalidf("分类", "请选择：%s", strings.Join(Classifications, "、"))
	}
	c, err := s.caseIn(ctx, scope, id)
	if err != nil {
		return err
	}
	// The same class again is recorded too: a correction of the note.
	note, _ = personal.Text(note)
	now := s.now().UnixMilli()
	return s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE tracing_cases SET classification = $1, updated_at = $2, version = version + 1 WHERE id = $3`,
			class, now, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tracing_case_classes (case_id, classification, at, by_user, note) VALUES ($1, $2, $3, $4, $5)`,
			id, class, now, who.Username, note); err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "tracing_case", id, c.UnitCode, fmt.Sprintf("订正分类：%s → %s", c.Classification, class))
	})
}

// ClassChange is one entry of a case's classification history.
type ClassChange struct {
	Classification string
	At             int64
	By, Note       string
}

// History is a case's classification history, oldest first.
func (s *Service) History(ctx context.Context, scope jurisdiction.Scope, id int64) ([]ClassChange, error) {
	if _, err := s.caseIn(ctx, scope, id); err != nil {
		return nil, err
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT classification, at, by_user, note FROM tracing_case_classes WHERE case_id = $1 ORDER BY at, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ClassChange
	for rows.Next() {
		var x ClassChange
		if err := rows.Scan(&x.Classification, &x.At, &x.By, &x.Note); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// MarkClock records a clock's task done (at: ms, now when 0).
func (s *Service) MarkClock(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, key string, at int64) error {
	col := map[string]string{"report": "reported_at", "trajectory": "trajectory_at", "preliminary": "preliminary_at"}[key]
	if col == "" {
		return errs.Invalidf("时限", "未知的时限")
	}
	c, err := s.caseIn(ctx, scope, id)
	if err != nil {
		return err
	}
	now := s.now().UnixMilli()
	if at == 0 {
		at = now
	}
	if at > now+60000 || at < c.FoundAt-24*3600*1000 {
		return errs.Invalidf("完成时间", "不能晚于现在，也不能早于发现时间前一天")
	}
	return s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE tracing_cases SET `+col+` = $1, updated_at = $2, version = version + 1 WHERE id = $3`, at, now, id); err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "tracing_case", id, c.UnitCode, "完成："+key+" "+clock.Format(at))
	})
}

// Escalate marks the cases with a newly missed clock (escalated names the
// clocks already escalated) and returns how many it marked: a job run by
// the server, so that a missed clock reaches the command centre's list even
// when nobody opens the case; each newly missed clock is told to the
// command centre (EventClockMissed).
func (s *Service) Escalate(ctx context.Context) (int, error) {
	cases, err := s.Cases(ctx, jurisdiction.System("tracing escalation"), CaseFilter{Late: true, Limit: 2000})
	if err != nil {
		return 0, err
	}
	n := 0
	now := s.now().UnixMilli()
	for _, c := range cases {
		var missed []string
		for _, k := range c.Clocks {
			if k.Missed() {
				missed = append(missed, k.Key)
			}
		}
		esc := strings.Join(missed, ",")
		if esc == c.Escalated {
			continue
		}
		// Marked and told in one transaction; a concurrent run that marked
		// it first leaves it alone.
		marked := false
		err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE tracing_cases SET escalated = $1, updated_at = $2 WHERE id = $3 AND escalated = $4`,
				esc, now, c.ID, c.Escalated)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil
			}
			marked = true
			return s.emitMissed(ctx, c, c.Escalated)
		})
		if err != nil {
			return n, fmt.Errorf("escalate case %d: %w", c.ID, err)
		}
		if marked {
			n++
		}
	}
	return n, nil
}
