package dbtest

import (
	"context"
	"errors"
	"math/rand"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/errs"
)

// Mix is the harness of the tests that compare counters kept by triggers
// with a full recount (registry, returnee, pushlist): a seeded random
// sequence of named write steps on one database, each followed by a
// comparison that must find no difference. A domain's mix embeds it and
// adds its own steps and recount.
type Mix struct {
	T    *testing.T
	D    *db.DB
	Rng  *rand.Rand
	Ctx  context.Context
	Seed int64
	// Applied counts the writes that took effect: a step that raised it
	// wrote.
	Applied int
}

// MixSeed is seed, or one from the clock when it is 0 (the default of a
// test's -counts.seed flag).
func MixSeed(seed int64) int64 {
	if seed == 0 {
		return time.Now().UnixNano()
	}
	return seed
}

// NewMix returns a mix on d drawing from seed, and logs the seed with the
// flag that repeats it.
func NewMix(t *testing.T, d *db.DB, seed int64) *Mix {
	t.Helper()
	t.Logf("seed %d (repeat with -counts.seed=%d)", seed, seed)
	return &Mix{T: t, D: d, Rng: rand.New(rand.NewSource(seed)), Ctx: context.Background(), Seed: seed}
}

// Step is a named write of a mix.
type Step struct {
	Name string
	Fn   func()
}

// Run runs n steps drawn at random from steps, comparing after each
// (compare says what differs, "" when nothing does) and failing at the
// first difference, named what ("counters", "push_task_counts"). It
// returns how many times each step wrote.
func (m *Mix) Run(n int, steps []Step, what string, compare func() string) map[string]int {
	m.T.Helper()
	done := map[string]int{}
	for i := range n {
		st := steps[m.Rng.Intn(len(steps))]
		before := m.Applied
		st.Fn()
		if m.Applied > before {
			done[st.Name]++
		}
		if diff := compare(); diff != "" {
			m.T.Fatalf("seed %d, step %d (%s): %s differ from a recount:\n%s", m.Seed, i, st.Name, what, diff)
		}
	}
	m.T.Logf("steps that wrote: %v", done)
	return done
}

// OK counts a service call that succeeded as applied; one the service
// refused (invalid, conflict, not found: the mix picks at random) is not,
// and any other error fails the test.
func (m *Mix) OK(err error) bool {
	m.T.Helper()
	if err == nil {
		m.Applied++
		return true
	}
	if errs.IsInvalid(err) || errors.Is(err, errs.ErrConflict) || errors.Is(err, errs.ErrNotFound) {
		return false
	}
	m.T.Fatal(err)
	return false
}

// Exec runs a raw write statement (as a bulk loader or a clean-up would
// send it), counted as applied when it changed rows.
func (m *Mix) Exec(q string, args ...any) {
	m.T.Helper()
	res, err := m.D.W().ExecContext(m.Ctx, q, args...)
	if err != nil {
		m.T.Fatalf("%s: %v", q, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		m.Applied++
	}
}

// Pick returns one of the ids query selects, at random, or 0 when it
// selects none.
func (m *Mix) Pick(query string, args ...any) int64 {
	m.T.Helper()
	rows, err := m.D.R().QueryContext(m.Ctx, query, args...)
	if err != nil {
		m.T.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			m.T.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		m.T.Fatal(err)
	}
	if len(ids) == 0 {
		return 0
	}
	return ids[m.Rng.Intn(len(ids))]
}
