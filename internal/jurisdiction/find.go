package jurisdiction

import (
	"context"
	"strconv"
	"strings"
	"unicode"

	"fangkong/internal/errs"
	"fangkong/internal/personal"
)

// unitSuffixes are the endings people leave off a unit's name: "南涝村"
// for 南涝村村委会, "西街" for 西街社区居委会, "甘亭" for 甘亭街道.
var unitSuffixes = []string{"村民委员会", "居民委员会", "社区居委会", "村委会", "居委会", "街道办事处", "街道", "社区", "镇", "乡", "村"}

// Find resolves a unit typed by a person inside scope: a division code, a
// full name ("南涝村村委会"), the name without its usual ending ("南涝村",
// "甘亭"), with its township or county in front ("涝店南涝村") or behind in
// brackets as this system writes it ("朝阳社区居委会（甘亭街道）"), in
// traditional characters ("韓村"), or with the township's old ending
// ("草堂镇" for 草堂街道); a group (村民小组, 小区) after its village
// ("南涝村八组", "南涝村8组", "涝店街道南涝村第八组", "西街社区滨河花园", or
// "八组" alone where it names one group). field names the form field in
// the error. A name that fits several units asks which one, naming each
// with its parent as it may be typed (a group with its village, never by
// its code); one that fits none says so.
func (s *Store) Find(ctx context.Context, scope Scope, field, text string) (Unit, error) {
	text = unitText(text)
	if text == "" {
		return Unit{}, errs.Invalidf(field, "请填写单位名称或代码")
	}
	if isDigits(text) {
		u, err := s.Get(ctx, scope, text)
		if err != nil {
			return Unit{}, errs.Invalidf(field, "代码 %s 不存在或不在您的辖区内", text)
		}
		return u, nil
	}
	u, err := s.find(ctx, scope, field, text)
	if simple := Simplified(text); err != nil && simple != text {
		// Unit names are stored as the national files spell them, a few
		// with a traditional character (濛江乡): the text as typed first.
		return s.find(ctx, scope, field, simple)
	}
	return u, err
}

// unitText is a typed unit name without spaces and separators, in
// half-width characters, and with a parent in brackets put in front:
// "朝阳社区居委会（甘亭街道）" → "甘亭街道朝阳社区居委会".
func unitText(text string) string {
	text = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune(",，、·・-—_/\\|", r) {
			return -1
		}
		return r
	}, personal.Halfwidth(text))
	text = strings.NewReplacer("（", "(", "）", ")", "【", "(", "】", ")", "[", "(", "]", ")").Replace(text)
	if name, rest, ok := strings.Cut(text, "("); ok {
		if parent, after, ok := strings.Cut(rest, ")"); ok && after == "" && parent != "" && name != "" {
			return parent + name
		}
	}
	return text
}

// townshipEndings and villageEndings tell the level a typed name means:
// "草堂镇" is the township 草堂街道 (once 草堂镇), not 草堂镇社区居委会.
var (
	townshipEndings = []string{"街道办事处", "办事处", "街道", "镇", "乡"}
	villageEndings  = []string{"村民委员会", "居民委员会", "社区居委会", "村委会", "居委会", "社区", "村"}
)

// typedLevel is the level a name's ending says, 0 when it says none.
func typedLevel(text string) int {
	for _, e := range villageEndings {
		if strings.HasSuffix(text, e) {
			return LevelVillage
		}
	}
	for _, e := range townshipEndings {
		if strings.HasSuffix(text, e) {
			return LevelTownship
		}
	}
	return 0
}

func (s *Store) find(ctx context.Context, scope Scope, field, text string) (Unit, error) {
	u, many, err := s.match(ctx, scope, field, text)
	if err != nil || u.Code != "" {
		return u, err
	}
	if len(many) == 0 {
		// Not a township or village: a group typed with its village
		// (南涝村八组, 西街社区滨河花园) or alone (八组).
		if g, ok, err := s.findGroup(ctx, scope, field, text); ok || err != nil {
			return g, err
		}
		return Unit{}, errs.Invalidf(field, "辖区内没有名为“%s”的单位，请核对名称，或在前面写上所属镇街（如 甘亭街道西街社区）", text)
	}
	// Each one as it may be typed: with its parent in front.
	names := make([]string, 0, len(many))
	seen := map[string]int{}
	for _, u := range many[:min(len(many), 6)] {
		name := u.Name
		if p, err := s.Get(ctx, scope, u.ParentCode); err == nil && p.Level >= LevelCounty {
			name = p.Name + u.Name
		} else if up, err := s.Path(ctx, u.ParentCode); err == nil && len(up) > 0 && up[len(up)-1].Level >= LevelCounty {
			name = up[len(up)-1].Name + u.Name
		}
		names = append(names, name)
		seen[name]++
	}
	for i, u := range many[:len(names)] {
		if seen[names[i]] > 1 { // two of one name under one parent: only the code tells them apart
			names[i] += "（" + u.Code + "）"
		}
	}
	more := ""
	if len(many) > len(names) {
		more = "等"
	}
	return Unit{}, errs.Invalidf(field, "“%s”有%d个单位，请写明是哪一个：%s%s", text, len(many), strings.Join(names, "、"), more)
}

