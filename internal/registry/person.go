package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/sheet"
)

const personColumns = `p.id, COALESCE(p.id_number, ''), p.name, p.sex, p.birth_date, p.phone, COALESCE(p.household_id, 0),
	p.relation, p.unit_code, p.residence, p.groups, p.note, COALESCE(p.merged_into, 0), p.active, p.left_reason, p.left_on,
	p.version, p.created_at, p.updated_at`

func scanPerson(row interface{ Scan(...any) error }) (Person, error) {
	var p Person
	var active int
	err := row.Scan(&p.ID, &p.IDNumber, &p.Name, &p.Sex, &p.BirthDate, &p.Phone, &p.HouseholdID,
		&p.Relation, &p.UnitCode, &p.Residence, &p.Groups, &p.Note, &p.MergedInto, &active, &p.LeftReason, &p.LeftOn,
		&p.Version, &p.CreatedAt, &p.UpdatedAt)
	p.Active = active == 1
	return p, err
}

// person reads a person inside the scope without auditing (internal use).
func (s *Service) person(ctx context.Context, q db.Querier, scope jurisdiction.Scope, id int64) (Person, error) {
	lo, hi := scope.Args()
	p, err := scanPerson(q.QueryRowContext(ctx, "SELECT "+personColumns+
		" FROM people p WHERE p.id = $1 AND "+scope.Where("p.unit_code", 2), id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, fmt.Errorf("person %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Person{}, fmt.Errorf("person %d: %w", id, err)
	}
	return p, nil
}

// ViewPerson returns a person's full record and writes the view to the
// audit log: every display of an unmasked record goes through here.
func (s *Service) ViewPerson(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64) (Person, error) {
	p, err := s.person(ctx, s.db.R(), scope, id)
	if err != nil {
		return Person{}, err
	}
	if err := s.record(ctx, s.db.W(), who, audit.ActionView, "person", p.ID, p.UnitCode, "查看 "+p.Name+" "+personal.MaskID(p.IDNumber)); err != nil {
		return Person{}, err
	}
	return p, nil
}

// PersonRow is a person as lists show it: ID number and phone masked.
type PersonRow struct {
	ID          int64
	Name        string
	Sex         string
	Age         int
	BirthDate   string
	IDMasked    string
	PhoneMasked string
	HouseholdID int64
	Relation    string
	UnitCode    string
	Residence   string
	Groups      SpecialGroup
	// Village and Address tell namesakes apart in a list: the village's
	// name and the household's address (filled by People).
	Village string
	Address string
}

func rowOf(p Person, today string) PersonRow {
	return PersonRow{ID: p.ID, Name: p.Name, Sex: p.Sex, Age: personal.AgeOn(p.BirthDate, today), BirthDate: p.BirthDate,
		IDMasked: personal.MaskID(p.IDNumber), PhoneMasked: personal.MaskPhone(p.Phone), HouseholdID: p.HouseholdID,
		Relation: p.Relation, UnitCode: p.UnitCode, Residence: p.Residence, Groups: p.Groups}
}

// PersonFilter narrows a person search.
type PersonFilter struct {
	Unit        string // unit inside the scope; "" = whole scope
	Q           string // ID number (whole, or its last 4–6 characters), phone, or name prefix
	Residence   string
	Group       SpecialGroup
	HouseholdID int64
	// Deregistered lists the people deregistered (注销) instead of those on the register.
	Deregistered bool
	Limit        int
	Offset       int
}

// People searches people inside the scope. ID numbers and phones come back
// masked; a search by a full ID number or phone still finds the person.
func (s *Service) People(ctx context.Context, scope jurisdiction.Scope, f PersonFilter) ([]PersonRow, error) {
	scope, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return nil, fmt.Errorf("people of %s: %w", f.Unit, err)
	}
	lo, hi := scope.Args()
	where := []string{scope.Where("p.unit_code", 1), "p.active = 1"}
	if f.Deregistered {
		// Few of a county: on SQLite, without histograms (db.Analyze),
		// the planner is told so, or it walks the county in list order.
		where[1] = s.rare("p.active = 0") + " AND p.merged_into IS NULL"
	}
	args := []any{lo, hi}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if q := searchText(f.Q); q != "" {
		if id, err := personal.NormalizeIDNumber(q); err == nil {
			add("p.id_number = ?", id)
		} else if ph, err := personal.NormalizePhone(q); err == nil {
			add("p.phone = ?", ph)
		} else if isIDTail(q) {
			// The last four characters find the rows on an index
			// (people_id_tail, migration 0023); LIKE keeps a longer tail exact.
			tail := strings.ToUpper(q)
			add(s.rare("substr(p.id_number, length(p.id_number) - 3) = ?"), tail[len(tail)-4:])
			add(`p.id_number LIKE ? ESCAPE '\'`, "%"+tail)
		} else if forms := nameForms(q); len(forms) == 1 {
			s.addNamePrefix(add, q)
		} else {
			// 蘇天華: the name as typed or folded to simplified characters,
			// either prefix still a range on the people_name index.
			var ors []string
			for _, v := range forms {
				var conds []string
				s.addNamePrefix(func(cond string, x any) {
					args = append(args, x)
					conds = append(conds, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
				}, v)
				ors = append(ors, "("+strings.Join(conds, " AND ")+")")
			}
			where = append(where, "("+strings.Join(ors, " OR ")+")")
		}
	}
	if f.Residence != "" {
		add("p.residence = ?", f.Residence)
	}
	if f.Group != 0 {
		add("(p.groups & ?) <> 0", int64(f.Group))
	}
	if f.HouseholdID != 0 {
		add("p.household_id = ?", f.HouseholdID)
	}
	limit, offset := pageBounds(f.Limit, f.Offset)
	// The village's name and the household's address come in the same
	// query, looked up for the rows of the page only (a result column is
	// not computed for the rows OFFSET skips).
	q := "SELECT " + personColumns + `,
		COALESCE((SELECT h.address FROM households h WHERE h.id = p.household_id), ''),
		COALESCE((SELECT v.name FROM units v WHERE v.code = SUBSTR(p.unit_code, 1, 12) AND LENGTH(p.unit_code) >= 12), '')
		FROM people p WHERE ` + strings.Join(where, " AND ") +
		fmt.Sprintf(" ORDER BY p.unit_code, p.household_id, p.id LIMIT %d OFFSET %d", limit, offset)
	rows, err := s.db.R().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("search people: %w", err)
	}
	defer rows.Close()
	today := s.today()
	var out []PersonRow
	for rows.Next() {
		var address, village string
		p, err := scanPerson(scanWith{rows, []any{&address, &village}})
		if err != nil {
			return nil, err
		}
		r := rowOf(p, today)
		r.Address, r.Village = address, village
		out = append(out, r)
	}
	return out, rows.Err()
}

// SearchPeople is People for a user: a search by a full ID number or phone
// — which tells who someone is even in a masked list — is written to the
// audit log with what was found, as a look-up is.
func (s *Service) SearchPeople(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, f PersonFilter) ([]PersonRow, error) {
	rows, err := s.People(ctx, scope, f)
	if err != nil {
		return rows, err
	}
	q := searchText(f.Q) // as People reads it
	var key string
	if id, err := personal.NormalizeIDNumber(q); err == nil {
		key = "按身份证号查找：" + personal.MaskID(id)
	} else if ph, err := personal.NormalizePhone(q); err == nil {
		key = "按手机号查找：" + personal.MaskPhone(ph)
	} else {
		return rows, nil
	}
	var id int64
	unit := scope.Code()
	if len(rows) > 0 {
		id, unit = rows[0].ID, rows[0].UnitCode
	}
	if err := s.record(ctx, s.db.W(), who, audit.ActionLookup, "person", id, unit, fmt.Sprintf("%s（人员列表，%d条）", key, len(rows))); err != nil {
		return nil, err
	}
	return rows, nil
}

// scanWith scans a row into the destinations given and then extra: the
// columns a query selects after a type's own.
type scanWith struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (s scanWith) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra...)...) }

