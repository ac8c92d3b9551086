package measure

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"fangkong/internal/audit"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/policy"
)

// InWorkflow says whether a person is part of the caller's work as the
// measures module sees it: under an active measure that an account of the
// caller's role handed over (卡口, 哨点 and 流调 teams hand people over to
// control measures), in the caller's scope. It returns why ("" when not):
// a look-up then shows the person in full (package lookup).
func (s *Service) InWorkflow(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, personID int64) (string, error) {
	if who.Role == "" {
		return "", nil
	}
	lo, hi := scope.Args()
	var category, dayZero string
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT category, day_zero FROM measures
		WHERE person_id = $1 AND status = 'active' AND created_role = $2 AND `+scope.Where("unit_code", 3),
		personID, who.Role, lo, hi).Scan(&category, &dayZero)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("measure workflow of person %d: %w", personID, err)
	}
	return fmt.Sprintf("本岗位移交的管控对象（%s，起算日 %s）", policy.CategoryName(category), dayZero), nil
}
