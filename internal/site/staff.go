package site

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// Posts are the usual posts at a site (岗位); others may be typed.
var Posts = []string{"负责人", "医护", "消杀", "保洁", "安保", "后勤", "转运司机", "信息联络"}

// Test states of a staff member under the site's cadence.
const (
	TestOK      = "正常"
	TestDue     = "今日应检"
	TestOverdue = "逾期"
)

const staffColumns = `id, site_id, name, post, phone, id_number, last_test_on, doses, last_dose_on, active, version, created_at, updated_at`

func scanStaff(row interface{ Scan(...any) error }) (Staff, error) {
	var x Staff
	var active int
	err := row.Scan(&x.ID, &x.SiteID, &x.Name, &x.Post, &x.Phone, &x.IDNumber, &x.LastTestOn, &x.Doses, &x.LastDoseOn,
		&active, &x.Version, &x.CreatedAt, &x.UpdatedAt)
	x.Active = active == 1
	return x, err
}

// TestStateOn says whether someone last tested on last, testing every
// `every` days, is fine, due today or overdue on day today.
func TestStateOn(last, today string, every int) string {
	if last == "" {
		return TestOverdue
	}
	l, err1 := personal.ParseDate(last)
	t, err2 := personal.ParseDate(today)
	if err1 != nil || err2 != nil {
		return TestOverdue
	}
	days := int(t.Sub(l).Hours() / 24)
	switch {
	case days > every:
		return TestOverdue
	case days == every:
		return TestDue
	}
	return TestOK
}

// StaffList lists the staff of a site (active first), with their test state.
func (s *Service) StaffList(ctx context.Context, scope jurisdiction.Scope, siteID int64) ([]Staff, Site, error) {
	x, err := s.site(ctx, s.db.R(), scope, siteID)
	if err != nil {
		return nil, Site{}, err
	}
	rows, err := s.db.R().QueryContext(ctx, "SELECT "+staffColumns+" FROM site_staff WHERE site_id = $1 ORDER BY active DESC, post, name", siteID)
	if err != nil {
		return nil, x, fmt.Errorf("staff of site %d: %w", siteID, err)
	}
	defer rows.Close()
	today := s.today()
	var out []Staff
	for rows.Next() {
		st, err := scanStaff(rows)
		if err != nil {
			return nil, x, err
		}
		st.TestState = TestStateOn(st.LastTestOn, today, x.StaffTestEvery)
		out = append(out, st)
	}
	return out, x, rows.Err()
}

func (s *Service) validateStaff(x *Staff) error {
	x.Name = personal.Halfwidth(x.Name)
	if err := cleanNames(map[string]*string{"姓名": &x.Name, "岗位": &x.Post}); err != nil {
		return err
	}
	if x.Name == "" || len([]rune(x.Name)) > 30 {
		return errs.Invalidf("姓名", "请填写姓名（30字以内）")
	}
	if x.Post == "" || len([]rune(x.Post)) > 20 {
		return errs.Invalidf("岗位", "请填写岗位（20字以内）")
	}
	if x.Phone != "" {
		ph, err := personal.NormalizePhone(x.Phone)
		if err != nil {
			return errs.Invalidf("手机号", "%s", err.Error())
		}
		x.Phone = ph
	}
	if x.IDNumber != "" {
		id, err := personal.NormalizeIDNumber(x.IDNumber)
		if err != nil {
			return errs.Invalidf("身份证号", "%s", err.Error())
		}
		if err := personal.CheckBirthDate(personal.IDBirthDate(id), s.today()); err != nil {
			return errs.Invalidf("身份证号", "身份证号中的%s", err.Error())
		}
		x.IDNumber = id
	}
	today := s.today()
	for _, d := range []struct{ field, v string }{{"最近检测日期", x.LastTestOn}, {"末次接种日期", x.LastDoseOn}} {
		if d.v == "" {
			continue
		}
		if _, err := personal.ParseDate(d.v); err != nil {
			return errs.Invalidf(d.field, "日期格式应为 2022-03-01")
		}
		if d.v > today {
			return errs.Invalidf(d.field, "日期不能晚于今天")
		}
	}
	if x.Doses < 0 || x.Doses > 5 {
		return errs.Invalidf("接种剂次", "请填0到5")
	}
	if x.Doses == 0 && x.LastDoseOn != "" {
		return errs.Invalidf("接种剂次", "填写了末次接种日期时剂次不能为0")
	}
	return nil
}

