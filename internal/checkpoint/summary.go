package checkpoint

import (
	"context"
	"net/url"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
)

// Summary is the checkpoints' headline figures for a unit on a day:
// entrances manned and manned now, people checked, turned back and handed
// over, hand-overs overdue, and shifts unfilled now.
func (s *Service) Summary(ctx context.Context, scope jurisdiction.Scope, unit, day string) (summary.Card, error) {
	unitScope, err := scope.Narrow(unit)
	if err != nil {
		return summary.Card{}, err
	}
	cps, err := s.Checkpoints(ctx, unitScope, "")
	if err != nil {
		return summary.Card{}, err
	}
	var manned, now int
	for _, c := range cps {
		if c.Status == Manned {
			manned++
		}
		if c.MannedNow {
			now++
		}
	}
	figs, err := s.Figures(ctx, unitScope, "", day)
	if err != nil {
		return summary.Card{}, err
	}
	var people, back, over int
	for _, f := range figs {
		people, back, over = people+f.People, back+f.TurnedBack, over+f.HandedOver
	}
	late, err := s.Handovers(ctx, unitScope, HandoverFilter{Overdue: true, Limit: 500})
	if err != nil {
		return summary.Card{}, err
	}
	unfilled, err := s.Unfilled(ctx, unitScope, s.now())
	if err != nil {
		return summary.Card{}, err
	}
	q := url.Values{"unit": {unit}}.Encode()
	return summary.Card{Domain: "checkpoint", Title: "卡口", Figures: []summary.Figure{
		{Key: "checkpoint.manned", Label: "值守卡口", Value: manned, Link: "/checkpoints?" + q},
		// Not late itself: a manned entrance with nobody on this shift is
		// counted by 本班缺岗 (unfilled), the figure that is late — a count
		// of entrances that are fine is not what is overdue.
		{Key: "checkpoint.manned_now", Label: "此刻有人值守", Value: now, Link: "/checkpoints?" + q,
			Note: "值守卡口中本班已排班有人的"},
		{Key: "checkpoint.people", Label: "今日查验人数", Value: people, Link: "/checkpoints/figures?" + q},
		{Key: "checkpoint.turned_back", Label: "今日劝返", Value: back, Link: "/checkpoints/figures?" + q},
		{Key: "checkpoint.handed_over", Label: "今日移交", Value: over, Link: "/checkpoints/figures?" + q},
		{Key: "checkpoint.handover_late", Label: "移交超时未接收", Value: len(late), Link: "/handovers?" + q + "&overdue=1", Late: len(late) > 0},
		{Key: "checkpoint.unfilled", Label: "本班缺岗", Value: len(unfilled), Link: "/checkpoints?" + q, Late: len(unfilled) > 0,
			Note: "值守卡口本班人数不足或无带班人"},
	}}, nil
}

// Todo is a village's checkpoint work for the day (今日待办): people handed
// over by checkpoints waiting to be received.
func (s *Service) Todo(ctx context.Context, scope jurisdiction.Scope, unit, day string) ([]summary.Figure, error) {
	unitScope, err := scope.Narrow(unit)
	if err != nil {
		return nil, err
	}
	list, err := s.Handovers(ctx, unitScope, HandoverFilter{Status: AwaitReceipt, Limit: 500})
	if err != nil {
		return nil, err
	}
	late := 0
	for _, h := range list {
		if h.Overdue {
			late++
		}
	}
	q := url.Values{"unit": {unit}, "status": {AwaitReceipt}}.Encode()
	return []summary.Figure{{Key: "todo.checkpoint.handovers", Label: "卡口移交待接收", Value: len(list), Link: "/handovers?" + q,
		Late: late > 0, Note: "卡口移交到本村(社区)、尚未确认接收的人员"}}, nil
}
