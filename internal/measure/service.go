// Package measure runs control measures (管控措施) on people: it assigns a
// category under the policy in force (package policy) and stores the
// measure with its phases (集中隔离, 居家隔离, 居家健康监测, 自我健康监测),
// scheduled tests and daily health checks, with a Chinese sentence saying
// why; it keeps the daily work lists of each village, records checks and
// test results, raises alerts (abnormal checks to the township health
// centre; 脱管 — missed checks or tests — escalated village → township →
// county), re-plans everyone when the policy changes, and releases people
// (解除) with a printable notice (解除告知书).
//
// Exported API for other modules (call through a small interface of your own):
//
//   - AssignCategory(ctx, actor, personID, category, dayZero, source, note) error:
//     put a person under the measure for a category (code like "close_contact"
//     or a Chinese name like "密切接触者") from a day zero (YYYY-MM-DD,
//     Asia/Shanghai). The scope is the actor's unit. Repeating the same
//     category and day zero is a no-op; a different one supersedes the
//     person's active measure. Returnees, tracing and testing call this.
//   - Assign(ctx, actor, scope, AssignInput) (Measure, error): the same with
//     the choice (高风险岗位: central/home), place and risk level.
//   - AssignMany(ctx, actor, scope, []AssignInput) (int, error): many at once,
//     in one transaction (a tracing team's list, demo data).
//   - Active(ctx, scope, personID) (Measure, error): the person's active measure.
//   - RecordSiteEvent(ctx, actor, scope, personID, event, site) error: note a
//     quarantine-site event (转运, 入住, 转出) on the person's active measure,
//     audited; ErrNotFound when the person has no active measure in scope.
//   - RecordTestResult(ctx, actor, scope, testID, result) error and
//     TestsDue(ctx, scope, day): the testing module's hooks.
//   - Sweep(ctx, now) (SweepResult, error): the periodic alert sweep; Run
//     starts it on a ticker.
package measure

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/personal"
	"fangkong/internal/policy"
	"fangkong/internal/registry"
	"fangkong/internal/wire"
)

// Statuses of a measure.
const (
	StatusActive     = "active"     // 管控中
	StatusReleased   = "released"   // 已解除
	StatusHandedOff  = "handed_off" // 已移交定点医院
	StatusSuperseded = "superseded" // 已由新措施替代
)

// StatusName is the Chinese name of a status.
func StatusName(s string) string {
	switch s {
	case StatusActive:
		return "管控中"
	case StatusReleased:
		return "已解除"
	case StatusHandedOff:
		return "已移交"
	case StatusSuperseded:
		return "已替代"
	}
	return s
}

// Service stores and runs measures.
type Service struct {
	db     *db.DB
	policy *policy.Store
	// rounds reads testing-round results for tests due before assignment.
	rounds RoundResults
	// notifier tells people of alerts (notify), in the alert's transaction.
	notifier notify.Emitter
	now      func() time.Time
	// Grace is how long after a day ends its checks and tests may still be
	// recorded before a 脱管 alert opens.
	Grace time.Duration
	// EscalateAfter is how long an alert may stay unhandled at one level
	// before it goes up the tree.
	EscalateAfter time.Duration
}

// NewService returns a Service; rounds is the testing module's read side
// (sampling.NewResultReader), or NoRoundResults; notifier tells of alerts
// (the notifications service, or notify.Discard).
func NewService(d *db.DB, p *policy.Store, rounds RoundResults, notifier notify.Emitter, now func() time.Time) *Service {
	wire.Need("measure.NewService", "db", d)
	wire.Need("measure.NewService", "policy", p)
	wire.Need("measure.NewService", "rounds", rounds)
	wire.Need("measure.NewService", "notifier", notifier)
	if now == nil {
		now = time.Now
	}
	return &Service{db: d, policy: p, rounds: rounds, notifier: notifier, now: now, Grace: 2 * time.Hour, EscalateAfter: 6 * time.Hour}
}

// Policy is the policy store the service plans with.
func (s *Service) Policy() *policy.Store { return s.policy }

