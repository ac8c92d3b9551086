// Package lookup answers an exact look-up of one person (查找人员): by a
// full ID number, a phone number or a personal sampling code (采样码),
// within the caller's jurisdiction, every look-up in the audit log.
//
// It is how the look-up roles — 卡口 (checkpoint), 哨点 (sentinel), 流调
// (tracing), 核酸 (sampling) and 隔离点 (site) — find the person in front of
// them, without browsing lists or searching names across the county. The
// answer is masked (ID number, phone) unless the person is in the caller's
// workflow, as each domain defines it for the caller's role (Workflow): a
// person handed over to control measures by the caller's role, at the
// caller's quarantine site, sampled by the caller or due for the caller's
// retest. Roles that may browse the ledger (people.read) see full values,
// as on the person's page.
//
// A look-up also lets a look-up role address the person by registry id for
// a while (Reach: the measure assignment form), so that ids, which are
// sequential, cannot be walked to list the county.
package lookup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/registry"
	"fangkong/internal/wire"
)

// Workflow is a domain's answer to "is this person part of the caller's
// work?": why ("" when not). Measures, sites and sampling implement it.
type Workflow interface {
	InWorkflow(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, personID int64) (string, error)
}

// Codes resolves a personal sampling code to a registry id (sampling).
type Codes interface {
	PersonByCode(ctx context.Context, code string) (int64, error)
}

// ReachFor is how long a look-up lets the caller address the person by id.
const ReachFor = 12 * time.Hour

// Service answers look-ups.
type Service struct {
	db    *db.DB
	codes Codes
	flows map[string][]Workflow // by role
	now   func() time.Time
}

// NewService returns a Service. flows names, per role (auth.Role as a
// string), the domains whose workflow makes a person's values full.
func NewService(d *db.DB, codes Codes, flows map[string][]Workflow, now func() time.Time) *Service {
	wire.Need("lookup.NewService", "db", d)
	wire.Need("lookup.NewService", "codes", codes)
	wire.Need("lookup.NewService", "flows", flows)
	wire.Need("lookup.NewService", "now", now)
	return &Service{db: d, codes: codes, flows: flows, now: now}
}

// Key is what the caller holds: exactly one of a full ID number, a phone
// number or a personal sampling code.
type Key struct {
	IDNumber string
	Phone    string
	Code     string
}

// Answer is the person found.
type Answer struct {
	PersonID  int64
	Name      string
	Sex       string
	BirthDate string
	IDNumber  string // full when Full, else masked
	Phone     string // full when Full, else masked
	UnitCode  string
	UnitName  string
	// UnitPath names the unit with the township and village above it
	// (涝店街道 南涝村村委会 八组): a group's name alone (八组) is in every village.
	UnitPath  string
	Address   string
	Residence string
	Full      bool
	Why       string // why the values are full (the workflow), or that they are masked
}

// normalize checks the key and says what it is, masked, for the audit log.
func (k *Key) normalize() (kind, masked string, err error) {
	k.IDNumber, k.Phone, k.Code = strings.TrimSpace(k.IDNumber), strings.TrimSpace(k.Phone), strings.TrimSpace(k.Code)
	n := 0
	for _, v := range []string{k.IDNumber, k.Phone, k.Code} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		return "", "", errs.Invalidf("", "请只填写身份证号、手机号或采样码之一")
	}
	switch {
	case k.IDNumber != "":
		id, err := personal.NormalizeIDNumber(k.IDNumber)
		if err != nil {
			return "", "", errs.Invalidf("id_number", "%s", err.Error())
		}
		k.IDNumber = id
		return "身份证号", personal.MaskID(id), nil
	case k.Phone != "":
		ph, err := personal.NormalizePhone(k.Phone)
		if err != nil {
			return "", "", errs.Invalidf("phone", "%s", err.Error())
		}
		k.Phone = ph
		return "手机号", personal.MaskPhone(ph), nil
	}
	k.Code = strings.ToUpper(k.Code)
	masked = k.Code
	if len(masked) > 6 {
		masked = masked[:2] + strings.Repeat("*", len(masked)-6) + masked[len(masked)-4:]
	}
	return "采样码", masked, nil
}

// Find looks one person up inside the scope and writes the look-up to the
// audit log, found or not. browse says the caller may browse the ledger
// (people.read): the values are then full, as on the person's page. Not
// found, or outside the scope, is errs.ErrNotFound; a phone shared by
// several people is a conflict that names none of them.
func (s *Service) Find(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, key Key, browse bool) (Answer, error) {
	kind, masked, err := key.normalize()
	if err != nil {
		return Answer{}, err
	}
	a, err := s.find(ctx, scope, key)
	if err != nil {
		if errors.Is(err, errs.ErrNotFound) || errors.Is(err, errs.ErrConflict) {
			if aerr := audit.Record(ctx, s.db.Writer(ctx), s.now(), who, audit.ActionLookup, "person", "", "",
				fmt.Sprintf("按%s查找 %s：%s", kind, masked, map[bool]string{true: "未找到", false: "对应多人，未答复"}[errors.Is(err, errs.ErrNotFound)])); aerr != nil {
				return Answer{}, aerr
			}
		}
		return Answer{}, err
	}
	switch {
	case browse:
		a.Full, a.Why = true, "可查看本辖区人员台账"
	default:
		for _, f := range s.flows[who.Role] {
			why, err := f.InWorkflow(ctx, who, scope, a.PersonID)
			if err != nil {
				return Answer{}, err
			}
			if why != "" {
				a.Full, a.Why = true, why
				break
			}
		}
	}
	shown := "完整显示：" + a.Why
	if !a.Full {
		a.IDNumber, a.Phone = personal.MaskID(a.IDNumber), personal.MaskPhone(a.Phone)
		a.Why = "不在本岗位的工作对象中，身份证号和手机号脱敏显示"
		shown = "脱敏显示"
	}
	if err := audit.Record(ctx, s.db.Writer(ctx), s.now(), who, audit.ActionLookup, "person", fmt.Sprint(a.PersonID), a.UnitCode,
		fmt.Sprintf("按%s查找：%s %s（%s）", kind, a.Name, masked, shown)); err != nil {
		return Answer{}, err
	}
	return a, nil
}

