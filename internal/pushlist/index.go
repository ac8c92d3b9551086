package pushlist

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
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
type multiMap struct {
	one   map[string]int32
	multi [][]int32
}

func newMultiMap(n int) multiMap { return multiMap{one: make(map[string]int32, n)} }

func (m *multiMap) add(k string, i int32) {
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

func (m *multiMap) get(k string) []int32 {
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

// index holds the lookup keys of the registry and the units inside one
// scope, loaded in one scan of each table.
type index struct {
	people    []person
	byID      map[string]int32
	byPhone   multiMap
	byNameDOB multiMap
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
	rows, err := q.QueryContext(ctx, "SELECT code, name, level FROM units WHERE code >= $1 AND code < $2", lo, hi)
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
		ix.units[code] = u
		for _, name := range nameVariants(u.name) {
			// Names of two characters or fewer ("一组", "新村") say too little.
			if utf8.RuneCountInString(name) < 3 {
				continue
			}
			r, _ := utf8.DecodeRuneInString(name)
			switch u.level {
			case jurisdiction.LevelVillage:
				ix.villages[r] = append(ix.villages[r], placeName{name, code})
			case jurisdiction.LevelTownship:
				ix.townships[r] = append(ix.townships[r], placeName{name, code})
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM people WHERE unit_code >= $1 AND unit_code < $2", lo, hi).Scan(&n); err != nil {
		return nil, fmt.Errorf("count people: %w", err)
	}
	ix.people = make([]person, 0, n)
	ix.byID = make(map[string]int32, n)
	ix.byPhone = newMultiMap(n)
	ix.byNameDOB = newMultiMap(n)
	intern := map[string]string{}
	rows, err = q.QueryContext(ctx, `SELECT id, COALESCE(id_number, ''), name, birth_date, phone, unit_code FROM people
		WHERE unit_code >= $1 AND unit_code < $2 AND active = 1 AND merged_into IS NULL`, lo, hi)
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
		if idn != "" {
			ix.byID[idn] = i
			p.prefix = idn[:6]
		}
		if phone != "" {
			ix.byPhone.add(phone, i)
		}
		if birth != "" {
			ix.byNameDOB.add(p.name+"|"+birth, i)
		}
		ix.people = append(ix.people, p)
	}
	return ix, rows.Err()
}

// nameVariants are the names an address may use for a unit: 太平村委会 is
// also 太平村, 西街社区居委会 also 西街社区.
func nameVariants(name string) []string {
	out := []string{name}
	for _, suf := range [][2]string{{"社区居民委员会", "社区"}, {"社区居委会", "社区"}, {"村民委员会", "村"}, {"村委会", "村"}, {"居委会", "社区"}} {
		if base, ok := strings.CutSuffix(name, suf[0]); ok && base != "" {
			return append(out, base+suf[1])
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

// routeText finds a village (or, failing that, a township) for an address.
// It returns the unit code and how it was found, or "" when nothing fits.
func (ix *index) routeText(text string) (string, string) {
	if text == "" {
		return "", ""
	}
	vs := findPlaces(text, ix.villages)
	ts := findPlaces(text, ix.townships)
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
