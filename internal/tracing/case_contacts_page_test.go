package tracing_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/tracing"
)

// TestCaseContactsPendingFirst: a case's contacts page by page with the
// 待判定 first (each part in the list's order), the counts per status, and
// the hand-over filter (judged close and secondary contacts only).
func TestCaseContactsPendingFirst(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		c := e.person("病例乙", dbtest.VillageA, 0)
		kase, err := e.svc.CreateCase(ctx, who, e.county, tracing.CaseInput{PersonID: c.ID, Classification: "无症状感染者",
			FoundVia: "混管复核", FoundAt: at("2026-03-10 08:00"), OnsetDate: "2026-03-08"})
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			id, last         int64
			status, category string
		}
		kinds := []struct{ status, category string }{{tracing.StatusJudged, tracing.CatClose}, {tracing.StatusPending, ""},
			{tracing.StatusJudged, tracing.CatGeneral}, {tracing.StatusXiecha, tracing.CatClose}, {tracing.StatusJudged, tracing.CatSecondary}}
		var all []row
		for i := range 47 {
			k := kinds[i%len(kinds)]
			x := row{last: at("2026-03-05 00:00") + int64(i%9)*3_600_000, status: k.status, category: k.category}
			if err := d.W().QueryRowContext(ctx, `INSERT INTO tracing_contacts (case_id, person_key, name, unit_code, last_exposure,
				category, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0) RETURNING id`,
				kase.ID, fmt.Sprintf("p%d", i), fmt.Sprintf("接触者%d", i), dbtest.VillageA, x.last, x.category, x.status).Scan(&x.id); err != nil {
				t.Fatal(err)
			}
			all = append(all, x)
		}
		slices.SortFunc(all, func(a, b row) int {
			pa, pb := a.status != tracing.StatusPending, b.status != tracing.StatusPending
			if pa != pb {
				return map[bool]int{true: 1, false: -1}[pa]
			}
			return cmp.Or(cmp.Compare(b.last, a.last), cmp.Compare(a.id, b.id))
		})
		var want, got []int64
		for _, x := range all {
			want = append(want, x.id)
		}
		for offset := 0; offset < 60; offset += 10 {
			page, err := e.svc.Contacts(ctx, e.county, tracing.ContactFilter{CaseID: kase.ID, PendingFirst: true, Limit: 10, Offset: offset})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range page {
				got = append(got, x.ID)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("pending first: got %v, want %v", got, want)
		}
		n, err := e.svc.CaseContactCounts(ctx, e.county, kase.ID)
		if err != nil {
			t.Fatal(err)
		}
		// 47 contacts over 5 kinds: 10, 10, 9, 9, 9.
		if n.Total != 47 || n.ByStatus[tracing.StatusJudged] != 28 || n.ByStatus[tracing.StatusPending] != 10 ||
			n.ByStatus[tracing.StatusXiecha] != 9 || n.HandOver != 19 {
			t.Errorf("counts %+v", n)
		}
		ho, err := e.svc.Contacts(ctx, e.county, tracing.ContactFilter{CaseID: kase.ID, HandOver: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(ho) != n.HandOver {
			t.Errorf("hand-over list: %d, want %d", len(ho), n.HandOver)
		}
		for _, x := range ho {
			if x.Status != tracing.StatusJudged || (x.Category != tracing.CatClose && x.Category != tracing.CatSecondary) {
				t.Errorf("hand-over lists %s %s", x.Status, x.Category)
			}
		}
	})
}
