package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/tracing"
)

// The tracing team's list puts a case past one of its clocks first, above
// newer cases that are on time.
func TestTracingLateCasesFirst(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "liudiao", auth.RoleTracing, dbtest.County)
		c := e.Login(t, "liudiao", apptest.Password)
		all := jurisdiction.System("test")
		now := time.Now()
		for _, in := range []tracing.CaseInput{
			{IDNumber: dbtest.ID("61011819800101661"), Name: "超时病例", UnitCode: dbtest.VillageA,
				FoundAt: now.Add(-3 * time.Hour).UnixMilli()}, // not reported within 2 hours
			{IDNumber: dbtest.ID("61011819800101662"), Name: "新病例", UnitCode: dbtest.VillageA,
				FoundAt: now.Add(-time.Minute).UnixMilli(), ReportedAt: now.UnixMilli()},
		} {
			in.Classification, in.FoundVia = tracing.Classifications[0], tracing.FoundVia[0]
			if _, err := e.App.Tracing.CreateCase(ctx, seedActor, all, in); err != nil {
				t.Fatal(err)
			}
		}
		st, body := c.Get("/tracing/cases")
		late, fresh := strings.Index(body, "超时病例"), strings.Index(body, "新病例")
		if st != 200 || late < 0 || fresh < 0 || late > fresh {
			t.Errorf("late case at %d, new case at %d (status %d)", late, fresh, st)
		}
	})
}
