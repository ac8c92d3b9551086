package measure

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/policy"
)

// Symptoms a check records when its rule names none (新冠相关症状); a
// rule's own are policy.Rule.Symptoms (SymptomsOf).
var Symptoms = policy.DefaultSymptoms

// FeverTenths is 37.3 °C: at or above it a check is abnormal, unless the
// measure's rule sets its own line (policy.Rule.FeverTenths).
const FeverTenths = policy.DefaultFeverTenths

// WorkItem is one person on a village's work list for a day.
type WorkItem struct {
	MeasureID   int64
	PersonID    int64
	Name        string
	Phone       string // masked
	UnitCode    string
	Category    string
	PhaseName   string
	PhaseType   string
	PhaseEnd    string
	ChecksDaily int
	ChecksDone  int
	TestID      int64
	TestSampled bool
	TestResult  string
}

// CategoryName is the category in Chinese.
func (w WorkItem) CategoryName() string { return policy.CategoryName(w.Category) }

// ResultName is the test result in Chinese.
func (w WorkItem) ResultName() string { return ResultName(w.TestResult) }

// WorkList is what a village has to do on a day.
type WorkList struct {
	Unit       string
	Day        string
	Checks     []WorkItem // checks due: people in a phase with daily checks
	Tests      []WorkItem // tests due that day
	PhasesEnd  []WorkItem // phases ending that day
	ChecksDue  int
	ChecksDone int
	TestsDue   int
	TestsDone  int
}