func (s *Service) today() string { return clock.Day(s.now()) }

// Measure is one person's measure.
type Measure struct {
	ID                int64
	PersonID          int64
	PersonName        string
	IDNumber          string // full; mask before listing
	Phone             string
	Address           string
	UnitCode          string
	UnitName          string
	Category          string
	Choice            string
	DayZero           string
	Place             string
	RiskLevel         string
	PolicyVersionID   int64
	PolicyVersion     string
	Status            string
	AssignedOn        string
	EndDate           string
	OpenEnded         bool
	ReleaseOnNegative bool
	Explanation       string
	Source            string
	Note              string
	Token             string
	CreatedBy         string
	CreatedAt         int64
	ReleasedAt        int64
	ReleasedBy        string
	ReleasedOn        string
	Version           int
	Phases            []Phase
	Tests             []Test
	Checks            []Check
}

// CategoryName is the category in Chinese.
func (m Measure) CategoryName() string { return policy.CategoryName(m.Category) }

// StatusName is the status in Chinese.
func (m Measure) StatusName() string { return StatusName(m.Status) }

// MaskedID and MaskedPhone are for lists.
func (m Measure) MaskedID() string    { return personal.MaskID(m.IDNumber) }
func (m Measure) MaskedPhone() string { return personal.MaskPhone(m.Phone) }

// PhaseOn is the phase covering day, if any.
func (m Measure) PhaseOn(day string) *Phase {
	for i := range m.Phases {
		if m.Phases[i].Start <= day && day <= m.Phases[i].End {
			return &m.Phases[i]
		}
	}
	return nil
}

// Phase is one stored phase.
type Phase struct {
	Seq         int
	Type        string
	Name        string
	Start       string
	End         string
	ChecksDaily int
}

// TypeName is the phase type in Chinese.
func (p Phase) TypeName() string { return policy.PhaseTypeName(p.Type) }

// Days is the phase's length.
func (p Phase) Days() int { return policy.DaysBetween(p.Start, p.End) + 1 }

// Test is one scheduled test.
type Test struct {
	ID         int64
	MeasureID  int64
	Due        string
	Day        int
	SampledAt  int64
	Result     string // "", negative, positive
	ResultAt   int64
	RecordedBy string
	Source     string // where a result came from: "" by hand, or a testing round (全员核酸)
	// A test due before the assignment that could not be taken is waived
	// by a cadre with a reason (Waive); it is never silently skipped.
	WaivedReason string
	WaivedBy     string
	WaivedAt     int64
}

// Waived reports a test a cadre waived.
func (t Test) Waived() bool { return t.WaivedAt != 0 }

// Missing reports a test with neither a result nor a waiver.
func (t Test) Missing() bool { return t.Result == "" && !t.Waived() }

// ResultName is the result in Chinese.
func (t Test) ResultName() string { return ResultName(t.Result) }

// ResultName is a test result in Chinese.
func ResultName(r string) string {
	switch r {
	case ResultNegative:
		return "阴性"
	case ResultPositive:
		return "阳性"
	}
	return "待出结果"
}

// Test results.
const (
	ResultNegative = "negative"
	ResultPositive = "positive"
)

// Check is one recorded health check.
type Check struct {
	ID         int64
	MeasureID  int64
	Day        string
	At         int64
	TempTenths int
	Symptoms   string
	Abnormal   bool
	Via        string // grid, self
	RecordedBy string
}

// Temp is the temperature as text, e.g. "36.5"; "—" once the retention
// job has cleared it.
func (c Check) Temp() string {
	if c.TempTenths == 0 {
		return "—"
	}
	return fmt.Sprintf("%d.%d", c.TempTenths/10, c.TempTenths%10)
}

// Time is when it was recorded.
func (c Check) Time() string { return clock.Format(c.At) }

