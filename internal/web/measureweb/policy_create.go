package measureweb

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"fangkong/internal/errs"
	"fangkong/internal/policy"
	"fangkong/internal/web"
)

type copyView struct {
	V          *policy.Version
	Rules      []ruleRow
	PhaseTypes []string
	Today      string
}

// policyCopyForm shows a version's rules to edit into a new version.
func (h *Handler) policyCopyForm(w http.ResponseWriter, r *http.Request) error {
	v, err := h.policyVersionByPath(r)
	if err != nil {
		return err
	}
	return h.render(w, r, "measure_policy_copy", "复制为新版本",
		copyView{V: v, Rules: rulesOf(v), PhaseTypes: policy.PhaseTypes, Today: h.today()})
}

// versionIn is a new version: the copy form, or the JSON of the API (its
// rules, or those of based_on when none are given).
type versionIn struct {
	Name          string        `json:"name"`
	EffectiveFrom string        `json:"effective_from"`
	BasedOn       string        `json:"based_on"`
	Note          string        `json:"note"`
	Rules         []policy.Rule `json:"rules"`
}

// createVersion stores a new policy version; base is the version it was
// copied from (nil when the API gave its rules alone).
func (h *Handler) createVersion(r *http.Request) (base, out *policy.Version, err error) {
	var in versionIn
	if err := web.Bind(r, &in); err != nil {
		return nil, nil, err
	}
	v := policy.Version{Name: strings.TrimSpace(in.Name), EffectiveFrom: strings.TrimSpace(in.EffectiveFrom), Note: in.Note, Rules: in.Rules}
	if in.BasedOn != "" || !web.IsAPI(r) {
		if base, err = h.versionRef(r, in.BasedOn); err != nil {
			return nil, nil, err
		}
		v.BasedOn = base.Name
		if !web.IsAPI(r) {
			if v.Rules, err = formRules(r, base); err != nil {
				return nil, nil, err
			}
		} else if len(v.Rules) == 0 {
			v.Rules = base.Rules
		}
	}
	if len(v.Rules) == 0 {
		return nil, nil, errs.Invalidf("rules", "请提供规则 rules，或以 based_on 指定要复制的版本")
	}
	out, err = h.measures.Policy().CreateVersion(r.Context(), web.Actor(r), v)
	return base, out, err
}

// formRules are the base version's rules as the copy form changed them:
// per rule i and phase j, r{i}_p{j}_days, r{i}_p{j}_tests, r{i}_p{j}_checks,
// plus r{i}_tests, r{i}_window, r{i}_every and r{i}_description.
func formRules(r *http.Request, base *policy.Version) ([]policy.Rule, error) {
	var out []policy.Rule
	var err error
	for i, rule := range base.Rules {
		rule.Phases = append([]policy.PhaseRule(nil), rule.Phases...)
		for j := range rule.Phases {
			p := &rule.Phases[j]
			pre := fmt.Sprintf("r%d_p%d_", i, j)
			if p.Days, err = web.FormIntDefault(r, pre+"days", p.Days); err != nil {
				return nil, err
			}
			if p.ChecksDaily, err = web.FormIntDefault(r, pre+"checks", p.ChecksDaily); err != nil {
				return nil, err
			}
			if _, ok := r.Form[pre+"tests"]; ok {
				if p.TestDays, err = intList(r.FormValue(pre + "tests")); err != nil {
					return nil, err
				}
			}
		}
		pre := fmt.Sprintf("r%d_", i)
		if _, ok := r.Form[pre+"tests"]; ok {
			if rule.Tests, err = intList(r.FormValue(pre + "tests")); err != nil {
				return nil, err
			}
		}
		if rule.WindowDays, err = web.FormIntDefault(r, pre+"window", rule.WindowDays); err != nil {
			return nil, err
		}
		if rule.EveryDays, err = web.FormIntDefault(r, pre+"every", rule.EveryDays); err != nil {
			return nil, err
		}
		if d := strings.TrimSpace(r.FormValue(pre + "description")); d != "" {
			rule.Description = d
		}
		out = append(out, rule)
	}
	return out, nil
}

// intList reads "1, 3，7" as days.
func intList(s string) ([]int, error) {
	var out []int
	s = strings.NewReplacer("，", ",", "、", ",", " ", ",").Replace(s)
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, errs.Invalidf("test_days", "“%s”不是天数", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func (h *Handler) policyCreate(w http.ResponseWriter, r *http.Request) error {
	base, out, err := h.createVersion(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/policy/diff?a=%d&b=%d", base.ID, out.ID), "已新建政策版本“"+out.Name+"”")
}

func (h *Handler) apiPolicyCreate(w http.ResponseWriter, r *http.Request) error {
	_, out, err := h.createVersion(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, versionOut(*out, "", true))
}
