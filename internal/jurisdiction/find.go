package jurisdiction

import (
	"context"
	"fmt"
	"strings"

	"fangkong/internal/errs"
)

// unitSuffixes are the endings people leave off a unit's name: "南涝村"
// for 南涝村村委会, "西街" for 西街社区居委会, "甘亭" for 甘亭街道.
var unitSuffixes = []string{"村民委员会", "居民委员会", "社区居委会", "村委会", "居委会", "街道办事处", "街道", "社区", "镇", "乡", "村"}

// Find resolves a unit typed by a person inside scope: a division code, a
// full name ("南涝村村委会"), or the name without its usual ending ("南涝村",
// "甘亭"). field names the form field in the error. A name that fits
// several units asks which one, naming each with its parent; one that fits
// none says so.
func (s *Store) Find(ctx context.Context, scope Scope, field, text string) (Unit, error) {
	text = strings.Join(strings.Fields(text), "")
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
		return Unit{}, errs.Invalidf(field, "辖区内没有名为“%s”的单位，请核对名称或填写区划代码", text)
	}
	names := make([]string, 0, len(many))
	for _, u := range many[:min(len(many), 6)] {
		parent := ""
		if p, err := s.Get(ctx, scope, u.ParentCode); err == nil {
			parent = "（" + p.Name + "）"
		}
		names = append(names, fmt.Sprintf("%s%s %s", u.Name, parent, u.Code))
	}
	return Unit{}, errs.Invalidf(field, "“%s”有%d个同名单位，请填写其中一个的代码：%s", text, len(many), strings.Join(names, "；"))
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
	rest, narrowed := text, scope
	for stripped := true; stripped; {
		stripped = false
		for _, p := range prefixes {
			for _, name := range []string{p.Name, stripUnitSuffix(p.Name)} {
				r, ok := strings.CutPrefix(rest, name)
				if !ok || r == "" || name == "" {
					continue
				}
				rest, stripped = r, true
				if n, err := narrowed.Narrow(p.Code); err == nil {
					narrowed = n
				}
				break
			}
			if stripped {
				break
			}
		}
	}
	if rest == text {
		return Unit{}, false
	}
	u, err := s.Find(ctx, narrowed, field, rest)
	return u, err == nil
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
