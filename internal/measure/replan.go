package measure

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/policy"
)

// Outcomes of a re-plan for one measure.
const (
	Extended  = "extended"  // 延长
	Shortened = "shortened" // 缩短
	Released  = "released"  // 新方案下已期满，可解除
	Unchanged = "unchanged" // 期满日不变（或前后都已期满）
	Skipped   = "skipped"   // 新版本没有该类别的规则，保持原方案
)

// Counts are re-plan outcomes.
type Counts struct {
	Total     int `json:"total"`
	Extended  int `json:"extended"`
	Shortened int `json:"shortened"`
	Released  int `json:"released"`
	Unchanged int `json:"unchanged"`
	Skipped   int `json:"skipped"`
}

func (c *Counts) add(outcome string) {
	c.Total++
	switch outcome {
	case Extended:
		c.Extended++
	case Shortened:
		c.Shortened++
	case Released:
		c.Released++
	case Unchanged:
		c.Unchanged++
	case Skipped:
		c.Skipped++
	}
}

// UnitCounts are the counts of one village.
type UnitCounts struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Counts
}

// Impact is what applying a version does (or did) to the measures in scope.
type Impact struct {
	VersionID int64        `json:"version_id"`
	Version   string       `json:"version"`
	Day       string       `json:"day"`
	Counts    Counts       `json:"counts"`
	ByUnit    []UnitCounts `json:"by_unit"`
	Applied   bool         `json:"applied"`
}

type replanRow struct {
	id                        int64
	unit                      string
	category, choice, dayZero string
	place, risk, oldEnd       string
	outcome                   string
	plan                      *policy.Plan
}

// classify decides each measure's outcome under v on today; it is the one
// function both Preview and Apply use, so their counts agree.
func classify(v *policy.Version, rows []replanRow, today string) {
	plans := map[string]*policy.Plan{}
	for i := range rows {
		r := &rows[i]
		key := r.category + "|" + r.choice + "|" + r.dayZero + "|" + r.place + "|" + r.risk
		p, ok := plans[key]
		if !ok {
			rule, err := v.Rule(r.category, r.choice)
			if err == nil && rule.Choice != r.choice && r.choice != "" {
				err = fmt.Errorf("no rule for choice")
			}
			if err == nil {
				pl, perr := policy.Compute(v, rule, r.dayZero, policy.Circumstances{Choice: r.choice, Place: r.place, RiskLevel: r.risk})
				if perr == nil && !pl.HandOff {
					p = &pl
				}
			}
			plans[key] = p
		}
		r.plan = p
		if p == nil {
			r.outcome = Skipped
			continue
		}
		r.outcome = compareEnds(r.oldEnd, p.End, today)
	}
}

// compareEnds classifies an end-date change ("" = open-ended).
func compareEnds(oldEnd, newEnd, today string) string {
	inf := func(s string) string {
		if s == "" {
			return "9999-12-31"
		}
		return s
	}
	o, n := inf(oldEnd), inf(newEnd)
	switch {
	case o == n:
		return Unchanged
	case n < today && o < today:
		return Unchanged // complete before and after: still due for release
	case n < today:
		return Released
	case n > o:
		return Extended
	default:
		return Shortened
	}
}

