package returnee

import (
	"context"
	"net/url"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
)

// Summary is the returnee ledger's headline figures for a unit: returnees
// by origin level (the level on the day they left), those not yet verified,
// and self-reports waiting to be confirmed.
func (s *Service) Summary(ctx context.Context, scope jurisdiction.Scope, unit, day string) (summary.Card, error) {
	t, err := s.Tally(ctx, scope, unit)
	if err != nil {
		return summary.Card{}, err
	}
	pending, err := s.PendingSelfReports(ctx, scope, unit)
	if err != nil {
		return summary.Card{}, err
	}
	q := url.Values{"unit": {unit}}
	return summary.Card{Domain: "returnee", Title: "返乡人员", Figures: []summary.Figure{
		{Key: "returnee.total", Label: "返乡人员", Value: t.Total, Link: "/returnees/stats?" + q.Encode(),
			Note: "台账中的返乡记录，每次返乡一条（同一人3天内的多次报告合并）"},
		// Each links to the ledger of exactly those people (rank_eq: the
		// same origin_rank as Tally.ByRank; rank=2 would be 中风险及以上).
		{Key: "returnee.high", Label: "来自高风险地区", Value: t.ByRank[3], Link: "/returnees?" + with(q, "rank_eq", "3"),
			Note: "离开时出发地为高风险地区"},
		{Key: "returnee.medium", Label: "来自中风险地区", Value: t.ByRank[2], Link: "/returnees?" + with(q, "rank_eq", "2"),
			Note: "离开时出发地为中风险地区"},
		{Key: "returnee.pending", Label: "待核实", Value: t.Pending, Link: "/returnees?" + with(q, "status", StatusPending)},
		{Key: "returnee.place_pending", Label: "地点待核实", Value: t.PlacePending, Link: "/returnees/places?" + q.Encode(),
			Note: "来源地地名无法确定（多处同名或未能识别），风险等级未知，待村（社区）选定地点", Late: t.PlacePending > 0},
		{Key: "returnee.selfreports", Label: "自主报备待确认", Value: pending, Link: "/selfreports?" + with(q, "status", "待确认"),
			Late: pending > 0},
	}}, nil
}

// with is q with one more parameter, encoded.
func with(q url.Values, k, v string) string {
	c := url.Values{}
	for key, vs := range q {
		c[key] = vs
	}
	c.Set(k, v)
	return c.Encode()
}