// match reads text as a township or village (or a unit above them) of
// scope: the one unit it names, or else the units it fits (none when it
// names none). err is a database error only.
func (s *Store) match(ctx context.Context, scope Scope, field, text string) (Unit, []Unit, error) {
	stem := stripUnitSuffix(text)
	lo, hi := scope.Args()
	cands, err := s.query(ctx, "SELECT "+unitColumns+" FROM units WHERE "+scope.Where("code", 1)+
		" AND level <= 5 AND (name = $3 OR name LIKE $4) ORDER BY level, code LIMIT 50", lo, hi, text, likePrefix(stem))
	if err != nil {
		return Unit{}, nil, err
	}
	var exact, fits []Unit
	for _, u := range cands {
		switch {
		case u.Name == text:
			exact = append(exact, u)
		case stripUnitSuffix(u.Name) == stem:
			fits = append(fits, u)
		}
	}
	if len(exact) == 1 {
		return exact[0], nil, nil
	}
	if len(exact) == 0 && len(fits) == 1 {
		return fits[0], nil, nil
	}
	if len(exact) == 0 {
		// "余下镇" is the township 余下街道 rather than 余下村: the one
		// at the level the typed ending says.
		if lv := typedLevel(text); lv != 0 {
			var at []Unit
			for _, u := range fits {
				if u.Level == lv {
					at = append(at, u)
				}
			}
			if len(at) == 1 {
				return at[0], nil, nil
			}
		}
		// "西街社区" means 西街社区居委会 rather than 西街村委会: the one
		// whose name goes on from what was typed.
		var longer []Unit
		for _, u := range fits {
			if strings.HasPrefix(u.Name, text) && text != stem {
				longer = append(longer, u)
			}
		}
		if len(longer) == 1 {
			return longer[0], nil, nil
		}
	}
	// A name given with its county or township in front ("鄠邑区甘亭街道西街
	// 社区", "甘亭西街社区") is looked for under them.
	if u, ok := s.findQualified(ctx, scope, field, text); ok {
		return u, nil, nil
	}
	return Unit{}, append(exact, fits...), nil
}

// findQualified strips from the front of text the names (or short names)
// of the scope's ancestors and of the townships in it, narrowing the scope
// to each township named, and finds what is left there. ok is false when
// nothing was stripped or what is left is not one unit.
func (s *Store) findQualified(ctx context.Context, scope Scope, field, text string) (Unit, bool) {
	lo, hi := scope.Args()
	prefixes, err := s.query(ctx, "SELECT "+unitColumns+" FROM units WHERE "+scope.Where("code", 1)+" AND level <= $3 ORDER BY code LIMIT 200",
		lo, hi, LevelTownship)
	if err != nil {
		return Unit{}, false
	}
	if up, err := s.Path(ctx, scope.Code()); err == nil {
		for _, u := range up {
			if u.Level <= LevelTownship {
				prefixes = append(prefixes, u)
			}
		}
	}
	// Each name in front is taken off in turn and the rest found under it;
	// the rest may name more (鄠邑区 + 甘亭街道西街社区). Taking off all
	// that fits at once would read 余下镇余下村 as 余下镇 + 余下 + 村.
	for _, p := range prefixes {
		// 蒋村 for 蒋村街道: one ending off, before all (蒋).
		for _, name := range append([]string{p.Name, stripOneSuffix(p.Name), stripUnitSuffix(p.Name)}, formerNames[p.Code]...) {
			rest, ok := strings.CutPrefix(text, name)
			if !ok || rest == "" || name == "" {
				continue
			}
			narrowed := scope
			if n, err := scope.Narrow(p.Code); err == nil {
				narrowed = n
			}
			if u, err := s.Find(ctx, narrowed, field, rest); err == nil {
				return u, true
			}
			break
		}
	}
	return Unit{}, false
}

// stripOneSuffix is name without its last usual ending: 蒋村 for 蒋村街道.
func stripOneSuffix(name string) string {
	for _, suf := range unitSuffixes {
		if s, ok := strings.CutSuffix(name, suf); ok && s != "" {
			return s
		}
	}
	return name
}

