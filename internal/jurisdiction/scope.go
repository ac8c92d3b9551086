// Package jurisdiction owns the administrative tree (辖区): province (省) → city
// (市) → county (县/区) → township (镇/街道) → village (村/社区) → group or estate
// (村民小组/小区), keyed by the national division codes (统计用区划代码); the
// grids (网格) under a village; the responsible people of each unit (包保责任人,
// 网格长/网格员); and Scope, the one rule that limits every query touching
// people to the caller's own subtree.
package jurisdiction

import (
	"strconv"
	"strings"

	"fangkong/internal/errs"
)

// Levels of the tree.
const (
	LevelProvince = 1
	LevelCity     = 2
	LevelCounty   = 3
	LevelTownship = 4
	LevelVillage  = 5
	LevelGroup    = 6
)

// LevelName is the Chinese name of a level.
func LevelName(level int) string {
	switch level {
	case LevelProvince:
		return "省"
	case LevelCity:
		return "市"
	case LevelCounty:
		return "县(区)"
	case LevelTownship:
		return "镇(街道)"
	case LevelVillage:
		return "村(社区)"
	case LevelGroup:
		return "组/小区"
	}
	return ""
}

// LevelOfCode infers the level from a code's length.
func LevelOfCode(code string) int {
	switch len(code) {
	case 2:
		return LevelProvince
	case 4:
		return LevelCity
	case 6:
		return LevelCounty
	case 9:
		return LevelTownship
	case 12:
		return LevelVillage
	case 15:
		return LevelGroup
	}
	return 0
}

// VillageOf returns the village code (12 digits) of a village or group code.
func VillageOf(code string) string {
	if len(code) >= 12 {
		return code[:12]
	}
	return ""
}

// Scope is a jurisdiction: the subtree below one unit, or — for a named
// system job only — the whole country. Every code in a unit's subtree starts
// with the unit's code, so the store turns a Scope into a range on an indexed
// code column (Where).
//
// Its fields are unexported: a Scope comes from Grant (auth: the signed-in
// user's or API token's unit), System (a named system job), or by narrowing
// one of those (Narrow, NarrowOpt). The zero Scope matches nothing.
type Scope struct {
	code string // the unit's code; "" for the whole country (job set) or nothing (zero)
	job  string // the system job that asked for the whole country, kept for logs
}

// Grant returns the scope of the unit with this code: the jurisdiction a
// signed-in user or API token has been given. Only internal/auth calls it
// (and tests); every other package receives its Scope from the caller and
// narrows it (grant_callers_test.go enforces this). An empty code grants
// nothing.
func Grant(code string) Scope { return Scope{code: code} }

// System returns the whole country for a named system job — the demo loader,
// background sweeps, the CLI, benchmarks — never for a request. The name is
// kept (Job) for logs; it must not be empty.
func System(job string) Scope {
	if job == "" {
		panic("jurisdiction.System: a system scope needs a job name")
	}
	return Scope{job: job}
}

// Code is the unit code of the scope ("" for a system scope or the zero Scope).
func (s Scope) Code() string { return s.code }

// Job is the name of the system job that made the scope (a system scope, or
// one narrowed from it), or "".
func (s Scope) Job() string { return s.job }

// IsSystem reports whether the scope is the whole country of a system job.
func (s Scope) IsSystem() bool { return s.code == "" && s.job != "" }

// IsZero reports whether the scope matches nothing: the zero Scope, or a
// Grant of an empty code.
func (s Scope) IsZero() bool { return s.code == "" && s.job == "" }

// String describes the scope for logs and test failures.
func (s Scope) String() string {
	switch {
	case s.IsZero():
		return "scope(none)"
	case s.IsSystem():
		return "scope(all: " + s.job + ")"
	}
	return "scope(" + s.code + ")"
}

// Contains reports whether a unit code lies in the scope. The zero Scope
// contains nothing; a system scope contains every code.
func (s Scope) Contains(code string) bool {
	if s.IsZero() {
		return false
	}
	return strings.HasPrefix(code, s.code)
}

// Narrow returns the scope of a unit inside s. A code outside s, empty, or
// not a division code at all is errs.ErrNotFound, the answer for a record
// outside the caller's jurisdiction.
func (s Scope) Narrow(code string) (Scope, error) {
	if !wellFormed(code) || !s.Contains(code) {
		return Scope{}, errs.ErrNotFound
	}
	return Scope{code: code, job: s.job}, nil
}

// NarrowOpt is Narrow for an optional filter: an empty code leaves s as it is.
func (s Scope) NarrowOpt(code string) (Scope, error) {
	if code == "" {
		return s, nil
	}
	return s.Narrow(code)
}

// wellFormed reports whether code is a division code: digits, of a level's length.
func wellFormed(code string) bool {
	if LevelOfCode(code) == 0 {
		return false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}

// Where is the scope as an SQL predicate on a code column: "col >= $n AND
// col < $n+1", to be bound to Args. It is the one place that writes the
// range; it reads the same on SQLite and PostgreSQL and uses the column's
// index. The text does not depend on s, so a query keeps one statement.
func (s Scope) Where(col string, n int) string {
	return col + " >= $" + strconv.Itoa(n) + " AND " + col + " < $" + strconv.Itoa(n+1)
}

// Args returns the two values Where's placeholders are bound to: lo ≤ code <
// hi for every code in the scope. The zero Scope gives an empty range.
func (s Scope) Args() (lo, hi any) {
	l, h := s.bounds()
	return l, h
}

// bounds returns lo ≤ code < hi for every code in the scope.
func (s Scope) bounds() (lo, hi string) {
	switch {
	case s.IsZero():
		return "", "" // code >= '' AND code < '': nothing
	case s.IsSystem():
		return "", "~" // codes are digits, and every digit sorts before '~'
	}
	b := []byte(s.code)
	b[len(b)-1]++
	return s.code, string(b)
}
