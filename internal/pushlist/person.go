package pushlist

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/summary"
)

// PersonRecords lists the push-list tasks (核查任务) matched to the person,
// newest first.
func (s *Service) PersonRecords(ctx context.Context, personID int64) ([]summary.Record, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT t.id, l.name, t.status, t.result, t.created_at
		FROM push_tasks t JOIN push_lists l ON l.id = t.list_id
		WHERE t.person_id = $1 ORDER BY t.created_at DESC, t.id DESC LIMIT 50`, personID)
	if err != nil {
		return nil, fmt.Errorf("person push tasks: %w", err)
	}
	defer rows.Close()
	var out []summary.Record
	for rows.Next() {
		var id, at int64
		var list, status, result string
		if err := rows.Scan(&id, &list, &status, &result, &at); err != nil {
			return nil, err
		}
		st := StatusName(status)
		if result != "" {
			st += "：" + result
		}
		out = append(out, summary.Record{Domain: "pushlist", Kind: "核查任务", Day: clock.Day(time.UnixMilli(at)), Title: "推送名单“" + list + "”",
			Status: st, Link: fmt.Sprintf("/pushtasks/%d", id), Open: status == StatusOpen})
	}
	return out, rows.Err()
}
