package sampling

// The testing rounds' headline figures on hub pages (the command centre's
// picture, the unit page, the daily report): 应检, 已检, 未检 and the
// single-tube retests without their result yet (单采单检待出), over the
// rounds in progress.
//
// The figures are the campaign page's (Coverage: targets as at the round's
// start, by their unit then; tested = targets with a sample), read from a
// per-round tally by unit (tally) that one query per round fills and
// refreshes in the background at most every tallyEvery (longer when the
// round is large: tallyCost), so a hub page reads O(units) entries and
// never counts people itself. The figure's note says when the tally was
// taken; the campaign page is live.

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
)

const (
	// tallyEvery is the shortest time between two tallies of a round.
	tallyEvery = 30 * time.Second
	// tallyCost keeps the tally's queries under 1/tallyCost of one
	// core: a tally that took d is next refreshed after tallyCost×d
	// at the earliest (a million-target round: every few minutes).
	tallyCost = 20
)

// unitTally is one unit's part of a round, as the campaign page counts it.
type unitTally struct {
	target, tested, pending int
}

// roundTally is a round's tally by target unit (the unit codes people had
// at the round's start; retests by their sample's unit).
type roundTally struct {
	at      time.Time // when it was taken
	took    time.Duration
	units   map[string]unitTally
	loading bool // a refresh is under way
}

// tallies keeps the rounds' tallies of this process.
type tallies struct {
	mu     sync.Mutex
	rounds map[int64]*roundTally
	ready  map[int64]chan struct{} // closed when a round's first tally is in
}

