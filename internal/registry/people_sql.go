package registry

import "fangkong/internal/jurisdiction"

// PeopleInScope is the condition other domains put on the people table to
// read the people on the register inside a scope; the registry owns the
// table, so this is the one fragment they join. alias is the table's alias
// in the query ("p", or "" when it has none); the fragment's two
// placeholders are $n and $n+1, bound to scope.Args() like Scope.Where:
//
//	lo, hi := scope.Args()
//	q.QueryRowContext(ctx, "SELECT … FROM people p WHERE p.id = $1 AND "+registry.PeopleInScope("p", scope, 2), id, lo, hi)
//
// On the register means active = 1: deregistered (注销) and merged (合并)
// people both have active = 0 — Deregister and Merge set it, and Reinstate
// refuses a merged person — so merged_into need not be tested, and the
// (active, unit_code, …) index covers a count by unit without reading rows.
func PeopleInScope(alias string, scope jurisdiction.Scope, n int) string {
	if alias != "" {
		alias += "."
	}
	return alias + "active = 1 AND " + scope.Where(alias+"unit_code", n)
}

// ResidentCounts is the query other domains read the number of people on
// the register per county from, without counting people: rows (county
// code, n) summed in the database from the roll-up counters (for a county,
// its townships' rows; kept by database triggers on every write to
// people). Its two placeholders are $n and $n+1, bound to scope.Args().
func ResidentCounts(scope jurisdiction.Scope, n int) string {
	return "SELECT SUBSTR(unit_code, 1, 6), CAST(SUM(n) AS BIGINT) FROM " + peopleCounters(scope, 6, n) +
		" GROUP BY SUBSTR(unit_code, 1, 6)"
}

// ResidentTotal is the query of the number of people on the register in a
// scope, from the coarsest counters that answer it: one row, one column.
func ResidentTotal(scope jurisdiction.Scope, n int) string {
	return "SELECT COALESCE(SUM(n), 0) FROM " + peopleCounters(scope, 1, n)
}

// HouseholdCounts is the query of the number of households per unit, from
// the roll-up counters (household_counts, kept by database triggers): rows
// (unit_code, n), one per unit. Its placeholders are $n and $n+1, bound to
// scope.Args().
func HouseholdCounts(scope jurisdiction.Scope, n int) string {
	return "SELECT unit_code, n FROM household_counts WHERE " + scope.Where("unit_code", n)
}

// HouseholdTotal is the query of the number of households in a scope, from
// the coarsest counters that answer it: one row, one column.
func HouseholdTotal(scope jurisdiction.Scope, n int) string {
	return "SELECT COALESCE(SUM(n), 0) FROM " + householdCounters(scope, 1, n)
}