func isIDTail(q string) bool {
	if len(q) < 4 || len(q) > 6 {
		return false
	}
	for i, c := range q {
		if !(c >= '0' && c <= '9') && !(i == len(q)-1 && (c == 'X' || c == 'x')) {
			return false
		}
	}
	return true
}

func (s *Service) today() string { return clock.Day(s.now()) }

// validatePerson normalises and checks a person, and fills sex and birth
// date from the ID number.
func (s *Service) validatePerson(ctx context.Context, scope jurisdiction.Scope, p *Person) error {
	if field, err := cleanPersonText(p); err != nil {
		return errs.Invalidf(field, "%s", err.Error())
	}
	if p.Name == "" || len([]rune(p.Name)) > 30 {
		return errs.Invalidf("姓名", "请填写姓名（30字以内）")
	}
	if p.IDNumber != "" {
		id, err := personal.NormalizeIDNumber(p.IDNumber)
		if err != nil {
			return errs.Invalidf("身份证号", "%s", err.Error())
		}
		p.IDNumber = id
		p.Sex = personal.IDSex(id)
		p.BirthDate = personal.IDBirthDate(id)
		if err := personal.CheckBirthDate(p.BirthDate, s.today()); err != nil {
			return errs.Invalidf("身份证号", "身份证号中的%s", err.Error())
		}
	} else {
		if p.Sex != "男" && p.Sex != "女" {
			return errs.Invalidf("性别", "无身份证号时请选择性别")
		}
		p.BirthDate = sheet.NormDate(p.BirthDate) // 1990年1月1日, 1990/1/1
		if p.BirthDate == "" {
			return errs.Invalidf("出生日期", "无身份证号时请填写出生日期（如1980-05-01）")
		}
		if !validDate(p.BirthDate) {
			return errs.Invalidf("出生日期", "出生日期“%s”无效，请按1980-05-01填写", p.BirthDate)
		}
		if err := personal.CheckBirthDate(p.BirthDate, s.today()); err != nil {
			return errs.Invalidf("出生日期", "%s", err.Error())
		}
	}
	if p.Phone != "" {
		ph, err := personal.NormalizePhone(p.Phone)
		if err != nil {
			return errs.Invalidf("手机号", "%s", err.Error())
		}
		p.Phone = ph
	}
	p.Relation = NormRelation(p.Relation)
	if p.Relation != "" && !slices.Contains(Relations, p.Relation) {
		return errs.Invalidf("与户主关系", "请选择：%s", strings.Join(Relations, "、"))
	}
	if p.Residence == "" {
		p.Residence = ResidentLocal
	}
	if !slices.Contains(ResidenceStatuses, p.Residence) {
		return errs.Invalidf("居住状态", "请选择：%s", strings.Join(ResidenceStatuses, "、"))
	}
	if len([]rune(p.Note)) > 200 {
		return errs.Invalidf("备注", "备注请在200字以内")
	}
	if p.HouseholdID != 0 {
		h, err := s.Household(ctx, scope, p.HouseholdID)
		if errors.Is(err, errs.ErrNotFound) {
			return errs.Invalidf("户", "户不存在或不在您的辖区内")
		}
		if err != nil {
			return err
		}
		p.UnitCode = h.UnitCode
		if p.Relation == "" {
			return errs.Invalidf("与户主关系", "请选择与户主关系")
		}
	}
	u, err := s.residentUnit(ctx, scope, p.UnitCode)
	if err != nil {
		return err
	}
	p.UnitCode = u.Code
	return nil
}

