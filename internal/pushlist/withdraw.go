package pushlist

import (
	"context"
	"database/sql"
	"fmt"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// Withdraw takes back a list imported by mistake (撤回): its open tasks are
// cancelled, answered ones kept as they are, and the list is marked
// withdrawn, in one audited transaction. A list withdrawn already is a
// conflict. It returns the list and how many tasks were cancelled.
func (s *Service) Withdraw(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64) (List, int, error) {
	l, err := s.GetList(ctx, scope, id)
	if err != nil {
		return List{}, 0, err
	}
	if l.WithdrawnAt != 0 {
		return List{}, 0, &errs.Conflict{Message: "该名单已撤回"}
	}
	var cancelled int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := s.now().UnixMilli()
		res, err := tx.ExecContext(ctx, `UPDATE push_lists SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3 AND withdrawn_at = 0`,
			now, who.Username, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &errs.Conflict{Message: "该名单已撤回"}
		}
		res, err = tx.ExecContext(ctx, `UPDATE push_tasks SET status = $1, version = version + 1 WHERE list_id = $2 AND status = $3`,
			StatusCancelled, id, StatusOpen)
		if err != nil {
			return err
		}
		cancelled, _ = res.RowsAffected()
		return audit.Record(ctx, tx, s.now(), who, audit.ActionUpdate, "pushlist", fmt.Sprint(id), l.UnitCode,
			fmt.Sprintf("撤回推送名单“%s”（%s）：撤销未核查任务%d个，保留已核查%d个", l.Name, l.Source, cancelled, l.Done))
	})
	if err != nil {
		return List{}, 0, fmt.Errorf("withdraw push list %d: %w", id, err)
	}
	l, err = s.GetList(ctx, scope, id)
	return l, int(cancelled), err
}
