package tracing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"fangkong/internal/errs"
)

// Disease codes. Only COVID-19 is loaded today; a disease is a row of
// rules, not code.
const DiseaseCOVID = "covid19"

// Rule is one version of the tracing rules of a disease, in force from
// EffectiveFrom (YYYY-MM-DD) until the next version's date.
type Rule struct {
	ID            int64
	Disease       string
	Version       string
	EffectiveFrom string
	// LookBackDays: the exposure window opens at 00:00 (Shanghai) of the
	// day that many days before onset, or before sampling without symptoms.
	LookBackDays int
	// ScanWindowMinutes and SampleWindowMinutes: another scan at the same
	// place (sample at the same point) within ± this many minutes of the
	// case's, inclusive, is co-presence.
	ScanWindowMinutes   int
	SampleWindowMinutes int
	// The case's clocks from when it was found, in hours.
	ReportHours, TrajectoryHours, PreliminaryHours int
	// Transfer clocks of judged contacts, from when the case was found.
	CloseTransferHours, SecondaryTransferHours int
	Note                                       string
}

// DefaultRules are the versions the binary ships (national protocol 8th
// and 9th editions; clocks as practised in 2022: 2 h / 4 h / 24 h, contacts
// moved within 8 h / 12 h). A county adds its own version with a later date.
func DefaultRules() []Rule {
	base := Rule{Disease: DiseaseCOVID, LookBackDays: 4, ScanWindowMinutes: 30, SampleWindowMinutes: 15,
		ReportHours: 2, TrajectoryHours: 4, PreliminaryHours: 24, CloseTransferHours: 8, SecondaryTransferHours: 12}
	v8, v9 := base, base
	v8.Version, v8.EffectiveFrom = "第八版", "2021-05-11"
	v8.Note = "新型冠状病毒肺炎防控方案（第八版）：症状出现前4天（无症状者采样前4天）起"
	v9.Version, v9.EffectiveFrom = "第九版", "2022-06-28"
	v9.Note = "新型冠状病毒肺炎防控方案（第九版）；时限取2022年各地实践：2小时网络直报、4小时轨迹、24小时初步流调报告、密接8小时/次密接12小时转运"
	return []Rule{v8, v9}
}

// EnsureRules inserts the default versions that are missing.
func (s *Service) EnsureRules(ctx context.Context) error {
	for _, r := range DefaultRules() {
		if _, err := s.AddRule(ctx, r); err != nil && !errors.Is(err, errs.ErrConflict) {
			return err
		}
	}
	return nil
}

// AddRule adds a version of the rules; a version name is never reused.
func (s *Service) AddRule(ctx context.Context, r Rule) (int64, error) {
	if r.Disease == "" || r.Version == "" || len(r.EffectiveFrom) != 10 {
		return 0, errs.Invalidf("版本", "请填写疾病、版本名和生效日期")
	}
	if r.LookBackDays < 0 || r.ScanWindowMinutes <= 0 || r.SampleWindowMinutes <= 0 || r.ReportHours <= 0 ||
		r.TrajectoryHours <= 0 || r.PreliminaryHours <= 0 || r.CloseTransferHours <= 0 || r.SecondaryTransferHours <= 0 {
		return 0, errs.Invalidf("时限", "时限与时间窗须为正数")
	}
	var n int
	if err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM tracing_rules WHERE disease = $1 AND version = $2`,
		r.Disease, r.Version).Scan(&n); err != nil {
		return 0, fmt.Errorf("add rule: %w", err)
	}
	if n > 0 {
		return 0, &errs.Conflict{Message: "版本“" + r.Version + "”已存在"}
	}
	var id int64
	err := s.db.Writer(ctx).QueryRowContext(ctx, `INSERT INTO tracing_rules (disease, version, effective_from, look_back_days,
		scan_window_minutes, sample_window_minutes, report_hours, trajectory_hours, preliminary_hours, close_transfer_hours,
		secondary_transfer_hours, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		r.Disease, r.Version, r.EffectiveFrom, r.LookBackDays, r.ScanWindowMinutes, r.SampleWindowMinutes, r.ReportHours,
		r.TrajectoryHours, r.PreliminaryHours, r.CloseTransferHours, r.SecondaryTransferHours, r.Note, s.now().UnixMilli()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add rule: %w", err)
	}
	return id, nil
}

const ruleCols = `id, disease, version, effective_from, look_back_days, scan_window_minutes, sample_window_minutes,
	report_hours, trajectory_hours, preliminary_hours, close_transfer_hours, secondary_transfer_hours, note`

func scanRule(row interface{ Scan(...any) error }) (Rule, error) {
	var r Rule
	err := row.Scan(&r.ID, &r.Disease, &r.Version, &r.EffectiveFrom, &r.LookBackDays, &r.ScanWindowMinutes, &r.SampleWindowMinutes,
		&r.ReportHours, &r.TrajectoryHours, &r.PreliminaryHours, &r.CloseTransferHours, &r.SecondaryTransferHours, &r.Note)
	return r, err
}

// Rules lists the versions of a disease by effective date.
func (s *Service) Rules(ctx context.Context, disease string) ([]Rule, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, "SELECT "+ruleCols+" FROM tracing_rules WHERE disease = $1 ORDER BY effective_from, id", disease)
	if err != nil {
		return nil, fmt.Errorf("tracing rules: %w", err)
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RuleOn is the version of a disease's rules in force on day.
func (s *Service) RuleOn(ctx context.Context, disease, day string) (Rule, error) {
	r, err := scanRule(s.db.Reader(ctx).QueryRowContext(ctx, "SELECT "+ruleCols+` FROM tracing_rules
		WHERE disease = $1 AND effective_from <= $2 ORDER BY effective_from DESC, id DESC LIMIT 1`, disease, day))
	if errors.Is(err, sql.ErrNoRows) {
		return Rule{}, errs.Invalidf("发现时间", "%s 没有生效的流调规则版本", day)
	}
	if err != nil {
		return Rule{}, fmt.Errorf("rule of %s on %s: %w", disease, day, err)
	}
	return r, nil
}

func (s *Service) rule(ctx context.Context, id int64) (Rule, error) {
	r, err := scanRule(s.db.Reader(ctx).QueryRowContext(ctx, "SELECT "+ruleCols+" FROM tracing_rules WHERE id = $1", id))
	if err != nil {
		return Rule{}, fmt.Errorf("rule %d: %w", id, err)
	}
	return r, nil
}
