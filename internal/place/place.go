// Package place owns place-name resolution (地名解析): it turns a place as
// people type it — 河南省郑州市金水区, 郑州金水, 金水区, 西安雁塔电子城,
// 410105, 陕西西安610113 — into division codes of China's 2023 statistical
// division codes (统计用区划代码, ../shared/data/regions-*.csv.gz), with the
// rest of the text kept as the detail under the place. A name that fits
// several places (朝阳区 is in 北京 and in 长春) gives several candidates and
// is never guessed; text that names no place gives none.
//
// The Resolver is built once at start and kept in memory: provinces,
// cities, counties and townships are indexed by full and short name;
// villages are kept per county, packed, and searched only under a county
// the text has already named.
package place

import (
	"strconv"
	"strings"

	"fangkong/internal/jurisdiction"
)

// MaxCandidates bounds the candidates a Result lists.
const MaxCandidates = 10

// Candidate is one reading of a typed place.
type Candidate struct {
	Code  string // division code, 2, 4, 6, 9 or 12 digits
	Level int    // jurisdiction.LevelProvince … LevelVillage
	// Names are the names from the province down (河南省 郑州市 金水区),
	// without grouping rows such as 市辖区; empty when the code's names are
	// not loaded (CodesOnly).
	Names []string
	// Detail is the rest of the text, below the place (电子城, 某某小区).
	Detail string
}

// FullName is the names joined: 河南省郑州市金水区.
func (c Candidate) FullName() string { return strings.Join(c.Names, "") }

// Path is the names with spaces: 河南省 郑州市 金水区.
func (c Candidate) Path() string { return strings.Join(c.Names, " ") }

// LevelName is the level in Chinese (省级, 地级, 县级, 乡级, 村级).
func (c Candidate) LevelName() string { return LevelName(c.Level) }

// LevelName names a level in Chinese.
func LevelName(level int) string {
	switch level {
	case jurisdiction.LevelProvince:
		return "省级"
	case jurisdiction.LevelCity:
		return "地级"
	case jurisdiction.LevelCounty:
		return "县级"
	case jurisdiction.LevelTownship:
		return "乡级"
	case jurisdiction.LevelVillage:
		return "村级"
	}
	return ""
}

// Result is what a text resolves to.
type Result struct {
	// Candidates are the best readings, best first, at most MaxCandidates:
	// one when the place is clear, several when the name is ambiguous, none
	// when the text names no place.
	Candidates []Candidate
	// Total counts the best readings before the cut to MaxCandidates.
	Total int
	// Fuzzy: the reading skipped text in front of the place, or left words
	// that look like a division it could not find (北京朝杨区): it needs a
	// person to confirm it even when it is the only one.
	Fuzzy bool
	// common is the longest division code every best reading lies under.
	common string
	// clear: the first candidate prevails (see Resolver.prevails).
	clear bool
}

// Resolved returns the candidate of a clear reading: the only one, or the
// one bigger than every other (西安 → 西安市, not the 西安区 of 辽源), and
// not fuzzy.
func (r Result) Resolved() (Candidate, bool) {
	if r.clear && !r.Fuzzy && len(r.Candidates) > 0 {
		return r.Candidates[0], true
	}
	return Candidate{}, false
}

// Ambiguous reports several readings none of which prevails.
func (r Result) Ambiguous() bool { return r.Total > 1 && !r.clear }

// Common is the longest division code all the readings lie under ("" when
// none, or no reading): what is certain of an ambiguous place (城关镇 in
// three counties of one city gives the city).
func (r Result) Common() string { return r.common }

// Choices lists the candidates for a message: 北京市朝阳区（110105）、
// 吉林省长春市朝阳区（220104）, with 等N处 when there are more.
func (r Result) Choices() string {
	parts := make([]string, 0, len(r.Candidates))
	for _, c := range r.Candidates {
		if name := c.FullName(); name != "" {
			parts = append(parts, name+"（"+c.Code+"）")
		} else {
			parts = append(parts, c.Code)
		}
	}
	s := strings.Join(parts, "、")
	if r.Total > len(r.Candidates) {
		s += "等" + strconv.Itoa(r.Total) + "处"
	}
	return s
}

// commonCode is the longest code at a division level that every code starts with.
func commonCode(codes []string) string {
	if len(codes) == 0 {
		return ""
	}
	p := codes[0]
	for _, c := range codes[1:] {
		n := 0
		for n < len(p) && n < len(c) && p[n] == c[n] {
			n++
		}
		p = p[:n]
	}
	for _, n := range []int{12, 9, 6, 4, 2} {
		if len(p) >= n {
			return p[:n]
		}
	}
	return ""
}

// validCodeLen reports the lengths of division codes.
func validCodeLen(n int) bool { return n == 2 || n == 4 || n == 6 || n == 9 || n == 12 }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