// AssignInput is what an assignment needs.
type AssignInput struct {
	PersonID  int64
	Category  string // code or Chinese name
	Choice    string // central/home (集中/居家) where the rule allows
	DayZero   string // YYYY-MM-DD
	Place     string // where the person came from
	RiskLevel string // 高/中/低
	Source    string // 手工, 返乡登记, 流调, 卡口, 核酸筛查…
	Note      string
	Version   string // a policy version by name; "" = the one in force on DayZero
	// Dates are the person's other dates by day-zero kind ("leaving",
	// "arrival", "last_exposure"): when the rule in force counts from a
	// kind found here, that date is day zero (a returnee from a high-risk
	// area counts from leaving under 第九版, from arrival under the 2021
	// rules).
	Dates map[string]string
}

// AssignCategory puts a person under the measure for category from dayZero;
// see the package doc. The scope is the actor's unit.
func (s *Service) AssignCategory(ctx context.Context, actor audit.Actor, personID int64, category, dayZero, source, note string) error {
	scope, err := hookScope(actor)
	if err != nil {
		return err
	}
	_, err = s.Assign(ctx, actor, scope, AssignInput{
		PersonID: personID, Category: category, DayZero: dayZero, Source: source, Note: note})
	if policy.IsNoRule(err) {
		return nil // the policy in force asks nothing of the category (不层层加码)
	}
	return err
}

// hookScope is the scope of a hook's actor. The hooks (AssignCategory,
// AssignArrival) take no scope from their caller, only the actor, so the
// scope is the unit auth recorded for a signed-in user (audit.Actor.Unit,
// from auth.User.Actor); an actor without a unit is a system job (the CLI,
// the demo loader, a relevel after a risk-area import) and gets the whole
// country, as before.
func hookScope(actor audit.Actor) (jurisdiction.Scope, error) {
	all := jurisdiction.System("measure hook for " + actor.Username)
	if actor.Unit == "" {
		return all, nil
	}
	return all.Narrow(actor.Unit)
}

// AssignArrival puts a returnee under the measure for category, counting
// from the day they left the risk area or the day they arrived, whichever
// the rule in force names.
func (s *Service) AssignArrival(ctx context.Context, actor audit.Actor, personID int64, category, departedOn, arrivedOn, source, note string) error {
	day0 := departedOn
	if day0 == "" || category == "low_risk_area" {
		day0 = arrivedOn
	}
	scope, err := hookScope(actor)
	if err != nil {
		return err
	}
	_, err = s.Assign(ctx, actor, scope, AssignInput{
		PersonID: personID, Category: category, DayZero: day0, Source: source, Note: note,
		Dates: map[string]string{"leaving": departedOn, "arrival": arrivedOn}})
	if policy.IsNoRule(err) {
		// A version without a rule for arrivals from risk areas (a new
		// disease's): the returnee is registered, and no measure is made up.
		return nil
	}
	return err
}

func newToken() string {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

type personInfo struct {
	id   int64
	name string
	unit string
}

func personInScope(ctx context.Context, q db.Querier, scope jurisdiction.Scope, id int64) (personInfo, error) {
	lo, hi := scope.Args()
	var p personInfo
	err := q.QueryRowContext(ctx, `SELECT id, name, unit_code FROM people
		WHERE id = $1 AND `+registry.PeopleInScope("", scope, 2), id, lo, hi).
		Scan(&p.id, &p.name, &p.unit)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errs.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("person %d: %w", id, err)
	}
	return p, nil
}

