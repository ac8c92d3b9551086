package tracing

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// PlaceKinds are the usual kinds of place (场所类型).
var PlaceKinds = []string{"超市商店", "农贸市场", "餐饮", "村卫生室", "诊所药店", "学校", "机关单位", "企业", "宾馆", "客运站", "红白事", "其他"}

// Place is a place with a place code (场所码).
type Place struct {
	ID        int64
	Code      string // the platform's place code, or one fangkong made
	Token     string // the key of fangkong's own public scan page
	Name      string
	Kind      string
	UnitCode  string
	UnitName  string
	Address   string
	Active    bool
	CreatedAt int64
}

func newToken() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// CreatePlace registers a place in the caller's scope; without a code it
// gets one (CS + unit + sequence).
func (s *Service) CreatePlace(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, p Place) (Place, error) {
	var err error
	if p.Name, err = personal.Text(p.Name); err != nil || p.Name == "" || len([]rune(p.Name)) > 60 {
		return Place{}, errs.Invalidf("场所名称", "请填写场所名称（60字以内）")
	}
	if p.Address, err = personal.Text(p.Address); err != nil || len([]rune(p.Address)) > 100 {
		return Place{}, errs.Invalidf("地址", "请在100字以内")
	}
	if p.Kind == "" {
		p.Kind = "其他"
	}
	if !slices.Contains(PlaceKinds, p.Kind) {
		return Place{}, errs.Invalidf("场所类型", "请选择：%s", strings.Join(PlaceKinds, "、"))
	}
	p.Code = strings.ToUpper(strings.TrimSpace(personal.Halfwidth(p.Code)))
	if len(p.Code) > 40 {
		return Place{}, errs.Invalidf("场所码", "请在40个字符以内")
	}
	if !scope.Contains(p.UnitCode) {
		return Place{}, errs.Invalidf("所在单位", "不在您的辖区内")
	}
	var n int
	if err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE code = $1`, p.UnitCode).Scan(&n); err != nil || n == 0 {
		return Place{}, errs.Invalidf("所在单位", "不在您的辖区内")
	}
	now := s.now().UnixMilli()
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		code := p.Code
		if code == "" {
			var k int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tracing_places WHERE unit_code = $1`, p.UnitCode).Scan(&k); err != nil {
				return err
			}
			code = fmt.Sprintf("CS%s%04d", p.UnitCode, k+1)
		}
		var dup int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tracing_places WHERE code = $1`, code).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			return errs.Invalidf("场所码", "场所码 %s 已登记", code)
		}
		p.Code, p.Token = code, newToken()
		if err := tx.QueryRowContext(ctx, `INSERT INTO tracing_places (code, token, name, kind, unit_code, address, active, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, 1, $7) RETURNING id`, p.Code, p.Token, p.Name, p.Kind, p.UnitCode, p.Address, now).Scan(&p.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionCreate, "tracing_place", p.ID, p.UnitCode, "登记场所 "+p.Name+"（"+p.Code+"）")
	})
	if err != nil {
		return Place{}, fmt.Errorf("create place: %w", err)
	}
	return s.Place(ctx, scope, p.ID)
}

const placeCols = `p.id, p.code, p.token, p.name, p.kind, p.unit_code, COALESCE(u.name, ''), p.address, p.active, p.created_at`

func scanPlace(row interface{ Scan(...any) error }) (Place, error) {
	var p Place
	var active int
	err := row.Scan(&p.ID, &p.Code, &p.Token, &p.Name, &p.Kind, &p.UnitCode, &p.UnitName, &p.Address, &active, &p.CreatedAt)
	p.Active = active == 1
	return p, err
}

// Place reads a place inside scope.
func (s *Service) Place(ctx context.Context, scope jurisdiction.Scope, id int64) (Place, error) {
	lo, hi := scope.Args()
	p, err := scanPlace(s.db.Reader(ctx).QueryRowContext(ctx, "SELECT "+placeCols+
		" FROM tracing_places p LEFT JOIN units u ON u.code = p.unit_code WHERE p.id = $1 AND "+scope.Where("p.unit_code", 2), id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return Place{}, fmt.Errorf("place %d: %w", id, errs.ErrNotFound)
	}
	return p, err
}

// Places lists the places inside scope, narrowed to unit, matching q.
func (s *Service) Places(ctx context.Context, scope jurisdiction.Scope, unit, q string, limit int) ([]Place, error) {
	return s.PlacesPage(ctx, scope, unit, q, limit, 0)
}

// PlacesPage is Places from the offset-th place on (a page of the list).
func (s *Service) PlacesPage(ctx context.Context, scope jurisdiction.Scope, unit, q string, limit, offset int) ([]Place, error) {
	scope, err := scope.NarrowOpt(unit)
	if err != nil {
		return nil, fmt.Errorf("places of %s: %w", unit, err)
	}
	if limit <= 0 || limit > 2000 {
		limit = 500
	}
	lo, hi := scope.Args()
	query := "SELECT " + placeCols + " FROM tracing_places p LEFT JOIN units u ON u.code = p.unit_code WHERE " + scope.Where("p.unit_code", 1)
	args := []any{lo, hi}
	if q = strings.TrimSpace(q); q != "" {
		args = append(args, "%"+q+"%", strings.ToUpper(q))
		query += " AND (p.name LIKE $3 OR p.code = $4)"
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, query+fmt.Sprintf(" ORDER BY p.unit_code, p.name, p.id LIMIT %d OFFSET %d", limit, max(offset, 0)), args...)
	if err != nil {
		return nil, fmt.Errorf("places: %w", err)
	}
	defer rows.Close()
	var out []Place
	for rows.Next() {
		p, err := scanPlace(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PlaceByToken is the place of a public scan page (active places only).
func (s *Service) PlaceByToken(ctx context.Context, token string) (Place, error) {
	p, err := scanPlace(s.db.Reader(ctx).QueryRowContext(ctx, "SELECT "+placeCols+
		" FROM tracing_places p LEFT JOIN units u ON u.code = p.unit_code WHERE p.token = $1 AND p.active = 1", token))
	if errors.Is(err, sql.ErrNoRows) {
		return Place{}, fmt.Errorf("place: %w", errs.ErrNotFound)
	}
	return p, err
}

// ScanInput is a scan on the public page (扫码登记).
type ScanInput struct {
	Name, Phone, IDNumber string
}

// PublicScan records a scan on fangkong's own page of a place: name and
// phone required, ID number when given (checked). Nothing of anyone is
// returned: only the place.
func (s *Service) PublicScan(ctx context.Context, token string, in ScanInput) (Place, error) {
	p, err := s.PlaceByToken(ctx, token)
	if err != nil {
		return Place{}, err
	}
	name, err := personal.Name(in.Name)
	if err != nil || name == "" {
		return Place{}, errs.Invalidf("姓名", "请填写姓名")
	}
	phone, err := personal.NormalizePhone(in.Phone)
	if err != nil {
		return Place{}, errs.Invalidf("手机号", "%s", err.Error())
	}
	idn := ""
	if strings.TrimSpace(in.IDNumber) != "" {
		if idn, err = personal.NormalizeIDNumber(in.IDNumber); err != nil {
			return Place{}, errs.Invalidf("身份证号", "%s", err.Error())
		}
	}
	pid, err := s.matchPerson(ctx, s.db.Reader(ctx), idn, phone, name)
	if err != nil {
		return Place{}, err
	}
	var pidArg any
	if pid != 0 {
		pidArg = pid
	}
	if _, err := s.db.Writer(ctx).ExecContext(ctx, `INSERT INTO tracing_scans (place_id, scanned_at, person_id, name, id_number, phone, source)
		VALUES ($1, $2, $3, $4, $5, $6, 'page') ON CONFLICT DO NOTHING`, p.ID, s.now().UnixMilli(), pidArg, name, idn, phone); err != nil {
		return Place{}, fmt.Errorf("public scan: %w", err)
	}
	return p, nil
}

// matchPerson finds a registry person by ID number, else by phone and name.
func (s *Service) matchPerson(ctx context.Context, q db.Querier, idn, phone, name string) (int64, error) {
	var pid int64
	var err error
	if idn != "" {
		err = q.QueryRowContext(ctx, `SELECT id FROM people WHERE id_number = $1 AND active = 1`, idn).Scan(&pid)
	} else {
		err = q.QueryRowContext(ctx, `SELECT id FROM people WHERE phone = $1 AND name = $2 AND active = 1 ORDER BY id LIMIT 1`, phone, name).Scan(&pid)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return pid, err
}
