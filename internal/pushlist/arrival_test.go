package pushlist

import "testing"

// A date written without its year is in the import's year, unless that
// is more than half a year ahead: then it is last year's.
func TestArrivalDateWithoutYear(t *testing.T) {
	for _, c := range []struct{ today, cell, want string }{
		{"2026-12-07", "12月10日", "2026-12-10"}, // three days ahead: this year (the task page flags it)
		{"2027-01-03", "12月30日", "2026-12-30"}, // last December
		{"2027-01-03", "1月2日", "2027-01-02"},
		{"2026-06-01", "12月1日", "2026-12-01"}, // exactly half a year ahead: this year
		{"2026-06-01", "12月2日", "2025-12-02"},
		{"2027-01-03", "2027年12月30日", "2027-12-30"}, // its own year is kept
		{"2027-01-03", "", ""},
		{"2027-01-03", "不详", ""},
	} {
		im := &importer{today: c.today, year: 0}
		im.year = im.day().Year()
		if got := im.arrivalDate(c.cell); got != c.want {
			t.Errorf("on %s, %q read as %q, want %q", c.today, c.cell, got, c.want)
		}
	}
}
