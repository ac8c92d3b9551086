package registry

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
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

// searchText is a search as typed, the way it is compared: in half-width
// characters (８组１号 → 8组1号) and without spaces (苏 天华 → 苏天华,
// an ID number typed in groups of digits).
func searchText(q string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, personal.Halfwidth(q))
}

// nameForms are the forms a name is looked for in: as typed and, when it
// has traditional characters, folded to simplified ones (蘇天華 → 苏天华;
// jurisdiction's fold table) — the register keeps names as they were
// entered, mostly simplified.
func nameForms(q string) []string {
	if simple := jurisdiction.Simplified(q); simple != q {
		return []string{simple, q}
	}
	return []string{q}
}

// addressKey is an address (or a search in addresses) as it is compared:
// half-width, without spaces or separators, in simplified characters, and
// with Chinese numerals up to 99 as digits — 南涝村八组一号, 南涝村8组1号
// and 南涝村 8组 1号 are all 南涝村8组1号.
func addressKey(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune("-—_·・,，、", r) {
			return -1
		}
		return r
	}, personal.Halfwidth(s))
	return foldNumerals(jurisdiction.Simplified(s))
}

var numeralDigits = map[rune]int{'〇': 0, '零': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// foldNumerals writes each run of Chinese numerals as digits: 八 → 8,
// 十 → 10, 十二 → 12, 二十 → 20, 九十九 → 99, 一〇一 → 101 (digit by
// digit when there is no 十). A run it cannot read (十十) is left as it is.
func foldNumerals(s string) string {
	if strings.IndexFunc(s, isNumeral) < 0 {
		return s
	}
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if !isNumeral(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && isNumeral(rs[j]) {
			j++
		}
		if n, ok := numeralValue(rs[i:j]); ok {
			b.WriteString(n)
		} else {
			b.WriteString(string(rs[i:j]))
		}
		i = j
	}
	return b.String()
}

func isNumeral(r rune) bool {
	_, ok := numeralDigits[r]
	return ok || r == '十'
}

// numeralValue reads a run of Chinese numerals (foldNumerals).
func numeralValue(run []rune) (string, bool) {
	ten := -1
	for i, r := range run {
		if r == '十' {
			if ten >= 0 {
				return "", false
			}
			ten = i
		}
	}
	if ten < 0 {
		var b strings.Builder
		for _, r := range run {
			b.WriteByte(byte('0' + numeralDigits[r]))
		}
		return b.String(), true
	}
	if ten > 1 || len(run)-ten > 2 {
		return "", false
	}
	tens, ones := 1, 0
	if ten == 1 {
		if tens = numeralDigits[run[0]]; tens == 0 {
			return "", false
		}
	}
	if ten+1 < len(run) {
		if ones = numeralDigits[run[ten+1]]; ones == 0 {
			return "", false
		}
	}
	return strconv.Itoa(tens*10 + ones), true
}

// containsKey reports whether the address key hay holds the search key
// needle, not inside a longer number: 8组1号 is in 南涝村8组1号, not in
// 南涝村8组11号 nor 南涝村18组1号.
func containsKey(hay, needle string) bool {
	isDigit := func(b byte) bool { return b >= '0' && b <= '9' }
	for from := 0; from+len(needle) <= len(hay); {
		i := strings.Index(hay[from:], needle)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(needle)
		if !(isDigit(needle[0]) && i > 0 && isDigit(hay[i-1])) && !(isDigit(needle[len(needle)-1]) && end < len(hay) && isDigit(hay[end])) {
			return true
		}
		from = i + 1
	}
	return false
}

// addressScanMax is the most households whose addresses a search reads
// to match them by substring: a large township's (甘亭街道: 31,000).
const addressScanMax = 60000

// addressMatches are the households of scope whose address holds q
// (addressKey, containsKey): 八组1号, 8组1号 or 八组一号 for 南涝村八组1号.
// No index serves a substring, so the addresses are read and compared
// here — only for a village or township scope (a few thousand to 31,000
// households), never for a county's 180,000 per search: a county user's
// search is narrowed to the village it begins with (南涝村8组1号 reads
// 南涝村's households only), and one naming none matches addresses by
// their start only (on the index, Households). ok is false when no
// addresses were read.
func (s *Service) addressMatches(ctx context.Context, scope jurisdiction.Scope, q string) (ids []int64, ok bool, err error) {
	key := addressKey(q)
	if utf8.RuneCountInString(key) < 2 || scope.IsSystem() || scope.IsZero() {
		return nil, false, nil
	}
	scopes := []jurisdiction.Scope{scope}
	if jurisdiction.LevelOfCode(scope.Code()) < jurisdiction.LevelTownship {
		if scopes, err = s.villagesNamedIn(ctx, scope, key); err != nil || len(scopes) == 0 {
			return nil, false, err
		}
	}
	for _, sc := range scopes {
		lo, hi := sc.Args()
		rows, err := s.db.R().QueryContext(ctx, "SELECT id, address FROM households h WHERE "+sc.Where("h.unit_code", 1)+
			fmt.Sprintf(" AND address <> '' LIMIT %d", addressScanMax), lo, hi)
		if err != nil {
			return nil, false, fmt.Errorf("household addresses: %w", err)
		}
		for rows.Next() {
			var id int64
			var address string
			if err := rows.Scan(&id, &address); err != nil {
				rows.Close()
				return nil, false, err
			}
			if containsKey(addressKey(address), key) {
				ids = append(ids, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, false, err
		}
	}
	return ids, true, nil
}

// villagesNamedIn are the villages of a county (or wider) scope whose
// name, or the name as people say it (南涝村 for 南涝村村委会, 西街社区 for
// 西街社区居委会), begins the address key: at most three, each as a scope.
func (s *Service) villagesNamedIn(ctx context.Context, scope jurisdiction.Scope, key string) ([]jurisdiction.Scope, error) {
	lo, hi := scope.Args()
	rows, err := s.db.R().QueryContext(ctx, "SELECT code, name FROM units WHERE "+scope.Where("code", 1)+" AND level = $3",
		lo, hi, jurisdiction.LevelVillage)
	if err != nil {
		return nil, fmt.Errorf("villages: %w", err)
	}
	defer rows.Close()
	var out []jurisdiction.Scope
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			return nil, err
		}
		for _, n := range []string{name, strings.TrimSuffix(strings.TrimSuffix(name, "村委会"), "居委会"), strings.TrimSuffix(name, "委会")} {
			if utf8.RuneCountInString(n) >= 2 && strings.HasPrefix(key, addressKey(n)) {
				if sc, err := scope.Narrow(code); err == nil && len(out) < 3 {
					out = append(out, sc)
				}
				break
			}
		}
	}
	return out, rows.Err()
}
