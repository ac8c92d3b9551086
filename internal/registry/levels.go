package registry

import (
	"fmt"

	"fangkong/internal/jurisdiction"
)

// levelDigits are the code lengths the level counters (people_level_counts,
// household_level_counts, migration 0025) cut unit codes to: township (9)
// and village (12). Their triggers keep them beside 0021's counters of
// every village and group code (people_counts, household_counts) on every
// write. No county level is kept: that row would be written by every write
// to people; a county's figures sum its townships' rows.
var levelDigits = []int{9, 12}

// counterDigits chooses the counters that answer a scope with codes cut to
// by digits: the coarsest level that is at least as fine as by and as the
// scope's own code (a township's counters cannot answer a village), or 0
// for 0021's counters per village and group code (by 0: codes as they are).
func counterDigits(scope jurisdiction.Scope, by int) int {
	if by <= 0 {
		return 0
	}
	need := max(by, len(scope.Code()))
	for _, d := range levelDigits {
		if d >= need {
			return d
		}
	}
	return 0
}

// peopleCounters is the FROM and WHERE of the people counters that answer
// a scope cut to by digits (counterDigits); the scope's range is bound to
// $n and $n+1 as Scope.Where.
func peopleCounters(scope jurisdiction.Scope, by, n int) string {
	if d := counterDigits(scope, by); d > 0 {
		return fmt.Sprintf("people_level_counts WHERE digits = %d AND %s", d, scope.Where("unit_code", n))
	}
	return "people_counts WHERE " + scope.Where("unit_code", n)
}

// householdCounters is peopleCounters for the households' counters.
func householdCounters(scope jurisdiction.Scope, by, n int) string {
	if d := counterDigits(scope, by); d > 0 {
		return fmt.Sprintf("household_level_counts WHERE digits = %d AND %s", d, scope.Where("unit_code", n))
	}
	return "household_counts WHERE " + scope.Where("unit_code", n)
}

// cutCode is the SQL of a unit code cut to by digits, read from the
// counters that answer scope and by (by 0, or the level counters of by
// digits: as it is).
func cutCode(scope jurisdiction.Scope, by int) string {
	if by <= 0 || counterDigits(scope, by) == by {
		return "unit_code"
	}
	return fmt.Sprintf("CASE WHEN LENGTH(unit_code) > %d THEN SUBSTR(unit_code, 1, %d) ELSE unit_code END", by, by)
}
