package inspect

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
)

// The events of supervision (通知事件): a finding to rectify told to the
// responsible unit, a rectification reported done told to the inspectors,
// one sent back (退回) told to the unit again, and one past its deadline
// (挂牌督办) told to the township and the command centre.
const (
	EventFinding   = "inspect.finding"
	EventReview    = "inspect.review"
	EventReturned  = "inspect.returned"
	EventEscalated = "inspect.escalated"
)

var findingVars = []string{"unit", "object", "problem", "deadline", "note", "id"}

var findingSample = map[string]string{"unit": "甘亭街道西街社区居委会", "object": "西街村口卡口", "problem": "夜班值守人员不足",
	"deadline": "2026-12-10", "note": "登记簿照片未上传", "id": "42"}

// Events are supervision's notification events, as the app lists them.
var Events = []notify.EventType{
	{Kind: EventFinding, Name: "督查问题待整改", Vars: findingVars, Sample: findingSample, Link: "/findings/${id}",
		Template: "【防控】督查发现${unit}（${object}）问题：${problem}。请于${deadline}前整改，并在系统中报告整改情况。",
		Channels: []string{notify.ChannelSMS},
		To:       []notify.Recipient{{Duty: "*"}, {Role: "village"}, {Role: "township", Level: jurisdiction.LevelTownship}}},
	{Kind: EventReview, Name: "整改待复核", Vars: findingVars, Sample: findingSample, Link: "/findings/${id}",
		Template: "【防控】${unit}已报告整改完成（${problem}），请复核销号。",
		To:       []notify.Recipient{{Role: "inspector", Level: jurisdiction.LevelTownship}, {Role: "inspector", Level: jurisdiction.LevelCounty}}},
	{Kind: EventReturned, Name: "整改被退回", Vars: findingVars, Sample: findingSample, Link: "/findings/${id}",
		Template: "【防控】${unit}的整改（${problem}）复核未通过、已退回：${note}。请继续整改后再报。",
		Channels: []string{notify.ChannelSMS},
		To:       []notify.Recipient{{Duty: "*"}, {Role: "village"}, {Role: "township", Level: jurisdiction.LevelTownship}}},
	{Kind: EventEscalated, Name: "整改逾期挂牌督办", Vars: findingVars, Sample: findingSample, Link: "/findings/${id}",
		Template: "【防控】${unit}的整改（${problem}）已过时限${deadline}仍未销号，已挂牌督办。",
		Channels: []string{notify.ChannelSMS},
		To: []notify.Recipient{{Role: "village"}, {Role: "township", Level: jurisdiction.LevelTownship},
			{Role: "command", Level: jurisdiction.LevelCounty}}},
}

func init() {
	for i := range Events {
		Events[i].Dedup = time.Hour
	}
}

// emit tells of finding f (kind); note is the review's or "".
func (s *Service) emit(ctx context.Context, kind string, f Finding, note string) error {
	name := s.units.LocalName(ctx, f.UnitCode) // 甘亭街道西街社区居委会
	if name == "" {
		name = f.UnitName
	}
	id := fmt.Sprint(f.ID)
	return s.notifier.Emit(ctx, notify.Event{Kind: kind, Unit: f.UnitCode, Key: kind + ":" + id + ":" + fmt.Sprint(f.Version), Vars: map[string]string{
		"unit": name, "object": f.ObjectName, "problem": f.Problem, "deadline": f.Deadline, "note": note, "id": id}})
}
