package sampling

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/summary"
)

// PersonRecords lists the person's samples in testing rounds (全员核酸),
// with the point and the tube's result, newest first.
func (s *Service) PersonRecords(ctx context.Context, personID int64) ([]summary.Record, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT c.id, c.name, COALESCE(p.name, ''), sm.sampled_at, COALESCE(tb.result, '')
		FROM test_samples sm JOIN test_campaigns c ON c.id = sm.campaign_id
		LEFT JOIN test_points p ON p.id = sm.point_id LEFT JOIN test_tubes tb ON tb.id = sm.tube_id
		WHERE sm.person_id = $1 ORDER BY sm.sampled_at DESC, sm.id DESC LIMIT 50`, personID)
	if err != nil {
		return nil, fmt.Errorf("person samples: %w", err)
	}
	defer rows.Close()
	var out []summary.Record
	for rows.Next() {
		var campaign int64
		var name, point, result string
		var at int64
		if err := rows.Scan(&campaign, &name, &point, &at, &result); err != nil {
			return nil, err
		}
		title := name
		if point != "" {
			title += "，" + point + "采样"
		}
		status := "待出结果"
		if result != "" {
			status = ResultName(result)
		}
		out = append(out, summary.Record{Domain: "sampling", Kind: "核酸检测", Day: clock.Day(time.UnixMilli(at)), Title: title,
			Status: status, Link: fmt.Sprintf("/sampling/campaigns/%d", campaign), Open: result == ""})
	}
	return out, rows.Err()
}
