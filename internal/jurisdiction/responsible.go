package jurisdiction

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fangkong/internal/errs"
	"fangkong/internal/personal"
)

// Responsibles lists the responsible people of a unit (and its grids).
func (s *Store) Responsibles(ctx context.Context, scope Scope, unitCode string) ([]Responsible, error) {
	if !scope.Contains(unitCode) {
		return nil, fmt.Errorf("responsibles of %q: %w", unitCode, errs.ErrNotFound)
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT r.id, r.unit_code, COALESCE(r.grid_id, 0), COALESCE(g.name, ''), r.duty, r.name, r.phone
		FROM responsibles r LEFT JOIN grids g ON g.id = r.grid_id
		WHERE r.unit_code = $1 ORDER BY r.id`, unitCode)
	if err != nil {
		return nil, fmt.Errorf("responsibles of %q: %w", unitCode, err)
	}
	defer rows.Close()
	var out []Responsible
	for rows.Next() {
		var r Responsible
		if err := rows.Scan(&r.ID, &r.UnitCode, &r.GridID, &r.GridName, &r.Duty, &r.Name, &r.Phone); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AddResponsible names a responsible person for a unit or one of its grids.
func (s *Store) AddResponsible(ctx context.Context, scope Scope, r Responsible) (Responsible, error) {
	if _, err := s.Get(ctx, scope, r.UnitCode); err != nil {
		return Responsible{}, err
	}
	r.Name = strings.TrimSpace(r.Name)
	if r.Name == "" {
		return Responsible{}, errs.Invalidf("姓名", "请填写责任人姓名")
	}
	if len([]rune(r.Name)) > 30 {
		return Responsible{}, errs.Invalidf("姓名", "责任人姓名请在30字以内")
	}
	if !slices.Contains(Duties, r.Duty) {
		return Responsible{}, errs.Invalidf("职责", "请选择职责：%s", strings.Join(Duties, "、"))
	}
	phone, err := personal.NormalizePhone(r.Phone)
	if err != nil {
		return Responsible{}, errs.Invalidf("手机号", "%s", err.Error())
	}
	r.Phone = phone
	var grid any
	if r.GridID != 0 {
		if err := s.GridInScope(ctx, scope, r.GridID, r.UnitCode); err != nil {
			return Responsible{}, err
		}
		grid = r.GridID
	}
	err = s.db.W().QueryRowContext(ctx, `INSERT INTO responsibles (unit_code, grid_id, duty, name, phone, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, r.UnitCode, grid, r.Duty, r.Name, r.Phone, s.now().UnixMilli()).Scan(&r.ID)
	if err != nil {
		return Responsible{}, fmt.Errorf("add responsible: %w", err)
	}
	return r, nil
}

// DeleteResponsible removes a responsible person inside the scope.
func (s *Store) DeleteResponsible(ctx context.Context, scope Scope, id int64) error {
	lo, hi := scope.Args()
	res, err := s.db.W().ExecContext(ctx, "DELETE FROM responsibles WHERE id = $1 AND "+scope.Where("unit_code", 2), id, lo, hi)
	if err != nil {
		return fmt.Errorf("delete responsible %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("responsible %d: %w", id, errs.ErrNotFound)
	}
	return nil
}
