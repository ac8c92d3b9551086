package pushlist

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// person is what matching needs of one registered person.
type person struct {
	id     int64
	unit   string // village or group code (interned)
	name   string
	prefix string // first 6 digits of the ID number, "" without one
}

// multiMap maps a key to one index, or (negative values) to a slot of
// several indexes, so the common unique case costs one map entry.
type multiMap[K comparable] struct {
	one   map[K]int32
	multi [][]int32
}

func newMultiMap[K comparable](n int) multiMap[K] { return multiMap[K]{one: make(map[K]int32, n)} }

func (m *multiMap[K]) add(k K, i int32) {
	v, ok := m.one[k]
	switch {
	case !ok:
		m.one[k] = i
	case v >= 0:
		m.multi = append(m.multi, []int32{v, i})
		m.one[k] = -int32(len(m.multi))
	default:
		m.multi[-v-1] = append(m.multi[-v-1], i)
	}
}

func (m *multiMap[K]) get(k K) []int32 {
	v, ok := m.one[k]
	switch {
	case !ok:
		return nil
	case v >= 0:
		return []int32{v}
	default:
		return m.multi[-v-1]
	}
}

// Keys are numbers where the value is digits, so a million-person index
// costs no string per key.

// idKey packs an 18-character ID number (17 digits and a check character).
func idKey(id string) (uint64, bool) {
	if len(id) != 18 {
		return 0, false
	}
	k, ok := digitsKey(id[:17])
	if !ok {
		return 0, false
	}
	c := id[17]
	switch {
	case c >= '0' && c <= '9':
		return k*11 + uint64(c-'0'), true
	case c == 'X':
		return k*11 + 10, true
	}
	return 0, false
}

// digitsKey is the value of up to 19 decimal digits.
func digitsKey(s string) (uint64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	var k uint64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		k = k*10 + uint64(s[i]-'0')
	}
	return k, true
}

// nameDOB is a name with a birth date (YYYYMMDD).
type nameDOB struct {
	name string
	dob  uint32
}

func dobKey(name, birth string) (nameDOB, bool) {
	if len(birth) != 10 || name == "" {
		return nameDOB{}, false
	}
	y, ok1 := digitsKey(birth[:4])
	m, ok2 := digitsKey(birth[5:7])
	d, ok3 := digitsKey(birth[8:10])
	return nameDOB{name, uint32(y*10000 + m*100 + d)}, ok1 && ok2 && ok3
}

// index holds the lookup keys of the registry and the units inside one
// scope, loaded in one scan of each table.
type index struct {
	people    []person
	byID      map[uint64]int32
	byPhone   multiMap[uint64]
	byNameDOB multiMap[nameDOB]
	units     map[string]unitInfo // every unit in scope
	villages  map[rune][]placeName
	townships map[rune][]placeName
}

type unitInfo struct {
	name  string
	level int
}

type placeName struct {
	name string
	code string
}

