package demo_test

import (
	"context"
	"testing"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/demo"
	"fangkong/internal/jurisdiction"
)

// TestDemoCounty loads a small demo county (30,000 people) once per
// database and checks its measures and its quarantine sites on it.
func TestDemoCounty(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		const people = 30_000
		units := jurisdiction.NewStore(d, time.Now)
		if _, err := demo.Load(context.Background(), d, units, auth.NewService(d, units, time.Now), demo.Options{People: people}); err != nil {
			t.Fatal(err)
		}
		t.Run("measures", func(t *testing.T) { checkMeasures(t, d) })
		t.Run("sites", func(t *testing.T) { checkSites(t, d, people) })
		t.Run("sentinels", func(t *testing.T) { checkSentinels(t, d) })
		t.Run("checkpoints", func(t *testing.T) { checkCheckpoints(t, d) })
		t.Run("tracing", func(t *testing.T) { checkTracing(t, d, people) })
		t.Run("special", func(t *testing.T) { checkSpecial(t, d) })
	})
}
