package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/clock"
	"fangkong/internal/demo"
	"fangkong/internal/jurisdiction"
)

// benchCards times every domain's summary (the cards the unit pages, the
// command centre's picture and the daily report are built from) for the
// demo county, its first township and that township's first village:
// the median and the slowest of rounds calls each. With dbURL it reuses
// (or fills once) that database, so a million-person county is built once.
func benchCards(ctx context.Context, dbURL string, people, rounds int) error {
	a, n, cleanup, err := demoCounty(ctx, dbURL, "cards.db", people, app.Config{}, demo.Options{})
	if err != nil {
		return err
	}
	defer cleanup()
	all := jurisdiction.System("fkbench")
	towns, err := a.Units.Children(ctx, all, demo.CountyCode)
	if err != nil || len(towns) == 0 {
		return fmt.Errorf("townships: %v", err)
	}
	villages, err := a.Units.Children(ctx, all, towns[0].Code)
	if err != nil || len(villages) == 0 {
		return fmt.Errorf("villages: %v", err)
	}
	day := clock.Day(time.Now())
	fmt.Printf("fkbench cards (%s, %d people, %d rounds; median / slowest per summary):\n", dbURL, n, rounds)
	for _, u := range []jurisdiction.Unit{{Code: demo.CountyCode, Name: "county"}, towns[0], villages[0]} {
		scope := benchCounty(u.Code)
		var total time.Duration
		for _, src := range a.SummarySources() {
			var ds []time.Duration
			var domain string
			for range rounds {
				t := time.Now()
				card, err := src.Summary(ctx, scope, u.Code, day)
				if err != nil {
					return err
				}
				ds = append(ds, time.Since(t))
				domain = card.Domain
			}
			slices.Sort(ds)
			total += ds[len(ds)/2]
			fmt.Printf("  %-8s %-10s %8s %8s\n", u.Code, domain, msText(ds[len(ds)/2]), msText(ds[len(ds)-1]))
		}
		fmt.Printf("  %-8s %-10s %8s (sum of medians; target for a whole unit page: 50 ms)\n", u.Code, "all", msText(total))
	}
	return nil
}

func msText(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
