package audit

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
)

// TestListMatchesFullScan writes a log longer than List's window, with
// villages of many and of few entries, entries about no unit (placed by
// the actor), actions and kinds, and checks that every listing — first
// page and each page after, by scope, unit, action, kind, ID and time —
// is exactly the newest entries a scan of the whole log finds.
func TestListMatchesFullScan(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(28, 1))
		units := []string{"610118001001", "610118001001", "610118001001", "610118001002", "610118002001", "610119001001", ""}
		actions := []string{ActionView, ActionView, ActionCreate, ActionUpdate, ActionBreakGlass}
		kinds := []string{"person", "measure", "retention"}
		base := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		var all []Entry
		n := 2300
		err := d.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			for i := range n {
				unit := units[rng.IntN(len(units))]
				if i%500 < 3 {
					unit = "610118003001" // a village with a handful of entries, spread out
				}
				actor := Actor{UserID: 1, Username: []string{"a", "b"}[rng.IntN(2)], Role: "village", Unit: []string{"610118001001", "610119"}[rng.IntN(2)]}
				e := Entry{ID: int64(i + 1), At: base.Add(time.Duration(i) * time.Minute).UnixMilli(), Username: actor.Username, ActorUnit: actor.Unit,
					Action: actions[rng.IntN(len(actions))], Entity: kinds[rng.IntN(len(kinds))], EntityID: fmt.Sprint(rng.IntN(20)), SubjectUnit: unit}
				if id, w := int64(i+1), recentWindow(100); id >= int64(n)-w && id <= int64(n)-w+2 {
					e.Entity, e.SubjectUnit = "edge", "610118001001" // about the first window's floor, and either side of it
				}
				if err := Record(ctx, tx, time.UnixMilli(e.At), actor, e.Action, e.Entity, e.EntityID, e.SubjectUnit, "s"); err != nil {
					return err
				}
				all = append(all, e)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Reverse(all) // newest first, as List answers
		county, _ := jurisdiction.System("test").Narrow("610118")
		village, _ := county.Narrow("610118003001")
		log := NewLog(d, time.Now)
		cases := []struct {
			name  string
			scope jurisdiction.Scope
			f     Filter
		}{
			{"county", county, Filter{}},
			{"county, page of 500", county, Filter{Limit: 500}},
			{"sparse village", village, Filter{}},
			{"county narrowed to the sparse village", county, Filter{Unit: "610118003001", Limit: 2}},
			{"break glass in a week", county, Filter{Action: ActionBreakGlass, From: base.Add(20 * time.Hour).UnixMilli(), Limit: 500}},
			{"break glass in a week, through the index at once", county, Filter{Action: ActionBreakGlass, From: base.Add(20 * time.Hour).UnixMilli(), Limit: 500, Few: true}},
			{"purges of retention", county, Filter{Action: ActionUpdate, Entity: "retention", Limit: 50}},
			{"either side of the window's floor", county, Filter{Entity: "edge"}},
			{"one record", county, Filter{Entity: "person", EntityID: "7"}},
			{"one user in a window of time", county, Filter{Username: "b", From: base.Add(time.Hour).UnixMilli(), To: base.Add(30 * time.Hour).UnixMilli()}},
		}
		for _, c := range cases {
			lo, hi := c.scope.Args()
			in := func(code string) bool { return code >= lo.(string) && code < hi.(string) }
			var want []int64
			for _, e := range all {
				if !(in(e.SubjectUnit) || e.SubjectUnit == "" && in(e.ActorUnit)) ||
					c.f.Unit != "" && !strings.HasPrefix(e.SubjectUnit, c.f.Unit) ||
					c.f.Action != "" && e.Action != c.f.Action || c.f.Entity != "" && e.Entity != c.f.Entity ||
					c.f.EntityID != "" && e.EntityID != c.f.EntityID || c.f.Username != "" && e.Username != c.f.Username ||
					c.f.From > 0 && e.At < c.f.From || c.f.To > 0 && e.At >= c.f.To {
					continue
				}
				want = append(want, e.ID)
			}
			var got []int64
			f := c.f
			for pages := 0; pages < 100; pages++ {
				list, err := log.List(ctx, c.scope, f)
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				for _, e := range list {
					got = append(got, e.ID)
				}
				limit := f.Limit
				if limit <= 0 {
					limit = 100
				}
				if len(list) < limit {
					break
				}
				f.BeforeID = list[len(list)-1].ID
			}
			if len(want) == 0 {
				t.Fatalf("%s: the case selects nothing", c.name)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: got %d entries %v…, want %d %v…", c.name, len(got), got[:min(5, len(got))], len(want), want[:min(5, len(want))])
			}
		}
	})
}
