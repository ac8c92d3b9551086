package site

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"fangkong/internal/audit"
	"fangkong/internal/jurisdiction"
)

// InWorkflow says whether a person is part of a quarantine site account's
// work: with an open stay (转运中, 在住) at a site in the caller's scope. It
// returns why ("" when not): a look-up then shows the person in full.
func (s *Service) InWorkflow(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, personID int64) (string, error) {
	lo, hi := scope.Args()
	var name, status string
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT s.name, st.status FROM site_stays st JOIN sites s ON s.id = st.site_id
		WHERE `+scope.Where("s.unit_code", 1)+` AND st.person_id = $3 AND st.open = 1`, lo, hi, personID).Scan(&name, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("site workflow of person %d: %w", personID, err)
	}
	return fmt.Sprintf("在本隔离点（%s，%s）", name, status), nil
}
