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
}
