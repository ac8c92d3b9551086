package policy

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/errs"
)

// Store keeps policy versions in the database (table policy_versions, whose
// rows database triggers refuse to update or delete).
type Store struct {
	db  *db.DB
	now func() time.Time
}

// NewStore returns a Store on d.
func NewStore(d *db.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: d, now: now}
}

// EnsureDefaults inserts the shipped versions that are not there yet (by
// name), and learns the categories the stored versions define. It never
// changes a stored version.
func (s *Store) EnsureDefaults(ctx context.Context) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, v := range Defaults() {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM policy_versions WHERE name = $1", v.Name).Scan(&n); err != nil {
				return fmt.Errorf("policy defaults: %w", err)
			}
			if n > 0 {
				continue
			}
			v.Builtin = true
			v.CreatedBy = "system"
			if _, err := insertVersion(ctx, tx, &v, s.now()); err != nil {
				return fmt.Errorf("policy defaults: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = s.Versions(ctx) // reading them learns their categories
	return err
}

func insertVersion(ctx context.Context, tx *sql.Tx, v *Version, now time.Time) (int64, error) {
	rules, err := json.Marshal(v.Rules)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO policy_versions
		(name, effective_from, based_on, note, builtin, rules, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		v.Name, v.EffectiveFrom, v.BasedOn, v.Note, boolInt(v.Builtin), string(rules), v.CreatedBy, now.UnixMilli()).Scan(&id)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return 0, errs.Invalidf("name", "已有名为“%s”的政策版本", v.Name)
		}
		return 0, fmt.Errorf("insert policy version %s: %w", v.Name, err)
	}
	v.ID = id
	v.CreatedAt = now.UnixMilli()
	return id, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const versionCols = "id, name, effective_from, based_on, note, builtin, rules, created_by, created_at"

func scanVersion(sc interface{ Scan(...any) error }) (Version, error) {
	var v Version
	var builtin int
	var rules string
	if err := sc.Scan(&v.ID, &v.Name, &v.EffectiveFrom, &v.BasedOn, &v.Note, &builtin, &rules, &v.CreatedBy, &v.CreatedAt); err != nil {
		return v, err
	}
	v.Builtin = builtin == 1
	if err := json.Unmarshal([]byte(rules), &v.Rules); err != nil {
		return v, fmt.Errorf("policy version %s: rules: %w", v.Name, err)
	}
	learnCategories(v.Rules)
	return v, nil
}

// Versions lists every version, oldest effective date first (reference
// versions last).
func (s *Store) Versions(ctx context.Context) ([]Version, error) {
	return versions(ctx, s.db.R())
}

func versions(ctx context.Context, q db.Querier) ([]Version, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+versionCols+
		" FROM policy_versions ORDER BY CASE WHEN effective_from = '' THEN 1 ELSE 0 END, effective_from, id")
	if err != nil {
		return nil, fmt.Errorf("policy versions: %w", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("policy versions: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Version returns one version by id.
func (s *Store) Version(ctx context.Context, id int64) (*Version, error) {
	v, err := scanVersion(s.db.R().QueryRowContext(ctx, "SELECT "+versionCols+" FROM policy_versions WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("policy version %d: %w", id, err)
	}
	return &v, nil
}

// ByName returns one version by name.
func (s *Store) ByName(ctx context.Context, name string) (*Version, error) {
	v, err := scanVersion(s.db.R().QueryRowContext(ctx, "SELECT "+versionCols+" FROM policy_versions WHERE name = $1", strings.TrimSpace(name)))
	if errors.Is(err, sql.ErrNoRows) && CanonicalName(name) != strings.TrimSpace(name) {
		return s.ByName(ctx, CanonicalName(name))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.Invalidf("version", "没有名为“%s”的政策版本", name)
	}
	if err != nil {
		return nil, fmt.Errorf("policy version %s: %w", name, err)
	}
	return &v, nil
}

// CreateVersion stores v as a new version (a copy of BasedOn with edits),
// audited. Existing versions are never changed.
func (s *Store) CreateVersion(ctx context.Context, a audit.Actor, v Version) (*Version, error) {
	v.Builtin = false
	v.CreatedBy = a.Username
	if err := v.Validate(); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		id, err := insertVersion(ctx, tx, &v, s.now())
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), a, audit.ActionCreate, "policy_version", fmt.Sprint(id), "",
			fmt.Sprintf("新建防控政策版本“%s”（基于“%s”，%s起施行）", v.Name, v.BasedOn, v.EffectiveFrom))
	})
	if err != nil {
		return nil, err
	}
	learnCategories(v.Rules)
	return &v, nil
}

// Plan plans with the stored versions: the one named, or the one in force
// on dayZero. It returns the plan and the version used.
func (s *Store) Plan(ctx context.Context, versionName, category, choice, dayZero string, c Circumstances) (Plan, *Version, error) {
	vs, err := s.Versions(ctx)
	if err != nil {
		return Plan{}, nil, err
	}
	p, err := PlanWith(vs, versionName, category, choice, dayZero, c)
	if err != nil {
		return Plan{}, nil, err
	}
	v, _ := Find(vs, p.Version)
	return p, v, nil
}
