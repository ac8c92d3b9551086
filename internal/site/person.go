package site

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/summary"
)

// PersonRecords lists the person's passages through quarantine sites
// (转运、入住、转出), with the site and room, newest first.
func (s *Service) PersonRecords(ctx context.Context, personID int64) ([]summary.Record, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT st.id, si.name, COALESCE(r.no, ''), st.status, st.transfer_at, st.checkin_at, st.checkout_at
		FROM site_stays st JOIN sites si ON si.id = st.site_id LEFT JOIN site_rooms r ON r.id = st.room_id
		WHERE st.person_id = $1 ORDER BY st.created_at DESC, st.id DESC LIMIT 50`, personID)
	if err != nil {
		return nil, fmt.Errorf("person stays: %w", err)
	}
	defer rows.Close()
	var out []summary.Record
	for rows.Next() {
		var id, transfer, in, outAt int64
		var site, room, status string
		if err := rows.Scan(&id, &site, &room, &status, &transfer, &in, &outAt); err != nil {
			return nil, err
		}
		title := site
		if room != "" {
			title += " " + room + "房间"
		}
		at := max(in, transfer)
		day := ""
		if at > 0 {
			day = clock.Day(time.UnixMilli(at))
		}
		out = append(out, summary.Record{Domain: "site", Kind: "集中隔离", Day: day, Title: title, Status: status,
			Link: fmt.Sprintf("/site-stays/%d", id), Open: status == StayTransfer || status == StayIn})
	}
	return out, rows.Err()
}
