package checkpoint

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"fangkong/internal/audit"
	"fangkong/internal/jurisdiction"
)

// InWorkflow says whether a person is part of a checkpoint account's work:
// handed over at a checkpoint in the caller's scope and not yet received by
// the village. It returns why ("" when not): a look-up then shows the person
// in full, so the officer can answer the village's call about them.
func (s *Service) InWorkflow(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, personID int64) (string, error) {
	lo, hi := scope.Args()
	var name string
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT c.name FROM checkpoint_handovers h JOIN checkpoints c ON c.id = h.checkpoint_id
		WHERE `+scope.Where("h.from_unit", 1)+` AND h.person_id = $3 AND h.status = $4 ORDER BY h.id DESC LIMIT 1`,
		lo, hi, personID, AwaitReceipt).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("checkpoint workflow of person %d: %w", personID, err)
	}
	return fmt.Sprintf("由本卡口（%s）移交，待村(社区)接收", name), nil
}