func (s *Service) replanRows(ctx context.Context, q db.Querier, scope jurisdiction.Scope) ([]replanRow, error) {
	lo, hi := scope.Args()
	rows, err := q.QueryContext(ctx, `SELECT id, unit_code, category, choice, day_zero, place, risk_level, end_date
		FROM measures WHERE status = 'active' AND `+scope.Where("unit_code", 1)+` ORDER BY id`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("replan: %w", err)
	}
	defer rows.Close()
	var out []replanRow
	for rows.Next() {
		var r replanRow
		if err := rows.Scan(&r.id, &r.unit, &r.category, &r.choice, &r.dayZero, &r.place, &r.risk, &r.oldEnd); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Service) impact(ctx context.Context, q db.Querier, v *policy.Version, rows []replanRow, today string) (Impact, error) {
	im := Impact{VersionID: v.ID, Version: v.Name, Day: today}
	by := map[string]*UnitCounts{}
	for _, r := range rows {
		im.Counts.add(r.outcome)
		code := jurisdiction.VillageOf(r.unit)
		if code == "" {
			code = r.unit
		}
		u := by[code]
		if u == nil {
			u = &UnitCounts{Code: code}
			by[code] = u
		}
		u.add(r.outcome)
	}
	codes := make([]string, 0, len(by))
	for c := range by {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	names := map[string]string{}
	for i := 0; i < len(codes); i += 500 {
		chunk := codes[i:min(i+500, len(codes))]
		args := make([]any, len(chunk))
		for j, c := range chunk {
			args[j] = c
		}
		nrows, err := q.QueryContext(ctx, "SELECT code, name FROM units WHERE code IN ("+db.In(len(chunk), 1)+")", args...)
		if err != nil {
			return im, fmt.Errorf("replan unit names: %w", err)
		}
		for nrows.Next() {
			var c, n string
			if err := nrows.Scan(&c, &n); err != nil {
				nrows.Close()
				return im, err
			}
			names[c] = n
		}
		nrows.Close()
	}
	for _, c := range codes {
		u := by[c]
		u.Name = names[c]
		im.ByUnit = append(im.ByUnit, *u)
	}
	return im, nil
}

// Preview says what applying version versionID would do to every active
// measure in scope, without changing anything.
func (s *Service) Preview(ctx context.Context, scope jurisdiction.Scope, versionID int64) (Impact, error) {
	v, err := s.policy.Version(ctx, versionID)
	if err != nil {
		return Impact{}, err
	}
	rows, err := s.replanRows(ctx, s.db.R(), scope)
	if err != nil {
		return Impact{}, err
	}
	today := s.today()
	classify(v, rows, today)
	return s.impact(ctx, s.db.R(), v, rows, today)
}

// Apply re-plans every active measure in scope under version versionID in
// one transaction, set-based: phases and not-yet-sampled tests are replaced
// (sampled tests and their results are kept), the measures point at the new
// version with a new explanation, and each change is audited.
func (s *Service) Apply(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, versionID int64) (Impact, error) {
	v, err := s.policy.Version(ctx, versionID)
	if err != nil {
		return Impact{}, err
	}
	var im Impact
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		today := clock.Day(now)
		rows, err := s.replanRows(ctx, tx, scope)
		if err != nil {
			return err
		}
		classify(v, rows, today)
		var todo []replanRow
		for _, r := range rows {
			if r.outcome != Skipped {
				todo = append(todo, r)
			}
		}
		if err := s.replanApply(ctx, tx, actor, v, todo, now.UnixMilli()); err != nil {
			return err
		}
		if im, err = s.impact(ctx, tx, v, rows, today); err != nil {
			return err
		}
		im.Applied = true
		c := im.Counts
		return audit.Record(ctx, tx, now, actor, audit.ActionUpdate, "policy_version", fmt.Sprint(v.ID), scope.Code(),
			fmt.Sprintf("按防控政策“%s”重新计算管控方案：共%d人，延长%d，缩短%d，可解除%d，不变%d，无对应规则%d",
				v.Name, c.Total, c.Extended, c.Shortened, c.Released, c.Unchanged, c.Skipped))
	})
	return im, err
}

func idList(rows []replanRow) string {
	var b strings.Builder
	for i, r := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprint(&b, r.id)
	}
	return b.String()
}

