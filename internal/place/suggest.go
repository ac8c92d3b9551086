package place

import (
	"sort"
	"strings"

	"fangkong/internal/jurisdiction"
)

// Suggest offers up to n places for text as it is being typed (郑州金 →
// 河南省 郑州市 金水区): the readings of the text, the places below its best
// reading whose names begin with the rest (金 → 金水区), and, when nothing
// matched yet, the places whose names begin with the text (郑 → 郑州市).
// Completions come without detail; the readings keep theirs.
func (r *Resolver) Suggest(s string, n int) []Candidate {
	if n <= 0 {
		return nil
	}
	t := prepare(s)
	if t.n() == 0 {
		return nil
	}
	if !r.Loaded() {
		return codeOnly(t.s).Candidates
	}
	var out []Candidate
	seen := map[string]bool{}
	add := func(c Candidate) bool {
		if k := c.Code + "|" + c.Detail; !seen[k] && len(out) < n {
			seen[k] = true
			out = append(out, c)
		}
		return len(out) < n
	}
	best := r.bestReadings(r.readings(t, 0))
	if len(best) > 1 {
		cs := make([]Candidate, len(best))
		for i, c := range best {
			cs[i] = r.candidate(c.code, "")
		}
		if r.prevails(cs) { // 西安雁 completes under 西安市 only
			best = best[:1]
		}
	}
	var partial []chain
	for _, c := range best {
		if c.detailFrom == t.n() {
			add(r.candidate(c.code, ""))
		} else {
			partial = append(partial, c)
		}
	}
	for _, c := range partial {
		if rest := t.sub(c.end, t.n()); rest != "" {
			r.complete(c.code, c.level, rest, add)
		}
	}
	if len(best) == 0 {
		r.byPrefix(t.s, add)
		// 南涝 → 南涝村 of 鄠邑区: villages anywhere, by the start of their name.
		if runes(t.s) >= 2 {
			r.villagesNamed(t.s, true, func(code string) bool { return add(r.candidate(code, "")) })
		}
	}
	for _, c := range partial {
		add(r.candidate(c.code, t.sub(c.detailFrom, t.n())))
	}
	return out
}

// SuggestNear is Suggest for a person at home (a division code): the
// places of home's county that the text names or begins (南涝 → 南涝村 of
// 鄠邑区, 甘亭 → 甘亭街道) come first.
func (r *Resolver) SuggestNear(s, home string, n int) []Candidate {
	if n <= 0 || len(home) < 6 || !r.Loaded() {
		return r.Suggest(s, n)
	}
	t, county := prepare(s), home[:6]
	var out []Candidate
	seen := map[string]bool{}
	add := func(c Candidate) bool {
		if k := c.Code + "|" + c.Detail; !seen[k] && len(out) < n {
			seen[k] = true
			out = append(out, c)
		}
		return len(out) < n
	}
	if _, ok := r.byCode[county]; ok && t.n() > 0 {
		for _, c := range r.near(t, county) {
			if c.detailFrom == t.n() || c.level == township && c.end == t.n() {
				add(r.candidate(c.code, ""))
			} else if rest := t.sub(c.end, t.n()); rest != "" {
				r.complete(c.code, c.level, rest, add)
			}
		}
		r.complete(county, jurisdiction.LevelCounty, t.s, add)
	}
	for _, c := range r.Suggest(s, n) {
		add(c)
	}
	return out
}

// complete offers the places one or two levels below code whose full or
// short names begin with prefix.
func (r *Resolver) complete(code string, level int, prefix string, add func(Candidate) bool) {
	for lv := level + 1; lv <= min(level+2, village); lv++ {
		if lv == village {
			more := true
			r.eachVillage(code, func(tail, name string) bool {
				if strings.HasPrefix(name, prefix) {
					more = add(r.candidate(code[:6]+tail, ""))
				}
				return more
			})
			if !more {
				return
			}
			continue
		}
		for _, nd := range r.under(lv, code) {
			if placeholders[nd.name] {
				continue
			}
			if strings.HasPrefix(jurisdiction.Simplified(nd.name), prefix) || nd.short != "" && strings.HasPrefix(nd.short, prefix) {
				if !add(r.candidate(nd.code, "")) {
					return
				}
			}
		}
	}
}

// byPrefix offers the indexed places whose names begin with prefix, upper
// levels first.
func (r *Resolver) byPrefix(prefix string, add func(Candidate) bool) {
	i := sort.SearchStrings(r.keys, prefix)
	var found []int32
	for ; i < len(r.keys) && strings.HasPrefix(r.keys[i], prefix) && len(found) < 200; i++ {
		found = append(found, r.byName[r.keys[i]]...)
	}
	sort.Slice(found, func(a, b int) bool {
		na, nb := r.nodes[found[a]], r.nodes[found[b]]
		if na.level != nb.level {
			return na.level < nb.level
		}
		return na.code < nb.code
	})
	for _, i := range found {
		if !add(r.candidate(r.nodes[i].code, "")) {
			return
		}
	}
}
