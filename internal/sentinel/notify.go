package sentinel

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
)

// The events of fever reports (通知事件): a new report the township must
// acknowledge, a report escalated to the county because the township's
// clock ran out, and a positive result.
const (
	EventReported  = "sentinel.reported"
	EventEscalated = "sentinel.escalated"
	EventPositive  = "sentinel.positive"
)

var reportVars = []string{"unit", "sentinel", "name", "temp", "symptoms", "hours", "due", "id"}

var reportSample = map[string]string{"unit": "西街村", "sentinel": "西街村卫生室", "name": "张三", "temp": "38.5",
	"symptoms": "咳嗽", "hours": "2", "due": "2026-12-06 12:00:00", "id": "42"}

// township is the township of the report's unit; county its county.
var (
	township = notify.Recipient{Role: "township", Level: jurisdiction.LevelTownship}
	county   = notify.Recipient{Role: "command", Level: jurisdiction.LevelCounty}
)

// Events are the sentinels' notification events, as the app lists them.
var Events = []notify.EventType{
	{Kind: EventReported, Name: "发热病人报告", Vars: reportVars, Sample: reportSample, Link: "/sentinel-reports/${id}",
		Template: "【防控】${sentinel}报告发热病人${name}（${temp}℃，${symptoms}），请在${hours}小时内（${due}前）接收并安排采样。",
		Channels: []string{notify.ChannelSMS},
		To:       []notify.Recipient{{Duty: "*", Level: jurisdiction.LevelTownship}, township}},
	{Kind: EventEscalated, Name: "发热报告超时上报县", Vars: reportVars, Sample: reportSample, Link: "/sentinel-reports/${id}",
		Template: "【防控】${sentinel}报告的发热病人${name}（${temp}℃）超过${hours}小时乡镇未接收，已上报县指挥部，请立即督办。",
		Channels: []string{notify.ChannelSMS, notify.ChannelRobot},
		To:       []notify.Recipient{township, county}},
	{Kind: EventPositive, Name: "发热病人检测阳性", Vars: reportVars, Sample: reportSample, Link: "/sentinel-reports/${id}",
		Template: "【防控】${sentinel}报告的发热病人${name}检测阳性，已转流调，请立即按预案处置。",
		Channels: []string{notify.ChannelSMS, notify.ChannelRobot},
		To:       []notify.Recipient{{Duty: "*", Level: jurisdiction.LevelTownship}, township, county}},
}

func init() {
	for i := range Events {
		Events[i].Dedup = 24 * time.Hour
	}
}

// emitReport tells of report r (kind: one of the events) inside the
// transaction ctx carries; the key is the report's and the event's, so
// each is told once.
func (s *Service) emitReport(ctx context.Context, kind string, r Report) error {
	hours := (r.AckDueAt - r.ReportedAt) / 3600000
	sym := r.Symptoms
	if sym == "" {
		sym = "无其他症状"
	}
	key := fmt.Sprintf("sentinel-report:%d", r.ID)
	if kind != EventReported {
		key += ":" + kind
	}
	var phones []string
	if kind == EventReported && r.ReferredTo != 0 {
		// The fever clinic the patient was referred to (转诊) must receive
		// them: its contact is told too.
		var phone string
		if err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT contact_phone FROM sentinels WHERE id = $1`, r.ReferredTo).Scan(&phone); err == nil && phone != "" {
			phones = append(phones, phone)
		}
	}
	return s.notifier.Emit(ctx, notify.Event{Kind: kind, Unit: r.UnitCode, Key: key, Phones: phones, Vars: map[string]string{
		"unit": r.UnitName, "sentinel": r.SentinelName, "name": r.Name, "temp": r.Temp(), "symptoms": sym,
		"hours": fmt.Sprint(hours), "due": clock.Format(r.AckDueAt), "id": fmt.Sprint(r.ID)}})
}
