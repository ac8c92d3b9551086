package registry

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// Deregister takes a person off the register (注销) — moved away for good
// (迁出) or deceased (死亡) — so counts, lists and ledgers no longer include
// them. The record stays, read-only, and can be reinstated.
func (s *Service) Deregister(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, reason, on string) (Person, error) {
	if !slices.Contains(LeaveReasons, reason) {
		return Person{}, errs.Invalidf("注销原因", "请选择：%s", strings.Join(LeaveReasons, "、"))
	}
	if !validDate(on) {
		return Person{}, errs.Invalidf("日期", "请填写日期（如2026-11-01）")
	}
	if on > clock.Day(s.now()) {
		return Person{}, errs.Invalidf("日期", "日期不能晚于今天")
	}
	var p Person
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if p, err = s.person(ctx, tx, scope, id); err != nil {
			return err
		}
		if !p.Active {
			return &errs.Conflict{Message: "该人员已不在册（已注销或已合并）"}
		}
		if on < p.BirthDate {
			return errs.Invalidf("日期", "日期早于出生日期")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE people SET active = 0, left_reason = $1, left_on = $2, version = version + 1, updated_at = $3
			WHERE id = $4`, reason, on, s.now().UnixMilli(), id); err != nil {
			return err
		}
		p.Active, p.LeftReason, p.LeftOn = false, reason, on
		return s.record(ctx, tx, who, audit.ActionUpdate, "person", id, p.UnitCode,
			fmt.Sprintf("注销 %s %s：%s（%s）", p.Name, personal.MaskID(p.IDNumber), reason, on))
	})
	if err != nil {
		return Person{}, fmt.Errorf("deregister person %d: %w", id, err)
	}
	return p, nil
}

// Reinstate puts a deregistered person back on the register (撤销注销).
func (s *Service) Reinstate(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64) (Person, error) {
	var p Person
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if p, err = s.person(ctx, tx, scope, id); err != nil {
			return err
		}
		if p.Active || p.MergedInto != 0 {
			return &errs.Conflict{Message: "只有已注销（未合并）的人员可以撤销注销"}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE people SET active = 1, left_reason = '', left_on = '', version = version + 1, updated_at = $1
			WHERE id = $2`, s.now().UnixMilli(), id); err != nil {
			return err
		}
		summary := fmt.Sprintf("撤销注销 %s %s（原因：%s %s）", p.Name, personal.MaskID(p.IDNumber), p.LeftReason, p.LeftOn)
		p.Active, p.LeftReason, p.LeftOn = true, "", ""
		return s.record(ctx, tx, who, audit.ActionUpdate, "person", id, p.UnitCode, summary)
	})
	if err != nil {
		return Person{}, fmt.Errorf("reinstate person %d: %w", id, err)
	}
	return p, nil
}
