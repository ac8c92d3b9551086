package sentinel

import (
	"context"
	"database/sql"
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

// The kinds of sentinel (哨点类型).
const (
	KindVillageClinic = "村卫生室"
	KindPrivateClinic = "个体诊所"
	KindPharmacy      = "药店"
	KindTownshipFever = "乡镇卫生院发热哨点"
	KindFeverClinic   = "发热门诊"
	KindSchool        = "学校"
	KindCareHome      = "养老机构"
	KindMarket        = "农贸市场"
)

// Kinds lists the kinds in display order.
var Kinds = []string{KindVillageClinic, KindPrivateClinic, KindPharmacy, KindTownshipFever, KindFeverClinic, KindSchool, KindCareHome, KindMarket}

// treatsFever says which kinds may treat fever patients: village and
// private clinics (and pharmacies, markets…) may not — they report and
// refer (村报告、乡采样、县检测).
func treatsFever(kind string) bool { return kind == KindTownshipFever || kind == KindFeverClinic }

// checksDaily says which kinds run 晨午检 per class or floor.
func checksDaily(kind string) bool { return kind == KindSchool || kind == KindCareHome }

// Sentinel is one sentinel unit.
type Sentinel struct {
	ID            int64
	UnitCode      string // the village or township it belongs to
	UnitName      string
	Name          string
	Kind          string
	ContactName   string
	ContactPhone  string
	MayTreatFever bool
	Active        bool
	Version       int64
	CreatedAt     int64
}

// RunsChecks says whether the sentinel keeps 晨午检 (schools, care homes).
func (x Sentinel) RunsChecks() bool { return checksDaily(x.Kind) }

const sentinelColumns = `s.id, s.unit_code, COALESCE(u.name, ''), s.name, s.kind, s.contact_name, s.contact_phone,
	s.may_treat_fever, s.active, s.version, s.created_at`

func scanSentinel(row interface{ Scan(...any) error }) (Sentinel, error) {
	var x Sentinel
	var treat, active int
	err := row.Scan(&x.ID, &x.UnitCode, &x.UnitName, &x.Name, &x.Kind, &x.ContactName, &x.ContactPhone, &treat, &active, &x.Version, &x.CreatedAt)
	x.MayTreatFever, x.Active = treat == 1, active == 1
	return x, err
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *Service) validateSentinel(ctx context.Context, scope jurisdiction.Scope, x *Sentinel) error {
	var err error
	if x.Name, err = personal.Name(personal.Halfwidth(x.Name)); err != nil {
		return errs.Invalidf("name", "名称：%s", err.Error())
	}
	if x.Name == "" || len([]rune(x.Name)) > 50 {
		return errs.Invalidf("name", "请填写哨点名称（50字以内）")
	}
	if !slices.Contains(Kinds, x.Kind) {
		return errs.Invalidf("kind", "请选择哨点类型：%s", strings.Join(Kinds, "、"))
	}
	if x.ContactName, err = personal.Name(x.ContactName); err != nil || len([]rune(x.ContactName)) > 30 {
		return errs.Invalidf("contact_name", "联系人请填写30字以内的姓名")
	}
	if x.ContactPhone != "" {
		ph, err := personal.NormalizePhone(x.ContactPhone)
		if err != nil {
			return errs.Invalidf("contact_phone", "%s", err.Error())
		}
		x.ContactPhone = ph
	}
	x.MayTreatFever = treatsFever(x.Kind)
	if x.UnitCode == "" {
		return errs.Invalidf("unit_code", "请选择哨点所在的村(社区)或镇(街道)")
	}
	u, err := s.units.Get(ctx, scope, x.UnitCode)
	if errors.Is(err, errs.ErrNotFound) {
		return errs.Invalidf("unit_code", "%s 不存在或不在您的辖区内", x.UnitCode)
	}
	if err != nil {
		return err
	}
	if u.Level != jurisdiction.LevelTownship && u.Level != jurisdiction.LevelVillage {
		return errs.Invalidf("unit_code", "哨点设在村(社区)或镇(街道)，%s 是%s", u.Name, u.LevelName())
	}
	return nil
}

// CreateSentinel adds a sentinel unit. Whether it may treat fever follows
// its kind: only township fever rooms and fever clinics may.
func (s *Service) CreateSentinel(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, x Sentinel) (Sentinel, error) {
	if err := s.validateSentinel(ctx, scope, &x); err != nil {
		return Sentinel{}, err
	}
	now := s.now().UnixMilli()
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO sentinels (unit_code, name, kind, contact_name, contact_phone, may_treat_fever,
			active, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, 1, $7, $7) RETURNING id`,
			x.UnitCode, x.Name, x.Kind, x.ContactName, x.ContactPhone, b2i(x.MayTreatFever), now).Scan(&x.ID)
		if db.IsUniqueViolation(err) {
			return &errs.Conflict{Message: "该村(镇)已有同名哨点：" + x.Name}
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionCreate, "sentinel", x.ID, x.UnitCode, "新增哨点 "+x.Name+"（"+x.Kind+"）")
	})
	if err != nil {
		return Sentinel{}, fmt.Errorf("create sentinel %q: %w", x.Name, err)
	}
	x.Active, x.Version, x.CreatedAt = true, 1, now
	return x, nil
}

func (s *Service) sentinel(ctx context.Context, q db.Querier, scope jurisdiction.Scope, id int64) (Sentinel, error) {
	lo, hi := scope.Args()
	x, err := scanSentinel(q.QueryRowContext(ctx, "SELECT "+sentinelColumns+
		" FROM sentinels s LEFT JOIN units u ON u.code = s.unit_code WHERE s.id = $1 AND "+scope.Where("s.unit_code", 2), id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return Sentinel{}, fmt.Errorf("sentinel %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Sentinel{}, fmt.Errorf("sentinel %d: %w", id, err)
	}
	return x, nil
}

// Sentinel returns one sentinel inside the scope.
func (s *Service) Sentinel(ctx context.Context, scope jurisdiction.Scope, id int64) (Sentinel, error) {
	return s.sentinel(ctx, s.db.Reader(ctx), scope, id)
}

// Sentinels lists the sentinels inside the scope, narrowed to unit when
// given; kind "" for all.
func (s *Service) Sentinels(ctx context.Context, scope jurisdiction.Scope, unit, kind string) ([]Sentinel, error) {
	scope, err := scope.NarrowOpt(unit)
	if err != nil {
		return nil, fmt.Errorf("sentinels of %s: %w", unit, err)
	}
	lo, hi := scope.Args()
	q := "SELECT " + sentinelColumns + " FROM sentinels s LEFT JOIN units u ON u.code = s.unit_code WHERE " + scope.Where("s.unit_code", 1)
	args := []any{lo, hi}
	if kind != "" {
		q += " AND s.kind = $3"
		args = append(args, kind)
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q+" ORDER BY s.unit_code, s.name", args...)
	if err != nil {
		return nil, fmt.Errorf("list sentinels: %w", err)
	}
	defer rows.Close()
	var out []Sentinel
	for rows.Next() {
		x, err := scanSentinel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Account is a sentinel-role account as binding needs it.
type Account struct {
	ID       int64
	Username string
	Role     string
	UnitCode string
}

// Bind binds a sentinel account to a sentinel inside the scope: the
// account then reports for it. The sentinel must lie in the account's own
// jurisdiction (it looks up people there). Binding again moves the account.
func (s *Service) Bind(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, sentinelID int64, acc Account) error {
	x, err := s.sentinel(ctx, s.db.Reader(ctx), scope, sentinelID)
	if err != nil {
		return err
	}
	if acc.Role != "sentinel" {
		return errs.Invalidf("username", "账号 %s 不是哨点账号", acc.Username)
	}
	// Every code in a unit's subtree starts with the unit's code.
	if acc.UnitCode == "" || !strings.HasPrefix(x.UnitCode, acc.UnitCode) {
		return errs.Invalidf("username", "账号 %s 的单位不包含该哨点所在的村(镇)", acc.Username)
	}
	now := s.now().UnixMilli()
	return s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sentinel_users (user_id, sentinel_id, bound_at, bound_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id) DO UPDATE SET sentinel_id = excluded.sentinel_id, bound_at = excluded.bound_at, bound_by = excluded.bound_by`,
			acc.ID, x.ID, now, who.Username); err != nil {
			return fmt.Errorf("bind %s to sentinel %d: %w", acc.Username, x.ID, err)
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "sentinel", x.ID, x.UnitCode, "绑定哨点账号 "+acc.Username+" → "+x.Name)
	})
}

