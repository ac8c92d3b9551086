package checkpoint

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/errs"
)

// The checkpoint rules live in checkpoint_rule_versions, whose rows
// database triggers refuse to change: a change of rules is a new version
// with its own effective date, so it takes effect on that day without a
// deploy, and every check names the version and rule that decided it.

// EnsureRules inserts the shipped versions not stored yet (by name).
func (s *Service) EnsureRules(ctx context.Context) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, v := range DefaultRules() {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM checkpoint_rule_versions WHERE name = $1", v.Name).Scan(&n); err != nil {
				return fmt.Errorf("checkpoint rule defaults: %w", err)
			}
			if n > 0 {
				continue
			}
			v.Builtin, v.CreatedBy = true, "system"
			if err := s.insertRules(ctx, tx, &v); err != nil {
				return fmt.Errorf("checkpoint rule defaults: %w", err)
			}
		}
		return nil
	})
}

func (s *Service) insertRules(ctx context.Context, tx *sql.Tx, v *RuleSet) error {
	if err := v.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(body{TestHours: v.TestHours, FeverTenths: v.FeverTenths, ReceiveHours: v.ReceiveHours, Rules: v.Rules})
	if err != nil {
		return err
	}
	v.CreatedAt = s.now().UnixMilli()
	err = tx.QueryRowContext(ctx, `INSERT INTO checkpoint_rule_versions
		(name, effective_from, based_on, note, builtin, rules, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		v.Name, v.EffectiveFrom, v.BasedOn, v.Note, boolInt(v.Builtin), string(b), v.CreatedBy, v.CreatedAt).Scan(&v.ID)
	if db.IsUniqueViolation(err) {
		return errs.Invalidf("name", "已有名为“%s”的卡口查验规则版本", v.Name)
	}
	if err != nil {
		return fmt.Errorf("insert checkpoint rules %s: %w", v.Name, err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const ruleCols = "id, name, effective_from, based_on, note, builtin, rules, created_by, created_at"

func scanRules(sc interface{ Scan(...any) error }) (RuleSet, error) {
	var v RuleSet
	var builtin int
	var raw string
	if err := sc.Scan(&v.ID, &v.Name, &v.EffectiveFrom, &v.BasedOn, &v.Note, &builtin, &raw, &v.CreatedBy, &v.CreatedAt); err != nil {
		return v, err
	}
	v.Builtin = builtin == 1
	var b body
	if err := json.Unmarshal([]byte(raw), &b); err != nil {
		return v, fmt.Errorf("checkpoint rules %s: %w", v.Name, err)
	}
	v.TestHours, v.FeverTenths, v.ReceiveHours, v.Rules = b.TestHours, b.FeverTenths, b.ReceiveHours, b.Rules
	return v, nil
}

// RuleVersions lists the stored versions, oldest effective date first.
func (s *Service) RuleVersions(ctx context.Context) ([]RuleSet, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, "SELECT "+ruleCols+" FROM checkpoint_rule_versions ORDER BY effective_from, id")
	if err != nil {
		return nil, fmt.Errorf("checkpoint rule versions: %w", err)
	}
	defer rows.Close()
	var out []RuleSet
	for rows.Next() {
		v, err := scanRules(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// RuleVersion returns one version by id.
func (s *Service) RuleVersion(ctx context.Context, id int64) (RuleSet, error) {
	v, err := scanRules(s.db.R().QueryRowContext(ctx, "SELECT "+ruleCols+" FROM checkpoint_rule_versions WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("checkpoint rules %d: %w", id, errs.ErrNotFound)
	}
	return v, err
}

// RulesOn is the version in force on day (YYYY-MM-DD).
func (s *Service) RulesOn(ctx context.Context, day string) (RuleSet, error) {
	vs, err := s.RuleVersions(ctx)
	if err != nil {
		return RuleSet{}, err
	}
	return InForce(vs, day)
}

// CreateRules stores a new version (typically a copy of another with
// edits and a later effective date), audited.
func (s *Service) CreateRules(ctx context.Context, who audit.Actor, v RuleSet) (RuleSet, error) {
	v.Builtin, v.CreatedBy, v.ID = false, who.Username, 0
	if v.EffectiveFrom != "" && v.EffectiveFrom < s.today() && v.EffectiveFrom < "2019-12-01" {
		return RuleSet{}, errs.Invalidf("effective_from", "施行日期不能早于2019-12-01")
	}
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.insertRules(ctx, tx, &v); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), who, audit.ActionCreate, "checkpoint_rules", fmt.Sprint(v.ID), "",
			fmt.Sprintf("新建卡口查验规则版本“%s”（基于“%s”，%s起施行）", v.Name, v.BasedOn, v.EffectiveFrom))
	})
	if err != nil {
		return RuleSet{}, err
	}
	return v, nil
}
