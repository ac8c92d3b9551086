package sentinel

import (
	"context"
	"net/url"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
)

// Summary is the sentinels' headline figures for a unit on a day: fever
// reports found that day, those awaiting the township, those escalated to
// the county and the positives; the day's returns missing; buyers past
// their test deadline unverified.
func (s *Service) Summary(ctx context.Context, scope jurisdiction.Scope, unit, day string) (summary.Card, error) {
	scope, err := scope.Narrow(unit)
	if err != nil {
		return summary.Card{}, err
	}
	count := func(f ReportFilter) (int, error) { return s.CountReports(ctx, scope, f) }
	found, err := count(ReportFilter{Day: day})
	if err != nil {
		return summary.Card{}, err
	}
	waiting, err := count(ReportFilter{Status: StatusReported})
	if err != nil {
		return summary.Card{}, err
	}
	escalated, err := count(ReportFilter{Status: "escalated"})
	if err != nil {
		return summary.Card{}, err
	}
	flagged, err := count(ReportFilter{Status: "flagged"})
	if err != nil {
		return summary.Card{}, err
	}
	d, err := s.Returns(ctx, scope, "", day)
	if err != nil {
		return summary.Card{}, err
	}
	late, err := s.CountBuyers(ctx, scope, BuyerFilter{Status: "overdue"})
	if err != nil {
		return summary.Card{}, err
	}
	reports := func(status string) string {
		return "/sentinel-reports?" + url.Values{"unit": {unit}, "status": {status}}.Encode()
	}
	return summary.Card{Domain: "sentinel", Title: "哨点监测", Figures: []summary.Figure{
		{Key: "sentinel.found", Label: "发热病人报告", Value: found, Link: "/sentinel-reports?" + url.Values{"unit": {unit}, "day": {day}}.Encode(),
			Note: "当日哨点发现并报告的发热病人"},
		{Key: "sentinel.waiting", Label: "待乡镇接收", Value: waiting, Link: reports(StatusReported)},
		{Key: "sentinel.escalated", Label: "超时上报县", Value: escalated, Link: reports("escalated"), Late: escalated > 0,
			Note: "乡镇卫生院未在时限内接收，已上报县指挥部"},
		{Key: "sentinel.positive", Label: "阳性", Value: flagged, Link: reports("flagged"), Late: flagged > 0},
		{Key: "sentinel.missing", Label: "哨点日报未报", Value: d.Total.Missing, Link: "/sentinels?" + url.Values{"unit": {unit}, "day": {day}}.Encode(),
			Late: d.PastCut && d.Total.Missing > 0, Note: "应报哨点中当日未交日报或零报告的"},
		{Key: "sentinel.buyers_overdue", Label: "购药人员逾期未核", Value: late, Link: "/sentinel-buyers?" + url.Values{"unit": {unit}, "status": {"overdue"}}.Encode(),
			Late: late > 0},
	}}, nil
}

// Todo is a unit's sentinel work for the day (今日待办): fever reports
// awaiting the township's acknowledgement (at a township or above) and
// buyers of the four drug classes to verify, with those past their clock.
func (s *Service) Todo(ctx context.Context, scope jurisdiction.Scope, unit, day string) ([]summary.Figure, error) {
	scope, err := scope.Narrow(unit)
	if err != nil {
		return nil, err
	}
	var out []summary.Figure
	if jurisdiction.LevelOfCode(unit) <= jurisdiction.LevelTownship {
		waiting, err := s.CountReports(ctx, scope, ReportFilter{Status: StatusReported})
		if err != nil {
			return nil, err
		}
		overdue, err := s.CountReports(ctx, scope, ReportFilter{Status: "overdue"})
		if err != nil {
			return nil, err
		}
		out = append(out, summary.Figure{Key: "todo.sentinel.waiting", Label: "发热报告待接收", Value: waiting,
			Link: "/sentinel-reports?" + url.Values{"unit": {unit}, "status": {StatusReported}}.Encode(), Late: overdue > 0,
			Note: "哨点报告的发热病人，乡镇卫生院须在时限内接收"})
	}
	open, err := s.CountBuyers(ctx, scope, BuyerFilter{Status: BuyerOpen})
	if err != nil {
		return nil, err
	}
	late, err := s.CountBuyers(ctx, scope, BuyerFilter{Status: "overdue"})
	if err != nil {
		return nil, err
	}
	return append(out, summary.Figure{Key: "todo.sentinel.buyers", Label: "购药人员待核查", Value: open,
		Link: "/sentinel-buyers?" + url.Values{"unit": {unit}, "status": {BuyerOpen}}.Encode(), Late: late > 0,
		Note: "药店登记的四类药品购买人员，核实是否按时检测"}), nil
}
