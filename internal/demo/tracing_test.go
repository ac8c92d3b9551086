package demo_test

import (
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/demo"
)

// checkTracing: the demo outbreak has its scans, cases from the positive
// pool's retests plus one contact turned case (an edge of the chain), all
// in one cluster, candidates, and contacts judged and transferred.
func checkTracing(t *testing.T, d *db.DB, people int) {
	count := func(q string) int {
		var n int
		if err := d.R().QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got, want := count("SELECT COUNT(*) FROM tracing_scans"), demo.DemoScans(people); got != want {
		t.Errorf("scans %d, want %d", got, want)
	}
	if n := count("SELECT COUNT(*) FROM tracing_cases WHERE found_via = '混管复核'"); n != 2 {
		t.Errorf("cases from retests: %d, want 2", n)
	}
	if n := count("SELECT COUNT(*) FROM tracing_cases WHERE from_contact_id IS NOT NULL"); n != 1 {
		t.Errorf("contacts turned cases: %d, want 1", n)
	}
	if n := count("SELECT COUNT(DISTINCT cluster_id) FROM tracing_cases"); n != 1 {
		t.Errorf("clusters: %d", n)
	}
	if n := count("SELECT COUNT(*) FROM tracing_contacts"); n < 10 {
		t.Errorf("candidates: %d", n)
	}
	if n := count("SELECT COUNT(*) FROM tracing_contacts WHERE status = '已转运'"); n < 1 {
		t.Errorf("transferred contacts: %d", n)
	}
}
