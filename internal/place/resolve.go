package place

import (
	"slices"
	"strings"
	"unicode"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

const (
	province = jurisdiction.LevelProvince
	county   = jurisdiction.LevelCounty
	township = jurisdiction.LevelTownship
	village  = jurisdiction.LevelVillage
)

// separators are dropped from typed text before matching.
const separators = ",，、.。·・-—–_/\\|()（）[]【】<>《》:：;；\"'“”‘’#~"

// text is a typed place after normalisation, addressed by character.
type text struct {
	s   string
	off []int // byte offset of each character, and len(s) at the end
}

func prepare(s string) text {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune(separators, r) {
			return -1
		}
		return r
	}, jurisdiction.Simplified(personal.Halfwidth(s)))
	s = committee.Replace(s)
	for _, p := range []string{"中华人民共和国", "中国"} {
		s = strings.TrimPrefix(s, p)
	}
	t := text{s: s}
	for i := range s {
		t.off = append(t.off, i)
	}
	t.off = append(t.off, len(s))
	return t
}

func (t text) n() int                     { return len(t.off) - 1 }
func (t text) sub(i, j int) string        { return t.s[t.off[i]:t.off[j]] }
func (t text) hasAt(i int, w string) bool { return strings.HasPrefix(t.s[t.off[i]:], w) }
func (t text) digitAt(i int) bool         { c := t.s[t.off[i]]; return c >= '0' && c <= '9' }

// chain is one reading of the text: places matched one below the other.
type chain struct {
	code       string // deepest place matched
	level      int
	matched    int // characters read as names or codes
	steps      int
	start      int // character where the first place begins (> 0: text skipped)
	end        int // character after the last place
	detailFrom int // character where the detail begins
}

// score ranks readings: the most text read as places, then the most levels.
func (c chain) score() int { return c.matched*8 + c.steps }

// readings lists every reading that starts at character start.
func (r *Resolver) readings(t text, start int) []chain {
	var out []chain
	r.extend(t, chain{start: start, end: start, detailFrom: start}, &out)
	return out
}

// extend adds c (when it matched anything) and every reading that goes on
// from it with a place below it: a code, a full or short name, a
// township's short name under its county (余下 for 余下镇, kept in the
// detail as typed), a village under its county or township.
func (r *Resolver) extend(t text, c chain, out *[]chain) {
	if c.steps > 0 {
		*out = append(*out, c)
	}
	pos := c.end
	if pos >= t.n() || c.level >= village {
		return
	}
	// swallowed is a county ending typed after a short name that is not
	// the county's own (高陵县 for 高陵区): read with the name, not counted.
	next := func(code string, level, end, swallowed int, short bool) {
		n := c
		n.code, n.level, n.matched, n.steps, n.end, n.detailFrom = code, level, c.matched+end-swallowed-pos, c.steps+1, end, end
		if short {
			n.detailFrom = pos
		}
		r.extend(t, n, out)
	}
	if t.digitAt(pos) {
		j := pos
		for j < t.n() && t.digitAt(j) {
			j++
		}
		code := t.sub(pos, j)
		if lv := jurisdiction.LevelOfCode(code); lv > c.level && lv <= village && strings.HasPrefix(code, c.code) && r.known(code) {
			next(code, lv, j, 0, false)
		}
		return
	}
	for j := min(t.n(), pos+r.maxRunes); j >= pos+2; j-- {
		key := t.sub(pos, j)
		for _, i := range r.byName[key] {
			if nd := &r.nodes[i]; int(nd.level) > c.level && strings.HasPrefix(nd.code, c.code) {
				if nd.level == county && key == nd.short && j < t.n() && strings.Contains("县区市旗", t.sub(j, j+1)) {
					next(nd.code, county, j+1, 1, false)
				} else {
					next(nd.code, int(nd.level), j, 0, false)
				}
			}
		}
	}
	switch c.level {
	case county:
		for _, nd := range r.under(township, c.code) {
			if nd.short != "" && t.hasAt(pos, nd.short) && !t.hasAt(pos, jurisdiction.Simplified(nd.name)) {
				next(nd.code, township, pos+runes(nd.short), 0, true)
			}
		}
		fallthrough
	case township:
		r.eachVillage(c.code, func(tail, name string) bool {
			if runes(name) >= 2 && t.hasAt(pos, name) {
				next(c.code[:6]+tail, village, pos+runes(name), 0, false)
			}
			return true
		})
	}
}

// maxLoose bounds the villages of one name a loose reading lists.
const maxLoose = 200

// loose lists the readings of a text that names no province, city or
// county, as a township or village of anywhere named by its own name
// (甘亭, 南涝村, 涝店南涝村). There are often several, and even one is
// only a guess: a person confirms it (Result.Fuzzy), or a caller that
// knows where the person is reads it there (ResolveNear).
func (r *Resolver) loose(t text) []chain {
	var out []chain
	for j := min(t.n(), 40); j >= 2; j-- {
		// A township's short name is a weak sign: only when it is all that
		// was typed (甘亭) or a village of it follows (涝店南涝村), not
		// 火星 of 火星基地 or 火星市.
		for _, i := range r.townShort[t.sub(0, j)] {
			var found []chain
			r.extend(t, chain{code: r.nodes[i].code, level: township, matched: j, steps: 1, end: j, detailFrom: j}, &found)
			for _, c := range found {
				if c.end == t.n() || c.level == village {
					out = append(out, c)
				}
			}
		}
		n := 0
		r.villagesNamed(t.sub(0, j), false, func(code string) bool {
			out = append(out, chain{code: code, level: village, matched: j, steps: 1, end: j, detailFrom: j})
			n++
			return n < maxLoose
		})
	}
	return out
}

