package measure

import (
	"strings"
	"testing"
)

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

func TestTempSuggestsWhatWasMeant(t *testing.T) {
	for in, want := range map[string]string{"365": "36.5", "3655": "36.55", "36,5": "36.5", "36。8": "36.8", "12": "", "999": "", "36.5": ""} {
		if got := tempGuess(in); got != want {
			t.Errorf("tempGuess(%q) = %q, want %q", in, got, want)
		}
	}
	if _, err := ParseTemp("365"); err == nil || !strings.Contains(err.Error(), "是否为 36.5？") {
		t.Errorf("365: %v", err)
	}
}