func stripUnitSuffix(name string) string {
	for _, suf := range unitSuffixes {
		if s, ok := strings.CutSuffix(name, suf); ok && s != "" {
			return stripUnitSuffix(s)
		}
	}
	return name
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// likePrefix is a LIKE pattern for names starting with s (%, _ escaped
// away: unit names have neither).
func likePrefix(s string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(s) + "%"
}

// Groups (村民小组, 小区) are typed with their village in front, as people
// say them: 南涝村八组, 南涝村 8组, 涝店街道南涝村第八组, 西街社区滨河花园;
// or alone (八组), which names one group only inside a village. A numbered
// group's number is read in Arabic or Chinese numerals, 1 to 99, with or
// without 第, ending in 组, 队 (the old 生产队), 小组 or 村民小组.

// groupEndings end the name of a numbered group, longest first.
var groupEndings = []string{"村民小组", "生产队", "小组", "组", "队"}

// chineseDigits are the Chinese numerals of group numbers, by value.
var chineseDigits = map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// groupSplit is one reading of a typed text as a numbered group: the text
// before the number (the village, township or nothing) and the number.
type groupSplit struct {
	before string
	n      int
}

// numberedSplits are the readings of text as ending in a numbered group,
// the longest number first: 南涝村十八组 is 南涝村 + 18, or 南涝村十 + 8.
func numberedSplits(text string) []groupSplit {
	end := ""
	for _, e := range groupEndings {
		if strings.HasSuffix(text, e) {
			end = e
			break
		}
	}
	if end == "" {
		return nil
	}
	rs := []rune(strings.TrimSuffix(text, end))
	var out []groupSplit
	for k := max(0, len(rs)-3); k < len(rs); k++ {
		if n, ok := groupNumeral(rs[k:]); ok {
			out = append(out, groupSplit{strings.TrimSuffix(string(rs[:k]), "第"), n})
		}
	}
	return out
}

// groupNumber is the number of a numbered group's name (八组, 8组, 第八组,
// 八队, 第三村民小组), ok false for another name (滨河花园, 3号院).
func groupNumber(name string) (int, bool) {
	for _, sp := range numberedSplits(name) {
		if sp.before == "" {
			return sp.n, true
		}
	}
	return 0, false
}

// groupNumeral reads a group number from 1 to 99 in Arabic digits (8, 08,
// 18) or Chinese numerals (八, 十, 十八, 二十, 九十九).
func groupNumeral(rs []rune) (int, bool) {
	if len(rs) == 0 || len(rs) > 3 {
		return 0, false
	}
	if rs[0] >= '0' && rs[0] <= '9' {
		if len(rs) > 2 {
			return 0, false
		}
		n := 0
		for _, r := range rs {
			if r < '0' || r > '9' {
				return 0, false
			}
			n = n*10 + int(r-'0')
		}
		return n, n >= 1
	}
	ten := -1
	for i, r := range rs {
		if r == '十' {
			if ten >= 0 {
				return 0, false
			}
			ten = i
		} else if chineseDigits[r] == 0 {
			return 0, false
		}
	}
	switch {
	case ten < 0 && len(rs) == 1: // 八
		return chineseDigits[rs[0]], true
	case ten == 0 && len(rs) <= 2: // 十, 十八
		if len(rs) == 1 {
			return 10, true
		}
		return 10 + chineseDigits[rs[1]], true
	case ten == 1: // 二十, 九十九
		n := chineseDigits[rs[0]] * 10
		if len(rs) == 3 {
			n += chineseDigits[rs[2]]
		}
		return n, true
	}
	return 0, false
}

// chineseNumber writes 1 to 99 in Chinese numerals: 八, 十八, 二十, 九十九.
func chineseNumber(n int) string {
	d := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return d[n]
	case n < 20:
		return "十" + d[n%10]
	}
	return d[n/10] + "十" + d[n%10]
}

// groupNames are the names a group numbered n may have in the tree: 八组,
// 8组, 08组, 第八组, 八队, 第8小组, 第八村民小组 …
func groupNames(n int) []string {
	nums := []string{chineseNumber(n), strconv.Itoa(n)}
	if n < 10 {
		nums = append(nums, "0"+strconv.Itoa(n))
	}
	var out []string
	for _, pre := range []string{"", "第"} {
		for _, num := range nums {
			for _, e := range groupEndings {
				out = append(out, pre+num+e)
			}
		}
	}
	return out
}

// listingGroups marks the context of the look-ups that name the groups of
// a question, so that they ask no question themselves.
type listingGroups struct{}