func loadIndex(ctx context.Context, q db.Querier, scope jurisdiction.Scope) (*index, error) {
	ix := &index{units: map[string]unitInfo{}, villages: map[rune][]placeName{}, townships: map[rune][]placeName{}}
	lo, hi := scope.Args()
	rows, err := q.QueryContext(ctx, "SELECT code, name, level FROM units WHERE "+scope.Where("code", 1), lo, hi)
	if err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	for rows.Next() {
		var u unitInfo
		var code string
		if err := rows.Scan(&code, &u.name, &u.level); err != nil {
			rows.Close()
			return nil, err
		}
		ix.addUnit(code, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM people WHERE "+registry.PeopleInScope("", scope, 1), lo, hi).Scan(&n); err != nil {
		return nil, fmt.Errorf("count people: %w", err)
	}
	ix.people = make([]person, 0, n)
	ix.byID = make(map[uint64]int32, n)
	ix.byPhone = newMultiMap[uint64](n)
	ix.byNameDOB = newMultiMap[nameDOB](n)
	intern := map[string]string{}
	rows, err = q.QueryContext(ctx, `SELECT id, COALESCE(id_number, ''), name, birth_date, phone, unit_code FROM people
		WHERE `+registry.PeopleInScope("", scope, 1), lo, hi)
	if err != nil {
		return nil, fmt.Errorf("load people: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p person
		var idn, birth, phone, unit string
		if err := rows.Scan(&p.id, &idn, &p.name, &birth, &phone, &unit); err != nil {
			return nil, fmt.Errorf("load people: %w", err)
		}
		if u, ok := intern[unit]; ok {
			p.unit = u
		} else {
			intern[unit], p.unit = unit, unit
		}
		i := int32(len(ix.people))
		if k, ok := idKey(idn); ok {
			ix.byID[k] = i
			p.prefix = idn[:6]
		}
		if k, ok := digitsKey(phone); ok {
			ix.byPhone.add(k, i)
		}
		if k, ok := dobKey(p.name, birth); ok {
			ix.byNameDOB.add(k, i)
		}
		ix.people = append(ix.people, p)
	}
	return ix, rows.Err()
}

// addUnit indexes a unit under its code and the names addresses use for it.
func (ix *index) addUnit(code string, u unitInfo) {
	ix.units[code] = u
	for _, name := range nameVariants(u.name, u.level) {
		r, _ := utf8.DecodeRuneInString(name)
		switch u.level {
		case jurisdiction.LevelVillage:
			ix.villages[r] = append(ix.villages[r], placeName{name, code})
		case jurisdiction.LevelTownship:
			ix.townships[r] = append(ix.townships[r], placeName{name, code})
		}
	}
}

// committeeSuffixes are the endings of village and community committee
// names that addresses leave out, longest first.
var committeeSuffixes = []string{"社区居民委员会", "社区居委会", "居民委员会", "村民委员会", "居委会", "村委会", "委员会"}

// townshipSuffixes are the endings of township names, longest first.
var townshipSuffixes = []string{"街道办事处", "办事处", "街道", "镇", "乡"}

// nameVariants are the names an address may use for a unit of a level:
// 南涝村村委会 is also 南涝村, 曹村委会 also 曹村, 西街社区居委会 also 西街社区;
// 甘亭街道 is also 甘亭镇 (an older name) and 甘亭. Names of fewer than two
// characters are left out.
func nameVariants(name string, level int) []string {
	out := []string{name}
	add := func(v string) {
		if utf8.RuneCountInString(v) >= 2 && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	switch level {
	case jurisdiction.LevelVillage, jurisdiction.LevelGroup:
		for _, suf := range committeeSuffixes {
			base, ok := strings.CutSuffix(name, suf)
			if !ok || base == "" {
				continue
			}
			switch {
			case strings.HasPrefix(suf, "社区") || suf == "居委会" || suf == "居民委员会":
				add(strings.TrimSuffix(base, "社区") + "社区")
			case strings.HasSuffix(base, "村") || strings.HasSuffix(base, "社区"):
				add(base)
			default:
				add(base + "村")
			}
			break
		}
	case jurisdiction.LevelTownship:
		for _, suf := range townshipSuffixes {
			if base, ok := strings.CutSuffix(name, suf); ok && utf8.RuneCountInString(base) >= 2 {
				add(base + "镇")
				add(base + "街道")
				add(base + "乡")
				add(base)
				break
			}
		}
	}
	return out
}

// findPlaces returns the codes of the places whose names occur in text,
// keeping only the longest names found.
func findPlaces(text string, names map[rune][]placeName) []string {
	var out []string
	best := 0
	for i, r := range text {
		for _, pn := range names[r] {
			if len(pn.name) < best || !strings.HasPrefix(text[i:], pn.name) {
				continue
			}
			if len(pn.name) > best {
				best, out = len(pn.name), out[:0]
			}
			if !slices.Contains(out, pn.code) {
				out = append(out, pn.code)
			}
		}
	}
	return out
}

// withoutTownships blanks the township names with their suffix in text
// (蒋村街道, 甘亭镇), so a village of the township's name (蒋村) is not
// read into them.
func (ix *index) withoutTownships(text string) string {
	var b strings.Builder
	for i := 0; i < len(text); {
		n := 0
		r, size := utf8.DecodeRuneInString(text[i:])
		for _, pn := range ix.townships[r] {
			if len(pn.name) > n && strings.HasPrefix(text[i:], pn.name) && hasTownshipSuffix(pn.name) {
				n = len(pn.name)
			}
		}
		if n > 0 {
			b.WriteString("|")
			i += n
			continue
		}
		b.WriteString(text[i : i+size])
		i += size
	}
	return b.String()
}

func hasTownshipSuffix(name string) bool {
	for _, suf := range townshipSuffixes {
		if strings.HasSuffix(name, suf) {
			return true
		}
	}
	return false
}

// routeText finds a village (or, failing that, a township) for an address.
// It returns the unit code and how it was found, or "" when nothing fits.
func (ix *index) routeText(text string) (string, string) {
	if text == "" {
		return "", ""
	}
	ts := findPlaces(text, ix.townships)
	vs := findPlaces(ix.withoutTownships(text), ix.villages)
	switch {
	case len(vs) == 1:
		return vs[0], "地址匹配到村"
	case len(vs) > 1:
		// The same village name in several townships: the township named
		// in the address decides; else the common township, if any.
		for _, v := range vs {
			for _, t := range ts {
				if strings.HasPrefix(v, t) {
					return v, "地址匹配到村（按镇名区分同名村）"
				}
			}
		}
		t := vs[0][:9]
		for _, v := range vs[1:] {
			if v[:9] != t {
				return "", ""
			}
		}
		return t, "地址匹配到多个同名村，转镇队列"
	case len(ts) == 1:
		return ts[0], "地址只能确定到镇，转镇队列"
	}
	return "", ""
}

// routeCode routes by a division code given in the file or taken from an
// ID number: a village or group is a village task, a township or county a
// queue; codes outside the scope or unknown give "".
func (ix *index) routeCode(code string) string {
	u, ok := ix.units[code]
	if !ok {
		return ""
	}
	switch {
	case u.level >= jurisdiction.LevelVillage:
		return code
	case u.level == jurisdiction.LevelTownship || u.level == jurisdiction.LevelCounty:
		return code
	}
	return ""
}
