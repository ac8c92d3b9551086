package measure

import "testing"

// The overview's 管控中 splits into the people in a phase (the trend's
// figure) and those waiting (期满待解除 or not started), so the two pages'
// numbers add up.
func TestUnitStatSplitsActive(t *testing.T) {
	u := UnitStat{Active: 305, ByType: map[string]int{"central": 98, "home": 90, "health": 15}}
	if u.InPhase() != 203 || u.Waiting() != 102 || u.InPhase()+u.Waiting() != u.Active {
		t.Fatalf("in phase %d, waiting %d, active %d", u.InPhase(), u.Waiting(), u.Active)
	}
	if (UnitStat{Active: 1, ByType: map[string]int{"a": 2}}).Waiting() != 0 {
		t.Fatal("waiting below zero")
	}
}