// Work returns the work list of a unit (usually a village) for a day.
func (s *Service) Work(ctx context.Context, scope jurisdiction.Scope, unit, day string) (WorkList, error) {
	if unit == "" {
		unit = scope.Code()
	}
	unitScope, err := scope.NarrowOpt(unit)
	if err != nil {
		return WorkList{}, err
	}
	if day == "" {
		day = s.today()
	}
	if _, err := policy.ParseDay(day); err != nil {
		return WorkList{}, errs.Invalidf("day", "日期“%s”无效，应为 YYYY-MM-DD", day)
	}
	wl := WorkList{Unit: unit, Day: day}
	lo, hi := unitScope.Args()
	q := s.db.R()
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.person_id, p.name, p.phone, m.unit_code, m.category, ph.name, ph.type,
		ph.end_date, ph.checks_daily,
		(SELECT COUNT(*) FROM measure_checks c WHERE c.measure_id = m.id AND c.day = $3)
		FROM measure_phases ph JOIN measures m ON m.id = ph.measure_id JOIN people p ON p.id = m.person_id
		WHERE `+unitScope.Where("ph.unit_code", 1)+` AND ph.end_date >= $3 AND ph.start_date <= $3
		AND m.status = 'active' ORDER BY m.unit_code, p.name, m.id`, lo, hi, day)
	if err != nil {
		return wl, fmt.Errorf("work list checks: %w", err)
	}
	for rows.Next() {
		var w WorkItem
		if err := rows.Scan(&w.MeasureID, &w.PersonID, &w.Name, &w.Phone, &w.UnitCode, &w.Category, &w.PhaseName,
			&w.PhaseType, &w.PhaseEnd, &w.ChecksDaily, &w.ChecksDone); err != nil {
			rows.Close()
			return wl, err
		}
		w.Phone = personal.MaskPhone(w.Phone)
		if w.ChecksDaily > 0 {
			wl.Checks = append(wl.Checks, w)
			wl.ChecksDue += w.ChecksDaily
			wl.ChecksDone += min(w.ChecksDone, w.ChecksDaily)
		}
		if w.PhaseEnd == day {
			wl.PhasesEnd = append(wl.PhasesEnd, w)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return wl, err
	}
	rows, err = q.QueryContext(ctx, `SELECT m.id, m.person_id, p.name, p.phone, m.unit_code, m.category, t.id, t.sampled_at, t.result
		FROM measure_tests t JOIN measures m ON m.id = t.measure_id JOIN people p ON p.id = m.person_id
		WHERE `+unitScope.Where("t.unit_code", 1)+` AND t.due = $3 AND m.status = 'active'
		ORDER BY m.unit_code, p.name, t.id`, lo, hi, day)
	if err != nil {
		return wl, fmt.Errorf("work list tests: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var w WorkItem
		var sampled int64
		if err := rows.Scan(&w.MeasureID, &w.PersonID, &w.Name, &w.Phone, &w.UnitCode, &w.Category, &w.TestID, &sampled, &w.TestResult); err != nil {
			return wl, err
		}
		w.Phone = personal.MaskPhone(w.Phone)
		w.TestSampled = sampled > 0 || w.TestResult != ""
		wl.Tests = append(wl.Tests, w)
		wl.TestsDue++
		if w.TestSampled {
			wl.TestsDone++
		}
	}
	return wl, rows.Err()
}

// CheckInput is one health check.
type CheckInput struct {
	Temp     string   // °C, e.g. "36.5"
	Symptoms []string // from Symptoms; empty = none
}

// tempRE is a temperature as people write it: 36, 36.5 or 36.55 (°C).
var tempRE = regexp.MustCompile(`^[0-9]{2}(\.[0-9]{1,2})?$`)

// ParseTemp parses a temperature in °C into tenths. Only a plain decimal
// number from 34 to 43 is one: NaN, infinities, exponents, hex and digit
// separators (all of which strconv.ParseFloat accepts) are refused.
func ParseTemp(s string) (int, error) {
	s = strings.TrimSpace(personal.Halfwidth(s))
	for _, unit := range []string{"℃", "°C", "°"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, unit))
	}
	bad := errs.Invalidf("temp", "体温“%s”无效，应为34到43之间的摄氏度，如 36.5", s)
	if guess := tempGuess(s); guess != "" {
		bad = errs.Invalidf("temp", "体温“%s”无效，是否为 %s？请改正后再记录", s, guess)
	}
	if !tempRE.MatchString(s) {
		return 0, bad
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 34 || f > 43 {
		return 0, bad
	}
	return int(math.Round(f * 10)), nil
}

// tempGuess is the temperature a slip of the finger most likely meant:
// "365" or "3655" without the point (36.5), "36,5" or "36。5" with the wrong
// one; "" when there is no such guess.
func tempGuess(s string) string {
	t := strings.NewReplacer(",", ".", "，", ".", "。", ".", "..", ".").Replace(s)
	if t != s && tempRE.MatchString(t) {
		if f, err := strconv.ParseFloat(t, 64); err == nil && f >= 34 && f <= 43 {
			return t
		}
	}
	if len(s) >= 3 && len(s) <= 4 && strings.Trim(s, "0123456789") == "" {
		if g := s[:2] + "." + s[2:]; tempRE.MatchString(g) {
			if f, err := strconv.ParseFloat(g, 64); err == nil && f >= 34 && f <= 43 {
				return g
			}
		}
	}
	return ""
}

func normalizeSymptoms(in []string, allowed []string) (string, error) {
	var out []string
	for _, x := range in {
		x = strings.TrimSpace(x)
		if x == "" || x == "无" {
			continue
		}
		ok := false
		for _, s := range allowed {
			if s == x {
				ok = true
			}
		}
		if !ok {
			return "", errs.Invalidf("symptoms", "未知症状“%s”", x)
		}
		out = append(out, x)
	}
	return strings.Join(out, "、"), nil
}

// RecordCheck records a health check by a grid worker on a measure in scope.
// An abnormal check (≥37.3 °C or any symptom) opens an alert to the
// township health centre.
func (s *Service) RecordCheck(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, measureID int64, in CheckInput) (Check, error) {
	return s.recordCheck(ctx, actor, scope, measureID, "", in, "grid")
}

// RecordCheckByToken records a check the person makes through their
// personal link. The token is the only credential.
func (s *Service) RecordCheckByToken(ctx context.Context, token string, in CheckInput) (Check, error) {
	if len(token) < 20 {
		return Check{}, errs.ErrNotFound
	}
	// The person has no jurisdiction: the token is the credential, and it
	// names the measure.
	return s.recordCheck(ctx, audit.Actor{Username: "本人（个人链接）", Role: "self"}, jurisdiction.System("measure personal link"), 0, token, in, "self")
}

// ByToken returns the measure of a personal link (name and plan only).
func (s *Service) ByToken(ctx context.Context, token string) (Measure, error) {
	var id int64
	err := s.db.R().QueryRowContext(ctx, `SELECT id FROM measures WHERE token = $1`, token).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) || len(token) < 20 {
		return Measure{}, errs.ErrNotFound
	}
	if err != nil {
		return Measure{}, fmt.Errorf("measure by token: %w", err)
	}
	return s.Get(ctx, jurisdiction.System("measure personal link"), id) // the token is the credential
}

func (s *Service) recordCheck(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, measureID int64, token string, in CheckInput, via string) (Check, error) {
	tenths, err := ParseTemp(in.Temp)
	if err != nil {
		return Check{}, err
	}
	now := s.now()
	c := Check{Day: clock.Day(now), At: now.UnixMilli(), TempTenths: tenths, Via: via, RecordedBy: actor.Username}
	var sym string
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var unit, status, category, choice string
		var personID, versionID int64
		var err error
		if token != "" {
			err = tx.QueryRowContext(ctx, `SELECT id, unit_code, status, person_id, category, choice, policy_version_id FROM measures WHERE token = $1`, token).
				Scan(&c.MeasureID, &unit, &status, &personID, &category, &choice, &versionID)
		} else {
			lo, hi := scope.Args()
			err = tx.QueryRowContext(ctx, `SELECT id, unit_code, status, person_id, category, choice, policy_version_id FROM measures WHERE id = $1
				AND `+scope.Where("unit_code", 2), measureID, lo, hi).Scan(&c.MeasureID, &unit, &status, &personID, &category, &choice, &versionID)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return errs.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("record check: %w", err)
		}
		if status != StatusActive {
			return errs.Invalidf("status", "该管控措施已%s，不再记录健康监测", StatusName(status))
		}
		// The fever line and symptoms of the measure's own rule.
		rule := s.ruleOf(ctx, versionID, category, choice)
		if sym, err = normalizeSymptoms(in.Symptoms, append(append([]string(nil), rule.SymptomList()...), Symptoms...)); err != nil {
			return err
		}
		c.Symptoms, c.Abnormal = sym, tenths >= rule.FeverLine() || sym != ""
		err = tx.QueryRowContext(ctx, `INSERT INTO measure_checks (measure_id, unit_code, day, at, temp_tenths, symptoms, abnormal, via, recorded_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, c.MeasureID, unit, c.Day, c.At, c.TempTenths, c.Symptoms,
			boolInt(c.Abnormal), c.Via, c.RecordedBy).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("record check: %w", err)
		}
		if c.Abnormal {
			detail := "体温 " + c.Temp() + "℃"
			if sym != "" {
				detail += "，症状：" + sym
			}
			if err := s.openAlert(ctx, tx, c.MeasureID, personID, unit, AlertAbnormal, c.Day, detail, jurisdiction.LevelTownship, c.At); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, actor, audit.ActionCreate, "measure_check", fmt.Sprint(c.ID), unit,
			fmt.Sprintf("健康监测：体温 %s℃%s", c.Temp(), map[bool]string{true: "，异常", false: ""}[c.Abnormal]))
	})
	return c, err
}

