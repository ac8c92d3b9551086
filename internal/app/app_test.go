package app_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/notify"
	"fangkong/internal/place"
	"fangkong/internal/policy"
	"fangkong/internal/pushlist"
	"fangkong/internal/readiness"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
	"fangkong/internal/sampling"
	"fangkong/internal/site"
	"fangkong/internal/special"
)

func build(t *testing.T, d *db.DB) *app.App {
	t.Helper()
	dbtest.Tree(t, d)
	a, err := app.WithDB(app.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, d)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestArrivalPersonAndMeasureOneTransaction: with the services as the
// application wires them, an arrival from a risk area creates the person,
// the arrival and the control measure together; when the measure cannot be
// assigned (here: the recording account's unit does not hold the village),
// neither the person nor the arrival is committed.
func TestArrivalPersonAndMeasureOneTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := build(t, d)
		day := func(n int) string { return clock.Day(time.Now().AddDate(0, 0, n)) }
		centre := audit.Actor{Username: "centre", Role: "command", Unit: dbtest.County}
		if _, err := a.RiskAreas.Add(ctx, centre, riskarea.Entry{Code: "610113", Level: "中", EffectiveFrom: day(-30)}); err != nil {
			t.Fatal(err)
		}
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := d.R().QueryRow(q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		county := jurisdiction.Grant(dbtest.County)
		in := returnee.Arrival{Name: "返乡乙", IDNumber: dbtest.ID("61011819900101882"), VillageCode: dbtest.VillageA,
			OriginCode: "610113", DepartedOn: day(-2), ArrivedOn: day(-1), Source: returnee.SourceSweep}
		stranger := audit.Actor{Username: "b", Role: "village", Unit: dbtest.VillageB}
		if _, _, err := a.Returnees.Record(ctx, stranger, county, in); err == nil {
			t.Fatal("measure assigned to a person outside the account's unit")
		}
		if n := count("SELECT COUNT(*) FROM people WHERE id_number = $1", in.IDNumber); n != 0 {
			t.Errorf("person committed without the measure: %d", n)
		}
		if n := count("SELECT COUNT(*) FROM returnees"); n != 0 {
			t.Errorf("arrival committed without the measure: %d", n)
		}
		worker := audit.Actor{Username: "a", Role: "village", Unit: dbtest.VillageA}
		got, _, err := a.Returnees.Record(ctx, worker, county, in)
		if err != nil {
			t.Fatal(err)
		}
		m, err := a.Measures.Active(ctx, county, got.PersonID)
		if err != nil || m.Category != "medium_risk_area" || !strings.HasPrefix(m.Source, "returnee:") {
			t.Fatalf("measure %+v %v", m, err)
		}
	})
}

// TestConstructorsRequireDependencies: a missing dependency fails at
// construction, not silently at use.
func TestConstructorsRequireDependencies(t *testing.T) {
	d := dbtest.SQLite(t)
	units := jurisdiction.NewStore(d, time.Now)
	for name, build := range map[string]func(){
		"returnee": func() {
			returnee.NewService(d, nil, units, riskarea.NewLookup(d, riskarea.NoNames), returnee.NoAssign, time.Now)
		},
		"returnee assigner": func() {
			var ms *measure.Service // not built yet
			returnee.NewService(d, registry.NewService(d, units, time.Now), units, riskarea.NewLookup(d, riskarea.NoNames), ms, time.Now)
		},
		"riskarea": func() { riskarea.NewService(d, riskarea.NewLookup(d, riskarea.NoNames), nil, time.Now) },
		"lookup":   func() { riskarea.NewLookup(d, nil) },
		"pushlist": func() { pushlist.NewService(d, units, nil, place.CodesOnly(), time.Now) },
		"places":   func() { pushlist.NewService(d, units, pushlist.NoArrivals, nil, time.Now) },
		"site":     func() { site.NewService(d, units, nil, time.Now) },
		"sampling": func() { sampling.NewService(d, units, nil, time.Now) },
		"measure":  func() { measure.NewService(d, policy.NewStore(d, time.Now), nil, notify.Discard, time.Now) },
		"measure notifier": func() {
			measure.NewService(d, policy.NewStore(d, time.Now), measure.NoRoundResults, nil, time.Now)
		},
		"notify roster": func() { notify.NewService(d, nil, nil, nil, nil, notify.Options{}, time.Now) },
		"special":       func() { special.NewService(d, nil, notify.Discard, time.Now) },
		"readiness":     func() { readiness.NewService(d, units, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic on a nil dependency", name)
				}
			}()
			build()
		}()
	}
}