// Assign computes the plan for the person and stores the measure.
func (s *Service) Assign(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, in AssignInput) (Measure, error) {
	cat, ok := policy.CategoryByCode(in.Category)
	if !ok {
		return Measure{}, errs.Invalidf("category", "未知人员类别“%s”", in.Category)
	}
	in.Category = cat.Code
	in.DayZero = strings.TrimSpace(in.DayZero)
	if in.DayZero == "" {
		return Measure{}, errs.Invalidf("day_zero", "请填写起算日（末次暴露、抵达或离开之日）")
	}
	if _, err := policy.ParseDay(in.DayZero); err != nil {
		return Measure{}, err
	}
	if in.DayZero > s.today() {
		return Measure{}, errs.Invalidf("day_zero", "起算日 %s 不能晚于今天", in.DayZero)
	}
	if err := policy.CheckDayZero(in.DayZero, s.today()); err != nil {
		return Measure{}, err
	}
	var err error
	if in.Place, err = personal.Name(in.Place); err != nil {
		return Measure{}, errs.Invalidf("place", "%s", err.Error())
	}
	if in.Note, err = personal.Text(in.Note); err != nil {
		return Measure{}, errs.Invalidf("note", "%s", err.Error())
	}
	switch in.RiskLevel {
	case "", "高", "中", "低":
	default:
		return Measure{}, errs.Invalidf("risk_level", "风险等级应为 高、中 或 低")
	}
	if in.Source == "" {
		in.Source = "手工"
	}
	vs, err := s.policy.Versions(ctx)
	if err != nil {
		return Measure{}, err
	}
	plan, err := policy.PlanWith(vs, in.Version, in.Category, in.Choice, in.DayZero,
		policy.Circumstances{Place: in.Place, RiskLevel: in.RiskLevel})
	if err != nil {
		return Measure{}, err
	}
	if d := strings.TrimSpace(in.Dates[plan.DayZeroKind]); d != "" && d != in.DayZero && policy.CheckDayZero(d, s.today()) == nil {
		if _, err := policy.ParseDay(d); err == nil {
			in.DayZero = d
			if plan, err = policy.PlanWith(vs, in.Version, in.Category, in.Choice, in.DayZero,
				policy.Circumstances{Place: in.Place, RiskLevel: in.RiskLevel}); err != nil {
				return Measure{}, err
			}
		}
	}
	v, _ := policy.Find(vs, plan.Version)
	var m Measure
	// Joins the caller's transaction: a returnee's arrival, the person
	// created for it and this measure commit together (db.InTx).
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		m = Measure{}
		p, err := personInScope(ctx, tx, scope, in.PersonID)
		if err != nil {
			return err
		}
		// Same category and day zero already active: nothing to do.
		var existing int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM measures WHERE person_id = $1 AND status = 'active'
			AND category = $2 AND day_zero = $3 AND choice = $4`, p.id, in.Category, in.DayZero, plan.Choice).Scan(&existing)
		if err == nil {
			m.ID = existing
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("assign: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE measures SET status = 'superseded', updated_at = $1, version = version + 1
			WHERE person_id = $2 AND status = 'active'`, s.now().UnixMilli(), p.id); err != nil {
			return fmt.Errorf("assign: supersede: %w", err)
		}
		if m, err = s.insertMeasure(ctx, tx, actor, p, in, plan, v.ID); err != nil {
			return err
		}
		// Tests due before today could not be scheduled in time: take
		// them from the person's testing-round results where there are.
		_, err = s.fillFromRounds(ctx, tx, actor, m.ID)
		return err
	})
	if err != nil {
		return Measure{}, err
	}
	return s.get(ctx, s.db.Reader(ctx), scope, m.ID)
}