// cleanPersonText normalises the name and the note as typed or imported
// (personal.Name, personal.Text): it returns the field and the reason of
// text that is refused (control characters, direction overrides).
func cleanPersonText(p *Person) (string, error) {
	var err error
	if p.Name, err = personal.PersonName(personal.Halfwidth(p.Name)); err != nil {
		return "姓名", err
	}
	if p.Note, err = personal.Text(p.Note); err != nil {
		return "备注", err
	}
	return "", nil
}

func validDate(d string) bool {
	if len(d) != 10 {
		return false
	}
	_, err := personal.ParseDate(d)
	return err == nil
}

// duplicateID explains an ID number that is already registered: naming the
// record when it lies in the caller's scope, else only that it exists
// (elsewhere.go). It runs after the failed insert or update; when ctx
// carries an outer transaction, that transaction failed with it and the
// look-up is not written (the caller's action fails as a whole).
func (s *Service) duplicateID(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id string) error {
	var pid int64
	var unit string
	err := s.db.R().QueryRowContext(ctx, "SELECT id, unit_code FROM people WHERE id_number = $1", id).Scan(&pid, &unit)
	if err != nil {
		return errs.ErrConflict // gone meanwhile: the plain conflict, try again
	}
	if scope.Contains(unit) {
		return &errs.Conflict{Message: fmt.Sprintf("该身份证号已登记（人员编号 %d），请勿重复录入", pid)}
	}
	return s.elsewhere(ctx, who, pid, unit, !s.db.InTransaction(ctx))
}