// TestsDue lists the scheduled tests due on day in scope (for the testing
// module and the work list).
func (s *Service) TestsDue(ctx context.Context, scope jurisdiction.Scope, day string) ([]WorkItem, error) {
	wl, err := s.Work(ctx, scope, scope.Code(), day)
	return wl.Tests, err
}

// RecordSample marks a scheduled test as sampled now.
func (s *Service) RecordSample(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, testID int64) error {
	return s.recordTest(ctx, actor, scope, testID, "")
}

// RecordTestResult records a test's result (negative or positive; 阴性 or
// 阳性 accepted). A positive result opens an alert to the township.
func (s *Service) RecordTestResult(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, testID int64, result string) error {
	switch strings.TrimSpace(result) {
	case ResultNegative, "阴性":
		result = ResultNegative
	case ResultPositive, "阳性":
		result = ResultPositive
	default:
		return errs.Invalidf("result", "检测结果应为 阴性(negative) 或 阳性(positive)")
	}
	return s.recordTest(ctx, actor, scope, testID, result)
}

func (s *Service) recordTest(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, testID int64, result string) error {
	now := s.now()
	return s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		lo, hi := scope.Args()
		var measureID, personID int64
		var unit, status, due string
		err := tx.QueryRowContext(ctx, `SELECT t.measure_id, m.person_id, m.unit_code, m.status, t.due FROM measure_tests t
			JOIN measures m ON m.id = t.measure_id WHERE t.id = $1 AND `+scope.Where("m.unit_code", 2), testID, lo, hi).
			Scan(&measureID, &personID, &unit, &status, &due)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("record test: %w", err)
		}
		if status != StatusActive {
			return errs.Invalidf("status", "该管控措施已%s", StatusName(status))
		}
		if due > clock.Day(now) {
			return errs.Invalidf("due", "该次检测应于 %s 进行，尚未到期", due)
		}
		if result == "" {
			_, err = tx.ExecContext(ctx, `UPDATE measure_tests SET sampled_at = $1, recorded_by = $2 WHERE id = $3 AND sampled_at = 0`,
				now.UnixMilli(), actor.Username, testID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE measure_tests SET sampled_at = CASE WHEN sampled_at = 0 THEN $1 ELSE sampled_at END,
				result = $2, result_at = $1, recorded_by = $3 WHERE id = $4`, now.UnixMilli(), result, actor.Username, testID)
		}
		if err != nil {
			return fmt.Errorf("record test: %w", err)
		}
		if result == ResultPositive {
			if err := s.openAlert(ctx, tx, measureID, personID, unit, AlertPositive, due, "核酸检测阳性", jurisdiction.LevelTownship, now.UnixMilli()); err != nil {
				return err
			}
		}
		what := "已采样"
		if result != "" {
			what = "结果" + ResultName(result)
		}
		return audit.Record(ctx, tx, now, actor, audit.ActionUpdate, "measure_test", fmt.Sprint(testID), unit,
			fmt.Sprintf("核酸检测（应检日 %s）%s", due, what))
	})
}

// ruleOf is the rule a measure was planned under (its version, category
// and choice), or the zero Rule (default line and symptoms) when it cannot
// be read.
func (s *Service) ruleOf(ctx context.Context, versionID int64, category, choice string) policy.Rule {
	v, err := s.policy.Version(ctx, versionID)
	if err != nil {
		return policy.Rule{}
	}
	r, err := v.Rule(category, choice)
	if err != nil {
		return policy.Rule{}
	}
	return r
}

// SymptomsOf are the symptoms a check of measure m records (its rule's).
func (s *Service) SymptomsOf(ctx context.Context, m Measure) []string {
	return s.ruleOf(ctx, m.PolicyVersionID, m.Category, m.Choice).SymptomList()
}
