package returnee

import (
	"context"
	"fmt"

	"fangkong/internal/summary"
)

// PersonRecords lists the person's arrivals (返乡), newest first.
func (s *Service) PersonRecords(ctx context.Context, personID int64) ([]summary.Record, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT id, origin_name, origin_detail, origin_level, arrived_on, status
		FROM returnees WHERE person_id = $1 ORDER BY arrived_on DESC, id DESC LIMIT 50`, personID)
	if err != nil {
		return nil, fmt.Errorf("person arrivals: %w", err)
	}
	defer rows.Close()
	var out []summary.Record
	for rows.Next() {
		var id int64
		var origin, detail, level, day, status string
		if err := rows.Scan(&id, &origin, &detail, &level, &day, &status); err != nil {
			return nil, err
		}
		title := "自" + origin + detail + "返乡"
		if level != "" {
			title += "（" + riskText(level) + "）"
		}
		out = append(out, summary.Record{Domain: "returnee", Kind: "返乡", Day: day, Title: title, Status: status,
			Link: fmt.Sprintf("/returnees/%d", id), Open: status == StatusPending})
	}
	return out, rows.Err()
}

// riskText names an origin's risk level in a line of the person's page.
func riskText(level string) string {
	switch level {
	case "高", "中", "低":
		return level + "风险地区"
	}
	return level
}
