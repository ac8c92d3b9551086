package tracing_test

import (
	"errors"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/tracing"
)

// 当日新增病例 and the case list's day filter are one definition: a case
// found at 23:59 the day before (China time) is not new on the day, one
// found at 00:00 is; the summary's figure counts what the filter lists and
// links to it.
func TestNewCasesDayFilter(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := t.Context()
		for name, found := range map[string]int64{"前日病例": at("2026-03-09 23:59"), "当日病例": at("2026-03-10 00:00")} {
			p := e.person(name, dbtest.VillageA, 0)
			if _, err := e.svc.CreateCase(ctx, who, e.county, tracing.CaseInput{PersonID: p.ID, Classification: "确诊", FoundVia: "哨点",
				FoundAt: found}); err != nil {
				t.Fatal(err)
			}
		}
		list, err := e.svc.Cases(ctx, e.county, tracing.CaseFilter{Unit: dbtest.TownshipA, Day: "2026-03-10"})
		if err != nil || len(list) != 1 || list[0].Name != "当日病例" {
			t.Fatalf("cases of 2026-03-10: %+v %v", list, err)
		}
		card, err := e.svc.Summary(ctx, e.county, dbtest.TownshipA, "2026-03-10")
		if err != nil {
			t.Fatal(err)
		}
		f, _ := card.Get("tracing.new")
		if f.Value != len(list) || f.Link != "/tracing/cases?day=2026-03-10&unit="+dbtest.TownshipA {
			t.Errorf("当日新增病例: %+v, the day's list has %d", f, len(list))
		}
		var iv *errs.Invalid
		if _, err := e.svc.Cases(ctx, e.county, tracing.CaseFilter{Day: "2026-3-10"}); !errors.As(err, &iv) || iv.Field != "day" {
			t.Errorf("a day that is no date: %v", err)
		}
	})
}
