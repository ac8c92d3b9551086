package tracing_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/tracing"
)

// TestContactPagesMatchFullSort fills the contacts of an outbreak — most
// in one village, a few in another, some secondary contacts (with a
// parent), ties on the exposure time — and checks every page of the list,
// by scope and status, against a sort of all of them: the first page is
// looked for in the list's order first, then through the unit index.
func TestContactPagesMatchFullSort(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		c := e.person("病例甲", dbtest.VillageA, 0)
		kase, err := e.svc.CreateCase(ctx, who, e.county, tracing.CaseInput{PersonID: c.ID, Classification: "无症状感染者",
			FoundVia: "混管复核", FoundAt: at("2026-03-10 08:00"), OnsetDate: "2026-03-08"})
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			id, last int64
			unit     string
			status   string
			child    bool
		}
		rng := rand.New(rand.NewPCG(28, 2))
		var all []row
		statuses := []string{tracing.StatusPending, tracing.StatusPending, tracing.StatusJudged, tracing.StatusXiecha}
		for i := range 700 {
			unit := dbtest.VillageA
			switch r := rng.IntN(100); {
			case r < 3:
				unit = dbtest.VillageA2
			case r < 15:
				unit = dbtest.VillageB
			}
			x := row{unit: unit, status: statuses[rng.IntN(len(statuses))], child: rng.IntN(10) == 0,
				last: at("2026-03-05 00:00") + int64(rng.IntN(40))*3_600_000} // few distinct times: ties
			var parent any
			if x.child && len(all) > 0 {
				parent = all[0].id
			} else {
				x.child = false
			}
			err := d.W().QueryRowContext(ctx, `INSERT INTO tracing_contacts (case_id, person_key, name, unit_code, last_exposure, parent_id,
				status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0) RETURNING id`,
				kase.ID, fmt.Sprintf("k%d", i), fmt.Sprintf("接触者%d", i), x.unit, x.last, parent, x.status).Scan(&x.id)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, x)
		}
		slices.SortFunc(all, func(a, b row) int {
			if a.child != b.child {
				return map[bool]int{true: 1, false: -1}[a.child]
			}
			return cmp.Or(cmp.Compare(b.last, a.last), cmp.Compare(a.id, b.id))
		})
		for _, unit := range []string{dbtest.County, dbtest.TownshipA, dbtest.VillageA, dbtest.VillageA2, dbtest.VillageB} {
			scope, err := jurisdiction.Grant(dbtest.County).Narrow(unit)
			if err != nil {
				t.Fatal(err)
			}
			for _, status := range []string{"", tracing.StatusJudged} {
				var want []int64
				for _, x := range all {
					if strings.HasPrefix(x.unit, unit) && (status == "" || x.status == status) {
						want = append(want, x.id)
					}
				}
				for offset := 0; offset < len(want)+50; offset += 50 {
					page, err := e.svc.Contacts(ctx, scope, tracing.ContactFilter{Status: status, Limit: 51, Offset: offset})
					if err != nil {
						t.Fatal(err)
					}
					var got []int64
					for _, x := range page {
						got = append(got, x.ID)
					}
					if w := want[min(offset, len(want)):min(offset+51, len(want))]; !slices.Equal(got, w) {
						t.Fatalf("%s status %q from %d: got %v, want %v", unit, status, offset, got, w)
					}
				}
			}
		}
	})
}
