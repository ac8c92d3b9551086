package tracing

import (
	"context"
	"fmt"
	"net/url"
	"sort"

	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
)

// Indicators are the tracing figures of one township on one day (by the
// day the cases were found), or of all of them (Township "").
type Indicators struct {
	Township     string
	TownshipName string
	Day          string
	NewCases     int
	KnownContact int // new cases that were already contacts of a case
	Close        int // close contacts judged
	CloseHanded  int
	CloseInTime  int // handed over within the close-contact transfer clock
	Secondary    int
	SecHanded    int
	SecInTime    int
	Lost         int // close/secondary judged, past their transfer clock, not handed over
	trajectory   []float64
	preliminary  []float64
	// Median hours from found to trajectory and to preliminary report.
	MedianTrajectoryH, MedianPreliminaryH float64
}

// KnownShare is the share of new cases already known contacts, in percent.
func (x Indicators) KnownShare() int {
	if x.NewCases == 0 {
		return 0
	}
	return 100 * x.KnownContact / x.NewCases
}

// PerCase is close contacts per case, one decimal.
func (x Indicators) PerCase() string {
	if x.NewCases == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f", float64(x.Close)/float64(x.NewCases))
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	sort.Float64s(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// IndicatorsFor computes the indicators per township and day for the cases
// inside scope, and the total (last).
func (s *Service) IndicatorsFor(ctx context.Context, scope jurisdiction.Scope) ([]Indicators, error) {
	lo, hi := scope.Args()
	now := s.now().UnixMilli()
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT c.id, c.unit_code, c.found_at, c.trajectory_at, c.preliminary_at,
		CASE WHEN c.from_contact_id IS NOT NULL OR EXISTS (SELECT 1 FROM tracing_contacts t WHERE t.person_id = c.person_id
			AND t.category IN ('close', 'secondary') AND t.judged_at <= c.found_at) THEN 1 ELSE 0 END
		FROM tracing_cases c WHERE `+scope.Where("c.unit_code", 1), lo, hi)
	if err != nil {
		return nil, fmt.Errorf("indicators: %w", err)
	}
	defer rows.Close()
	groups := map[[2]string]*Indicators{}
	caseKey := map[int64][2]string{}
	get := func(k [2]string) *Indicators {
		g := groups[k]
		if g == nil {
			g = &Indicators{Township: k[0], Day: k[1]}
			groups[k] = g
		}
		return g
	}
	for rows.Next() {
		var id, found, traj, pre int64
		var unit string
		var known int
		if err := rows.Scan(&id, &unit, &found, &traj, &pre, &known); err != nil {
			return nil, err
		}
		k := [2]string{unit[:min(9, len(unit))], dayOf(found)}
		caseKey[id] = k
		g := get(k)
		g.NewCases++
		g.KnownContact += known
		if traj != 0 {
			g.trajectory = append(g.trajectory, float64(traj-found)/3.6e6)
		}
		if pre != 0 {
			g.preliminary = append(g.preliminary, float64(pre-found)/3.6e6)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	crow, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT t.case_id, t.category, t.handed_at, t.transfer_due, t.outside FROM tracing_contacts t
		WHERE t.category IN ('close', 'secondary') AND `+scope.Where("t.unit_code", 1), lo, hi)
	if err != nil {
		return nil, err
	}
	defer crow.Close()
	for crow.Next() {
		var cid, handed, due int64
		var cat string
		var outside int
		if err := crow.Scan(&cid, &cat, &handed, &due, &outside); err != nil {
			return nil, err
		}
		k, ok := caseKey[cid]
		if !ok {
			continue // the case is outside the scope: counted where it is seen
		}
		g := get(k)
		inTime := handed != 0 && handed <= due
		if cat == CatClose {
			g.Close++
			if handed != 0 {
				g.CloseHanded++
			}
			if inTime {
				g.CloseInTime++
			}
		} else {
			g.Secondary++
			if handed != 0 {
				g.SecHanded++
			}
			if inTime {
				g.SecInTime++
			}
		}
		if handed == 0 && outside == 0 && due != 0 && now > due {
			g.Lost++
		}
	}
	if err := crow.Err(); err != nil {
		return nil, err
	}
	// The townships' names, also for a village user outside whose scope
	// its township lies (a unit's name is no personal data).
	names := map[string]string{}
	var codes []any
	for _, g := range groups {
		codes = append(codes, g.Township)
	}
	if len(codes) == 0 {
		codes = append(codes, "")
	}
	nrows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT code, name FROM units WHERE code IN (`+db.In(len(codes), 1)+`)`, codes...)
	if err == nil {
		for nrows.Next() {
			var c, n string
			if nrows.Scan(&c, &n) == nil {
				names[c] = n
			}
		}
		nrows.Close()
	}
	var out []Indicators
	total := Indicators{TownshipName: "合计"}
	for _, g := range groups {
		g.TownshipName = names[g.Township]
		if g.TownshipName == "" {
			g.TownshipName = g.Township
		}
		g.MedianTrajectoryH, g.MedianPreliminaryH = median(g.trajectory), median(g.preliminary)
		total.NewCases += g.NewCases
		total.KnownContact += g.KnownContact
		total.Close += g.Close
		total.CloseHanded += g.CloseHanded
		total.CloseInTime += g.CloseInTime
		total.Secondary += g.Secondary
		total.SecHanded += g.SecHanded
		total.SecInTime += g.SecInTime
		total.Lost += g.Lost
		total.trajectory = append(total.trajectory, g.trajectory...)
		total.preliminary = append(total.preliminary, g.preliminary...)
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Day != out[j].Day {
			return out[i].Day > out[j].Day
		}
		return out[i].Township < out[j].Township
	})
	total.MedianTrajectoryH, total.MedianPreliminaryH = median(total.trajectory), median(total.preliminary)
	return append(out, total), nil
}

// Summary is the tracing headline figures for a unit: cases, new cases on
// day, cases with a missed clock, contacts waiting for judgment or hand-off.
func (s *Service) Summary(ctx context.Context, scope jurisdiction.Scope, unit, day string) (summary.Card, error) {
	sc, err := scope.NarrowOpt(unit)
	if err != nil {
		return summary.Card{}, err
	}
	cases, err := s.Cases(ctx, sc, CaseFilter{Limit: 2000})
	if err != nil {
		return summary.Card{}, err
	}
	from, to, err := foundOn(day)
	if err != nil {
		from, to = 0, 0 // no day: no case is new
	}
	var today, late int
	for _, c := range cases {
		if c.FoundAt >= from && c.FoundAt < to {
			today++
		}
		if c.Late() {
			late++
		}
	}
	lo, hi := sc.Args()
	var pending, waiting int
	if err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT
		COUNT(DISTINCT CASE WHEN status = '待判定' THEN person_key END),
		COUNT(DISTINCT CASE WHEN status = '已判定' AND category IN ('close', 'secondary') THEN person_key END)
		FROM tracing_contacts WHERE `+sc.Where("unit_code", 1), lo, hi).Scan(&pending, &waiting); err != nil {
		return summary.Card{}, err
	}
	q := url.Values{"unit": {unit}}.Encode()
	return summary.Card{Domain: "tracing", Title: "病例与流调", Figures: []summary.Figure{
		{Key: "tracing.cases", Label: "病例", Value: len(cases), Link: "/tracing/cases?" + q},
		{Key: "tracing.new", Label: "当日新增病例", Value: today, Link: "/tracing/cases?" + url.Values{"unit": {unit}, "day": {day}}.Encode(),
			Note: "按发现时间计"},
		{Key: "tracing.late", Label: "时限超时病例", Value: late, Late: late > 0, Link: "/tracing/cases?late=1&" + q, Note: "网络直报2小时、轨迹4小时、初步报告24小时"},
		{Key: "tracing.pending", Label: "待判定接触者", Value: pending, Link: "/tracing/contacts?status=待判定&" + q,
			Note: "按人计：与几个病例有接触的人计一次（接触者清单按病例逐条列出）"},
		{Key: "tracing.waiting", Label: "待移交密接/次密接", Value: waiting, Late: waiting > 0, Link: "/tracing/contacts?status=已判定&" + q,
			Note: "按人计"},
	}}, nil
}
