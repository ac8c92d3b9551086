package sampling

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// Sampling codes are random, unguessable strings: a prefix letter (P for a
// person, H for a household) and 15 base-32 characters (75 bits).
const codeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// IsHouseholdCode reports whether s has the form of a household code.
func IsHouseholdCode(s string) bool {
	if len(s) != 16 || s[0] != 'H' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !strings.ContainsRune(codeAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}

func newCode(prefix byte) string {
	b := make([]byte, 15)
	rand.Read(b)
	out := make([]byte, 16)
	out[0] = prefix
	for i, x := range b {
		out[i+1] = codeAlphabet[int(x)%32]
	}
	return string(out)
}

// ensureCodes gives every target of a campaign, and every household of a
// target, a code; set-based: one SELECT of those missing, then batched inserts.
func (s *Service) ensureCodes(ctx context.Context, tx *sql.Tx, campaignID int64) error {
	people, err := idsOf(ctx, tx, `SELECT t.person_id FROM campaign_targets t
		LEFT JOIN sampling_codes c ON c.person_id = t.person_id WHERE t.campaign_id = $1 AND c.person_id IS NULL`, campaignID)
	if err != nil {
		return fmt.Errorf("people without codes: %w", err)
	}
	now := s.now().UnixMilli()
	in, err := s.db.NewInserter(ctx, tx, "sampling_codes", []string{"code", "person_id", "created_at"}, "")
	if err != nil {
		return err
	}
	for _, id := range people {
		if err := in.Add(newCode('P'), id, now); err != nil {
			return err
		}
	}
	if err := in.Close(); err != nil {
		return err
	}
	households, err := idsOf(ctx, tx, `SELECT DISTINCT p.household_id FROM campaign_targets t JOIN people p ON p.id = t.person_id
		LEFT JOIN household_codes c ON c.household_id = p.household_id
		WHERE t.campaign_id = $1 AND p.household_id IS NOT NULL AND c.household_id IS NULL`, campaignID)
	if err != nil {
		return fmt.Errorf("households without codes: %w", err)
	}
	hin, err := s.db.NewInserter(ctx, tx, "household_codes", []string{"code", "household_id", "created_at"}, "")
	if err != nil {
		return err
	}
	for _, id := range households {
		if err := hin.Add(newCode('H'), id, now); err != nil {
			return err
		}
	}
	return hin.Close()
}

func idsOf(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// PersonCode returns a person's sampling code, creating it on first use.
// The person must lie inside the scope.
func (s *Service) PersonCode(ctx context.Context, scope jurisdiction.Scope, personID int64) (string, error) {
	return s.code(ctx, scope, personID, "sampling_codes", "person_id",
		"SELECT unit_code FROM people WHERE id = $1", 'P')
}

// HouseholdCode returns a household's code (一户一码), creating it on first use.
func (s *Service) HouseholdCode(ctx context.Context, scope jurisdiction.Scope, householdID int64) (string, error) {
	return s.code(ctx, scope, householdID, "household_codes", "household_id",
		"SELECT unit_code FROM households WHERE id = $1", 'H')
}

func (s *Service) code(ctx context.Context, scope jurisdiction.Scope, id int64, table, col, unitQuery string, prefix byte) (string, error) {
	var unit string
	err := s.db.R().QueryRowContext(ctx, unitQuery, id).Scan(&unit)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Contains(unit)) {
		return "", fmt.Errorf("%s %d: %w", col, id, errs.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("%s %d: %w", col, id, err)
	}
	var code string
	err = s.db.R().QueryRowContext(ctx, "SELECT code FROM "+table+" WHERE "+col+" = $1", id).Scan(&code)
	if err == nil {
		return code, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("%s code: %w", col, err)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+table+" (code, "+col+", created_at) VALUES ($1, $2, $3) ON CONFLICT ("+col+") DO NOTHING",
			newCode(prefix), id, s.now().UnixMilli()); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT code FROM "+table+" WHERE "+col+" = $1", id).Scan(&code)
	})
	if err != nil {
		return "", fmt.Errorf("%s code: %w", col, err)
	}
	return code, nil
}

// Card is a printable sampling code: a person's, or a household's with its members.
type Card struct {
	PersonID   int64
	Name       string // masked
	Code       string
	Sampled    bool   // in the campaign asked about
	SampleTube string // the tube they were sampled into
}

