package readiness

import (
	"context"
	"net/url"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
)

// Summary is the readiness figures (平急结合) of a county or township: the
// standards met and those not met, the same checks as /readiness. A
// village has no standards of its own: its card is empty (Domain ""), and
// hub pages leave it out. The figures count the unit's own standards, so
// they are not sums over its children (NoSum).
func (s *Service) Summary(ctx context.Context, scope jurisdiction.Scope, unit, day string) (summary.Card, error) {
	u, err := s.units.Get(ctx, scope, unit)
	if err != nil {
		return summary.Card{}, err
	}
	if u.Level > jurisdiction.LevelTownship {
		return summary.Card{}, nil
	}
	std, label, err := s.Standards(ctx)
	if err != nil {
		return summary.Card{}, err
	}
	r, err := s.report(ctx, u, std, label, false)
	if err != nil {
		return summary.Card{}, err
	}
	link := "/readiness?" + url.Values{"unit": {unit}}.Encode()
	unmet := len(r.Checks) - r.Met
	return summary.Card{Domain: "readiness", Title: "平急结合", Figures: []summary.Figure{
		{Key: "readiness.met", Label: "达标项", Value: r.Met, Link: link, NoSum: true, Note: "平急结合各项标准中已达标的项数"},
		{Key: "readiness.unmet", Label: "未达标项", Value: unmet, Link: link, Late: unmet > 0, NoSum: true,
			Note: "隔离房间、流调队伍、采样力量、卡口值守、值班、预案和演练等标准中未达标的项数"},
	}}, nil
}
