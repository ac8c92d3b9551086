package checkpoint

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
)

// The events of checkpoints (通知事件): a person handed over to a village
// (移交属地), a hand-over the village has not received by its deadline,
// and a shift unfilled at its start.
const (
	EventHandover     = "checkpoint.handover"
	EventHandoverLate = "checkpoint.handover_late"
	EventUnfilled     = "checkpoint.unfilled"
)

var handoverVars = []string{"checkpoint", "village", "name", "from", "hours", "due", "id"}

var handoverSample = map[string]string{"checkpoint": "G108甘亭收费站", "village": "西街村", "name": "张三", "from": "西安市雁塔区",
	"hours": "2", "due": "2026-12-06 12:00:00", "id": "42"}

var shiftVars = []string{"checkpoint", "day", "shift", "members", "required", "id"}

var shiftSample = map[string]string{"checkpoint": "G108甘亭收费站", "day": "2026-12-06", "shift": "夜班", "members": "1", "required": "3", "id": "7"}

// Events are the checkpoints' notification events, as the app lists them.
var Events = []notify.EventType{
	{Kind: EventHandover, Name: "卡口移交待接收", Vars: handoverVars, Sample: handoverSample, Link: "/handovers",
		Template: "【防控】卡口“${checkpoint}”移交${name}（来自${from}）至${village}，请在${hours}小时内（${due}前）接收并登记。",
		Channels: []string{notify.ChannelSMS},
		To:       []notify.Recipient{{Duty: "*"}, {Role: "village"}}},
	{Kind: EventHandoverLate, Name: "卡口移交超时未接收", Vars: handoverVars, Sample: handoverSample, Link: "/handovers",
		Template: "【防控】卡口“${checkpoint}”移交至${village}的${name}已超过接收时限（${due}）仍未接收，请立即落实。",
		Channels: []string{notify.ChannelSMS},
		To: []notify.Recipient{{Duty: "*"}, {Role: "village"},
			{Role: "township", Level: jurisdiction.LevelTownship}}},
	{Kind: EventUnfilled, Name: "卡口班次缺员", Vars: shiftVars, Sample: shiftSample, Link: "/checkpoints/${id}",
		Template: "【防控】卡口“${checkpoint}”${day}${shift}已开始，在岗${members}人（应${required}人，含带班），请立即补齐。",
		Channels: []string{notify.ChannelSMS},
		To:       []notify.Recipient{{Role: "township", Level: jurisdiction.LevelTownship}}},
}

func init() {
	for i := range Events {
		Events[i].Dedup = 24 * time.Hour
	}
}

// unitName is a unit's name ("" when unknown).
func unitName(ctx context.Context, q db.Querier, code string) (string, error) {
	var name string
	err := q.QueryRowContext(ctx, `SELECT name FROM units WHERE code = $1`, code).Scan(&name)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return name, err
}

// emitHandover tells the destination village of hand-over h (kind
// EventHandover or EventHandoverLate) inside the transaction ctx carries.
func (s *Service) emitHandover(ctx context.Context, kind string, h Handover) error {
	if jurisdiction.LevelOfCode(h.VillageCode) == 0 {
		return nil // no village to tell (the page lists it)
	}
	key := fmt.Sprintf("checkpoint-handover:%d", h.ID)
	if kind != EventHandover {
		key += ":late"
	}
	from := h.FromName
	if from == "" {
		from = "外地"
	}
	return s.notifier.Emit(ctx, notify.Event{Kind: kind, Unit: h.VillageCode, Key: key, Vars: map[string]string{
		"checkpoint": h.CheckpointName, "village": h.VillageName, "name": h.Name, "from": from,
		"hours": fmt.Sprint((h.DueAt - h.CreatedAt) / 3600000), "due": h.Due(), "id": fmt.Sprint(h.ID)}})
}

// emitUnfilled tells the checkpoint's township of shift h, unfilled at its
// start, inside the transaction ctx carries.
func (s *Service) emitUnfilled(ctx context.Context, h Shift) error {
	return s.notifier.Emit(ctx, notify.Event{Kind: EventUnfilled, Unit: h.UnitCode, Key: fmt.Sprintf("checkpoint-shift:%d", h.ID),
		Vars: map[string]string{"checkpoint": h.CheckpointName, "day": h.Day, "shift": h.Name,
			"members": fmt.Sprint(len(h.Members)), "required": fmt.Sprint(h.Required), "id": fmt.Sprint(h.CheckpointID)}})
}
