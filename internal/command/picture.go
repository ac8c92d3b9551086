package command

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/summary"
	"fangkong/internal/wire"
)

// TTL is how long a computed picture is served before it is computed again.
const TTL = 20 * time.Second

// TrendDays is how many days the trend charts cover.
const TrendDays = 14

// Picture is the operating picture of a unit on a day.
type Picture struct {
	Unit  jurisdiction.Unit
	Day   string
	At    time.Time      // when the figures were computed
	Cards []summary.Card // every domain's card for the unit
	// Late are the unit's figures marked late (overdue, missed), the
	// picture's first answer: what is late.
	Late []summary.Figure
	// Children are the unit's child units (townships of a county, villages
	// of a township) with their own figures: where it is late.
	Children []Child
	// Trends are the unit's daily points per figure key, oldest first,
	// over the last TrendDays days (a day without a point is -1).
	Trends map[string][]int
	Days   []string // the days of Trends
}

// Child is one child unit's figures.
type Child struct {
	Unit    jurisdiction.Unit
	Figures []summary.Figure // every figure of every card, in card order
	Late    []summary.Figure // those marked late
}

// Figure returns the child's figure with key.
func (c Child) Figure(key string) (summary.Figure, bool) {
	for _, f := range c.Figures {
		if f.Key == key {
			return f, true
		}
	}
	return summary.Figure{}, false
}

// Service computes pictures.
type Service struct {
	db    *db.DB
	units *jurisdiction.Store
	now   func() time.Time
	cache *cache
}

// NewService returns a Service; every argument is required.
func NewService(d *db.DB, units *jurisdiction.Store, now func() time.Time) *Service {
	wire.Need("command.NewService", "db", d)
	wire.Need("command.NewService", "units", units)
	wire.Need("command.NewService", "now", now)
	return &Service{db: d, units: units, now: now, cache: newCache(TTL, now)}
}

// Forget drops the cached pictures, so the next one is computed afresh.
func (s *Service) Forget() { s.cache.forget() }

// Picture returns the picture of unit (inside scope, else not found) on day
// from sources, the summaries the caller may see; set names that set (the
// same set must give the same name: it keys the cache with the scope).
func (s *Service) Picture(ctx context.Context, scope jurisdiction.Scope, unit, day string, set string, sources []summary.Source) (Picture, error) {
	u, err := s.units.Get(ctx, scope, unit)
	if err != nil {
		return Picture{}, err
	}
	key := strings.Join([]string{scope.Code(), scope.Job(), u.Code, day, set}, "|")
	return s.cache.get(ctx, key, func(ctx context.Context) (Picture, error) {
		return s.compute(ctx, scope, u, day, sources)
	})
}

// Compute is the picture without the cache (tests, benchmarks).
func (s *Service) Compute(ctx context.Context, scope jurisdiction.Scope, unit, day string, sources []summary.Source) (Picture, error) {
	u, err := s.units.Get(ctx, scope, unit)
	if err != nil {
		return Picture{}, err
	}
	return s.compute(ctx, scope, u, day, sources)
}

// parallel bounds the summaries computed at once for one picture, so one
// picture does not take every database connection.
const parallel = 4

func (s *Service) compute(ctx context.Context, scope jurisdiction.Scope, u jurisdiction.Unit, day string, sources []summary.Source) (Picture, error) {
	p := Picture{Unit: u, Day: day, At: s.now().In(clock.Shanghai)}
	var children []jurisdiction.Unit
	if u.Level < jurisdiction.LevelVillage {
		var err error
		if children, err = s.units.Children(ctx, scope, u.Code); err != nil {
			return p, err
		}
	}
	units := append([]jurisdiction.Unit{u}, children...)
	cards := make([][]summary.Card, len(units))
	errs := make([]error, len(units)*len(sources))
	for i := range units {
		cards[i] = make([]summary.Card, len(sources))
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, unit := range units {
		for j, src := range sources {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				cards[i][j], errs[i*len(sources)+j] = src.Summary(ctx, scope, unit.Code, day)
			}()
		}
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return p, fmt.Errorf("picture of %s: %w", u.Code, err)
		}
	}
	for i, unit := range units {
		var figs, late []summary.Figure
		for _, c := range cards[i] {
			if c.Domain == "" {
				continue
			}
			if i == 0 {
				p.Cards = append(p.Cards, c)
			}
			for _, f := range c.Figures {
				figs = append(figs, f)
				if f.Late {
					late = append(late, f)
				}
			}
		}
		if i == 0 {
			p.Late = late
			continue
		}
		p.Children = append(p.Children, Child{Unit: unit, Figures: figs, Late: late})
	}
	if err := s.keepPoints(ctx, u.Code, day, p.Cards); err != nil {
		return p, err
	}
	var err error
	p.Days, p.Trends, err = s.trends(ctx, u.Code, day)
	return p, err
}
