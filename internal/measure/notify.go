package measure

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
)

// The events of control measures (通知事件): an abnormal health check, a
// positive test, 脱管 (a missed check or test), and an alert escalated to
// the township or the county because nobody handled it in time.
const (
	EventAbnormal  = "measure.abnormal"
	EventPositive  = "measure.positive"
	EventMissed    = "measure.missed"
	EventEscalated = "measure.escalated"
)

var alertVars = []string{"unit", "name", "kind", "detail", "day", "level"}

var alertSample = map[string]string{"unit": "西街社区", "name": "张三", "kind": "健康监测异常", "detail": "体温 38.2℃，症状：咳嗽",
	"day": "2026-12-06", "level": "乡镇卫生院"}

// Events are the measures' notification events, as the app lists them.
var Events = []notify.EventType{
	{Kind: EventAbnormal, Name: "健康监测异常", Vars: alertVars, Sample: alertSample, Link: "/measures/alerts",
		Template: "【防控】${unit}管控人员${name}健康监测异常：${detail}。请2小时内核实处置并在系统中登记。",
		Channels: []string{notify.ChannelSMS},
		To:       []notify.Recipient{{Duty: "*"}, {Role: "village"}, {Role: "township", Level: jurisdiction.LevelTownship}}},
	{Kind: EventPositive, Name: "核酸检测阳性", Vars: alertVars, Sample: alertSample, Link: "/measures/alerts",
		Template: "【防控】${unit}管控人员${name}核酸检测阳性（${day}），请立即按预案处置。",
		Channels: []string{notify.ChannelSMS, notify.ChannelRobot},
		To: []notify.Recipient{{Duty: "*"}, {Role: "village"}, {Role: "township", Level: jurisdiction.LevelTownship},
			{Role: "command", Level: jurisdiction.LevelCounty}}},
	{Kind: EventMissed, Name: "脱管预警", Vars: alertVars, Sample: alertSample, Link: "/measures/alerts",
		Template: "【防控】${unit}管控人员${name}${kind}（${day}，${detail}），请立即核实。",
		Channels: []string{notify.ChannelSMS},
		To:       []notify.Recipient{{Duty: "*"}, {Role: "village"}}},
	{Kind: EventEscalated, Name: "预警升级", Vars: alertVars, Sample: alertSample, Link: "/measures/alerts",
		Template: "【防控】${unit}${name}的${kind}（${day}）超时未处置，已升级至${level}，请督办。",
		Channels: []string{notify.ChannelSMS},
		// The level the alert went to: the township's cadres or the command centre.
		To: []notify.Recipient{{Role: "township", Level: jurisdiction.LevelTownship}}},
	{Kind: EventEscalated + ".county", Name: "预警升级至县", Vars: alertVars, Sample: alertSample, Link: "/measures/alerts",
		Template: "【防控】${unit}${name}的${kind}（${day}）超时未处置，已升级至${level}，请督办。",
		Channels: []string{notify.ChannelSMS, notify.ChannelRobot},
		To:       []notify.Recipient{{Role: "command", Level: jurisdiction.LevelCounty}}},
}

// emitAlert tells of the alert id inside the transaction ctx carries.
func (s *Service) emitAlert(ctx context.Context, q db.Querier, id int64) error {
	var unit, kind, day, detail, name, unitName, village string
	var level int
	err := q.QueryRowContext(ctx, `SELECT a.unit_code, a.kind, a.day, a.detail, a.level, COALESCE(p.name, ''), COALESCE(u.name, ''), COALESCE(v.name, '')
		FROM measure_alerts a LEFT JOIN people p ON p.id = a.person_id LEFT JOIN units u ON u.code = a.unit_code
		LEFT JOIN units v ON v.code = SUBSTR(a.unit_code, 1, 12)
		WHERE a.id = $1`, id).Scan(&unit, &kind, &day, &detail, &level, &name, &unitName, &village)
	if err != nil {
		return fmt.Errorf("alert %d: %w", id, err)
	}
	if jurisdiction.LevelOfCode(unit) == jurisdiction.LevelGroup {
		unitName = village + unitName // 西街社区居委会怡景家园: a 小区's name alone says little
	}
	a := Alert{Kind: kind, Level: level}
	ev := map[string]string{AlertAbnormal: EventAbnormal, AlertPositive: EventPositive, AlertMissedCheck: EventMissed, AlertMissedTest: EventMissed}[kind]
	key := fmt.Sprintf("alert:%d", id)
	switch {
	case level == jurisdiction.LevelCounty && (kind == AlertMissedCheck || kind == AlertMissedTest):
		ev, key = EventEscalated+".county", fmt.Sprintf("alert:%d:%d", id, level)
	case level == jurisdiction.LevelTownship && (kind == AlertMissedCheck || kind == AlertMissedTest):
		ev, key = EventEscalated, fmt.Sprintf("alert:%d:%d", id, level)
	}
	if ev == "" {
		return nil
	}
	return s.notifier.Emit(ctx, notify.Event{Kind: ev, Unit: unit, Key: key, Vars: map[string]string{
		"unit": unitName, "name": name, "kind": a.KindName(), "detail": detail, "day": day, "level": a.LevelName()}})
}

// dedupWindow keeps the same alert from being told twice a day.
const dedupWindow = 24 * time.Hour

func init() {
	for i := range Events {
		Events[i].Dedup = dedupWindow
	}
}
