package site

import (
	"context"
	"net/url"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
)

// Summary is the quarantine sites' headline figures for a unit: people in
// the sites, free rooms, usable rooms and the gap against 20 rooms per
// 10,000 residents — the totals of Occupancy.
func (s *Service) Summary(ctx context.Context, scope jurisdiction.Scope, unit, day string) (summary.Card, error) {
	d, err := s.Occupancy(ctx, scope, unit)
	if err != nil {
		return summary.Card{}, err
	}
	link := "/sites/occupancy?" + url.Values{"unit": {unit}}.Encode()
	t := d.Total
	return summary.Card{Domain: "site", Title: "集中隔离点", Figures: []summary.Figure{
		{Key: "site.in", Label: "在住人员", Value: t.In, Link: link, Note: "已入住隔离点的人（转运途中的不计）"},
		{Key: "site.free", Label: "空闲房间", Value: t.Free, Link: link},
		{Key: "site.usable", Label: "可用房间", Value: t.Usable, Link: link, Note: "未停用隔离点中未停用的房间"},
		{Key: "site.gap", Label: "房间缺口", Value: t.Gap, Link: link, Late: t.Gap > 0, Note: "按每万名在册人口20间计（含不在住的人）"},
	}}, nil
}
