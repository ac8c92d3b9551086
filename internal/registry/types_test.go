package registry

import "testing"

func TestGroupNames(t *testing.T) {
	g, unknown := ParseGroupNames("独居老人、慢病，外星人")
	if g != GroupElderlyAlone|GroupChronic || len(unknown) != 1 {
		t.Fatalf("ParseGroupNames = %v %v", g, unknown)
	}
	if GroupNames(g) != "独居老人、慢病" {
		t.Errorf("GroupNames = %q", GroupNames(g))
	}
}