func (s *Service) replanApply(ctx context.Context, tx *sql.Tx, actor audit.Actor, v *policy.Version, todo []replanRow, nowMs int64) error {
	const chunk = 500
	kept := map[int64]map[string]bool{}
	for i := 0; i < len(todo); i += chunk {
		part := todo[i:min(i+chunk, len(todo))]
		ids := idList(part)
		if _, err := tx.ExecContext(ctx, "DELETE FROM measure_phases WHERE measure_id IN ("+ids+")"); err != nil {
			return fmt.Errorf("replan: delete phases: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM measure_tests WHERE measure_id IN ("+ids+") AND sampled_at = 0 AND result = '' AND waived_at = 0"); err != nil {
			return fmt.Errorf("replan: delete tests: %w", err)
		}
		rs, err := tx.QueryContext(ctx, "SELECT measure_id, due FROM measure_tests WHERE measure_id IN ("+ids+")")
		if err != nil {
			return fmt.Errorf("replan: kept tests: %w", err)
		}
		for rs.Next() {
			var id int64
			var due string
			if err := rs.Scan(&id, &due); err != nil {
				rs.Close()
				return err
			}
			if kept[id] == nil {
				kept[id] = map[string]bool{}
			}
			kept[id][due] = true
		}
		rs.Close()
	}
	phases, err := s.db.NewInserter(ctx, tx, "measure_phases",
		[]string{"measure_id", "seq", "unit_code", "type", "name", "start_date", "end_date", "checks_daily"}, "")
	if err != nil {
		return err
	}
	defer phases.Close()
	tests, err := s.db.NewInserter(ctx, tx, "measure_tests", []string{"measure_id", "unit_code", "due", "day"}, "")
	if err != nil {
		return err
	}
	defer tests.Close()
	audits, err := s.db.NewInserter(ctx, tx, "audit_log", []string{"at", "user_id", "username", "role", "actor_unit",
		"action", "entity", "entity_id", "subject_unit", "summary", "ip", "request_id"}, "")
	if err != nil {
		return err
	}
	defer audits.Close()
	groups := map[*policy.Plan][]replanRow{}
	var order []*policy.Plan
	for _, r := range todo {
		p := r.plan
		for i, ph := range p.Phases {
			if err := phases.Add(r.id, i+1, r.unit, ph.Type, ph.Name, ph.Start, ph.End, ph.ChecksDaily); err != nil {
				return fmt.Errorf("replan: phases: %w", err)
			}
		}
		for _, t := range p.Tests {
			if kept[r.id][t.Date] {
				continue
			}
			if err := tests.Add(r.id, r.unit, t.Date, t.Day); err != nil {
				return fmt.Errorf("replan: tests: %w", err)
			}
		}
		if err := audits.Add(nowMs, actor.UserID, actor.Username, actor.Role, actor.Unit, audit.ActionUpdate, "measure",
			fmt.Sprint(r.id), r.unit, fmt.Sprintf("按防控政策“%s”重新计算：期满日 %s → %s（%s）", v.Name, r.oldEnd, p.End, OutcomeName(r.outcome)),
			actor.IP, actor.RequestID); err != nil {
			return fmt.Errorf("replan: audit: %w", err)
		}
		if _, ok := groups[p]; !ok {
			order = append(order, p)
		}
		groups[p] = append(groups[p], r)
	}
	for _, in := range []interface{ Flush() error }{phases, tests, audits} {
		if err := in.Flush(); err != nil {
			return fmt.Errorf("replan: %w", err)
		}
	}
	for _, p := range order {
		rows := groups[p]
		for i := 0; i < len(rows); i += chunk {
			part := rows[i:min(i+chunk, len(rows))]
			if _, err := tx.ExecContext(ctx, `UPDATE measures SET policy_version_id = $1, policy_version = $2, end_date = $3,
				open_ended = $4, release_on_negative = $5, explanation = $6, updated_at = $7, version = version + 1
				WHERE id IN (`+idList(part)+`)`, v.ID, v.Name, p.End, boolInt(p.OpenEnded), boolInt(p.ReleaseOnNegative),
				p.Explanation, nowMs); err != nil {
				return fmt.Errorf("replan: update measures: %w", err)
			}
		}
	}
	return nil
}

// OutcomeName is a re-plan outcome in Chinese.
func OutcomeName(o string) string {
	switch o {
	case Extended:
		return "延长"
	case Shortened:
		return "缩短"
	case Released:
		return "可解除"
	case Unchanged:
		return "不变"
	case Skipped:
		return "无对应规则"
	}
	return o
}
