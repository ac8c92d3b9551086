package sampling

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// InWorkflow says whether a person is part of a sampling account's work:
// sampled by the caller in an active round, or waiting in the caller's
// scope for the single-tube retest of an active round. It returns why (""
// when not): a look-up then shows the person in full (package lookup).
func (s *Service) InWorkflow(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, personID int64) (string, error) {
	q := s.db.Reader(ctx)
	var name string
	// campaign_id IN (…): the (campaign_id, person_id) unique indexes.
	err := q.QueryRowContext(ctx, `SELECT c.name FROM test_samples x JOIN test_campaigns c ON c.id = x.campaign_id
		WHERE x.campaign_id IN (SELECT id FROM test_campaigns WHERE status = 'active') AND x.person_id = $1 AND x.sampler_id = $2
		ORDER BY x.sampled_at DESC LIMIT 1`, personID, who.UserID).Scan(&name)
	if err == nil {
		return "本轮由您采样（" + name + "）", nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("sampling workflow of person %d: %w", personID, err)
	}
	lo, hi := scope.Args()
	err = q.QueryRowContext(ctx, `SELECT c.name FROM test_retests r JOIN test_campaigns c ON c.id = r.campaign_id
		WHERE r.campaign_id IN (SELECT id FROM test_campaigns WHERE status = 'active') AND r.person_id = $3 AND r.retest_at = 0
		AND `+scope.Where("r.unit_code", 1)+` LIMIT 1`, lo, hi, personID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sampling workflow of person %d: %w", personID, err)
	}
	return "待单采单检（" + name + "）", nil
}

// PersonByCode resolves a personal sampling code (采样码) to the person's
// registry id; a household code is refused (it names several people), an
// unknown code is not found.
func (s *Service) PersonByCode(ctx context.Context, code string) (int64, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if IsHouseholdCode(code) {
		return 0, errs.Invalidf("code", "这是户码，请扫描或输入个人采样码")
	}
	var id int64
	err := s.db.Reader(ctx).QueryRowContext(ctx, "SELECT person_id FROM sampling_codes WHERE code = $1", code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("code: %w", errs.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("code: %w", err)
	}
	return id, nil
}
