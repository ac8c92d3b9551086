package measure

import (
	"context"
	"fmt"

	"fangkong/internal/policy"
	"fangkong/internal/summary"
)

// PersonRecords lists the person's control measures, current and past,
// with their tests (scheduled and recorded), newest first.
func (s *Service) PersonRecords(ctx context.Context, personID int64) ([]summary.Record, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT m.id, m.category, m.day_zero, m.end_date, m.status,
		(SELECT COUNT(*) FROM measure_tests t WHERE t.measure_id = m.id),
		(SELECT COUNT(*) FROM measure_tests t WHERE t.measure_id = m.id AND t.result <> ''),
		(SELECT COUNT(*) FROM measure_tests t WHERE t.measure_id = m.id AND t.result = $2)
		FROM measures m WHERE m.person_id = $1 ORDER BY m.assigned_on DESC, m.id DESC LIMIT 50`, personID, ResultPositive)
	if err != nil {
		return nil, fmt.Errorf("person measures: %w", err)
	}
	defer rows.Close()
	var out []summary.Record
	for rows.Next() {
		var id int64
		var cat, day0, end, status string
		var tests, done, positive int
		if err := rows.Scan(&id, &cat, &day0, &end, &status, &tests, &done, &positive); err != nil {
			return nil, err
		}
		title := policy.CategoryName(cat) + "，起算日 " + day0
		if end != "" {
			title += "，至 " + end
		}
		if tests > 0 {
			title += fmt.Sprintf("；检测 %d 次，已出结果 %d 次", tests, done)
			if positive > 0 {
				title += fmt.Sprintf("，阳性 %d 次", positive)
			}
		}
		out = append(out, summary.Record{Domain: "measure", Kind: "管控措施", Day: day0, Title: title, Status: StatusName(status),
			Link: fmt.Sprintf("/measures/%d", id), Open: status == StatusActive})
	}
	return out, rows.Err()
}
