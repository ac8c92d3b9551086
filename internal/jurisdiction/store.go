package jurisdiction

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/errs"
)

// Unit is one node of the tree.
type Unit struct {
	Code       string
	ParentCode string
	Level      int
	Name       string
	Kind       string // 镇/街道/乡, 村/社区, 村民小组/小区
}

// LevelName is the Chinese name of the unit's level.
func (u Unit) LevelName() string { return LevelName(u.Level) }

// Grid is a 网格 inside a village.
type Grid struct {
	ID          int64
	VillageCode string
	Name        string
}

// Responsible is a person answerable for a unit or grid (包保责任人).
type Responsible struct {
	ID       int64
	UnitCode string
	GridID   int64
	GridName string
	Duty     string
	Name     string
	Phone    string
}

// Duties of responsible people, as the seeds name them (三级包保, 三员一长).
var Duties = []string{"县级领导包镇", "镇干部包村", "村干部包户", "网格长", "网格员", "网格指导员", "网格防控员", "驻村工作队"}

// Store reads and writes the tree.
type Store struct {
	db  *db.DB
	now func() time.Time
}

// NewStore returns a Store on d.
func NewStore(d *db.DB, now func() time.Time) *Store { return &Store{db: d, now: now} }

const unitColumns = "code, COALESCE(parent_code, ''), level, name, kind"

func scanUnit(row interface{ Scan(...any) error }) (Unit, error) {
	var u Unit
	err := row.Scan(&u.Code, &u.ParentCode, &u.Level, &u.Name, &u.Kind)
	return u, err
}

// Get returns a unit inside the scope.
func (s *Store) Get(ctx context.Context, scope Scope, code string) (Unit, error) {
	if !scope.Contains(code) {
		return Unit{}, fmt.Errorf("unit %q: %w", code, errs.ErrNotFound)
	}
	u, err := scanUnit(s.db.R().QueryRowContext(ctx, "SELECT "+unitColumns+" FROM units WHERE code = $1", code))
	if errors.Is(err, sql.ErrNoRows) {
		return Unit{}, fmt.Errorf("unit %q: %w", code, errs.ErrNotFound)
	}
	if err != nil {
		return Unit{}, fmt.Errorf("get unit %q: %w", code, err)
	}
	return u, nil
}

// Children lists the direct children of a unit inside the scope, by code.
func (s *Store) Children(ctx context.Context, scope Scope, code string) ([]Unit, error) {
	if !scope.Contains(code) {
		return nil, fmt.Errorf("children of %q: %w", code, errs.ErrNotFound)
	}
	return s.query(ctx, "SELECT "+unitColumns+" FROM units WHERE parent_code = $1 ORDER BY code", code)
}

// Units lists every unit of a level inside the scope, by code.
func (s *Store) Units(ctx context.Context, scope Scope, level int) ([]Unit, error) {
	lo, hi := scope.Args()
	return s.query(ctx, "SELECT "+unitColumns+" FROM units WHERE "+scope.Where("code", 1)+" AND level = $3 ORDER BY code", lo, hi, level)
}

// Path returns the unit and its ancestors from the top down (for breadcrumbs);
// division names are public, so no scope applies.
func (s *Store) Path(ctx context.Context, code string) ([]Unit, error) {
	var codes []string
	for _, n := range []int{2, 4, 6, 9, 12, 15} {
		if len(code) >= n {
			codes = append(codes, code[:n])
		}
	}
	if len(codes) == 0 {
		return nil, nil
	}
	ph := make([]string, len(codes))
	args := make([]any, len(codes))
	for i, c := range codes {
		ph[i] = fmt.Sprintf("$%d", i+1)
		args[i] = c
	}
	return s.query(ctx, "SELECT "+unitColumns+" FROM units WHERE code IN ("+strings.Join(ph, ", ")+") ORDER BY code", args...)
}

// LocalName is a unit's name with the township and village above it, for
// a notice (甘亭街道西街社区居委会怡景家园), "" when the code is unknown.
func (s *Store) LocalName(ctx context.Context, code string) string {
	path, err := s.Path(ctx, code)
	if err != nil {
		return ""
	}
	var b strings.Builder
	for _, u := range path {
		if u.Level >= LevelTownship {
			b.WriteString(u.Name)
		}
	}
	return b.String()
}