// CreatePerson registers a person. It joins the caller's transaction (a
// returnee's arrival creates the person it records, db.InTx).
func (s *Service) CreatePerson(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, p Person) (Person, error) {
	if err := s.validatePerson(ctx, scope, &p); err != nil {
		return Person{}, err
	}
	now := s.now().UnixMilli()
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO people (id_number, name, sex, birth_date, phone, household_id, relation,
			unit_code, residence, groups, note, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $12) RETURNING id`,
			nullString(p.IDNumber), p.Name, p.Sex, p.BirthDate, p.Phone, nullID(p.HouseholdID), p.Relation,
			p.UnitCode, p.Residence, int64(p.Groups), p.Note, now).Scan(&p.ID)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionCreate, "person", p.ID, p.UnitCode, "新增 "+p.Name+" "+personal.MaskID(p.IDNumber))
	})
	if db.IsUniqueViolation(err) {
		return Person{}, s.duplicateID(ctx, who, scope, p.IDNumber)
	}
	if err != nil {
		return Person{}, fmt.Errorf("create person: %w", err)
	}
	p.Version, p.CreatedAt, p.UpdatedAt = 1, now, now
	return p, nil
}

func nullString(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// UpdatePerson changes a person; p.Version must be the version read.
func (s *Service) UpdatePerson(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, p Person) (Person, error) {
	old, err := s.person(ctx, s.db.R(), scope, p.ID)
	if err != nil {
		return Person{}, err
	}
	if old.MergedInto != 0 {
		return Person{}, &errs.Conflict{Message: "该记录已合并，请修改合并后的记录"}
	}
	if !old.Active {
		return Person{}, &errs.Conflict{Message: "该人员已注销（" + old.LeftReason + "），请先撤销注销"}
	}
	if err := s.validatePerson(ctx, scope, &p); err != nil {
		return Person{}, err
	}
	now := s.now().UnixMilli()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE people SET id_number = $1, name = $2, sex = $3, birth_date = $4, phone = $5,
			household_id = $6, relation = $7, unit_code = $8, residence = $9, groups = $10, note = $11,
			version = version + 1, updated_at = $12 WHERE id = $13 AND version = $14`,
			nullString(p.IDNumber), p.Name, p.Sex, p.BirthDate, p.Phone, nullID(p.HouseholdID), p.Relation,
			p.UnitCode, p.Residence, int64(p.Groups), p.Note, now, p.ID, p.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrConflict
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "person", p.ID, p.UnitCode, p.Name+"："+changeSummary(personFields(old), personFields(p)))
	})
	if db.IsUniqueViolation(err) {
		return Person{}, s.duplicateID(ctx, who, scope, p.IDNumber)
	}
	if err != nil {
		return Person{}, fmt.Errorf("update person %d: %w", p.ID, err)
	}
	// What an update does not change is as stored (an answer built from the
	// input alone said active false).
	p.MergedInto, p.Active, p.LeftReason, p.LeftOn, p.CreatedAt = old.MergedInto, old.Active, old.LeftReason, old.LeftOn, old.CreatedAt
	p.Version++
	p.UpdatedAt = now
	return p, nil
}

func personFields(p Person) [][2]string {
	return [][2]string{{"姓名", p.Name}, {"身份证号", personal.MaskID(p.IDNumber)}, {"手机号", personal.MaskPhone(p.Phone)},
		{"户", fmt.Sprint(p.HouseholdID)}, {"关系", p.Relation}, {"所属", p.UnitCode}, {"居住状态", p.Residence},
		{"特殊群体", GroupNames(p.Groups)}, {"备注", p.Note}, {"性别", p.Sex}, {"出生日期", p.BirthDate}}
}
