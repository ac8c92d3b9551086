package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// Service reads and writes households and people. Every method takes the
// caller's Scope; records outside it are not found.
type Service struct {
	db     *db.DB
	units  *jurisdiction.Store
	now    func() time.Time
	budget elsewhereBudget // answers "registered elsewhere" per user (elsewhere.go)
}

// NewService returns a Service.
func NewService(d *db.DB, units *jurisdiction.Store, now func() time.Time) *Service {
	return &Service{db: d, units: units, now: now}
}

// DB exposes the handle for packages (import, demo) that bulk-load.
func (s *Service) DB() *db.DB { return s.db }

// residentUnit checks that code is a village or group inside the scope.
func (s *Service) residentUnit(ctx context.Context, scope jurisdiction.Scope, code string) (jurisdiction.Unit, error) {
	if code == "" {
		return jurisdiction.Unit{}, errs.Invalidf("所属村(社区)/组", "请选择所属村(社区)或组/小区")
	}
	var u jurisdiction.Unit
	var err error
	if strings.Trim(code, "0123456789") != "" {
		// A name as people type it (西街社区, 南涝村): the one unit of
		// the scope it names, or a question which one.
		if u, err = s.units.Find(ctx, scope, "所属村(社区)/组", code); err != nil {
			return u, err
		}
	} else if u, err = s.units.Get(ctx, scope, code); errors.Is(err, errs.ErrNotFound) {
		return u, errs.Invalidf("所属村(社区)/组", "%s 不存在或不在您的辖区内", code)
	} else if err != nil {
		return u, err
	}
	if u.Level != jurisdiction.LevelVillage && u.Level != jurisdiction.LevelGroup {
		return u, errs.Invalidf("所属村(社区)/组", "户和人员只能登记在村(社区)或组/小区下，%s 是%s", u.Name, u.LevelName())
	}
	return u, nil
}

func (s *Service) record(ctx context.Context, q db.Querier, who audit.Actor, action, entity string, id int64, unit, summary string) error {
	return audit.Record(ctx, q, s.now(), who, action, entity, fmt.Sprint(id), unit, summary)
}

// Counts is how many people and households a unit has.
type Counts struct {
	People     int
	Households int
}

// CountsByUnit returns the live counts of people and households per
// village or group code inside the scope.
func (s *Service) CountsByUnit(ctx context.Context, scope jurisdiction.Scope) (map[string]Counts, error) {
	counts, _, err := s.Stats(ctx, scope)
	return counts, err
}

// Stats returns the live counts per village or group code inside the scope
// and the scope's Summary. It reads the roll-up counters (people_counts,
// household_counts: one row per unit, residence status and group set),
// which database triggers keep on every write to people and households
// (migration 0021), so its cost grows with the units in scope, not with
// the people.
func (s *Service) Stats(ctx context.Context, scope jurisdiction.Scope) (map[string]Counts, Summary, error) {
	return s.StatsBy(ctx, scope, 0)
}

// StatsBy is Stats with the codes longer than by digits cut to by and
// summed (by 0: every code as it is). The unit pages pass the length of
// the unit's children's codes: a county page then reads the township
// counters (one row per township, residence status and group set, migration
// 0025) and a township page the village counters, instead of one row per
// group — the same roll-up (RollUp) and the same Summary.
func (s *Service) StatsBy(ctx context.Context, scope jurisdiction.Scope, by int) (map[string]Counts, Summary, error) {
	lo, hi := scope.Args()
	out := map[string]Counts{}
	sum := Summary{ByResidence: map[string]int{}, ByGroup: map[string]int{}}
	code := cutCode(scope, by)
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+code+`, residence, groups, CAST(SUM(n) AS BIGINT)
		FROM `+peopleCounters(scope, by, 1)+` GROUP BY 1, 2, 3`, lo, hi)
	if err != nil {
		return nil, sum, fmt.Errorf("count people: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code, res string
		var g SpecialGroup
		var n int
		if err := rows.Scan(&code, &res, &g, &n); err != nil {
			return nil, sum, err
		}
		c := out[code]
		c.People += n
		out[code] = c
		sum.ByResidence[res] += n
		if g != 0 {
			for _, sg := range SpecialGroups {
				if g&sg.Bit != 0 {
					sum.ByGroup[sg.Name] += n
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, sum, err
	}
	hrows, err := s.db.R().QueryContext(ctx, `SELECT `+code+`, CAST(SUM(n) AS BIGINT)
		FROM `+householdCounters(scope, by, 1)+` GROUP BY 1`, lo, hi)
	if err != nil {
		return nil, sum, fmt.Errorf("count households: %w", err)
	}
	if err := scanCounts(hrows, func(code string, n int) { c := out[code]; c.Households = n; out[code] = c }); err != nil {
		return nil, sum, err
	}
	return out, sum, nil
}

func scanCounts(rows *sql.Rows, fn func(string, int)) error {
	defer rows.Close()
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return err
		}
		fn(code, n)
	}
	return rows.Err()
}

// RollUp sums per-unit counts into the given units (each unit gets the sum
// over every code that starts with its own).
func RollUp(units []jurisdiction.Unit, counts map[string]Counts) map[string]Counts {
	out := make(map[string]Counts, len(units))
	for code, c := range counts {
		for _, u := range units {
			if len(code) >= len(u.Code) && code[:len(u.Code)] == u.Code {
				t := out[u.Code]
				t.People += c.People
				t.Households += c.Households
				out[u.Code] = t
			}
		}
	}
	return out
}

// Summary counts people in a scope by residence status and special group.
type Summary struct {
	ByResidence map[string]int
	ByGroup     map[string]int
}