func (s *Store) query(ctx context.Context, q string, args ...any) ([]Unit, error) {
	rows, err := s.db.R().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("query units: %w", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// AddGroup adds a 村民小组 or 小区 under a village, with the next free code.
func (s *Store) AddGroup(ctx context.Context, scope Scope, villageCode, name string) (Unit, error) {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 40 {
		return Unit{}, errs.Invalidf("名称", "请填写1到40个字的组或小区名称")
	}
	v, err := s.Get(ctx, scope, villageCode)
	if err != nil {
		return Unit{}, err
	}
	if v.Level != LevelVillage {
		return Unit{}, errs.Invalidf("上级", "组/小区只能建在村(社区)下")
	}
	kind := "村民小组"
	if strings.Contains(v.Name, "社区") {
		kind = "小区"
	}
	var u Unit
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM units WHERE parent_code = $1 AND name = $2", villageCode, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &errs.Conflict{Message: "该村(社区)下已有同名的组或小区：" + name}
		}
		var max string
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(code), '') FROM units WHERE parent_code = $1", villageCode).Scan(&max); err != nil {
			return err
		}
		next := 1
		if max != "" {
			fmt.Sscanf(max[12:], "%d", &next)
			next++
		}
		if next > 999 {
			return errs.Invalidf("名称", "一个村(社区)最多999个组或小区")
		}
		u = Unit{Code: fmt.Sprintf("%s%03d", villageCode, next), ParentCode: villageCode, Level: LevelGroup, Name: name, Kind: kind}
		_, err := tx.ExecContext(ctx, "INSERT INTO units (code, parent_code, level, name, kind, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
			u.Code, u.ParentCode, u.Level, u.Name, u.Kind, s.now().UnixMilli())
		return err
	})
	if err != nil {
		return Unit{}, fmt.Errorf("add group %q under %s: %w", name, villageCode, err)
	}
	return u, nil
}

// Grids lists the grids of a village.
func (s *Store) Grids(ctx context.Context, scope Scope, villageCode string) ([]Grid, error) {
	if !scope.Contains(villageCode) {
		return nil, fmt.Errorf("grids of %q: %w", villageCode, errs.ErrNotFound)
	}
	rows, err := s.db.R().QueryContext(ctx, "SELECT id, village_code, name FROM grids WHERE village_code = $1 ORDER BY id", villageCode)
	if err != nil {
		return nil, fmt.Errorf("grids of %q: %w", villageCode, err)
	}
	defer rows.Close()
	var out []Grid
	for rows.Next() {
		var g Grid
		if err := rows.Scan(&g.ID, &g.VillageCode, &g.Name); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// GridInScope checks that a grid belongs to the village and the scope.
func (s *Store) GridInScope(ctx context.Context, scope Scope, gridID int64, villageCode string) error {
	var vc string
	err := s.db.R().QueryRowContext(ctx, "SELECT village_code FROM grids WHERE id = $1", gridID).Scan(&vc)
	if err != nil || !scope.Contains(vc) || (villageCode != "" && vc != villageCode) {
		return errs.Invalidf("网格", "网格不存在或不属于该村(社区)")
	}
	return nil
}

// AddGrid adds a grid to a village.
func (s *Store) AddGrid(ctx context.Context, scope Scope, villageCode, name string) (Grid, error) {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 40 {
		return Grid{}, errs.Invalidf("名称", "请填写1到40个字的网格名称")
	}
	v, err := s.Get(ctx, scope, villageCode)
	if err != nil {
		return Grid{}, err
	}
	if v.Level != LevelVillage {
		return Grid{}, errs.Invalidf("上级", "网格只能建在村(社区)下")
	}
	g := Grid{VillageCode: villageCode, Name: name}
	err = s.db.W().QueryRowContext(ctx, "INSERT INTO grids (village_code, name, created_at) VALUES ($1, $2, $3) RETURNING id",
		villageCode, name, s.now().UnixMilli()).Scan(&g.ID)
	if db.IsUniqueViolation(err) {
		return Grid{}, &errs.Conflict{Message: "该村(社区)下已有同名网格：" + name}
	}
	if err != nil {
		return Grid{}, fmt.Errorf("add grid %q: %w", name, err)
	}
	return g, nil
}
