package policy

import (
	"regexp"
	"slices"
	"sync"
	"unicode/utf8"

	"fangkong/internal/errs"
)

// Categories beyond the shipped list: a version may define its own (a new
// disease's 高风险暴露者), each rule naming it (Rule.CategoryName). They
// are known to the process as versions are read or stored, so a category
// code is shown by its name on every page.

// custom holds the defined categories by code.
var custom sync.Map // code → Category

// categoryCode is the shape of a defined category's code.
var categoryCode = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// builtin is the shipped category of a code or name, if any.
func builtin(s string) (Category, bool) {
	for _, c := range Categories {
		if c.Code == s || c.Name == s || slices.Contains(c.Aliases, s) {
			return c, true
		}
	}
	return Category{}, false
}

// definedCategory is a category a version defines, by code or name.
func definedCategory(s string) (Category, bool) {
	if c, ok := custom.Load(s); ok {
		return c.(Category), true
	}
	var found Category
	custom.Range(func(_, v any) bool {
		if c := v.(Category); c.Name == s {
			found = c
			return false
		}
		return true
	})
	return found, found.Code != ""
}

// symptoms holds the symptoms rules name beyond DefaultSymptoms.
var symptoms sync.Map // symptom → true

// AllSymptoms are DefaultSymptoms and those the stored versions' rules add
// (皮疹), for a form that serves measures of several rules.
func AllSymptoms() []string {
	out := append([]string(nil), DefaultSymptoms...)
	var more []string
	symptoms.Range(func(k, _ any) bool {
		more = append(more, k.(string))
		return true
	})
	slices.Sort(more)
	return append(out, more...)
}

// learnCategories makes the categories rules define known by code, and
// their symptoms known to forms.
func learnCategories(rules []Rule) {
	for _, r := range rules {
		for _, x := range r.Symptoms {
			if !slices.Contains(DefaultSymptoms, x) {
				symptoms.Store(x, true)
			}
		}
		if r.CategoryName == "" {
			continue
		}
		if _, ok := builtin(r.Category); !ok {
			custom.Store(r.Category, Category{Code: r.Category, Name: r.CategoryName})
		}
	}
}

// AllCategories are the shipped categories and those versions define, for
// a form's choice.
func AllCategories() []Category {
	out := append([]Category(nil), Categories...)
	var more []Category
	custom.Range(func(_, v any) bool {
		more = append(more, v.(Category))
		return true
	})
	slices.SortFunc(more, func(a, b Category) int {
		if a.Code < b.Code {
			return -1
		}
		return 1
	})
	return append(out, more...)
}

// checkDefined checks a rule for a category the shipped list does not
// have: it must name it, under a code of letters, digits and _, and the
// name must not be a shipped category's.
func checkDefined(r Rule) error {
	if r.CategoryName == "" {
		return errs.Invalidf("category", "未知人员类别“%s”：新的人员类别须同时给出类别名称（category_name）", r.Category)
	}
	if !categoryCode.MatchString(r.Category) {
		return errs.Invalidf("category", "人员类别代码“%s”应以小写字母开头，只含小写字母、数字和下划线，不超过40个字符", r.Category)
	}
	if n := utf8.RuneCountInString(r.CategoryName); n > 20 {
		return errs.Invalidf("category_name", "人员类别名称请在20字以内")
	}
	if c, ok := builtin(r.CategoryName); ok {
		return errs.Invalidf("category_name", "“%s”已是人员类别“%s”（%s）的名称", r.CategoryName, c.Name, c.Code)
	}
	return nil
}
