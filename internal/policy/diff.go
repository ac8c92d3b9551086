package policy

import (
	"encoding/json"
	"sort"
)

// RuleChange is one row of a diff between two versions.
type RuleChange struct {
	Key    string `json:"key"`
	Kind   string `json:"kind"` // added, removed, changed
	Before *Rule  `json:"before,omitempty"`
	After  *Rule  `json:"after,omitempty"`
	// BeforeText and AfterText describe each side in words for the page.
	BeforeText string `json:"before_text,omitempty"`
	AfterText  string `json:"after_text,omitempty"`
}

// Diff lists the rules that differ between a and b, by category and choice.
func Diff(a, b *Version) []RuleChange {
	am, bm := map[string]Rule{}, map[string]Rule{}
	var keys []string
	for _, r := range a.Rules {
		am[r.Key()] = r
		keys = append(keys, r.Key())
	}
	for _, r := range b.Rules {
		bm[r.Key()] = r
		if _, ok := am[r.Key()]; !ok {
			keys = append(keys, r.Key())
		}
	}
	order := map[string]int{}
	for i, c := range Categories {
		order[c.Code] = i
	}
	sort.SliceStable(keys, func(i, j int) bool {
		ci, cj := am[keys[i]].Category, am[keys[j]].Category
		if ci == "" {
			ci = bm[keys[i]].Category
		}
		if cj == "" {
			cj = bm[keys[j]].Category
		}
		return order[ci] < order[cj]
	})
	var out []RuleChange
	for _, k := range keys {
		ra, ina := am[k]
		rb, inb := bm[k]
		switch {
		case ina && !inb:
			out = append(out, RuleChange{Key: k, Kind: "removed", Before: &ra, BeforeText: RuleText(ra)})
		case !ina && inb:
			out = append(out, RuleChange{Key: k, Kind: "added", After: &rb, AfterText: RuleText(rb)})
		case !sameRule(ra, rb):
			out = append(out, RuleChange{Key: k, Kind: "changed", Before: &ra, After: &rb, BeforeText: RuleText(ra), AfterText: RuleText(rb)})
		}
	}
	return out
}

func sameRule(a, b Rule) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// RuleText describes a rule's plan in words, relative to day zero.
func RuleText(r Rule) string {
	v := &Version{Name: "", Rules: []Rule{r}}
	p, err := Compute(v, r, "2000-01-01", Circumstances{})
	if err != nil {
		return err.Error()
	}
	s := ZeroName(r.DayZero) + "起："
	if r.HandOff {
		return s + "移交定点医疗机构"
	}
	for i, ph := range p.Phases {
		if i > 0 {
			s += " + "
		}
		s += ph.Name + itoa(ph.Days) + "天"
		if len(r.Phases[i].TestDays) > 0 {
			s += "（检测第" + joinInts(r.Phases[i].TestDays) + "天）"
		}
	}
	if len(r.Tests) > 0 {
		s += " 检测第" + joinInts(r.Tests) + "天"
	}
	if r.EveryDays > 0 {
		s += " 每" + itoa(r.EveryDays) + "天检测"
	}
	if r.ReleaseOnNegative {
		s += "，阴性即解除"
	}
	return s
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func joinInts(xs []int) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += "、"
		}
		s += itoa(x)
	}
	return s
}
