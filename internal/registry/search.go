package registry

import (
	"strings"
	"unicode/utf8"

	"fangkong/internal/db"
)

// Searches of a county of a million people must find their few rows on an
// index, not walk the county in list order testing each row: the list's
// ORDER BY (unit, household, id) tempts SQLite's planner to the people_unit
// index, which needs no sort, because without per-value statistics it
// cannot tell that a search term matches a handful of rows. rare marks
// such a term for SQLite (likelihood, a planner hint; PostgreSQL's planner
// has per-value statistics and takes the term as it is).
func (s *Service) rare(cond string) string {
	if s.db.Dialect == db.SQLite {
		return "likelihood(" + cond + ", 0.0001)"
	}
	return cond
}

// addNamePrefix adds "the name starts with q". On SQLite, for a prefix
// of two characters or more, it is a range on the name (BINARY collation:
// byte order is code point order, so the range holds exactly the names
// with that prefix), which the people_name index serves; SQLite's LIKE
// cannot use that index (LIKE is case-insensitive for ASCII, the index is
// not). Otherwise it stays a LIKE: one character is mostly a surname (王:
// one person in eleven), found fastest by walking the list in its order;
// ASCII letters keep LIKE's either case; PostgreSQL's planner chooses
// between the people_name index (text_pattern_ops, migration 0023) and the
// walk by its statistics.
func (s *Service) addNamePrefix(add func(cond string, v any), q string) {
	if !s.indexedPrefix(q) {
		add(`p.name LIKE ? ESCAPE '\'`, likePrefix(q))
		return
	}
	add(s.rare("p.name >= ?"), q)
	add(s.rare("p.name < ?"), prefixEnd(q))
}

// indexedPrefix reports whether a prefix search for q is a range on an
// index (addNamePrefix).
func (s *Service) indexedPrefix(q string) bool {
	last, _ := utf8.DecodeLastRuneInString(q)
	return s.db.Dialect == db.SQLite && utf8.RuneCountInString(q) >= 2 &&
		strings.IndexFunc(q, isASCIILetter) < 0 && last < 0xFFFF
}

// prefixEnd is the least string above every string that starts with q: q
// with its last code point raised by one (q is not empty).
func prefixEnd(q string) string {
	r, n := utf8.DecodeLastRuneInString(q)
	next := r + 1
	if next >= 0xD800 && next <= 0xDFFF { // surrogates are not encodable
		next = 0xE000
	}
	return q[:len(q)-n] + string(next) // r < 0xFFFF (indexedPrefix)
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
