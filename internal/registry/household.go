package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

const householdColumns = `h.id, h.no, h.unit_code, COALESCE(h.grid_id, 0), h.address, h.phone, h.cadre_name, h.cadre_phone, h.version, h.created_at, h.updated_at`

func scanHousehold(row interface{ Scan(...any) error }, extra ...any) (Household, error) {
	var h Household
	dest := append([]any{&h.ID, &h.No, &h.UnitCode, &h.GridID, &h.Address, &h.Phone, &h.CadreName, &h.CadrePhone, &h.Version, &h.CreatedAt, &h.UpdatedAt}, extra...)
	err := row.Scan(dest...)
	return h, err
}

// Household returns a household inside the scope.
func (s *Service) Household(ctx context.Context, scope jurisdiction.Scope, id int64) (Household, error) {
	lo, hi := scope.Args()
	var members int
	var head string
	h, err := scanHousehold(s.db.R().QueryRowContext(ctx, "SELECT "+householdColumns+`,
		(SELECT COUNT(*) FROM people p WHERE p.household_id = h.id AND p.active = 1),
		COALESCE((SELECT MIN(p.name) FROM people p WHERE p.household_id = h.id AND p.relation = '户主' AND p.active = 1), '')
		FROM households h WHERE h.id = $1 AND `+scope.Where("h.unit_code", 2), id, lo, hi), &members, &head)
	if errors.Is(err, sql.ErrNoRows) {
		return Household{}, fmt.Errorf("household %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Household{}, fmt.Errorf("household %d: %w", id, err)
	}
	h.Members, h.HeadName = members, head
	return h, nil
}

// ViewHousehold is Household for a page that shows the household with its
// members (names, relations, the household's phone): the view is written
// to the audit log, as ViewPerson's is.
func (s *Service) ViewHousehold(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64) (Household, error) {
	h, err := s.Household(ctx, scope, id)
	if err != nil {
		return Household{}, err
	}
	if err := s.record(ctx, s.db.W(), who, audit.ActionView, "household", h.ID, h.UnitCode,
		fmt.Sprintf("查看户 %s（户主%s，%d人）", h.No, h.HeadName, h.Members)); err != nil {
		return Household{}, err
	}
	return h, nil
}

// HouseholdByNo finds a household by its 户编号 inside the scope.
func (s *Service) HouseholdByNo(ctx context.Context, scope jurisdiction.Scope, no string) (Household, error) {
	lo, hi := scope.Args()
	h, err := scanHousehold(s.db.R().QueryRowContext(ctx, "SELECT "+householdColumns+
		" FROM households h WHERE h.no = $1 AND "+scope.Where("h.unit_code", 2), strings.TrimSpace(no), lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return Household{}, fmt.Errorf("household %q: %w", no, errs.ErrNotFound)
	}
	if err != nil {
		return Household{}, fmt.Errorf("household %q: %w", no, err)
	}
	return h, nil
}

// HouseholdFilter narrows a household list.
type HouseholdFilter struct {
	Unit   string // village or group inside the scope; "" = whole scope
	GridID int64
	Q      string // 户编号, address or the head's name (prefix)
	Limit  int
	Offset int
}

// Households lists households inside the scope, with member count and head.
func (s *Service) Households(ctx context.Context, scope jurisdiction.Scope, f HouseholdFilter) ([]Household, error) {
	scope, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return nil, fmt.Errorf("households of %s: %w", f.Unit, err)
	}
	lo, hi := scope.Args()
	where := scope.Where("h.unit_code", 1)
	args := []any{lo, hi}
	if f.GridID != 0 {
		args = append(args, f.GridID)
		where += fmt.Sprintf(" AND h.grid_id = $%d", len(args))
	}
	if q := searchText(f.Q); q != "" {
		// The 户编号, the address or the head's name begins with q (as typed
		// or folded to simplified characters: 蘇天華), on their indexes;
		// or, in a village or township, the address holds q (八组1号,
		// 8组1号, 八组一号 — addressMatches reads that scope's addresses).
		var ors []string
		for _, v := range nameForms(q) {
			var cond string
			args, cond = s.householdPrefix(args, v)
			ors = append(ors, cond)
		}
		ids, ok, err := s.addressMatches(ctx, scope, q)
		if err != nil {
			return nil, err
		}
		if ok && len(ids) > 0 {
			list := make([]string, len(ids))
			for i, id := range ids {
				list[i] = strconv.FormatInt(id, 10)
			}
			ors = append(ors, "h.id IN ("+strings.Join(list, ",")+")")
		}
		where += " AND (" + strings.Join(ors, " OR ") + ")"
	}
	limit, offset := pageBounds(f.Limit, f.Offset)
	q := "SELECT " + householdColumns + `,
		(SELECT COUNT(*) FROM people p WHERE p.household_id = h.id AND p.active = 1),
		COALESCE((SELECT MIN(p.name) FROM people p WHERE p.household_id = h.id AND p.relation = '户主' AND p.active = 1), '')
		FROM households h WHERE ` + where + fmt.Sprintf(" ORDER BY h.unit_code, h.no LIMIT %d OFFSET %d", limit, offset)
	rows, err := s.db.R().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list households: %w", err)
	}
	defer rows.Close()
	var out []Household
	for rows.Next() {
		var members int
		var head string
		h, err := scanHousehold(rows, &members, &head)
		if err != nil {
			return nil, err
		}
		h.Members, h.HeadName = members, head
		out = append(out, h)
	}
	return out, rows.Err()
}