// AddStaff adds a staff member to a site.
func (s *Service) AddStaff(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, siteID int64, x Staff) (Staff, error) {
	site, err := s.site(ctx, s.db.R(), scope, siteID)
	if err != nil {
		return Staff{}, err
	}
	if err := s.validateStaff(&x); err != nil {
		return Staff{}, err
	}
	now := s.now().UnixMilli()
	x.SiteID, x.Active, x.Version, x.CreatedAt, x.UpdatedAt = siteID, true, 1, now, now
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO site_staff (site_id, name, post, phone, id_number, last_test_on, doses, last_dose_on,
			active, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, 1, $9, $9) RETURNING id`,
			siteID, x.Name, x.Post, x.Phone, x.IDNumber, x.LastTestOn, x.Doses, x.LastDoseOn, now).Scan(&x.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionCreate, "site_staff", x.ID, site.UnitCode, site.Name+" 新增工作人员 "+x.Name+"（"+x.Post+"）")
	})
	if err != nil {
		return Staff{}, fmt.Errorf("add staff to site %d: %w", siteID, err)
	}
	x.TestState = TestStateOn(x.LastTestOn, s.today(), site.StaffTestEvery)
	return x, nil
}

// StaffMember returns one staff member whose site is inside the scope.
func (s *Service) StaffMember(ctx context.Context, scope jurisdiction.Scope, id int64) (Staff, Site, error) {
	x, err := scanStaff(s.db.R().QueryRowContext(ctx, "SELECT "+staffColumns+" FROM site_staff WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Staff{}, Site{}, fmt.Errorf("staff %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Staff{}, Site{}, fmt.Errorf("staff %d: %w", id, err)
	}
	site, err := s.site(ctx, s.db.R(), scope, x.SiteID)
	if err != nil {
		return Staff{}, Site{}, err
	}
	x.TestState = TestStateOn(x.LastTestOn, s.today(), site.StaffTestEvery)
	return x, site, nil
}

// UpdateStaff changes a staff member (a new test date, doses, leaving the
// post); x.Version must be the version read.
func (s *Service) UpdateStaff(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, x Staff) (Staff, error) {
	old, site, err := s.StaffMember(ctx, scope, x.ID)
	if err != nil {
		return Staff{}, err
	}
	if err := s.validateStaff(&x); err != nil {
		return Staff{}, err
	}
	active := 0
	if x.Active {
		active = 1
	}
	now := s.now().UnixMilli()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE site_staff SET name = $1, post = $2, phone = $3, id_number = $4, last_test_on = $5,
			doses = $6, last_dose_on = $7, active = $8, version = version + 1, updated_at = $9 WHERE id = $10 AND version = $11`,
			x.Name, x.Post, x.Phone, x.IDNumber, x.LastTestOn, x.Doses, x.LastDoseOn, active, now, x.ID, x.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrConflict
		}
		sum := site.Name + " 工作人员 " + x.Name
		if x.LastTestOn != old.LastTestOn {
			sum += " 检测 " + x.LastTestOn
		}
		if !x.Active && old.Active {
			sum += " 离岗"
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "site_staff", x.ID, site.UnitCode, sum)
	})
	if err != nil {
		return Staff{}, fmt.Errorf("update staff %d: %w", x.ID, err)
	}
	x.SiteID, x.Version, x.CreatedAt, x.UpdatedAt = old.SiteID, x.Version+1, old.CreatedAt, now
	x.TestState = TestStateOn(x.LastTestOn, s.today(), site.StaffTestEvery)
	return x, nil
}
