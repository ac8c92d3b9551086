package site

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// Checklist returns every checklist item of a site with its last result,
// and whether the site is 达标 (every required item passed).
func (s *Service) Checklist(ctx context.Context, scope jurisdiction.Scope, siteID int64) ([]Check, bool, error) {
	if _, err := s.site(ctx, s.db.R(), scope, siteID); err != nil {
		return nil, false, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT item, passed, checked_on, note, checked_by FROM site_checks WHERE site_id = $1`, siteID)
	if err != nil {
		return nil, false, fmt.Errorf("checklist of site %d: %w", siteID, err)
	}
	defer rows.Close()
	got := map[string]Check{}
	for rows.Next() {
		var c Check
		var passed int
		if err := rows.Scan(&c.Item, &passed, &c.CheckedOn, &c.Note, &c.CheckedBy); err != nil {
			return nil, false, err
		}
		c.Passed, c.Done = passed == 1, true
		got[c.Item] = c
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	ready := true
	out := make([]Check, 0, len(CheckItems))
	for _, it := range CheckItems {
		c := got[it.Name]
		c.Item, c.Hint, c.Required = it.Name, it.Hint, it.Required
		if it.Required && !c.Passed {
			ready = false
		}
		out = append(out, c)
	}
	return out, ready, nil
}

// CheckInput is one item's result as a form or the API sends it: Result is
// "pass", "fail" or "" (not checked, left as it was).
type CheckInput struct {
	Item      string
	Result    string
	CheckedOn string // YYYY-MM-DD; today when empty
	Note      string
}

// SaveChecks records checklist results of a site and returns whether it is
// now 达标.
func (s *Service) SaveChecks(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, siteID int64, in []CheckInput) (bool, error) {
	x, err := s.site(ctx, s.db.R(), scope, siteID)
	if err != nil {
		return false, err
	}
	today := s.today()
	var todo []CheckInput
	for _, c := range in {
		c.Item = strings.TrimSpace(c.Item)
		known := false
		for _, it := range CheckItems {
			known = known || it.Name == c.Item
		}
		if !known {
			return false, errs.Invalidf("检查项", "没有这个检查项：%s", c.Item)
		}
		switch c.Result {
		case "":
			continue
		case "pass", "fail":
		default:
			return false, errs.Invalidf(c.Item, "结果只能是 pass（合格）或 fail（不合格）")
		}
		if c.CheckedOn == "" {
			c.CheckedOn = today
		}
		if _, err := personal.ParseDate(c.CheckedOn); err != nil {
			return false, errs.Invalidf(c.Item, "检查日期格式应为 2022-03-01")
		}
		if c.CheckedOn > today {
			return false, errs.Invalidf(c.Item, "检查日期不能晚于今天")
		}
		if len([]rune(c.Note)) > 200 {
			return false, errs.Invalidf(c.Item, "备注请在200字以内")
		}
		todo = append(todo, c)
	}
	if len(todo) == 0 {
		return false, errs.Invalidf("检查项", "请至少填写一项检查结果")
	}
	now := s.now().UnixMilli()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var fails []string
		for _, c := range todo {
			passed := 0
			if c.Result == "pass" {
				passed = 1
			} else {
				fails = append(fails, c.Item)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO site_checks (site_id, item, passed, checked_on, note, checked_by, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (site_id, item) DO UPDATE SET passed = excluded.passed, checked_on = excluded.checked_on,
				note = excluded.note, checked_by = excluded.checked_by, updated_at = excluded.updated_at`,
				siteID, c.Item, passed, c.CheckedOn, c.Note, who.Username, now); err != nil {
				return err
			}
		}
		sum := fmt.Sprintf("%s 三区两通道检查 %d 项", x.Name, len(todo))
		if len(fails) > 0 {
			sum += "，不合格：" + strings.Join(fails, "、")
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "site", siteID, x.UnitCode, sum)
	})
	if err != nil {
		return false, fmt.Errorf("save checklist of site %d: %w", siteID, err)
	}
	_, ready, err := s.Checklist(ctx, scope, siteID)
	return ready, err
}