// householdPrefix is the condition "the 户编号, the address or the head's
// name begins with q", its arguments appended to args.
func (s *Service) householdPrefix(args []any, q string) ([]any, string) {
	if s.indexedPrefix(q) {
		// The same three prefixes, each on its index (search.go).
		args = append(args, q, prefixEnd(q))
		return args, fmt.Sprintf(`h.id IN (SELECT id FROM households WHERE no >= $%[1]d AND no < $%[2]d
			UNION ALL SELECT id FROM households WHERE address >= $%[1]d AND address < $%[2]d
			UNION ALL SELECT household_id FROM people WHERE relation = '户主' AND name >= $%[1]d AND name < $%[2]d)`,
			len(args)-1, len(args))
	}
	args = append(args, likePrefix(q))
	if s.db.Dialect == db.Postgres {
		// The three prefixes as LIKE, each on its text_pattern_ops index
		// (0023, 0029): the OR below walks the county's households in list
		// order testing each (0.9 s p99 for a name at a million people).
		return args, fmt.Sprintf(`h.id IN (SELECT id FROM households WHERE no LIKE $%[1]d ESCAPE '\'
			UNION ALL SELECT id FROM households WHERE address LIKE $%[1]d ESCAPE '\'
			UNION ALL SELECT household_id FROM people WHERE relation = '户主' AND name LIKE $%[1]d ESCAPE '\')`, len(args))
	}
	n := len(args)
	return args, fmt.Sprintf(`(h.no LIKE $%d ESCAPE '\' OR h.address LIKE $%d ESCAPE '\'
		OR EXISTS (SELECT 1 FROM people p WHERE p.household_id = h.id AND p.relation = '户主' AND p.name LIKE $%d ESCAPE '\'))`,
		n, n, n)
}

func likePrefix(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(q) + "%"
}

func pageBounds(limit, offset int) (int, int) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	if offset < 0 {
		offset = 0
	}
	return limit, offset
}

func (s *Service) validateHousehold(ctx context.Context, scope jurisdiction.Scope, h *Household) error {
	var err error
	if h.Address, err = personal.Name(h.Address); err != nil {
		return errs.Invalidf("住址", "%s", err.Error())
	}
	if h.Address == "" || len([]rune(h.Address)) > 100 {
		return errs.Invalidf("住址", "请填写住址（100字以内）")
	}
	u, err := s.residentUnit(ctx, scope, h.UnitCode)
	if err != nil {
		return err
	}
	h.UnitCode = u.Code
	if h.Phone != "" {
		p, err := personal.NormalizePhone(h.Phone)
		if err != nil {
			return errs.Invalidf("联系电话", "%s", err.Error())
		}
		h.Phone = p
	}
	if h.CadreName, err = personal.Name(h.CadreName); err != nil {
		return errs.Invalidf("包户干部", "%s", err.Error())
	}
	if len([]rune(h.CadreName)) > 30 {
		return errs.Invalidf("包户干部", "姓名请在30字以内")
	}
	if h.CadrePhone != "" {
		p, err := personal.NormalizePhone(h.CadrePhone)
		if err != nil {
			return errs.Invalidf("包户干部电话", "%s", err.Error())
		}
		h.CadrePhone = p
	}
	if h.GridID != 0 {
		if err := s.units.GridInScope(ctx, scope, h.GridID, jurisdiction.VillageOf(h.UnitCode)); err != nil {
			return err
		}
	}
	h.No = strings.TrimSpace(h.No)
	if h.No != "" && !strings.HasPrefix(h.No, jurisdiction.VillageOf(h.UnitCode)) {
		return errs.Invalidf("户编号", "户编号应以所属村(社区)代码%s开头", jurisdiction.VillageOf(h.UnitCode))
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nextHouseholdNo returns the next free 户编号 of a village: CODE-NNNN.
func nextHouseholdNo(ctx context.Context, q db.Querier, village string) (string, error) {
	var max string
	err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(no), '') FROM households WHERE no >= $1 AND no < $2",
		village+"-", village+".").Scan(&max)
	if err != nil {
		return "", err
	}
	n := 0
	if max != "" {
		fmt.Sscanf(max[len(village)+1:], "%d", &n)
	}
	return fmt.Sprintf("%s-%04d", village, n+1), nil
}