// activeRounds lists the rounds in progress that overlap unit (the
// round's unit contains it or lies inside it), oldest first.
func (s *Service) activeRounds(ctx context.Context, unit string) ([]Campaign, error) {
	args := []any{unit + "%"}
	var in []string
	for _, a := range ancestors(unit) {
		args = append(args, a)
		in = append(in, fmt.Sprintf("$%d", len(args)))
	}
	rows, err := s.db.R().QueryContext(ctx, "SELECT "+campaignColumns+` FROM test_campaigns c LEFT JOIN units u ON u.code = c.unit_code
		WHERE c.status = 'active' AND (c.unit_code LIKE $1 OR c.unit_code IN (`+strings.Join(in, ", ")+`)) ORDER BY c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("rounds in progress: %w", err)
	}
	defer rows.Close()
	var out []Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// tally returns round id's tally, taking it first when there is none
// (callers wait for that one) and refreshing it in the background when it
// is due.
func (s *Service) tally(ctx context.Context, id int64) (*roundTally, error) {
	t := &s.tallies
	t.mu.Lock()
	if t.rounds == nil {
		t.rounds, t.ready = map[int64]*roundTally{}, map[int64]chan struct{}{}
	}
	if r := t.rounds[id]; r != nil {
		now := s.now()
		due := max(tallyEvery, tallyCost*r.took)
		if !r.loading && now.Sub(r.at) >= due {
			r.loading = true
			go s.refreshTally(id)
		}
		t.mu.Unlock()
		return r, nil
	}
	ready, first := t.ready[id]
	if !first {
		ready = make(chan struct{})
		t.ready[id] = ready
	}
	t.mu.Unlock()
	if !first {
		go func() {
			defer close(ready)
			s.refreshTally(id)
		}()
	}
	select {
	case <-ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if r := t.rounds[id]; r != nil {
		return r, nil
	}
	delete(t.ready, id) // failed: the next caller tries again
	return nil, fmt.Errorf("round %d: tally failed", id)
}

// refreshTally takes round id's tally and stores it (on failure the old
// one stays, to be refreshed again when due).
func (s *Service) refreshTally(id int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	at := s.now()
	units, err := s.countRound(ctx, id)
	t := &s.tallies
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.rounds[id]
	if err != nil {
		if r != nil {
			r.loading, r.at = false, at // try again when due
		}
		return
	}
	t.rounds[id] = &roundTally{at: at, took: time.Since(start), units: units}
}

// countRound counts a round's targets, tested targets and waiting retests
// by unit: the campaign page's queries (Coverage) over the whole round.
func (s *Service) countRound(ctx context.Context, id int64) (map[string]unitTally, error) {
	out := map[string]unitTally{}
	q := s.db.R()
	err := eachRow(ctx, q, `SELECT t.unit_code, COUNT(*), COUNT(s.person_id) FROM campaign_targets t
		LEFT JOIN test_samples s ON s.campaign_id = t.campaign_id AND s.person_id = t.person_id
		WHERE t.campaign_id = $1 GROUP BY t.unit_code`, []any{id},
		func(r *sql.Rows) error {
			var code string
			var target, tested int
			if err := r.Scan(&code, &target, &tested); err != nil {
				return err
			}
			u := out[code]
			u.target, u.tested = u.target+target, u.tested+tested
			out[code] = u
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("round %d tally: %w", id, err)
	}
	err = eachRow(ctx, q, `SELECT unit_code, COUNT(*) FROM test_retests WHERE campaign_id = $1 AND retest_at = 0 GROUP BY unit_code`, []any{id},
		func(r *sql.Rows) error {
			var code string
			var n int
			if err := r.Scan(&code, &n); err != nil {
				return err
			}
			u := out[code]
			u.pending += n
			out[code] = u
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("round %d retests: %w", id, err)
	}
	return out, nil
}

// Summary is the testing rounds in progress seen from unit (inside scope)
// on day: 应检, 已检 and 未检 as the campaign page counts them, and the
// single-tube retests without their result (单采单检待出). With no round in
// progress over the unit there is no card. 未检 is late once a round's last
// day has passed.
func (s *Service) Summary(ctx context.Context, scope jurisdiction.Scope, unit, day string) (summary.Card, error) {
	area, err := scope.Narrow(unit)
	if err != nil {
		return summary.Card{}, err
	}
	rounds, err := s.activeRounds(ctx, unit)
	if err != nil || len(rounds) == 0 {
		return summary.Card{}, err
	}
	var total unitTally
	var oldest time.Time
	var names []string
	overdue := false
	for _, c := range rounds {
		r, err := s.tally(ctx, c.ID)
		if err != nil {
			return summary.Card{}, err
		}
		var part unitTally
		for code, u := range r.units {
			if area.Contains(code) {
				part.target += u.target
				part.tested += u.tested
				part.pending += u.pending
			}
		}
		total.target += part.target
		total.tested += part.tested
		total.pending += part.pending
		if oldest.IsZero() || r.at.Before(oldest) {
			oldest = r.at
		}
		names = append(names, c.Name)
		if c.EndsOn != "" && day > c.EndsOn && part.tested < part.target {
			overdue = true
		}
	}
	link := func(page string) string {
		if len(rounds) > 1 {
			return "/sampling"
		}
		// The campaign page of the unit, or of the round's whole area when
		// the round covers only part of the unit.
		at := unit
		if c := rounds[0].UnitCode; len(c) > len(at) {
			at = c
		}
		return fmt.Sprintf("/sampling/campaigns/%d%s?", rounds[0].ID, page) + url.Values{"unit": {at}}.Encode()
	}
	asOf := "截至" + clock.Format(oldest.UnixMilli()) + "（定时汇总；检测轮次页为实时数）"
	untested := total.target - total.tested
	return summary.Card{Domain: "sampling", Title: "全员核酸", Figures: []summary.Figure{
		{Key: "sampling.target", Label: "应检", Value: total.target, Link: link(""),
			Note: "进行中的检测轮次（" + strings.Join(names, "、") + "）开始时名单上的人数；" + asOf},
		{Key: "sampling.tested", Label: "已检", Value: total.tested, Link: link(""), Note: "应检人员中已采样的；" + asOf},
		{Key: "sampling.untested", Label: "未检", Value: untested, Link: link("/untested"), Late: overdue && untested > 0,
			Note: "应检未检；检测轮次截止日已过仍未检的显示为逾期；" + asOf},
		{Key: "sampling.retest_pending", Label: "单采单检待出", Value: total.pending, Link: link("/retests"), Late: total.pending > 0,
			Note: "混管阳性或无效、须单管复核的人中尚无复核结果的；" + asOf},
	}}, nil
}
