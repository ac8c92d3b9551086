package audit

import "testing"

func TestEntityNamesAndPages(t *testing.T) {
	for _, k := range EntityKinds() {
		if EntityName(k) == k {
			t.Errorf("kind %q has no Chinese name", k)
		}
	}
	if got := EntityPage("measure", "12"); got != "/measures/12" {
		t.Errorf("measure page %q", got)
	}
	if got := EntityPage("user", "3"); got != "" {
		t.Errorf("user page %q", got)
	}
	if got := EntityName("no_such_kind"); got != "no_such_kind" {
		t.Errorf("unknown kind named %q", got)
	}
}