// CreateHousehold registers a household.
func (s *Service) CreateHousehold(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, h Household) (Household, error) {
	if err := s.validateHousehold(ctx, scope, &h); err != nil {
		return Household{}, err
	}
	now := s.now().UnixMilli()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if h.No == "" {
			no, err := nextHouseholdNo(ctx, tx, jurisdiction.VillageOf(h.UnitCode))
			if err != nil {
				return err
			}
			h.No = no
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO households (no, unit_code, grid_id, address, phone, cadre_name, cadre_phone, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id`, h.No, h.UnitCode, nullID(h.GridID), h.Address, h.Phone,
			h.CadreName, h.CadrePhone, now).Scan(&h.ID)
		if db.IsUniqueViolation(err) {
			return &errs.Conflict{Message: "户编号已存在：" + h.No}
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionCreate, "household", h.ID, h.UnitCode, "新增户 "+h.No+" "+h.Address)
	})
	if err != nil {
		return Household{}, fmt.Errorf("create household: %w", err)
	}
	h.Version, h.CreatedAt, h.UpdatedAt = 1, now, now
	return h, nil
}

// UpdateHousehold changes a household; h.Version must be the version read.
// Moving a household to another unit moves its members with it.
func (s *Service) UpdateHousehold(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, h Household) (Household, error) {
	old, err := s.Household(ctx, scope, h.ID)
	if err != nil {
		return Household{}, err
	}
	if h.No == "" {
		h.No = old.No
	}
	if err := s.validateHousehold(ctx, scope, &h); err != nil {
		return Household{}, err
	}
	now := s.now().UnixMilli()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE households SET no = $1, unit_code = $2, grid_id = $3, address = $4, phone = $5,
			cadre_name = $6, cadre_phone = $7, version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10`,
			h.No, h.UnitCode, nullID(h.GridID), h.Address, h.Phone, h.CadreName, h.CadrePhone, now, h.ID, h.Version)
		if db.IsUniqueViolation(err) {
			return &errs.Conflict{Message: "户编号已存在：" + h.No}
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrConflict
		}
		if h.UnitCode != old.UnitCode {
			if _, err := tx.ExecContext(ctx, "UPDATE people SET unit_code = $1, updated_at = $2, version = version + 1 WHERE household_id = $3",
				h.UnitCode, now, h.ID); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "household", h.ID, h.UnitCode, changeSummary(householdFields(old), householdFields(h)))
	})
	if err != nil {
		return Household{}, fmt.Errorf("update household %d: %w", h.ID, err)
	}
	h.Version++
	h.UpdatedAt = now
	return h, nil
}

func householdFields(h Household) [][2]string {
	return [][2]string{{"户编号", h.No}, {"所属", h.UnitCode}, {"网格", fmt.Sprint(h.GridID)}, {"住址", h.Address}, {"电话", personal.MaskPhone(h.Phone)},
		{"包户干部", h.CadreName + " " + h.CadrePhone}}
}

// changeSummary lists the fields that differ, for the audit log.
func changeSummary(before, after [][2]string) string {
	var parts []string
	for i := range before {
		if before[i][1] != after[i][1] {
			parts = append(parts, before[i][0]+"："+before[i][1]+" → "+after[i][1])
		}
	}
	if len(parts) == 0 {
		return "无变化"
	}
	return strings.Join(parts, "；")
}
