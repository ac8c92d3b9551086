package returnee

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/riskarea"
)

// Relevel computes again, from the risk-area history, the origin level of
// every arrival whose origin lies under one of codes (after the command
// centre adds, closes or imports entries, perhaps with a past effective
// date), stores the levels that changed with an audit entry each, and hands
// arrivals whose level rose to control measures. It returns how many
// arrivals changed. It implements riskarea.Releveler: the list's service
// calls it inside the change's transaction, which it joins (db.InTx), so
// the change, the stored levels and the measures commit together.
func (s *Service) Relevel(ctx context.Context, actor audit.Actor, codes []string) error {
	_, err := s.relevel(ctx, actor, codes)
	return err
}

func (s *Service) relevel(ctx context.Context, actor audit.Actor, codes []string) (int, error) {
	codes = append([]string(nil), codes...)
	sort.Strings(codes)
	// Origins lie anywhere in the country, and the hook has no caller's
	// jurisdiction: every arrival from a changed place is relevelled.
	all := jurisdiction.System("returnee relevel")
	var todo []Arrival
	for i, code := range codes {
		if i > 0 && strings.HasPrefix(code, codes[i-1]) {
			continue // covered by a shorter code already
		}
		origin, err := all.Narrow(code)
		if err != nil {
			continue // not a division code (riskarea validates them): no arrival comes from it
		}
		lo, hi := origin.Args()
		rows, err := s.db.R().QueryContext(ctx, "SELECT "+arrivalColumns+
			" FROM returnees r JOIN people p ON p.id = r.person_id WHERE "+origin.Where("r.origin_code", 1), lo, hi)
		if err != nil {
			return 0, fmt.Errorf("relevel %s: %w", code, err)
		}
		for rows.Next() {
			a, err := scanArrival(rows)
			if err != nil {
				rows.Close()
				return 0, err
			}
			todo = append(todo, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
	}
	type change struct {
		a   Arrival
		old string
	}
	var changed []change
	var raised []Arrival
	for _, a := range todo {
		day := a.DepartedOn
		if day == "" {
			day = a.ArrivedOn
		}
		m, err := s.levels.LevelOn(ctx, a.OriginCode, a.OriginDetail, day)
		if err != nil {
			return 0, err
		}
		if m.Level == a.OriginLevel {
			continue
		}
		if riskarea.Rank(m.Level) > riskarea.Rank(a.OriginLevel) {
			raised = append(raised, a)
			raised[len(raised)-1].OriginLevel = m.Level
		}
		old := a.OriginLevel
		a.OriginLevel = m.Level
		changed = append(changed, change{a, old})
	}
	if len(changed) == 0 {
		return 0, nil
	}
	now := s.now().UnixMilli()
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, c := range changed {
			a := c.a
			if _, err := tx.ExecContext(ctx, `UPDATE returnees SET origin_level = $1, origin_rank = $2, version = version + 1,
				updated_at = $3 WHERE id = $4`, a.OriginLevel, riskarea.Rank(a.OriginLevel), now, a.ID); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, s.now(), actor, audit.ActionUpdate, "returnee", fmt.Sprint(a.ID), a.VillageCode,
				fmt.Sprintf("风险地区清单变更，%s 来源地 %s 离开时风险等级：%s → %s", a.Name, a.Origin(), levelText(c.old), levelText(a.OriginLevel))); err != nil {
				return err
			}
		}
		for _, a := range raised {
			if err := s.assign(ctx, actor, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("relevel arrivals: %w", err)
	}
	return len(changed), nil
}