// findGroup reads text as a group of scope (text has no township or
// village reading). ok is false when no group of that name is in scope
// (or none under the village typed in front); otherwise the group, or a
// question naming each group that fits by its village and name as it may
// be typed back, never by its code.
func (s *Store) findGroup(ctx context.Context, scope Scope, field, text string) (Unit, bool, error) {
	splits := numberedSplits(text)
	// The group's name as it stands at the end of text (滨河花园,
	// 南涝村八组 as a whole) or, for a numbered group, as it may be stored.
	var names []string
	rs := []rune(text)
	for i := max(0, len(rs)-20); i <= len(rs)-2; i++ {
		names = append(names, string(rs[i:]))
	}
	for _, sp := range splits {
		names = append(names, groupNames(sp.n)...)
	}
	if len(names) == 0 {
		return Unit{}, false, nil
	}
	lo, hi := scope.Args()
	args := []any{lo, hi, LevelGroup}
	seen := map[string]bool{}
	ph := make([]string, 0, len(names))
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			args = append(args, n)
			ph = append(ph, "$"+strconv.Itoa(len(args)))
		}
	}
	hits, err := s.query(ctx, "SELECT "+unitColumns+" FROM units WHERE "+scope.Where("code", 1)+
		" AND level = $3 AND name IN ("+strings.Join(ph, ", ")+") ORDER BY code LIMIT 500", args...)
	if err != nil {
		return Unit{}, false, err
	}
	// Each group found is kept when what was typed before its name is
	// nothing, or names its village (or the township or county above it).
	above := map[string][]Unit{}
	var groups []Unit
	for _, g := range hits {
		var befores []string
		if b, ok := strings.CutSuffix(text, g.Name); ok {
			befores = append(befores, b)
		}
		if n, ok := groupNumber(g.Name); ok {
			for _, sp := range splits {
				if sp.n == n {
					befores = append(befores, sp.before)
				}
			}
		}
	next:
		for _, b := range befores {
			if b == "" {
				groups = append(groups, g)
				break
			}
			units, ok := above[b]
			if !ok {
				u, many, err := s.match(ctx, scope, field, b)
				if err != nil {
					return Unit{}, false, err
				}
				if u.Code != "" {
					many = []Unit{u}
				}
				above[b], units = many, many
			}
			for _, u := range units {
				if u.Code != g.Code && strings.HasPrefix(g.Code, u.Code) {
					groups = append(groups, g)
					break next
				}
			}
		}
	}
	switch {
	case len(groups) == 0:
		return Unit{}, false, nil
	case len(groups) == 1:
		return groups[0], true, nil
	}
	more := ""
	if len(groups) > 6 {
		more = "等"
	}
	if ctx.Value(listingGroups{}) != nil {
		return Unit{}, true, errs.Invalidf(field, "“%s”有%d个单位，请写明是哪一个", text, len(groups))
	}
	listed := make([]string, 0, 6)
	for _, g := range groups[:min(len(groups), 6)] {
		listed = append(listed, s.groupTypedName(ctx, scope, field, g))
	}
	return Unit{}, true, errs.Invalidf(field, "“%s”有%d个单位，请写明是哪一个：%s%s", text, len(groups), strings.Join(listed, "、"), more)
}

// groupTypedName is a group's name as it may be typed to find it: after
// its village as people say it (南涝村八组, 西街社区滨河花园) when that
// names the village alone, else with the township in front too
// (甘亭街道韩村一组).
func (s *Store) groupTypedName(ctx context.Context, scope Scope, field string, g Unit) string {
	path, err := s.Path(ctx, g.ParentCode)
	if err != nil || len(path) == 0 || path[len(path)-1].Level != LevelVillage {
		return g.Name
	}
	village := path[len(path)-1]
	ctx = context.WithValue(ctx, listingGroups{}, true)
	forms := []string{village.Name}
	if short := spokenVillage(village.Name); short != "" {
		forms = []string{short, village.Name}
	}
	if len(path) > 1 && path[len(path)-2].Level == LevelTownship {
		for _, f := range forms { // the forms so far, each with the township in front
			forms = append(forms, path[len(path)-2].Name+f)
		}
	}
	for _, f := range forms {
		if u, _, err := s.match(ctx, scope, field, f); err == nil && u.Code == village.Code {
			return f + g.Name
		}
	}
	return forms[len(forms)-1] + g.Name
}

// spokenVillage is a village's name as people say it: 南涝村 for 南涝村村委会,
// 余下村 for 余下村委会, 西街社区 for 西街社区居委会; "" when it has no
// committee ending.
func spokenVillage(name string) string {
	for _, e := range []string{"村民委员会", "村委会"} {
		if base, ok := strings.CutSuffix(name, e); ok && base != "" {
			if strings.HasSuffix(base, "村") {
				return base
			}
			return base + "村"
		}
	}
	for _, e := range []string{"居民委员会", "居委会"} {
		if base, ok := strings.CutSuffix(name, e); ok && strings.HasSuffix(base, "社区") && base != "社区" {
			return base
		}
	}
	return ""
}
