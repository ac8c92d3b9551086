package web_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sentinel"
)

// A sentinel's fever report whose test is positive opens a tracing case
// (疑似, found by 哨点) in the same step: the tracers' clocks start at once.
func TestSentinelPositiveOpensCase(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		ctx, all, svc := context.Background(), jurisdiction.System("test"), e.App.Sentinels
		clinic, err := svc.CreateSentinel(ctx, seedActor, all, sentinel.Sentinel{UnitCode: dbtest.VillageA, Name: "西街村卫生室", Kind: sentinel.KindVillageClinic})
		if err != nil {
			t.Fatal(err)
		}
		u := e.AddUser(t, "cunyi", auth.RoleSentinel, dbtest.VillageA)
		if err := svc.Bind(ctx, seedActor, all, clinic.ID, sentinel.Account{ID: u.ID, Username: u.Username, Role: string(u.Role), UnitCode: u.UnitCode}); err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "zhen", auth.RoleTownship, dbtest.TownshipA)
		cy, town := e.Login(t, "cunyi", apptest.Password), e.Login(t, "zhen", apptest.Password)
		idn := dbtest.ID("61011819850505123")
		if st, _ := cy.Post("/sentinel/reports", url.Values{"name": {"阳性王"}, "id_number": {idn}, "phone": {"13911113333"}, "temp": {"38.6"},
			"action": {sentinel.ActionSample}}); st != 303 {
			t.Fatalf("report: %d", st)
		}
		reps, err := svc.Reports(ctx, all, sentinel.ReportFilter{SentinelID: clinic.ID})
		if err != nil || len(reps) != 1 {
			t.Fatal(reps, err)
		}
		for _, to := range []string{sentinel.StatusAcked, sentinel.StatusSampled, sentinel.StatusPositive} {
			if st, _ := town.Post(fmt.Sprintf("/sentinel-reports/%d/advance", reps[0].ID), url.Values{"to": {to}}); st != 303 {
				t.Fatalf("→ %s: %d", to, st)
			}
		}
		var n int
		var via, class string
		if err := d.R().QueryRow(`SELECT COUNT(*), MIN(found_via), MIN(classification) FROM tracing_cases c JOIN people p ON p.id = c.person_id
			WHERE p.id_number = $1`, idn).Scan(&n, &via, &class); err != nil {
			t.Fatal(err)
		}
		if n != 1 || via != "哨点" || class != "疑似" {
			t.Fatalf("cases of the positive: %d (%s, %s)", n, via, class)
		}
	})
}