// HouseholdCards is a household's sheet (一户一码): its code and one card per
// member in the registry.
type HouseholdCards struct {
	HouseholdID int64
	No          string
	Address     string
	UnitCode    string
	Code        string
	Members     []Card
}

// PersonCard returns a person's sampling code for their page; the view is
// audited.
func (s *Service) PersonCard(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, personID int64) (Card, error) {
	code, err := s.PersonCode(ctx, scope, personID)
	if err != nil {
		return Card{}, err
	}
	var name, unit string
	if err := s.db.R().QueryRowContext(ctx, "SELECT name, unit_code FROM people WHERE id = $1", personID).Scan(&name, &unit); err != nil {
		return Card{}, fmt.Errorf("person %d: %w", personID, err)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionView, "person", fmt.Sprint(personID), unit, "查看采样码")
	})
	return Card{PersonID: personID, Name: MaskName(name), Code: code}, err
}

// Household returns a household's sheet by id (scoped), creating missing
// codes; the view is audited.
func (s *Service) Household(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, householdID int64) (HouseholdCards, error) {
	code, err := s.HouseholdCode(ctx, scope, householdID)
	if err != nil {
		return HouseholdCards{}, err
	}
	return s.householdCards(ctx, actor, scope, code, 0, true)
}

// HouseholdByCode returns the household a sampler scanned (一户一码) with
// its members and whether each is already sampled in the campaign. A
// household outside the caller's part of the campaign is not found.
func (s *Service) HouseholdByCode(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, campaignID int64, code string) (HouseholdCards, error) {
	c, err := s.Campaign(ctx, scope, campaignID)
	if err != nil {
		return HouseholdCards{}, err
	}
	return s.householdCards(ctx, actor, effective(scope, c.UnitCode), strings.ToUpper(strings.TrimSpace(code)), c.ID, false)
}

func (s *Service) householdCards(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, code string, campaignID int64, makeCodes bool) (HouseholdCards, error) {
	var h HouseholdCards
	err := s.db.R().QueryRowContext(ctx, `SELECT h.id, h.no, h.address, h.unit_code, c.code FROM household_codes c
		JOIN households h ON h.id = c.household_id WHERE c.code = $1`, code).Scan(&h.HouseholdID, &h.No, &h.Address, &h.UnitCode, &h.Code)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Contains(h.UnitCode)) {
		return HouseholdCards{}, fmt.Errorf("household code: %w", errs.ErrNotFound)
	}
	if err != nil {
		return h, fmt.Errorf("household code: %w", err)
	}
	if makeCodes {
		ids, err := s.memberIDs(ctx, h.HouseholdID)
		if err != nil {
			return h, err
		}
		for _, id := range ids {
			// Members share the household's unit (registry), which scope contains.
			if _, err := s.PersonCode(ctx, scope, id); err != nil {
				return h, err
			}
		}
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT p.id, p.name, COALESCE(c.code, ''), COALESCE(t.barcode, '') FROM people p
		LEFT JOIN sampling_codes c ON c.person_id = p.id
		LEFT JOIN test_samples s ON s.campaign_id = $2 AND s.person_id = p.id LEFT JOIN test_tubes t ON t.id = s.tube_id
		WHERE p.household_id = $1 AND p.active = 1 ORDER BY p.id`, h.HouseholdID, campaignID)
	if err != nil {
		return h, fmt.Errorf("household members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m Card
		if err := rows.Scan(&m.PersonID, &m.Name, &m.Code, &m.SampleTube); err != nil {
			return h, err
		}
		m.Name, m.Sampled = MaskName(m.Name), m.SampleTube != ""
		h.Members = append(h.Members, m)
	}
	if err := rows.Err(); err != nil {
		return h, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionView, "household", fmt.Sprint(h.HouseholdID), h.UnitCode, "查看一户一码")
	})
	return h, err
}

func (s *Service) memberIDs(ctx context.Context, householdID int64) ([]int64, error) {
	var out []int64
	err := eachRow(ctx, s.db.R(), "SELECT id FROM people WHERE household_id = $1 AND active = 1", []any{householdID}, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		out = append(out, id)
		return nil
	})
	return out, err
}
