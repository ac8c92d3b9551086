package sampling

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"

	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// Sampling codes are random, unguessable strings: a prefix letter (P for a
// person, H for a household) and 15 base-32 characters (75 bits).
const codeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

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
