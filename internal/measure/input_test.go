package measure_test

import (
	"context"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/measure"
	"fangkong/internal/policy"
)

// A temperature is a plain decimal number of °C between 34 and 43: not NaN,
// not infinite, not in another notation.
func TestParseTemp(t *testing.T) {
	for _, bad := range []string{"NaN", "nan", "+NaN", "-nan", "Inf", "+Inf", "-Inf", "infinity", "1e400", "-1e400", "1e2", "3.65e1",
		"0x24p0", "3_6.5", "36.5.1", "", " ", "36,5", "33.9", "43.1", "-36.5", "abc", "36.5x", "9223372036854775807", "36.\x00"} {
		if n, err := measure.ParseTemp(bad); !errs.IsInvalid(err) {
			t.Errorf("ParseTemp(%q) = %d, %v; want invalid", bad, n, err)
		}
	}
	for s, want := range map[string]int{"36.5": 365, "36": 360, "37.3": 373, " 38.05 ": 381, "36.5℃": 365, "３６.５": 365, "43": 430, "34.0": 340} {
		if n, err := measure.ParseTemp(s); err != nil || n != want {
			t.Errorf("ParseTemp(%q) = %d, %v; want %d", s, n, err, want)
		}
	}
}

// NaN through the personal link is refused: nothing is stored, and the day
// still counts as missed, so the 脱管 alert opens.
func TestNaNCheckRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &fakeClock{at("2022-07-03", "10:00")}
		s := setup(t, d, c)
		pa := addPerson(t, d, dbtest.VillageA, "张密接")
		if err := s.AssignCategory(ctx, actorA, pa, "close_contact", "2022-07-01", "流调", ""); err != nil {
			t.Fatal(err)
		}
		m, err := s.Active(ctx, scopeA, pa)
		if err != nil {
			t.Fatal(err)
		}
		for _, temp := range []string{"NaN", "Inf", "-Inf", "1e400"} {
			if _, err := s.RecordCheckByToken(ctx, m.Token, measure.CheckInput{Temp: temp}); !errs.IsInvalid(err) {
				t.Errorf("check with temp %s by the personal link: %v", temp, err)
			}
			if _, err := s.RecordCheck(ctx, actorA, scopeA, m.ID, measure.CheckInput{Temp: temp}); !errs.IsInvalid(err) {
				t.Errorf("check with temp %s by a grid worker: %v", temp, err)
			}
		}
		if n := count(t, d, "SELECT COUNT(*) FROM measure_checks"); n != 0 {
			t.Errorf("%d checks stored", n)
		}
		r, err := s.Sweep(ctx, at("2022-07-04", "03:00"))
		if err != nil {
			t.Fatal(err)
		}
		if r.MissedChecks != 1 {
			t.Errorf("missed-check alerts: %d, want 1", r.MissedChecks)
		}
	})
}

// A day zero is a real day of the epidemic: not 0001-01-01, not
// 9999-12-31, not after today; the plan calculator takes any day from
// December 2019 to 2099. Places and notes refuse control characters and
// direction overrides.
func TestDayZeroAndTextBounds(t *testing.T) {
	for _, dz := range []string{"0001-01-01", "1970-01-01", "2019-11-30", "9999-12-31", "2100-01-01"} {
		if _, err := policy.PlanDefault("", "close_contact", "", dz, policy.Circumstances{}); !errs.IsInvalid(err) {
			t.Errorf("plan from %s: %v", dz, err)
		}
	}
	for _, dz := range []string{"2019-12-01", "2022-07-01", "2099-12-31"} {
		if _, err := policy.PlanDefault("", "close_contact", "", dz, policy.Circumstances{}); err != nil {
			t.Errorf("plan from %s: %v", dz, err)
		}
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &fakeClock{at("2022-07-03", "10:00")}
		s := setup(t, d, c)
		pa := addPerson(t, d, dbtest.VillageA, "张密接")
		for what, in := range map[string]measure.AssignInput{
			"day zero 0001-01-01": {DayZero: "0001-01-01"},
			"day zero 9999-12-31": {DayZero: "9999-12-31"},
			"day zero tomorrow":   {DayZero: "2022-07-04"},
			"RLO in the place":    {DayZero: "2022-07-01", Place: "某市\u202e区某"},
			"NUL in the note":     {DayZero: "2022-07-01", Note: "备注\x00"},
		} {
			in.PersonID, in.Category = pa, "close_contact"
			if _, err := s.Assign(ctx, actorA, scopeA, in); !errs.IsInvalid(err) {
				t.Errorf("%s: %v", what, err)
			}
		}
		if err := s.AssignCategory(ctx, actorA, pa, "close_contact", "0001-01-01", "流调", ""); !errs.IsInvalid(err) {
			t.Errorf("hook with day zero 0001-01-01: %v", err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM measures"); n != 0 {
			t.Errorf("%d measures stored", n)
		}
	})
}
