// Package sheet reads and writes spreadsheets (XLSX and CSV, 表格) as streams
// of rows, so a whole county's ledger (台账) of a million rows goes in and out
// without being held in memory.
package sheet

import (
	"errors"
	"strings"
	"unicode"
)

// ErrEmpty is returned by Open when the file holds no non-empty row, so there
// is no header.
var ErrEmpty = errors.New("表格是空的：找不到表头行")

// Columns maps header names to indexes. Keys are normalized (see Index), so
// for plain names like "姓名" the map can also be indexed directly.
type Columns map[string]int

// newColumns builds Columns from a header row. When a name repeats, the first
// column wins; empty header cells are ignored.
func newColumns(header []string) Columns {
	c := make(Columns, len(header))
	for i, h := range header {
		k := normalizeName(h)
		if k == "" {
			continue
		}
		if _, dup := c[k]; !dup {
			c[k] = i
		}
	}
	return c
}

// Index returns the index of the column called name, or of the first of the
// aliases present, or -1 when none is present. Lookup is tolerant: spaces,
// full-width versus half-width forms (e.g. "（" and "("), ASCII letter case and
// a leading or trailing required-field marker "*" are ignored, so
// "村(社区)代码" matches a header "村（社区）代码 ".
func (c Columns) Index(name string, aliases ...string) int {
	if i, ok := c[normalizeName(name)]; ok {
		return i
	}
	for _, a := range aliases {
		if i, ok := c[normalizeName(a)]; ok {
			return i
		}
	}
	return -1
}

// Missing returns which of the required names are absent, in the order given.
// It returns an empty (non-nil) slice when all are present.
func (c Columns) Missing(required ...string) []string {
	missing := []string{}
	for _, name := range required {
		if c.Index(name) < 0 {
			missing = append(missing, name)
		}
	}
	return missing
}

// normalizeName folds a header name for tolerant comparison: full-width ASCII
// forms become half-width, white space (including the ideographic space) is
// dropped, ASCII letters are lower-cased and "*" markers at either end are
// removed.
func normalizeName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= '！' && r <= '～': // U+FF01..U+FF5E map onto U+0021..U+007E
			r -= '！' - '!'
		case r == '\u3000' || unicode.IsSpace(r):
			continue
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return strings.Trim(b.String(), "*")
}
