package registry_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// TestPeopleInScope checks the fragment other domains join: the people on
// the register in the scope's subtree, without the deregistered or merged.
func TestPeopleInScope(t *testing.T) {
	if got, want := registry.PeopleInScope("p", jurisdiction.Grant("61"), 2), "p.active = 1 AND p.unit_code >= $2 AND p.unit_code < $3"; got != want {
		t.Errorf("PeopleInScope = %q, want %q", got, want)
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		fill(t, s)
		names := func(scope jurisdiction.Scope) string {
			t.Helper()
			lo, hi := scope.Args()
			// Bound after a first argument, as the domains use it.
			rows, err := d.R().QueryContext(ctx, "SELECT p.name FROM people p WHERE p.id > $1 AND "+registry.PeopleInScope("p", scope, 2), 0, lo, hi)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var n string
				if err := rows.Scan(&n); err != nil {
					t.Fatal(err)
				}
				out = append(out, n)
			}
			slices.Sort(out)
			return strings.Join(out, ",")
		}
		county := jurisdiction.Grant(dbtest.County)
		want := map[jurisdiction.Scope]string{
			county:                               "张子涵,张建华,李秀英,王桂兰,赵刚",
			jurisdiction.Grant(dbtest.VillageA):  "张子涵,张建华,李秀英,王桂兰",
			jurisdiction.Grant(dbtest.GroupA1):   "张子涵,张建华,李秀英",
			jurisdiction.Grant(dbtest.VillageB):  "赵刚",
			jurisdiction.Grant(dbtest.VillageA2): "",
			{}:                                   "",
		}
		for scope, w := range want {
			if got := names(scope); got != w {
				t.Errorf("%v: %s, want %s", scope, got, w)
			}
		}
		id := func(name string) int64 {
			rows, err := s.People(ctx, county, registry.PersonFilter{Q: name})
			if err != nil || len(rows) != 1 {
				t.Fatalf("%s: %d rows, %v", name, len(rows), err)
			}
			return rows[0].ID
		}
		if _, err := s.Deregister(ctx, who, county, id("王桂兰"), "死亡", "2026-01-02"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Merge(ctx, who, county, id("张建华"), id("张子涵")); err != nil {
			t.Fatal(err)
		}
		if got := names(county); got != "张建华,李秀英,赵刚" {
			t.Errorf("after 注销 and 合并: %s", got)
		}
	})
}
