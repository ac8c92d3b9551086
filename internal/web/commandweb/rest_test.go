package commandweb

import (
	"testing"

	"fangkong/internal/command"
	"fangkong/internal/summary"
)

// The rest row holds what the unit counts beyond its children: the rows
// then add up to the unit's figure.
func TestRest(t *testing.T) {
	cols := []summary.Figure{{Key: "push.overdue", Value: 2871}, {Key: "report.missing", Value: 3}}
	child := func(overdue, missing int) command.Child {
		return command.Child{Figures: []summary.Figure{{Key: "push.overdue", Value: overdue}, {Key: "report.missing", Value: missing}}}
	}
	got := rest(cols, []command.Child{child(1000, 1), child(695, 2)})
	if len(got) != 2 || got[0].Value != 1176 || got[1].Value != 0 {
		t.Errorf("rest %+v, want 1176 and 0", got)
	}
	if got := rest(cols, []command.Child{child(2871, 3)}); got != nil {
		t.Errorf("rows that add up gave a rest row %+v", got)
	}
	// Rooms the county itself holds: its gap is smaller than its
	// townships' together, and the rest row says by how much.
	gap := []summary.Figure{{Key: "site.gap", Value: 840}}
	rooms := func(n int) command.Child {
		return command.Child{Figures: []summary.Figure{{Key: "site.gap", Value: n}}}
	}
	if got := rest(gap, []command.Child{rooms(500), rooms(425)}); len(got) != 1 || got[0].Value != -85 {
		t.Errorf("rest of a gap the county closes: %+v, want -85", got)
	}
}
