package readiness_test

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

var residentsSeed = flag.Int64("residents.seed", 0, "seed of TestResidentTotalsMatchRecount (0: from the clock)")

// TestResidentTotalsMatchRecount performs a seeded random mix of writes to
// people — single and multi-row inserts, multi-row updates of the unit,
// residence, special groups and active flag (注销, 撤销注销), of columns
// the counters do not hold, deletes, and a transaction rolled back — and
// compares the residents per unit the triggers keep (resident_totals, a
// roll-up of the registry's people_counts) with a full recount of people
// after every step, failing at the first difference. Run again with
// -residents.seed=N to repeat a failure.
func TestResidentTotalsMatchRecount(t *testing.T) {
	seed := *residentsSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		t.Logf("seed %d (repeat with -residents.seed=%d)", seed, seed)
		dbtest.Tree(t, d)
		ctx := context.Background()
		rng := rand.New(rand.NewSource(seed))
		units := []string{dbtest.County, dbtest.TownshipA, dbtest.VillageA, dbtest.GroupA1, dbtest.VillageA2, dbtest.VillageB}
		residences := []string{"常住", "外出务工", "外出上学", "返乡"}
		unit := func() string { return units[rng.Intn(len(units))] }
		res := func() string { return residences[rng.Intn(len(residences))] }
		exec := func(q sqlExec, query string, args ...any) {
			t.Helper()
			if _, err := q.ExecContext(ctx, query, args...); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
		}
		// some is a condition picking about a k-th of the people.
		some := func() (string, []any) {
			return "id % CAST($1 AS INTEGER) = CAST($2 AS INTEGER)", []any{1 + rng.Intn(5), rng.Intn(3)}
		}
		insertMany := func(q sqlExec) {
			exec(q, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < CAST($1 AS INTEGER))
				INSERT INTO people (name, unit_code, residence, groups, active, created_at, updated_at)
				SELECT '居民', CASE WHEN i % 2 = 0 THEN $2 ELSE $3 END, CASE WHEN i % 3 = 0 THEN $4 ELSE $5 END, i % 4,
					CASE WHEN i % 7 = 0 THEN 0 ELSE 1 END, 0, 0 FROM n`, 1+rng.Intn(60), unit(), unit(), res(), res())
		}
		steps := []struct {
			name string
			fn   func()
		}{
			{"insert one", func() {
				exec(d.W(), `INSERT INTO people (name, unit_code, residence, active, created_at, updated_at) VALUES ('居民', $1, $2, $3, 0, 0)`,
					unit(), res(), rng.Intn(4)/3^1)
			}},
			{"insert many", func() { insertMany(d.W()) }},
			{"insert many", func() { insertMany(d.W()) }},
			{"move units", func() {
				w, args := some()
				exec(d.W(), `UPDATE people SET unit_code = $3 WHERE `+w, append(args, unit())...)
			}},
			{"change residence", func() {
				w, args := some()
				exec(d.W(), `UPDATE people SET residence = $3 WHERE `+w, append(args, res())...)
			}},
			{"swap residence per row", func() {
				w, args := some()
				exec(d.W(), `UPDATE people SET residence = CASE WHEN residence = '常住' THEN '外出务工' ELSE '常住' END WHERE `+w, args...)
			}},
			{"change groups", func() {
				w, args := some()
				exec(d.W(), `UPDATE people SET groups = (groups + 1) % 8 WHERE `+w, args...)
			}},
			{"deregister", func() {
				w, args := some()
				exec(d.W(), `UPDATE people SET active = 0 WHERE active = 1 AND `+w, args...)
			}},
			{"reinstate", func() {
				w, args := some()
				exec(d.W(), `UPDATE people SET active = 1 WHERE active = 0 AND `+w, args...)
			}},
			{"move and deregister", func() {
				w, args := some()
				exec(d.W(), `UPDATE people SET active = 1 - active, unit_code = $3, residence = $4 WHERE `+w, append(args, unit(), res())...)
			}},
			{"edit a column not counted", func() {
				w, args := some()
				exec(d.W(), `UPDATE people SET name = '改名' WHERE `+w, args...)
			}},
			{"delete", func() {
				w, args := some()
				exec(d.W(), `DELETE FROM people WHERE `+w, args...)
			}},
			{"rolled back", func() {
				tx, err := d.W().BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				insertMany(tx)
				w, args := some()
				exec(tx, `UPDATE people SET unit_code = $3, residence = '外出上学' WHERE `+w, append(args, unit())...)
				exec(tx, `DELETE FROM people WHERE id % 2 = 0`)
				if err := tx.Rollback(); err != nil {
					t.Fatal(err)
				}
			}},
		}
		done, most := map[string]int{}, 0
		for i := range 150 {
			st := steps[rng.Intn(len(steps))]
			st.fn()
			done[st.name]++
			kept := residentRows(t, d, `SELECT unit_code, n, present FROM resident_totals ORDER BY unit_code`)
			recount := residentRows(t, d, `SELECT unit_code, COUNT(*), SUM(CASE WHEN residence IN ('外出务工', '外出上学') THEN 0 ELSE 1 END)
				FROM people WHERE active = 1 GROUP BY unit_code ORDER BY unit_code`)
			if !slices.Equal(kept, recount) {
				t.Fatalf("seed %d, step %d (%s): resident_totals %v, a recount %v", seed, i, st.name, kept, recount)
			}
			most = max(most, len(kept))
		}
		t.Logf("steps: %v", done)
		if most < 3 {
			t.Errorf("at most %d units had residents at once: the mix did too little", most)
		}
	})
}

type sqlExec interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}

// residentRows reads (unit, n, present) rows as strings.
func residentRows(t *testing.T, d *db.DB, query string) []string {
	t.Helper()
	rows, err := d.R().QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		var n, p int64
		if err := rows.Scan(&u, &n, &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s:%d/%d", u, n, p))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
