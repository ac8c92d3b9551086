package returnee_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
)

// TestSweepReportPages: the pages of the households not yet visited, put
// together, are the whole list in order, and PendingTotal counts the unit
// asked for (not the page, not the other villages).
func TestSweepReportPages(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		county := jurisdiction.Grant(dbtest.County)
		var want []int64
		for i := range 23 {
			unit := dbtest.VillageA
			if i%5 == 4 {
				unit = dbtest.VillageB
			}
			h, err := e.reg.CreateHousehold(ctx, who, county, registry.Household{UnitCode: unit, Address: fmt.Sprintf("户%d", i)})
			if err != nil {
				t.Fatal(err)
			}
			if unit == dbtest.VillageA {
				want = append(want, h.ID)
			}
		}
		w, err := e.svc.OpenSweep(ctx, who, county, returnee.Sweep{Name: "分页", StartsOn: "2022-01-05"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.MarkVisit(ctx, who, county, returnee.Visit{SweepID: w.ID, HouseholdID: want[3]}); err != nil {
			t.Fatal(err)
		}
		want = slices.Delete(want, 3, 4)
		var got []int64
		for offset := 0; offset < 40; offset += 7 {
			rep, err := e.svc.ReportPage(ctx, county, w.ID, dbtest.VillageA, offset, 7)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Pending) > 7 {
				t.Fatalf("page from %d: %d rows", offset, len(rep.Pending))
			}
			if rep.PendingTotal != len(want) {
				t.Errorf("page from %d: PendingTotal %d, want %d", offset, rep.PendingTotal, len(want))
			}
			for _, h := range rep.Pending {
				got = append(got, h.ID)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("pages %v, want %v", got, want)
		}
		all, err := e.svc.Report(ctx, county, w.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if all.PendingTotal != 22 || len(all.Pending) != 22 {
			t.Errorf("county: PendingTotal %d, %d rows, want 22", all.PendingTotal, len(all.Pending))
		}
	})
}
