package main_test

import (
	"encoding/json"
	"strings"
	"testing"

	"fangkong/internal/policy"
)

// The protocol cases through the command line, as a reader of the README
// would run them.
func TestPolicyCLI(t *testing.T) {
	t.Parallel()
	bin := build(t)
	out := run(t, bin, "policy", "plan", "--category", "close_contact", "--day-zero", "2022-07-01")
	for _, s := range []string{"第九版", "2022-07-02 .. 2022-07-08", "2022-07-09 .. 2022-07-11", "2022-07-06 (day 5", "2022-07-11 (day 10, phase 2 day 3)"} {
		if !strings.Contains(out, s) {
			t.Errorf("plan output lacks %q:\n%s", s, out)
		}
	}
	var p policy.Plan
	js := run(t, bin, "policy", "plan", "--category", "密接的密接", "--day-zero", "2022-07-01", "--version", "第九版", "--json")
	if err := json.Unmarshal([]byte(js), &p); err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.TestDates, ",") != "2022-07-02,2022-07-05,2022-07-08" || p.Phases[0].End != "2022-07-08" {
		t.Errorf("secondary contact plan %+v", p)
	}
	js = run(t, bin, "policy", "plan", "--category", "high_risk_post", "--choice", "居家", "--day-zero", "2022-07-01", "--json")
	if err := json.Unmarshal([]byte(js), &p); err != nil || p.Phases[0].Type != policy.HomeQuarantine {
		t.Errorf("high-risk post at home: %+v %v", p, err)
	}
	list := run(t, bin, "policy", "list")
	for _, s := range []string{"第九版", "2021 春节农村", "第八版", "close_contact", "密切接触者", "pool_positive"} {
		if !strings.Contains(list, s) {
			t.Errorf("list lacks %q", s)
		}
	}
}