const answerColumns = `SELECT p.id, p.name, p.sex, p.birth_date, COALESCE(p.id_number, ''), p.phone, p.unit_code, COALESCE(u.name, ''),
	COALESCE(h.address, ''), p.residence FROM people p LEFT JOIN units u ON u.code = p.unit_code
	LEFT JOIN households h ON h.id = p.household_id WHERE `

func (s *Service) find(ctx context.Context, scope jurisdiction.Scope, key Key) (Answer, error) {
	lo, hi := scope.Args()
	in := registry.PeopleInScope("p", scope, 1)
	var rows *sql.Rows
	var err error
	q := s.db.Reader(ctx)
	switch {
	case key.IDNumber != "":
		rows, err = q.QueryContext(ctx, answerColumns+in+" AND p.id_number = $3", lo, hi, key.IDNumber)
	case key.Phone != "":
		rows, err = q.QueryContext(ctx, answerColumns+in+" AND p.phone = $3 ORDER BY p.id LIMIT 2", lo, hi, key.Phone)
	default:
		id, cerr := s.codes.PersonByCode(ctx, key.Code)
		if cerr != nil {
			return Answer{}, cerr
		}
		rows, err = q.QueryContext(ctx, answerColumns+in+" AND p.id = $3", lo, hi, id)
	}
	if err != nil {
		return Answer{}, fmt.Errorf("look up: %w", err)
	}
	defer rows.Close()
	var found []Answer
	for rows.Next() {
		var a Answer
		if err := rows.Scan(&a.PersonID, &a.Name, &a.Sex, &a.BirthDate, &a.IDNumber, &a.Phone, &a.UnitCode, &a.UnitName,
			&a.Address, &a.Residence); err != nil {
			return Answer{}, err
		}
		found = append(found, a)
	}
	if err := rows.Err(); err != nil {
		return Answer{}, err
	}
	switch len(found) {
	case 0:
		return Answer{}, fmt.Errorf("look up: %w", errs.ErrNotFound)
	case 1:
		a := found[0]
		path, err := s.unitPath(ctx, a.UnitCode)
		if err != nil {
			return Answer{}, err
		}
		a.UnitPath = path
		return a, nil
	}
	return Answer{}, &errs.Conflict{Message: "该手机号登记了多人，请改用身份证号或采样码查找"}
}

// unitPath names a unit from its township down (涝店街道 南涝村村委会 八组):
// division codes nest, so the township and village are its code's
// 9- and 12-digit prefixes.
func (s *Service) unitPath(ctx context.Context, code string) (string, error) {
	if len(code) < 9 {
		return "", nil
	}
	codes := []any{code[:9], code[:min(12, len(code))], code}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, "SELECT name FROM units WHERE code IN ($1, $2, $3) ORDER BY level", codes...)
	if err != nil {
		return "", fmt.Errorf("look up unit path: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return "", err
		}
		names = append(names, n)
	}
	return strings.Join(names, " "), rows.Err()
}

// Reach reports whether the caller may address a person of its scope by
// registry id without browsing the ledger: it looked the person up within
// ReachFor, or the person is in its workflow. Otherwise errs.ErrNotFound.
func (s *Service) Reach(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, personID int64) error {
	lo, hi := scope.Args()
	var unit string
	err := s.db.Reader(ctx).QueryRowContext(ctx, "SELECT unit_code FROM people WHERE id = $3 AND "+registry.PeopleInScope("", scope, 1),
		lo, hi, personID).Scan(&unit)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("person %d: %w", personID, errs.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("reach person %d: %w", personID, err)
	}
	var one int
	err = s.db.Reader(ctx).QueryRowContext(ctx, `SELECT 1 FROM audit_log WHERE entity = 'person' AND entity_id = $1
		AND action = $2 AND user_id = $3 AND at >= $4 LIMIT 1`, fmt.Sprint(personID), audit.ActionLookup, who.UserID,
		s.now().Add(-ReachFor).UnixMilli()).Scan(&one)
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("reach person %d: %w", personID, err)
	}
	for _, f := range s.flows[who.Role] {
		why, err := f.InWorkflow(ctx, who, scope, personID)
		if err != nil {
			return err
		}
		if why != "" {
			return nil
		}
	}
	return fmt.Errorf("person %d not looked up: %w", personID, errs.ErrNotFound)
}