// Mine returns the sentinel the account is bound to, inside its scope;
// errs.ErrNotFound when it is bound to none.
func (s *Service) Mine(ctx context.Context, scope jurisdiction.Scope, userID int64) (Sentinel, error) {
	var id int64
	err := s.db.Reader(ctx).QueryRowContext(ctx, "SELECT sentinel_id FROM sentinel_users WHERE user_id = $1", userID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Sentinel{}, fmt.Errorf("sentinel of user %d: %w", userID, errs.ErrNotFound)
	}
	if err != nil {
		return Sentinel{}, fmt.Errorf("sentinel of user %d: %w", userID, err)
	}
	return s.sentinel(ctx, s.db.Reader(ctx), scope, id)
}

// Accounts counts the accounts bound to a sentinel (for its page).
func (s *Service) Accounts(ctx context.Context, scope jurisdiction.Scope, sentinelID int64) (int, error) {
	if _, err := s.sentinel(ctx, s.db.Reader(ctx), scope, sentinelID); err != nil {
		return 0, err
	}
	var n int
	if err := s.db.Reader(ctx).QueryRowContext(ctx, "SELECT COUNT(*) FROM sentinel_users WHERE sentinel_id = $1", sentinelID).Scan(&n); err != nil {
		return 0, fmt.Errorf("accounts of sentinel %d: %w", sentinelID, err)
	}
	return n, nil
}

// FeverClinics lists the places in the county of unit that may treat
// fever (发热门诊, 乡镇卫生院发热哨点): where a clinic that may not refers its
// patients. They are public facilities, listed to any sentinel of the
// county whatever its own jurisdiction.
func (s *Service) FeverClinics(ctx context.Context, unit string) ([]Sentinel, error) {
	if len(unit) < 6 {
		return nil, nil
	}
	county, err := jurisdiction.System("sentinel referral").Narrow(unit[:6])
	if err != nil {
		return nil, err
	}
	lo, hi := county.Args()
	rows, err := s.db.Reader(ctx).QueryContext(ctx, "SELECT "+sentinelColumns+
		" FROM sentinels s LEFT JOIN units u ON u.code = s.unit_code WHERE "+county.Where("s.unit_code", 1)+
		" AND s.may_treat_fever = 1 AND s.active = 1 ORDER BY s.unit_code, s.name", lo, hi)
	if err != nil {
		return nil, fmt.Errorf("fever clinics of %s: %w", unit, err)
	}
	defer rows.Close()
	var out []Sentinel
	for rows.Next() {
		x, err := scanSentinel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
