package checkpoint_test

import (
	"testing"
	"time"

	"fangkong/internal/checkpoint"
	"fangkong/internal/clock"
)

// shipped is the version the binary ships, in force from 2021-01-20.
func shipped(t *testing.T) checkpoint.RuleSet {
	t.Helper()
	v, err := checkpoint.InForce(checkpoint.DefaultRules(), "2022-01-05")
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Validate(); err != nil {
		t.Fatalf("shipped rules invalid: %v", err)
	}
	return v
}

// TestShippedRules: one row per rule of the shipped version, with the
// facts that reach it and the outcome; every rule is reached by a row.
func TestShippedRules(t *testing.T) {
	v := shipped(t)
	type F = checkpoint.Facts
	cases := []struct {
		name    string
		f       F
		key     string
		outcome string
	}{
		{"fever beats a green code", F{HealthCode: checkpoint.Green, Fever: true}, "fever", checkpoint.Hold},
		{"red code is held", F{HealthCode: checkpoint.Red}, "red", checkpoint.Hold},
		{"red code even with a test", F{HealthCode: checkpoint.Red, Tested: true, Resident: true}, "red", checkpoint.Hold},
		{"yellow code is sampled", F{HealthCode: checkpoint.Yellow}, "yellow", checkpoint.Sample},
		{"resident from a medium-risk area is handed over", F{HealthCode: checkpoint.Green, RiskRank: 2, Resident: true}, "risk_resident", checkpoint.HandOver},
		{"resident from a high-risk area even tested", F{HealthCode: checkpoint.Green, RiskRank: 3, Resident: true, Tested: true}, "risk_resident", checkpoint.HandOver},
		{"outsider from a high-risk area is turned back", F{HealthCode: checkpoint.Green, RiskRank: 3}, "risk_outsider", checkpoint.TurnBack},
		{"low-risk origin is no risk rule", F{HealthCode: checkpoint.Green, RiskRank: 1}, "green", checkpoint.Pass},
		{"star with a test passes", F{HealthCode: checkpoint.Green, Star: true, Tested: true}, "star_tested", checkpoint.Pass},
		{"star without a test, resident, handed over", F{HealthCode: checkpoint.Green, Star: true, Resident: true}, "star_resident", checkpoint.HandOver},
		{"star without a test, outsider, turned back", F{HealthCode: checkpoint.Green, Star: true}, "star_outsider", checkpoint.TurnBack},
		{"green without a star passes", F{HealthCode: checkpoint.Green}, "green", checkpoint.Pass},
		{"no code read: sampled", F{}, "other", checkpoint.Sample},
	}
	reached := map[string]bool{}
	for _, c := range cases {
		r := v.Decide(c.f)
		reached[r.Key] = true
		if r.Key != c.key || r.Outcome != c.outcome {
			t.Errorf("%s: got rule %s → %s, want %s → %s", c.name, r.Key, r.Outcome, c.key, c.outcome)
		}
	}
	for _, r := range v.Rules {
		if !reached[r.Key] {
			t.Errorf("rule %s of the shipped version has no test row", r.Key)
		}
	}
}

// TestTestWindow: a test counts within the version's hours before the
// check, not after it.
func TestTestWindow(t *testing.T) {
	v := shipped(t)
	at := time.Date(2022, 1, 5, 10, 0, 0, 0, clock.Shanghai)
	for _, c := range []struct {
		sampled string
		want    bool
	}{{"2022-01-05 09:00", true}, {"2022-01-03 10:00", true}, {"2022-01-03 09:59", false}, {"2022-01-05 11:00", false},
		{"2022-01-04", true}, {"2022-01-03", false}, {"", false}, {"昨天", false}, {"2022-01-04T08:30", true}} {
		if got := v.Tested(c.sampled, at); got != c.want {
			t.Errorf("Tested(%q) = %v, want %v", c.sampled, got, c.want)
		}
	}
}

func TestRuleValidation(t *testing.T) {
	base := shipped(t)
	for name, edit := range map[string]func(v *checkpoint.RuleSet){
		"unknown outcome":    func(v *checkpoint.RuleSet) { v.Rules[0].Outcome = "放走" },
		"conditional last":   func(v *checkpoint.RuleSet) { v.Rules = v.Rules[:len(v.Rules)-1] },
		"duplicate key":      func(v *checkpoint.RuleSet) { v.Rules[1].Key = v.Rules[0].Key },
		"bad condition":      func(v *checkpoint.RuleSet) { v.Rules[0].Star = "maybe" },
		"window too long":    func(v *checkpoint.RuleSet) { v.TestHours = 400 },
		"no effective date":  func(v *checkpoint.RuleSet) { v.EffectiveFrom = "" },
		"fever line too low": func(v *checkpoint.RuleSet) { v.FeverTenths = 360 },
	} {
		v := base
		v.Rules = append([]checkpoint.Rule(nil), base.Rules...)
		edit(&v)
		if err := v.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestInForce(t *testing.T) {
	vs := []checkpoint.RuleSet{{ID: 1, Name: "a", EffectiveFrom: "2021-01-20"}, {ID: 2, Name: "b", EffectiveFrom: "2022-03-15"}}
	for day, want := range map[string]string{"2021-01-20": "a", "2022-03-14": "a", "2022-03-15": "b", "2023-01-01": "b"} {
		v, err := checkpoint.InForce(vs, day)
		if err != nil || v.Name != want {
			t.Errorf("InForce(%s) = %s, %v; want %s", day, v.Name, err, want)
		}
	}
	if _, err := checkpoint.InForce(vs, "2020-12-31"); err == nil {
		t.Error("a day before every version has rules")
	}
}

// A test time as a checkpoint's phone sends it or as people type it.
func TestParseSampledAsTyped(t *testing.T) {
	for _, v := range []string{"2021-12-10T05:34", "2021-12-10 05:34", "2021年12月10日5时34分", "2021/12/10 5:34"} {
		got, ok := checkpoint.ParseSampled(v)
		if !ok || got.Format("2006-01-02 15:04") != "2021-12-10 05:34" || got.Location().String() != "Asia/Shanghai" {
			t.Errorf("%q: %v %v", v, got, ok)
		}
	}
	if _, ok := checkpoint.ParseSampled("昨天"); ok {
		t.Error("昨天 read as a time")
	}
}
