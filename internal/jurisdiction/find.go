package jurisdiction

import (
	"context"
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
// ("草堂镇" for 草堂街道). field names the form field in the error. A name
// that fits several units asks which one, naming each with its parent as
// it may be typed; one that fits none says so.
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
	stem := stripUnitSuffix(text)
	lo, hi := scope.Args()
	cands, err := s.query(ctx, "SELECT "+unitColumns+" FROM units WHERE "+scope.Where("code", 1)+
		" AND level <= 5 AND (name = $3 OR name LIKE $4) ORDER BY level, code LIMIT 50", lo, hi, text, likePrefix(stem))
	if err != nil {
		return Unit{}, err
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
		return exact[0], nil
	}
	if len(exact) == 0 && len(fits) == 1 {
		return fits[0], nil
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
				return at[0], nil
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
			return longer[0], nil
		}
	}
	// A name given with its county or township in front ("鄠邑区甘亭街道西街
	// 社区", "甘亭西街社区") is looked for under them.
	if u, ok := s.findQualified(ctx, scope, field, text); ok {
		return u, nil
	}
	many := append(exact, fits...)
	if len(many) == 0 {
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
