package measure

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// Eligibility says whether a measure can be released (解除) on a day, and
// why not: every scheduled test must be negative, or waived by a cadre
// (only tests due before the assignment can be, Waive); what is missing is
// listed by due day.
func (m Measure) Eligibility(today string) (bool, string) {
	if m.Status != StatusActive {
		return false, "措施" + m.StatusName()
	}
	if m.OpenEnded {
		return true, "在岗期间持续检测，离岗时由干部确认解除"
	}
	neg, waived, early := 0, 0, 0
	var missing []string
	for _, t := range m.Tests {
		switch {
		case t.Result == ResultPositive:
			return false, "有阳性检测结果（" + t.Due + "），应移交处置"
		case t.Result == ResultNegative:
			neg++
		case t.Waived():
			waived++
		default:
			missing = append(missing, t.Due)
			if m.BeforeAssignment(t) {
				early++
			}
		}
	}
	if m.ReleaseOnNegative {
		if neg > 0 && len(missing) == 0 {
			return true, "检测结果阴性"
		}
		return false, "等待检测结果"
	}
	if m.EndDate > today {
		return false, "管控期至 " + m.EndDate
	}
	if len(missing) > 0 {
		why := fmt.Sprintf("还有 %d 次检测未出阴性结果（应检日 %s）", len(missing), strings.Join(missing, "、"))
		if early > 0 {
			why += fmt.Sprintf("；其中 %d 次应检日在列管之前，须补录检测结果（含全员核酸结果）或由干部注明理由免检", early)
		}
		return false, why
	}
	if waived > 0 {
		return true, fmt.Sprintf("各阶段已期满，已检测 %d 次均为阴性，列管之前的 %d 次经核准免检", neg, waived)
	}
	return true, "各阶段已期满，检测结果均为阴性"
}

// Eligible lists the active measures in scope that can be released today.
func (s *Service) Eligible(ctx context.Context, scope jurisdiction.Scope, unit string) ([]Measure, error) {
	scope, err := scope.NarrowOpt(unit)
	if err != nil {
		return nil, err
	}
	today := s.today()
	lo, hi := scope.Args()
	// Candidates: ended (or release-on-negative) with no test lacking a
	// negative result; open-ended measures are released by hand, not listed.
	list, err := s.list(ctx, `WHERE m.status = 'active' AND `+scope.Where("m.unit_code", 1)+` AND m.open_ended = 0
		AND (m.end_date <= $3 OR m.release_on_negative = 1)
		AND NOT EXISTS (SELECT 1 FROM measure_tests t WHERE t.measure_id = m.id AND t.result <> 'negative' AND t.waived_at = 0)
		AND (m.release_on_negative = 0 OR EXISTS (SELECT 1 FROM measure_tests t WHERE t.measure_id = m.id))
		ORDER BY m.unit_code, m.end_date, m.id LIMIT 2000`, lo, hi, today)
	if err != nil {
		return nil, err
	}
	return list, s.attachPhases(ctx, list)
}

// Release confirms a measure's release (解除) by a cadre, audited.
func (s *Service) Release(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, id int64, note string) (Measure, error) {
	now := s.now()
	today := clock.Day(now)
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		m, err := s.get(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		// Testing-round results that came in since the assignment count.
		if n, err := s.fillFromRounds(ctx, tx, actor, m.ID); err != nil {
			return err
		} else if n > 0 {
			if m, err = s.get(ctx, tx, scope, id); err != nil {
				return err
			}
		}
		if ok, why := m.Eligibility(today); !ok {
			return errs.Invalidf("release", "尚不能解除：%s", why)
		}
		res, err := tx.ExecContext(ctx, `UPDATE measures SET status = 'released', released_at = $1, released_by = $2,
			released_on = $3, note = CASE WHEN $4 = '' THEN note ELSE note || $5 END, updated_at = $1, version = version + 1
			WHERE id = $6 AND status = 'active'`, now.UnixMilli(), actor.Username, today, note, "\n解除："+note, id)
		if err != nil {
			return fmt.Errorf("release: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.ErrConflict
		}
		return audit.Record(ctx, tx, now, actor, audit.ActionUpdate, "measure", fmt.Sprint(id), m.UnitCode,
			"解除管控："+m.PersonName+strings.TrimSpace(" "+note))
	})
	if err != nil {
		return Measure{}, err
	}
	return s.Get(ctx, scope, id)
}
