// Package jurisdiction owns the administrative tree (辖区): province (省) → city
// (市) → county (县/区) → township (镇/街道) → village (村/社区) → group or estate
// (村民小组/小区), keyed by the national division codes (统计用区划代码); the
// grids (网格) under a village; the responsible people of each unit (包保责任人,
// 网格长/网格员); and Scope, the one rule that limits every query touching
// people to the caller's own subtree.
package jurisdiction

import "strings"

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

// Scope is a jurisdiction: the subtree below one unit. Every code in it starts
// with Code, so the store turns it into a range on an indexed code column.
// The zero Scope (Code "") is the whole country (system jobs only).
type Scope struct{ Code string }

// ScopeOf returns the scope of the unit with this code.
func ScopeOf(code string) Scope { return Scope{Code: code} }

// Contains reports whether a unit code lies in the scope.
func (s Scope) Contains(code string) bool { return strings.HasPrefix(code, s.Code) }

// Bounds returns lo ≤ code < hi for every code in the scope.
func (s Scope) Bounds() (lo, hi string) {
	if s.Code == "" {
		return "", "~"
	}
	b := []byte(s.Code)
	b[len(b)-1]++
	return s.Code, string(b)
}

// Args returns the bounds as query arguments; use them with a predicate
// written "col >= $n AND col < $n+1".
func (s Scope) Args() (any, any) {
	lo, hi := s.Bounds()
	return lo, hi
}
