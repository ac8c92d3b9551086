package sampling_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sampling"
	"fangkong/internal/summary"
)

// The testing card of a hub page counts as the campaign page does, for the
// county, a township and a village, from a tally taken once and refreshed
// when due (not on every page), and says 未检 is late only after the
// round's last day.
func TestSummaryCountsAsTheCampaignPage(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, 6, 5)
		scan := func(v string, i int) {
			t.Helper()
			p := f.people[v][i]
			r, err := f.svc.Scan(ctx, sampler, townA, sampling.ScanRequest{ScanID: fmt.Sprint("sum-", v, i), CampaignID: f.campaign.ID,
				PointID: f.point.ID, Tube: fmt.Sprint("SUM", v[len(v)-3:], i/5), Code: p.IDNumber})
			if err != nil || r.Result != sampling.ResultAdded {
				t.Fatalf("scan %s %d: %+v %v", v, i, r, err)
			}
		}
		for i := range 4 {
			scan(dbtest.VillageA, i)
		}
		scan(dbtest.VillageA2, 0)

		var now atomic.Int64
		now.Store(time.Date(2022, 1, 5, 10, 0, 0, 0, time.UTC).UnixMilli())
		clock := func() time.Time { return time.UnixMilli(now.Load()) }
		hub := sampling.NewService(d, jurisdiction.NewStore(d, clock), sampling.NoAssign, clock)
		card := func(unit, day string) summary.Card {
			t.Helper()
			c, err := hub.Summary(ctx, county, unit, day)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		value := func(c summary.Card, key string) int {
			t.Helper()
			f, ok := c.Get(key)
			if !ok {
				t.Fatalf("%s: no figure %s in %+v", c.Domain, key, c.Figures)
			}
			return f.Value
		}
		for _, unit := range []string{dbtest.County, dbtest.TownshipA, dbtest.VillageA, dbtest.VillageB} {
			cov, err := f.svc.Coverage(ctx, county, f.campaign.ID, unit)
			if err != nil {
				t.Fatal(err)
			}
			c := card(unit, "2022-01-05")
			if c.Domain != "sampling" {
				t.Fatalf("%s: no testing card: %+v", unit, c)
			}
			if got, want := value(c, "sampling.target"), cov.Total.Target; got != want {
				t.Errorf("%s 应检 %d, campaign page %d", unit, got, want)
			}
			if got, want := value(c, "sampling.tested"), cov.Total.Tested; got != want {
				t.Errorf("%s 已检 %d, campaign page %d", unit, got, want)
			}
			if got, want := value(c, "sampling.untested"), cov.Total.Untested(); got != want {
				t.Errorf("%s 未检 %d, campaign page %d", unit, got, want)
			}
			if u, _ := c.Get("sampling.untested"); u.Late {
				t.Errorf("%s: 未检 late before the round's last day has passed", unit)
			}
		}
		if got := value(card(dbtest.County, "2022-01-05"), "sampling.tested"); got != 5 {
			t.Fatalf("county 已检 %d, want 5", got)
		}
		if u, _ := card(dbtest.TownshipA, "2022-01-07").Get("sampling.untested"); !u.Late {
			t.Errorf("未检 not late the day after the round's last day: %+v", u)
		}

		// Another scan: the tally stands until it is due, then is taken again.
		scan(dbtest.VillageA, 4)
		if got := value(card(dbtest.County, "2022-01-05"), "sampling.tested"); got != 5 {
			t.Fatalf("county 已检 %d before the tally is due, want the tally's 5", got)
		}
		now.Add((31 * time.Second).Milliseconds())
		deadline := time.Now().Add(10 * time.Second)
		for value(card(dbtest.County, "2022-01-05"), "sampling.tested") != 6 {
			if time.Now().After(deadline) {
				t.Fatal("the tally was not taken again when due")
			}
			time.Sleep(20 * time.Millisecond)
		}

		// No round in progress: no card.
		if err := f.svc.CloseCampaign(ctx, manager, county, f.campaign.ID); err != nil {
			t.Fatal(err)
		}
		if c := card(dbtest.County, "2022-01-05"); c.Domain != "" {
			t.Errorf("a card without a round in progress: %+v", c)
		}
	})
}
