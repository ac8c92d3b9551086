package sentinel

import (
	"context"
	"database/sql"
	"fmt"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// Check is one class's (school) or floor's (care home) morning and noon
// check of a day (晨午检): present, absent for illness, with fever.
type Check struct {
	Group     string
	Present   int
	AbsentIll int
	Fevers    int
	Note      string
	UpdatedAt int64
	UpdatedBy string
}

// CheckDay is a sentinel's 晨午检 of a day with the totals.
type CheckDay struct {
	Day    string
	Checks []Check
	Total  Check
}

// Zero says whether nothing was found: no absence for illness, no fever
// (零报告).
func (c CheckDay) Zero() bool {
	return len(c.Checks) > 0 && c.Total.AbsentIll == 0 && c.Total.Fevers == 0
}

// SubmitCheck records one class's or floor's 晨午检 of today at the school
// or care home mine; the same class again replaces its figures. The day's
// return follows: its fever count is the sum of the day's checks (a zero
// report when there is none), so a school reports once, by its checks.
func (s *Service) SubmitCheck(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, mine Sentinel, c Check) (CheckDay, error) {
	x, err := s.sentinel(ctx, s.db.Reader(ctx), scope, mine.ID)
	if err != nil {
		return CheckDay{}, err
	}
	if !x.RunsChecks() {
		return CheckDay{}, &errs.Conflict{Message: "晨午检由学校和养老机构填报"}
	}
	if c.Group, err = personal.Name(c.Group); err != nil || c.Group == "" || len([]rune(c.Group)) > 30 {
		return CheckDay{}, errs.Invalidf("grp", "请填写班级或楼层（30字以内），如 三年级二班、二楼")
	}
	for _, f := range []struct {
		field string
		v     int
	}{{"present", c.Present}, {"absent_ill", c.AbsentIll}, {"fevers", c.Fevers}} {
		if f.v < 0 || f.v > 5000 {
			return CheckDay{}, errs.Invalidf(f.field, "人数应为0到5000之间的整数")
		}
	}
	if c.Fevers > c.Present+c.AbsentIll {
		return CheckDay{}, errs.Invalidf("fevers", "发热人数不能多于到校（在院）和因病缺勤人数之和")
	}
	if c.Note, err = cleanNote(c.Note); err != nil {
		return CheckDay{}, err
	}
	day, now := s.today(), s.now().UnixMilli()
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sentinel_checks (sentinel_id, day, grp, present, absent_ill, fevers, note, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (sentinel_id, day, grp) DO UPDATE SET present = excluded.present, absent_ill = excluded.absent_ill,
				fevers = excluded.fevers, note = excluded.note, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			x.ID, day, c.Group, c.Present, c.AbsentIll, c.Fevers, c.Note, now, who.Username); err != nil {
			return err
		}
		var fevers int
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(SUM(fevers), 0) FROM sentinel_checks WHERE sentinel_id = $1 AND day = $2", x.ID, day).Scan(&fevers); err != nil {
			return err
		}
		// The day's return from the checks counts at least the patients
		// reported one by one (SubmitReturn refuses fewer).
		reported, err := reportedOn(ctx, tx, x.ID, day)
		if err != nil {
			return err
		}
		if _, err := s.SubmitReturn(ctx, who, scope, x, day, max(fevers, reported), "晨午检"); err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "sentinel_check", x.ID, x.UnitCode,
			fmt.Sprintf("%s晨午检 %s：到 %d，因病缺勤 %d，发热 %d", x.Name, c.Group, c.Present, c.AbsentIll, c.Fevers))
	})
	if err != nil {
		return CheckDay{}, fmt.Errorf("check of sentinel %d: %w", x.ID, err)
	}
	return s.Checks(ctx, scope, x.ID, day)
}

// Checks returns a sentinel's 晨午检 of day inside the scope.
func (s *Service) Checks(ctx context.Context, scope jurisdiction.Scope, sentinelID int64, day string) (CheckDay, error) {
	if _, err := s.sentinel(ctx, s.db.Reader(ctx), scope, sentinelID); err != nil {
		return CheckDay{}, err
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT grp, present, absent_ill, fevers, note, updated_at, updated_by
		FROM sentinel_checks WHERE sentinel_id = $1 AND day = $2 ORDER BY grp`, sentinelID, day)
	if err != nil {
		return CheckDay{}, fmt.Errorf("checks of sentinel %d: %w", sentinelID, err)
	}
	defer rows.Close()
	out := CheckDay{Day: day, Total: Check{Group: "合计"}}
	for rows.Next() {
		var c Check
		if err := rows.Scan(&c.Group, &c.Present, &c.AbsentIll, &c.Fevers, &c.Note, &c.UpdatedAt, &c.UpdatedBy); err != nil {
			return CheckDay{}, err
		}
		out.Total.Present += c.Present
		out.Total.AbsentIll += c.AbsentIll
		out.Total.Fevers += c.Fevers
		out.Checks = append(out.Checks, c)
	}
	return out, rows.Err()
}
