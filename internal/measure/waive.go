package measure

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// A person is often put under a measure days after day zero (traced
// late), so some of the plan's tests fell due before the assignment. Such
// a test is never skipped: it is recorded — by hand, or from the person's
// testing-round result (全员核酸) sampled on its day, found through
// RoundResults — or waived by a cadre (measures.release) with a reason,
// audited. Release needs every test negative or waived, and the notice
// prints what was recorded and what was waived.

// RoundResults is the testing module as measures see it (its read side,
// sampling.NewResultReader): a person's negative testing-round results
// sampled on the given days (YYYY-MM-DD, Asia/Shanghai), by day.
type RoundResults interface {
	NegativeOn(ctx context.Context, personID int64, days []string) (map[string]RoundResult, error)
}

// RoundResult is one negative testing-round result.
type RoundResult struct {
	SampledAt, ResultAt int64  // Unix ms
	Where               string // e.g. "全员核酸 第一轮（管 T0001）"
}

type noRounds struct{}

func (noRounds) NegativeOn(context.Context, int64, []string) (map[string]RoundResult, error) {
	return nil, nil
}

// NoRoundResults finds none: for tools without testing rounds (benchmarks).
var NoRoundResults RoundResults = noRounds{}

// fillFromRounds records, for the untaken tests of a measure due before its
// assignment, the person's negative testing-round results of those days,
// each audited; it returns how many it recorded. It runs in tx.
func (s *Service) fillFromRounds(ctx context.Context, tx *sql.Tx, actor audit.Actor, measureID int64) (int, error) {
	var person int64
	var unit, assigned string
	if err := tx.QueryRowContext(ctx, "SELECT person_id, unit_code, assigned_on FROM measures WHERE id = $1", measureID).
		Scan(&person, &unit, &assigned); err != nil {
		return 0, fmt.Errorf("measure %d: %w", measureID, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, due FROM measure_tests WHERE measure_id = $1 AND due < $2
		AND result = '' AND waived_at = 0 ORDER BY due`, measureID, assigned)
	if err != nil {
		return 0, fmt.Errorf("measure %d tests: %w", measureID, err)
	}
	byDay := map[string][]int64{}
	var days []string
	for rows.Next() {
		var id int64
		var due string
		if err := rows.Scan(&id, &due); err != nil {
			rows.Close()
			return 0, err
		}
		if len(byDay[due]) == 0 {
			days = append(days, due)
		}
		byDay[due] = append(byDay[due], id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(days) == 0 {
		return 0, err
	}
	found, err := s.rounds.NegativeOn(ctx, person, days)
	if err != nil {
		return 0, fmt.Errorf("testing-round results of person %d: %w", person, err)
	}
	n := 0
	for _, day := range days {
		r, ok := found[day]
		if !ok {
			continue
		}
		for _, id := range byDay[day] {
			if _, err := tx.ExecContext(ctx, `UPDATE measure_tests SET sampled_at = $1, result = $2, result_at = $3,
				recorded_by = $4, source = $5 WHERE id = $6 AND result = '' AND waived_at = 0`,
				r.SampledAt, ResultNegative, r.ResultAt, actor.Username, r.Where, id); err != nil {
				return n, fmt.Errorf("record round result: %w", err)
			}
			if err := audit.Record(ctx, tx, s.now(), actor, audit.ActionUpdate, "measure_test", fmt.Sprint(id), unit,
				fmt.Sprintf("核酸检测（应检日 %s，列管之前）补录阴性：%s", day, r.Where)); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// WaiveResult says what Waive did.
type WaiveResult struct {
	Measure  Measure
	Recorded int // tests recorded from testing-round results
	Waived   int // tests waived
}

// Waive settles the missing tests of an active measure that fell due before
// its assignment: first from the person's testing-round results, then the
// rest of testIDs (all of them when empty) are waived with reason, each
// audited. A test due on or after the assignment day cannot be waived (it
// must be taken), nor can the single test of a measure released on a
// negative result (混管阳性, 发热).
func (s *Service) Waive(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, id int64, testIDs []int64, reason string) (WaiveResult, error) {
	reason = strings.TrimSpace(reason)
	var out WaiveResult
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		out = WaiveResult{}
		m, err := s.get(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		if m.Status != StatusActive {
			return errs.Invalidf("status", "该管控措施已%s", m.StatusName())
		}
		if m.ReleaseOnNegative {
			return errs.Invalidf("test_ids", "%s须检测结果阴性方可解除，不能免检", m.CategoryName())
		}
		for _, tid := range testIDs {
			i := slices.IndexFunc(m.Tests, func(t Test) bool { return t.ID == tid })
			if i < 0 {
				return errs.Invalidf("test_ids", "检测 %d 不属于该管控措施", tid)
			}
			if m.Tests[i].Due >= m.AssignedOn {
				return errs.Invalidf("test_ids", "应检日 %s 在列管之后，须按期检测，不能免检", m.Tests[i].Due)
			}
		}
		if out.Recorded, err = s.fillFromRounds(ctx, tx, actor, m.ID); err != nil {
			return err
		}
		if m, err = s.get(ctx, tx, scope, id); err != nil {
			return err
		}
		var todo []Test
		for _, t := range m.Tests {
			if t.Missing() && t.Due < m.AssignedOn && (len(testIDs) == 0 || slices.Contains(testIDs, t.ID)) {
				todo = append(todo, t)
			}
		}
		if len(todo) > 0 && (len([]rune(reason)) < 2 || len([]rune(reason)) > 200) {
			return errs.Invalidf("reason", "请填写免检理由（2–200字），如：列管时已过应检日，无法补检")
		}
		now := s.now().UnixMilli()
		for _, t := range todo {
			res, err := tx.ExecContext(ctx, `UPDATE measure_tests SET waived_reason = $1, waived_by = $2, waived_at = $3
				WHERE id = $4 AND result = '' AND waived_at = 0`, reason, actor.Username, now, t.ID)
			if err != nil {
				return fmt.Errorf("waive test: %w", err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errs.ErrConflict
			}
			if err := audit.Record(ctx, tx, s.now(), actor, audit.ActionUpdate, "measure_test", fmt.Sprint(t.ID), m.UnitCode,
				fmt.Sprintf("核酸检测（应检日 %s，列管之前）免检：%s", t.Due, reason)); err != nil {
				return err
			}
			out.Waived++
		}
		out.Measure, err = s.get(ctx, tx, scope, id)
		return err
	})
	return out, err
}

// Recorded are the tests with a result, in due order (the notice prints them).
func (m Measure) Recorded() []Test {
	var out []Test
	for _, t := range m.Tests {
		if t.Result != "" {
			out = append(out, t)
		}
	}
	return out
}

// Waivers are the tests a cadre waived.
func (m Measure) Waivers() []Test {
	var out []Test
	for _, t := range m.Tests {
		if t.Waived() {
			out = append(out, t)
		}
	}
	return out
}

// BeforeAssignment reports a test due before the person was put under the measure.
func (m Measure) BeforeAssignment(t Test) bool { return t.Due < m.AssignedOn }
