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
	"fangkong/internal/policy"
	"fangkong/internal/registry"
)

// AssignMany assigns many people in one transaction (demo data, benchmarks,
// a tracing team's list): the same rules as Assign, set-based. Each input
// whose person is outside scope makes the whole call fail with its index.
func (s *Service) AssignMany(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, ins []AssignInput) (int, error) {
	vs, err := s.policy.Versions(ctx)
	if err != nil {
		return 0, err
	}
	type item struct {
		in   AssignInput
		plan *policy.Plan
		vid  int64
	}
	plans := map[string]*item{}
	items := make([]item, len(ins))
	today := s.today()
	for i, in := range ins {
		cat, ok := policy.CategoryByCode(in.Category)
		if !ok {
			return 0, errs.Invalidf("category", "第%d条：未知人员类别“%s”", i+1, in.Category)
		}
		in.Category = cat.Code
		if in.DayZero > today {
			return 0, errs.Invalidf("day_zero", "第%d条：起算日 %s 不能晚于今天", i+1, in.DayZero)
		}
		if in.Source == "" {
			in.Source = "批量"
		}
		key := strings.Join([]string{in.Version, in.Category, in.Choice, in.DayZero, in.Place, in.RiskLevel}, "|")
		it := plans[key]
		if it == nil {
			p, err := policy.PlanWith(vs, in.Version, in.Category, in.Choice, in.DayZero, policy.Circumstances{Place: in.Place, RiskLevel: in.RiskLevel})
			if err != nil {
				return 0, fmt.Errorf("第%d条：%w", i+1, err)
			}
			v, _ := policy.Find(vs, p.Version)
			it = &item{plan: &p, vid: v.ID}
			plans[key] = it
		}
		items[i] = item{in: in, plan: it.plan, vid: it.vid}
	}
	now := s.now()
	nowMs := now.UnixMilli()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		lo, hi := scope.Args()
		units := map[int64]string{}
		const chunk = 500
		for i := 0; i < len(items); i += chunk {
			part := items[i:min(i+chunk, len(items))]
			ids := make([]string, len(part))
			for j, it := range part {
				ids[j] = fmt.Sprint(it.in.PersonID)
			}
			list := strings.Join(ids, ",")
			rows, err := tx.QueryContext(ctx, `SELECT id, unit_code FROM people WHERE id IN (`+list+`)
				AND `+registry.PeopleInScope("", scope, 1), lo, hi)
			if err != nil {
				return fmt.Errorf("assign many: %w", err)
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
			if _, err := tx.ExecContext(ctx, `UPDATE measures SET status = 'superseded', updated_at = $1, version = version + 1
				WHERE status = 'active' AND person_id IN (`+list+`)`, nowMs); err != nil {
				return fmt.Errorf("assign many: supersede: %w", err)
			}
		}
		for i, it := range items {
			if _, ok := units[it.in.PersonID]; !ok {
				return fmt.Errorf("第%d条（人员 %d）：%w", i+1, it.in.PersonID, errs.ErrNotFound)
			}
		}
		ids, err := s.db.AllocIDs(ctx, tx, "measures", len(items))
		if err != nil {
			return err
		}
		ms, err := s.db.NewInserter(ctx, tx, "measures", []string{"id", "person_id", "unit_code", "category", "choice", "day_zero", "place",
			"risk_level", "policy_version_id", "policy_version", "status", "assigned_on", "end_date", "open_ended", "release_on_negative",
			"explanation", "source", "note", "token", "created_by", "created_role", "created_at", "updated_at"}, "")
		if err != nil {
			return err
		}
		defer ms.Close()
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
		for i, it := range items {
			p, id, unit := it.plan, ids[i], units[it.in.PersonID]
			status := StatusActive
			if p.HandOff {
				status = StatusHandedOff
			}
			if err := ms.Add(id, it.in.PersonID, unit, it.in.Category, p.Choice, it.in.DayZero, it.in.Place, it.in.RiskLevel, it.vid,
				p.Version, status, clock.Day(now), p.End, boolInt(p.OpenEnded), boolInt(p.ReleaseOnNegative), p.Explanation,
				it.in.Source, it.in.Note, newToken(), actor.Username, actor.Role, nowMs, nowMs); err != nil {
				return fmt.Errorf("assign many: %w", err)
			}
		}
		// Measures before the rows that reference them.
		if err := ms.Flush(); err != nil {
			return err
		}
		for i, it := range items {
			p, id, unit := it.plan, ids[i], units[it.in.PersonID]
			if !p.HandOff {
				for j, ph := range p.Phases {
					if err := phases.Add(id, j+1, unit, ph.Type, ph.Name, ph.Start, ph.End, ph.ChecksDaily); err != nil {
						return fmt.Errorf("assign many: %w", err)
					}
				}
				for _, t := range p.Tests {
					if err := tests.Add(id, unit, t.Date, t.Day); err != nil {
						return fmt.Errorf("assign many: %w", err)
					}
				}
			}
			if err := audits.Add(nowMs, actor.UserID, actor.Username, actor.Role, actor.Unit, audit.ActionCreate, "measure", fmt.Sprint(id),
				unit, fmt.Sprintf("列为%s（起算日 %s，来源：%s）", policy.CategoryName(it.in.Category), it.in.DayZero, it.in.Source),
				actor.IP, actor.RequestID); err != nil {
				return fmt.Errorf("assign many: %w", err)
			}
		}
		for _, in := range []interface{ Flush() error }{phases, tests, audits} {
			if err := in.Flush(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(items), nil
}
