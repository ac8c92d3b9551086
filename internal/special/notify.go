package special

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
)

// The events of special reports (通知事件): a report opened, which the
// township and the county must acknowledge against their clocks, and a
// stage whose clock ran out unacknowledged (escalated to the county).
const (
	EventOpened = "special.opened"
	EventLate   = "special.late"
)

var reportVars = []string{"unit", "kind", "title", "stage", "due", "id"}

var reportSample = map[string]string{"unit": "西街村", "kind": "阳性病例", "title": "西街村发现1例核酸阳性", "stage": "镇街",
	"due": "2026-12-06 12:00:00", "id": "42"}

// Events are the special reports' notification events, as the app lists them.
var Events = []notify.EventType{
	{Kind: EventOpened, Name: "特报待确认", Vars: reportVars, Sample: reportSample, Link: "/special/${id}",
		Template: "【防控】特报（${kind}，${unit}）：${title}。请${stage}于${due}前在系统中确认接收。",
		Channels: []string{notify.ChannelSMS, notify.ChannelRobot},
		To: []notify.Recipient{{Role: "township", Level: jurisdiction.LevelTownship},
			{Role: "command", Level: jurisdiction.LevelCounty}}},
	{Kind: EventLate, Name: "特报超时未确认", Vars: reportVars, Sample: reportSample, Link: "/special/${id}",
		Template: "【防控】特报“${title}”（${unit}）${stage}未在${due}前确认接收，已超时，请立即督办。",
		Channels: []string{notify.ChannelSMS, notify.ChannelRobot},
		To:       []notify.Recipient{{Role: "command", Level: jurisdiction.LevelCounty}}},
}

func init() {
	for i := range Events {
		Events[i].Dedup = 24 * time.Hour
	}
}

// emit tells of report r's stage (its clock label and due time) inside the
// transaction ctx carries; the key is the report's, the stage's and the
// event's, so each is told once.
func (s *Service) emit(ctx context.Context, kind string, r Report, stage string, due time.Time) error {
	unit := s.units.LocalName(ctx, r.UnitCode) // with its township and village: a 小区's name alone says little
	if unit == "" {
		unit = r.UnitName
	}
	return s.notifier.Emit(ctx, notify.Event{Kind: kind, Unit: r.UnitCode, Key: fmt.Sprintf("%d/%s", r.ID, stage),
		Link: fmt.Sprintf("/special/%d", r.ID),
		Vars: map[string]string{"unit": unit, "kind": KindLabel(r.Kind), "title": r.Title, "stage": stage,
			"due": clock.Format(due.UnixMilli()), "id": fmt.Sprint(r.ID)}})
}

// firstStage is the earliest clock of report id (the one the opening
// notice asks for), read inside the transaction.
func firstStage(ctx context.Context, tx *sql.Tx, id int64) (label string, due time.Time, err error) {
	var ms int64
	err = tx.QueryRowContext(ctx, `SELECT COALESCE(c.label, ''), a.due_at FROM special_acks a LEFT JOIN special_clocks c ON c.level = a.level
		WHERE a.report_id = $1 AND a.acked_at = 0 ORDER BY a.due_at, a.level DESC LIMIT 1`, id).Scan(&label, &ms)
	if err == sql.ErrNoRows {
		return "", time.Time{}, nil
	}
	return label, time.UnixMilli(ms), err
}
