package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// Members lists the people of a household inside the scope (masked rows).
func (s *Service) Members(ctx context.Context, scope jurisdiction.Scope, householdID int64) ([]PersonRow, error) {
	if _, err := s.Household(ctx, scope, householdID); err != nil {
		return nil, err
	}
	return s.People(ctx, scope, PersonFilter{HouseholdID: householdID, Limit: 100})
}

// Merge folds the record drop into keep: fields keep lacks are taken from
// drop, drop is marked as merged into keep (it stays, read-only, so history is
// kept), and a snapshot of drop is stored with the merge.
func (s *Service) Merge(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, keepID, dropID int64) (Person, error) {
	if keepID == dropID {
		return Person{}, errs.Invalidf("合并", "不能与自身合并")
	}
	var kept Person
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		keep, err := s.person(ctx, tx, scope, keepID)
		if err != nil {
			return err
		}
		drop, err := s.person(ctx, tx, scope, dropID)
		if err != nil {
			return err
		}
		if keep.MergedInto != 0 || drop.MergedInto != 0 {
			return &errs.Conflict{Message: "其中一条记录已被合并过"}
		}
		if !keep.Active {
			return &errs.Conflict{Message: "保留的记录已注销，请先撤销注销"}
		}
		if keep.IDNumber != "" && drop.IDNumber != "" && keep.IDNumber != drop.IDNumber &&
			(keep.BirthDate != drop.BirthDate || keep.Sex != drop.Sex) {
			return errs.Invalidf("合并", "两条记录的身份证号出生日期或性别不同，不是同一人")
		}
		snapshot, _ := json.Marshal(drop)
		moveID := keep.IDNumber == "" && drop.IDNumber != ""
		if moveID {
			// Free the unique ID number before the kept record takes it.
			if _, err := tx.ExecContext(ctx, "UPDATE people SET id_number = NULL WHERE id = $1", drop.ID); err != nil {
				return err
			}
			keep.IDNumber, keep.Sex, keep.BirthDate = drop.IDNumber, drop.Sex, drop.BirthDate
		}
		fill := func(dst *string, src string) {
			if *dst == "" {
				*dst = src
			}
		}
		fill(&keep.Phone, drop.Phone)
		fill(&keep.Relation, drop.Relation)
		fill(&keep.Note, drop.Note)
		if keep.HouseholdID == 0 && drop.HouseholdID != 0 {
			keep.HouseholdID, keep.UnitCode = drop.HouseholdID, drop.UnitCode
		}
		keep.Groups |= drop.Groups
		now := s.now().UnixMilli()
		_, err = tx.ExecContext(ctx, `UPDATE people SET id_number = $1, sex = $2, birth_date = $3, phone = $4, relation = $5,
			note = $6, household_id = $7, unit_code = $8, groups = $9, version = version + 1, updated_at = $10 WHERE id = $11`,
			nullString(keep.IDNumber), keep.Sex, keep.BirthDate, keep.Phone, keep.Relation, keep.Note,
			nullID(keep.HouseholdID), keep.UnitCode, int64(keep.Groups), now, keep.ID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE people SET merged_into = $1, active = 0, version = version + 1, updated_at = $2 WHERE id = $3",
			keep.ID, now, drop.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO person_merges (kept_id, merged_id, snapshot, user_id, at) VALUES ($1, $2, $3, $4, $5)",
			keep.ID, drop.ID, string(snapshot), who.UserID, now); err != nil {
			return err
		}
		summary := fmt.Sprintf("将 %s(%d, %s) 合并入 %s(%d)", drop.Name, drop.ID, personal.MaskID(drop.IDNumber), keep.Name, keep.ID)
		if err := s.record(ctx, tx, who, audit.ActionMerge, "person", keep.ID, keep.UnitCode, summary); err != nil {
			return err
		}
		keep.Version++
		kept = keep
		return nil
	})
	if err != nil {
		return Person{}, fmt.Errorf("merge %d into %d: %w", dropID, keepID, err)
	}
	return kept, nil
}

// MergedFrom lists the records merged into a person (for its history)
// that lie inside the scope.
func (s *Service) MergedFrom(ctx context.Context, scope jurisdiction.Scope, id int64) ([]PersonRow, error) {
	if _, err := s.person(ctx, s.db.R(), scope, id); err != nil {
		return nil, err
	}
	lo, hi := scope.Args()
	rows, err := s.db.R().QueryContext(ctx, "SELECT "+personColumns+
		" FROM people p WHERE p.merged_into = $1 AND "+scope.Where("p.unit_code", 2)+" ORDER BY p.id", id, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("merged into %d: %w", id, err)
	}
	defer rows.Close()
	var out []PersonRow
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, rowOf(p, s.today()))
	}
	return out, rows.Err()
}