func (s *Service) insertMeasure(ctx context.Context, tx *sql.Tx, actor audit.Actor, p personInfo, in AssignInput, plan policy.Plan, versionID int64) (Measure, error) {
	now := s.now()
	status := StatusActive
	if plan.HandOff {
		status = StatusHandedOff
	}
	m := Measure{PersonID: p.id, UnitCode: p.unit, Category: in.Category, Choice: plan.Choice, DayZero: in.DayZero,
		Place: in.Place, RiskLevel: in.RiskLevel, PolicyVersionID: versionID, PolicyVersion: plan.Version, Status: status,
		AssignedOn: clock.Day(now), EndDate: plan.End, OpenEnded: plan.OpenEnded, ReleaseOnNegative: plan.ReleaseOnNegative,
		Explanation: plan.Explanation, Source: in.Source, Note: in.Note, Token: newToken(), CreatedBy: actor.Username}
	err := tx.QueryRowContext(ctx, `INSERT INTO measures (person_id, unit_code, category, choice, day_zero, place, risk_level,
		policy_version_id, policy_version, status, assigned_on, end_date, open_ended, release_on_negative, explanation,
		source, note, token, created_by, created_role, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21) RETURNING id`,
		m.PersonID, m.UnitCode, m.Category, m.Choice, m.DayZero, m.Place, m.RiskLevel, m.PolicyVersionID, m.PolicyVersion,
		m.Status, m.AssignedOn, m.EndDate, boolInt(m.OpenEnded), boolInt(m.ReleaseOnNegative), m.Explanation, m.Source,
		m.Note, m.Token, m.CreatedBy, actor.Role, now.UnixMilli()).Scan(&m.ID)
	if err != nil {
		return m, fmt.Errorf("insert measure: %w", err)
	}
	if !plan.HandOff {
		for i, ph := range plan.Phases {
			if _, err := tx.ExecContext(ctx, `INSERT INTO measure_phases (measure_id, seq, unit_code, type, name, start_date, end_date, checks_daily)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, m.ID, i+1, m.UnitCode, ph.Type, ph.Name, ph.Start, ph.End, ph.ChecksDaily); err != nil {
				return m, fmt.Errorf("insert phase: %w", err)
			}
		}
		for _, t := range plan.Tests {
			if _, err := tx.ExecContext(ctx, `INSERT INTO measure_tests (measure_id, unit_code, due, day) VALUES ($1, $2, $3, $4)`,
				m.ID, m.UnitCode, t.Date, t.Day); err != nil {
				return m, fmt.Errorf("insert test: %w", err)
			}
		}
	}
	err = audit.Record(ctx, tx, now, actor, audit.ActionCreate, "measure", fmt.Sprint(m.ID), m.UnitCode,
		fmt.Sprintf("%s 列为%s（起算日 %s，来源：%s）", p.name, policy.CategoryName(m.Category), m.DayZero, m.Source))
	return m, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const measureCols = `m.id, m.person_id, p.name, COALESCE(p.id_number, ''), p.phone, COALESCE(h.address, ''), m.unit_code,
	COALESCE(u.name, ''), m.category, m.choice, m.day_zero, m.place, m.risk_level, m.policy_version_id, m.policy_version,
	m.status, m.assigned_on, m.end_date, m.open_ended, m.release_on_negative, m.explanation, m.source, m.note, m.token,
	m.created_by, m.created_at, m.released_at, m.released_by, m.released_on, m.version`

const measureFrom = ` FROM measures m JOIN people p ON p.id = m.person_id
	LEFT JOIN households h ON h.id = p.household_id LEFT JOIN units u ON u.code = m.unit_code `

func scanMeasure(sc interface{ Scan(...any) error }) (Measure, error) {
	var m Measure
	var open, ron int
	err := sc.Scan(&m.ID, &m.PersonID, &m.PersonName, &m.IDNumber, &m.Phone, &m.Address, &m.UnitCode, &m.UnitName,
		&m.Category, &m.Choice, &m.DayZero, &m.Place, &m.RiskLevel, &m.PolicyVersionID, &m.PolicyVersion, &m.Status,
		&m.AssignedOn, &m.EndDate, &open, &ron, &m.Explanation, &m.Source, &m.Note, &m.Token, &m.CreatedBy,
		&m.CreatedAt, &m.ReleasedAt, &m.ReleasedBy, &m.ReleasedOn, &m.Version)
	m.OpenEnded, m.ReleaseOnNegative = open == 1, ron == 1
	return m, err
}

// Get returns a measure with its phases, tests and checks, without auditing
// (for internal use and redirects); pages use View.
func (s *Service) Get(ctx context.Context, scope jurisdiction.Scope, id int64) (Measure, error) {
	return s.get(ctx, s.db.R(), scope, id)
}

func (s *Service) get(ctx context.Context, q db.Querier, scope jurisdiction.Scope, id int64) (Measure, error) {
	lo, hi := scope.Args()
	m, err := scanMeasure(q.QueryRowContext(ctx, "SELECT "+measureCols+measureFrom+
		"WHERE m.id = $1 AND "+scope.Where("m.unit_code", 2), id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return m, errs.ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("measure %d: %w", id, err)
	}
	if err := s.details(ctx, q, &m); err != nil {
		return m, err
	}
	return m, nil
}

func (s *Service) details(ctx context.Context, q db.Querier, m *Measure) error {
	rows, err := q.QueryContext(ctx, `SELECT seq, type, name, start_date, end_date, checks_daily FROM measure_phases
		WHERE measure_id = $1 ORDER BY seq`, m.ID)
	if err != nil {
		return fmt.Errorf("measure %d phases: %w", m.ID, err)
	}
	m.Phases = nil
	for rows.Next() {
		var p Phase
		if err := rows.Scan(&p.Seq, &p.Type, &p.Name, &p.Start, &p.End, &p.ChecksDaily); err != nil {
			rows.Close()
			return err
		}
		m.Phases = append(m.Phases, p)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT id, measure_id, due, day, sampled_at, result, result_at, recorded_by,
		source, waived_reason, waived_by, waived_at FROM measure_tests WHERE measure_id = $1 ORDER BY due, id`, m.ID)
	if err != nil {
		return fmt.Errorf("measure %d tests: %w", m.ID, err)
	}
	m.Tests = nil
	for rows.Next() {
		var t Test
		if err := rows.Scan(&t.ID, &t.MeasureID, &t.Due, &t.Day, &t.SampledAt, &t.Result, &t.ResultAt, &t.RecordedBy,
			&t.Source, &t.WaivedReason, &t.WaivedBy, &t.WaivedAt); err != nil {
			rows.Close()
			return err
		}
		m.Tests = append(m.Tests, t)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT id, measure_id, day, at, temp_tenths, symptoms, abnormal, via, recorded_by
		FROM measure_checks WHERE measure_id = $1 ORDER BY at DESC, id DESC`, m.ID)
	if err != nil {
		return fmt.Errorf("measure %d checks: %w", m.ID, err)
	}
	defer rows.Close()
	m.Checks = nil
	for rows.Next() {
		var c Check
		var ab int
		if err := rows.Scan(&c.ID, &c.MeasureID, &c.Day, &c.At, &c.TempTenths, &c.Symptoms, &ab, &c.Via, &c.RecordedBy); err != nil {
			return err
		}
		c.Abnormal = ab == 1
		m.Checks = append(m.Checks, c)
	}
	return rows.Err()
}

// View returns a measure for display, audited as a view of the person.
func (s *Service) View(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, id int64) (Measure, error) {
	var m Measure
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if m, err = s.get(ctx, tx, scope, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionView, "measure", fmt.Sprint(id), m.UnitCode,
			"查看管控措施："+m.PersonName)
	})
	return m, err
}

// Active returns the person's active measure in scope.
func (s *Service) Active(ctx context.Context, scope jurisdiction.Scope, personID int64) (Measure, error) {
	lo, hi := scope.Args()
	var id int64
	err := s.db.R().QueryRowContext(ctx, `SELECT id FROM measures WHERE person_id = $1 AND status = 'active'
		AND `+scope.Where("unit_code", 2)+` ORDER BY id DESC LIMIT 1`, personID, lo, hi).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Measure{}, errs.ErrNotFound
	}
	if err != nil {
		return Measure{}, fmt.Errorf("active measure of %d: %w", personID, err)
	}
	return s.Get(ctx, scope, id)
}

// ForPerson lists a person's measures (newest first) in scope.
func (s *Service) ForPerson(ctx context.Context, scope jurisdiction.Scope, personID int64) ([]Measure, error) {
	lo, hi := scope.Args()
	return s.list(ctx, "WHERE m.person_id = $1 AND "+scope.Where("m.unit_code", 2)+" ORDER BY m.id DESC", personID, lo, hi)
}

func (s *Service) list(ctx context.Context, where string, args ...any) ([]Measure, error) {
	rows, err := s.db.R().QueryContext(ctx, "SELECT "+measureCols+measureFrom+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list measures: %w", err)
	}
	defer rows.Close()
	var out []Measure
	for rows.Next() {
		m, err := scanMeasure(rows)
		if err != nil {
			return nil, fmt.Errorf("list measures: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Filter selects measures for a list.
type Filter struct {
	Unit      string // a unit code within the scope; "" = the whole scope
	Status    string // default active
	PhaseType string // people whose phase on Day is of this type
	Category  string
	Day       string // default today
	Limit     int
	Offset    int // rows skipped (a page of the list)
}

// List returns measures in scope matching f, with their current phase.
func (s *Service) List(ctx context.Context, scope jurisdiction.Scope, f Filter) ([]Measure, error) {
	scope, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return nil, err
	}
	if f.Status == "" {
		f.Status = StatusActive
	}
	if f.Day == "" {
		f.Day = s.today()
	}
	if f.Limit <= 0 || f.Limit > 2000 {
		f.Limit = 500
	}
	lo, hi := scope.Args()
	where := "WHERE m.status = $1 AND " + scope.Where("m.unit_code", 2)
	args := []any{f.Status, lo, hi}
	if f.Category != "" {
		args = append(args, f.Category)
		where += fmt.Sprintf(" AND m.category = $%d", len(args))
	}
	if f.PhaseType != "" {
		args = append(args, f.PhaseType, f.Day)
		where += fmt.Sprintf(` AND EXISTS (SELECT 1 FROM measure_phases ph WHERE ph.measure_id = m.id AND ph.type = $%d
			AND ph.start_date <= $%d AND ph.end_date >= $%d)`, len(args)-1, len(args), len(args))
	}
	args = append(args, f.Limit, max(f.Offset, 0))
	list, err := s.list(ctx, where+fmt.Sprintf(" ORDER BY m.unit_code, m.id LIMIT $%d OFFSET $%d", len(args)-1, len(args)), args...)
	if err != nil {
		return nil, err
	}
	if err := s.attachPhases(ctx, list); err != nil {
		return nil, err
	}
	return list, nil
}

func (s *Service) attachPhases(ctx context.Context, list []Measure) error {
	if len(list) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ids := make([]string, len(list))
	for i, m := range list {
		idx[m.ID] = i
		ids[i] = fmt.Sprint(m.ID)
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT measure_id, seq, type, name, start_date, end_date, checks_daily
		FROM measure_phases WHERE measure_id IN (`+strings.Join(ids, ",")+`) ORDER BY measure_id, seq`)
	if err != nil {
		return fmt.Errorf("phases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p Phase
		if err := rows.Scan(&id, &p.Seq, &p.Type, &p.Name, &p.Start, &p.End, &p.ChecksDaily); err != nil {
			return err
		}
		list[idx[id]].Phases = append(list[idx[id]].Phases, p)
	}
	return rows.Err()
}

// RecordSiteEvent notes a quarantine-site event on the person's active
// measure (e.g. "入住 某隔离点 305室"), audited. It joins the caller's
// transaction (the stay's), so the stay and the note commit together; a
// person with no active measure in scope is errs.ErrNotFound, reported
// before joining, so a caller may ignore it.
func (s *Service) RecordSiteEvent(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, personID int64, event, site string) error {
	lo, hi := scope.Args()
	var id int64
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT id FROM measures WHERE person_id = $1 AND status = 'active'
		AND unit_code >= $2 AND unit_code < $3 ORDER BY id DESC LIMIT 1`, personID, lo, hi).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("active measure of %d: %w", personID, err)
	}
	line := fmt.Sprintf("%s %s %s", clock.Format(s.now().UnixMilli()), event, site)
	return s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var note, unit string
		if err := tx.QueryRowContext(ctx, "SELECT note, unit_code FROM measures WHERE id = $1", id).Scan(&note, &unit); err != nil {
			return fmt.Errorf("site event: %w", err)
		}
		note = strings.TrimSpace(note + "\n" + line)
		if _, err := tx.ExecContext(ctx, `UPDATE measures SET note = $1, updated_at = $2, version = version + 1 WHERE id = $3`,
			note, s.now().UnixMilli(), id); err != nil {
			return fmt.Errorf("site event: %w", err)
		}
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionUpdate, "measure", fmt.Sprint(id), unit,
			"隔离点："+line)
	})
}