// Resolve reads a typed place. See Result.
func (r *Resolver) Resolve(s string) Result {
	t := prepare(s)
	if t.n() == 0 {
		return Result{}
	}
	if !r.Loaded() {
		return codeOnly(t.s)
	}
	chains := r.readings(t, 0)
	for start := 1; len(chains) == 0 && start < t.n()-1; start++ {
		if !t.digitAt(start) || !t.digitAt(start-1) { // not inside a number
			chains = r.readings(t, start)
		}
	}
	loose := false
	if len(chains) == 0 {
		chains, loose = r.loose(t), true
	}
	return r.result(t, r.bestReadings(chains), loose)
}

// ResolveNear is Resolve for a person who is at home (a division code: a
// village, township or county): a text that Resolve cannot settle is read
// under home's county too, so that 南涝村 or 甘亭 typed in 鄠邑区 is the
// village or township of 鄠邑区 — clear when only one there fits, asked
// among those when several do.
func (r *Resolver) ResolveNear(s, home string) Result {
	res := r.Resolve(s)
	if _, ok := res.Resolved(); ok || len(home) < 6 {
		return res
	}
	if best := r.near(prepare(s), home[:6]); len(best) > 0 {
		return r.result(prepare(s), best, false)
	}
	return res
}

// near lists the best readings of t under a county.
func (r *Resolver) near(t text, county string) []chain {
	if _, ok := r.byCode[county]; !ok || t.n() == 0 {
		return nil
	}
	var chains []chain
	r.extend(t, chain{code: county, level: jurisdiction.LevelCounty}, &chains)
	return r.bestReadings(chains)
}

// result is the Result of the best readings; loose ones need confirming.
func (r *Resolver) result(t text, best []chain, loose bool) Result {
	if len(best) == 0 {
		return Result{}
	}
	res := Result{Total: len(best), Fuzzy: loose}
	codes := make([]string, 0, len(best))
	for _, c := range best {
		codes = append(codes, c.code)
		res.Candidates = append(res.Candidates, r.candidate(c.code, t.sub(c.detailFrom, t.n())))
		res.Fuzzy = res.Fuzzy || c.start > 0 || doubtfulDetail(t, c)
	}
	res.common = commonCode(codes)
	if loose { // a guess: nothing of it is certain
		res.common = ""
	}
	res.clear = r.prevails(res.Candidates)
	res.Candidates = res.Candidates[:min(len(res.Candidates), MaxCandidates)]
	return res
}

// prevails reports whether the first of the readings (in bestReadings'
// order) is the one a person who typed the name means: the only one, or
// the only one at the highest level while every other is smaller even
// counting a municipality's district as a city (西安 is 西安市, not 辽源
// or 牡丹江's 西安区; 河南 is the province, not 青海's 河南县; but 朝阳 may
// be 北京's 朝阳区 as well as 辽宁's 朝阳市, and 朝阳区 is in 北京 and in
// 长春: those are asked).
func (r *Resolver) prevails(cs []Candidate) bool {
	if len(cs) == 0 {
		return false
	}
	top := cs[0].Level
	for _, c := range cs[1:] {
		if c.Level <= top || len(c.Names) <= top {
			return false
		}
	}
	return true
}

// bestReadings keeps the readings with the top score, one per code, and
// drops a place that is only the same-named parent of another (东莞市, the
// city, above 东莞市, its one county); the bigger places come first.
func (r *Resolver) bestReadings(chains []chain) []chain {
	top := -1
	for _, c := range chains {
		top = max(top, c.score())
	}
	var best []chain
	for _, c := range chains {
		if c.score() == top && !slices.ContainsFunc(best, func(b chain) bool { return b.code == c.code }) {
			best = append(best, c)
		}
	}
	best = slices.DeleteFunc(best, func(p chain) bool {
		return slices.ContainsFunc(best, func(c chain) bool {
			return len(c.code) > len(p.code) && strings.HasPrefix(c.code, p.code) && r.name(c.code) == r.name(p.code)
		})
	})
	slices.SortFunc(best, func(a, b chain) int {
		if a.level != b.level {
			return a.level - b.level
		}
		return strings.Compare(a.code, b.code)
	})
	return best
}

// name is the name of a province, city, county or township code.
func (r *Resolver) name(code string) string {
	if i, ok := r.byCode[code]; ok {
		return r.nodes[i].name
	}
	return ""
}

// doubtfulDetail: a reading that stops above the county while the rest of
// the text looks like a county (北京 + 朝杨区, 陕西 + 户县) or a code that
// does not fit (北京 + 610113) found the wrong place or too little of it.
func doubtfulDetail(t text, c chain) bool {
	if c.level >= county || c.detailFrom >= t.n() {
		return false
	}
	if t.digitAt(c.detailFrom) {
		return true
	}
	for i := c.detailFrom + 1; i < min(t.n(), c.detailFrom+5); i++ {
		if w := t.sub(i, i+1); w == "区" || w == "县" || w == "旗" {
			return true
		}
	}
	return false
}

// candidate describes one reading.
func (r *Resolver) candidate(code, detail string) Candidate {
	return Candidate{Code: code, Level: jurisdiction.LevelOfCode(code), Names: r.names(code), Detail: detail}
}

// codeOnly is Resolve without names: a bare code is its own place.
func codeOnly(s string) Result {
	if allDigits(s) && validCodeLen(len(s)) {
		return Result{Candidates: []Candidate{{Code: s, Level: jurisdiction.LevelOfCode(s)}}, Total: 1, common: s, clear: true}
	}
	return Result{}
}
