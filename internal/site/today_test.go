package site_test

import (
	"context"
	"fmt"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/policy"
	"fangkong/internal/site"
)

// TestTodayStaffRule: the day's work counts staff due for a test in SQL;
// for every cadence a site may set and last test dates around it, the
// count and the list agree with TestStateOn (今日应检 or 逾期), the rule the
// staff page shows; staff who left and another township's sites are not
// counted.
func TestTodayStaffRule(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		all, townA := jurisdiction.System("test"), jurisdiction.Grant(dbtest.TownshipA)
		today := "2026-03-10" // fixed
		want := 0
		for every := 1; every <= site.MaxStaffTestEvery; every++ {
			x, err := e.s.CreateSite(ctx, who, all, site.Site{Name: fmt.Sprintf("甘亭%d号", every), UnitCode: dbtest.TownshipA, StaffTestEvery: every})
			if err != nil {
				t.Fatal(err)
			}
			lasts := []string{""}
			for back := 0; back <= every+2; back++ {
				lasts = append(lasts, policy.AddDays(today, -back))
			}
			for i, last := range lasts {
				st, err := e.s.AddStaff(ctx, who, all, x.ID, site.Staff{Name: fmt.Sprintf("员工%d-%d", every, i), Post: "医护", LastTestOn: last})
				if err != nil {
					t.Fatal(err)
				}
				if site.TestStateOn(last, today, every) != site.TestOK {
					want++
				}
				if i == 0 { // never tested, but left: not due
					st.Active = false
					if _, err := e.s.UpdateStaff(ctx, who, all, st); err != nil {
						t.Fatal(err)
					}
					want--
				}
			}
		}
		xb, err := e.s.CreateSite(ctx, who, all, site.Site{Name: "余下", UnitCode: dbtest.TownshipB})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.AddStaff(ctx, who, all, xb.ID, site.Staff{Name: "余下员工", Post: "医护"}); err != nil {
			t.Fatal(err)
		}
		n, err := e.s.CountStaff(ctx, townA, site.StaffFilter{Due: true})
		if err != nil || n != want || want == 0 {
			t.Errorf("staff due: %d %v, want %d", n, err, want)
		}
		list, err := e.s.StaffOfSites(ctx, townA, site.StaffFilter{Due: true, Limit: 1000})
		if err != nil || len(list) != want {
			t.Errorf("staff due listed: %d %v, want %d", len(list), err, want)
		}
		for _, x := range list {
			if !x.Active || x.TestState == site.TestOK || x.SiteName == "余下" {
				t.Errorf("listed as due: %+v", x)
			}
		}
		if n, err := e.s.CountStaff(ctx, all, site.StaffFilter{Due: true}); err != nil || n != want+1 {
			t.Errorf("staff due in the county: %d %v, want %d", n, err, want+1)
		}
		_, figs, err := e.s.Today(ctx, townA)
		if err != nil || len(figs) != 4 || figs[3].Key != "site.todo.staff" || figs[3].Value != want {
			t.Errorf("today: %+v %v", figs, err)
		}
		if _, err := e.s.Stays(ctx, townA, site.StayFilter{Due: "tomorrow"}); !errs.IsInvalid(err) {
			t.Errorf("an unknown due filter: %v", err)
		}
	})
}
