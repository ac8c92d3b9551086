package legacyweb

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"fangkong/internal/errs"
	"fangkong/internal/measure"
	"fangkong/internal/policy"
	"fangkong/internal/web"
)

// versionRef resolves a version by id or by name.
func (s *Handler) versionRef(r *http.Request, ref string) (*policy.Version, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, errs.Invalidf("version", "请选择政策版本")
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return s.Measures.Policy().Version(r.Context(), id)
	}
	return s.Measures.Policy().ByName(r.Context(), ref)
}

func (s *Handler) policyVersionByPath(r *http.Request) (*policy.Version, error) {
	id, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	return s.Measures.Policy().Version(r.Context(), id)
}

// planQuery computes a plan from ?category=&day_zero=&version=&choice=&place=&risk=.
func (s *Handler) planQuery(r *http.Request) (policy.Plan, error) {
	q := r.URL.Query()
	dz := web.FirstOf(q.Get("day_zero"), q.Get("day-zero"), q.Get("dayzero"), q.Get("date"))
	choice := web.FirstOf(q.Get("choice"), q.Get("county_choice"))
	if strings.TrimSpace(q.Get("category")) == "" {
		return policy.Plan{}, errs.Invalidf("category", "请提供人员类别 category（如 close_contact 或 密切接触者）")
	}
	if strings.TrimSpace(dz) == "" {
		return policy.Plan{}, errs.Invalidf("day_zero", "请提供起算日 day_zero（YYYY-MM-DD）")
	}
	p, _, err := s.Measures.Policy().Plan(r.Context(), q.Get("version"), q.Get("category"), choice, dz,
		policy.Circumstances{Place: q.Get("place"), RiskLevel: q.Get("risk")})
	return p, err
}

type policyPageData struct {
	Versions   []policy.Version
	Categories []policy.Category
	InForce    string
	Plan       *policy.Plan
	PlanErr    string
	Q          map[string]string
}

func (s *Handler) policyPage(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.Measures.Policy().Versions(r.Context())
	if err != nil {
		return err
	}
	d := policyPageData{Versions: vs, Categories: policy.Categories, Q: map[string]string{}}
	if v, err := policy.InForce(vs, todayOf(s)); err == nil {
		d.InForce = v.Name
	}
	q := r.URL.Query()
	for _, k := range []string{"category", "day_zero", "version", "choice"} {
		d.Q[k] = q.Get(k)
	}
	if q.Get("category") != "" {
		p, err := s.planQuery(r)
		if err != nil {
			_, msg, _ := web.StatusOf(err)
			d.PlanErr = msg
		} else {
			d.Plan = &p
		}
	}
	return s.render(w, r, http.StatusOK, "measure_policy", "防控政策", d)
}

type ruleRow struct {
	Rule     policy.Rule
	Index    int
	Category string
	Choice   string
	Text     string
}

func rulesOf(v *policy.Version) []ruleRow {
	var out []ruleRow
	for i, r := range v.Rules {
		out = append(out, ruleRow{Rule: r, Index: i, Category: policy.CategoryName(r.Category), Choice: policy.ChoiceName(r.Choice),
			Text: policy.RuleText(r)})
	}
	return out
}

func (s *Handler) policyVersionPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.policyVersionByPath(r)
	if err != nil {
		return err
	}
	vs, err := s.Measures.Policy().Versions(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "measure_policy_version", "政策版本 "+v.Name,
		map[string]any{"V": v, "Rules": rulesOf(v), "Versions": vs})
}

func (s *Handler) policyCopyForm(w http.ResponseWriter, r *http.Request) error {
	v, err := s.policyVersionByPath(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "measure_policy_copy", "复制为新版本",
		map[string]any{"V": v, "Rules": rulesOf(v), "PhaseTypes": policy.PhaseTypes, "Today": todayOf(s)})
}

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

// policyCreate: the copy form posts the base version's id and, per rule i
// and phase j, r{i}_p{j}_days, r{i}_p{j}_tests, r{i}_p{j}_checks, plus
// r{i}_tests, r{i}_window and r{i}_every.
func (s *Handler) policyCreate(w http.ResponseWriter, r *http.Request) error {
	base, err := s.versionRef(r, r.FormValue("based_on"))
	if err != nil {
		return err
	}
	v := policy.Version{Name: strings.TrimSpace(r.FormValue("name")), EffectiveFrom: strings.TrimSpace(r.FormValue("effective_from")),
		BasedOn: base.Name, Note: strings.TrimSpace(r.FormValue("note"))}
	for i, rule := range base.Rules {
		rule.Phases = append([]policy.PhaseRule(nil), rule.Phases...)
		for j := range rule.Phases {
			p := &rule.Phases[j]
			pre := fmt.Sprintf("r%d_p%d_", i, j)
			if p.Days, err = web.FormIntDefault(r, pre+"days", p.Days); err != nil {
				return err
			}
			if p.ChecksDaily, err = web.FormIntDefault(r, pre+"checks", p.ChecksDaily); err != nil {
				return err
			}
			if _, ok := r.Form[pre+"tests"]; ok {
				if p.TestDays, err = intList(r.FormValue(pre + "tests")); err != nil {
					return err
				}
			}
		}
		pre := fmt.Sprintf("r%d_", i)
		if _, ok := r.Form[pre+"tests"]; ok {
			if rule.Tests, err = intList(r.FormValue(pre + "tests")); err != nil {
				return err
			}
		}
		if rule.WindowDays, err = web.FormIntDefault(r, pre+"window", rule.WindowDays); err != nil {
			return err
		}
		if rule.EveryDays, err = web.FormIntDefault(r, pre+"every", rule.EveryDays); err != nil {
			return err
		}
		if d := strings.TrimSpace(r.FormValue(pre + "description")); d != "" {
			rule.Description = d
		}
		v.Rules = append(v.Rules, rule)
	}
	out, err := s.Measures.Policy().CreateVersion(r.Context(), web.Actor(r), v)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/policy/diff?a=%d&b=%d", base.ID, out.ID), "已新建政策版本“"+out.Name+"”")
}

func (s *Handler) policyDiffPage(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.Measures.Policy().Versions(r.Context())
	if err != nil {
		return err
	}
	d := map[string]any{"Versions": vs, "A": r.URL.Query().Get("a"), "B": r.URL.Query().Get("b")}
	if d["A"] != "" && d["B"] != "" {
		a, err := s.versionRef(r, r.URL.Query().Get("a"))
		if err != nil {
			return err
		}
		b, err := s.versionRef(r, r.URL.Query().Get("b"))
		if err != nil {
			return err
		}
		d["VA"], d["VB"], d["Changes"] = a, b, policy.Diff(a, b)
	}
	return s.render(w, r, http.StatusOK, "measure_policy_diff", "政策版本对比", d)
}

func (s *Handler) replanPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.policyVersionByPath(r)
	if err != nil {
		return err
	}
	im, err := s.Measures.Preview(r.Context(), web.User(r).Scope(), v.ID)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "measure_replan", "按新版本重新计算", map[string]any{"V": v, "I": im})
}

func (s *Handler) replanApply(w http.ResponseWriter, r *http.Request) error {
	v, err := s.policyVersionByPath(r)
	if err != nil {
		return err
	}
	im, err := s.Measures.Apply(r.Context(), web.Actor(r), web.User(r).Scope(), v.ID)
	if err != nil {
		return err
	}
	c := im.Counts
	return web.Redirect(w, r, fmt.Sprintf("/policy/versions/%d/replan", v.ID),
		fmt.Sprintf("已按“%s”重新计算%d人：延长%d，缩短%d，可解除%d，不变%d，无对应规则%d", v.Name, c.Total, c.Extended, c.Shortened, c.Released, c.Unchanged, c.Skipped))
}

// ---- API ----

type versionJSON struct {
	ID            int64         `json:"id"`
	Name          string        `json:"name"`
	EffectiveFrom string        `json:"effective_from"`
	BasedOn       string        `json:"based_on,omitempty"`
	Note          string        `json:"note,omitempty"`
	Builtin       bool          `json:"builtin"`
	InForce       bool          `json:"in_force"`
	Rules         []policy.Rule `json:"rules,omitempty"`
}

func versionOut(v policy.Version, inForce string, rules bool) versionJSON {
	out := versionJSON{ID: v.ID, Name: v.Name, EffectiveFrom: v.EffectiveFrom, BasedOn: v.BasedOn, Note: v.Note,
		Builtin: v.Builtin, InForce: v.Name == inForce}
	if rules {
		out.Rules = v.Rules
	}
	return out
}

func (s *Handler) apiPolicyVersions(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.Measures.Policy().Versions(r.Context())
	if err != nil {
		return err
	}
	inForce := ""
	if v, err := policy.InForce(vs, todayOf(s)); err == nil {
		inForce = v.Name
	}
	out := make([]versionJSON, 0, len(vs))
	for _, v := range vs {
		out = append(out, versionOut(v, inForce, false))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"versions": out, "categories": policy.Categories,
		"phase_types": phaseTypesJSON()})
}

func phaseTypesJSON() []map[string]string {
	var out []map[string]string
	for _, t := range policy.PhaseTypes {
		out = append(out, map[string]string{"code": t, "name": policy.PhaseTypeName(t)})
	}
	return out
}

func (s *Handler) apiPolicyVersion(w http.ResponseWriter, r *http.Request) error {
	v, err := s.policyVersionByPath(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, versionOut(*v, "", true))
}

type versionIn struct {
	Name          string        `json:"name"`
	EffectiveFrom string        `json:"effective_from"`
	BasedOn       string        `json:"based_on"`
	Note          string        `json:"note"`
	Rules         []policy.Rule `json:"rules"`
}

func (s *Handler) apiPolicyCreate(w http.ResponseWriter, r *http.Request) error {
	var in versionIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	v := policy.Version{Name: strings.TrimSpace(in.Name), EffectiveFrom: strings.TrimSpace(in.EffectiveFrom), Note: in.Note, Rules: in.Rules}
	if in.BasedOn != "" {
		base, err := s.versionRef(r, in.BasedOn)
		if err != nil {
			return err
		}
		v.BasedOn = base.Name
		if len(v.Rules) == 0 {
			v.Rules = base.Rules
		}
	}
	if len(v.Rules) == 0 {
		return errs.Invalidf("rules", "请提供规则 rules，或以 based_on 指定要复制的版本")
	}
	out, err := s.Measures.Policy().CreateVersion(r.Context(), web.Actor(r), v)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, versionOut(*out, "", true))
}

func (s *Handler) apiPolicyDiff(w http.ResponseWriter, r *http.Request) error {
	a, err := s.versionRef(r, r.URL.Query().Get("a"))
	if err != nil {
		return err
	}
	b, err := s.versionRef(r, r.URL.Query().Get("b"))
	if err != nil {
		return err
	}
	ch := policy.Diff(a, b)
	if ch == nil {
		ch = []policy.RuleChange{}
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"a": a.Name, "b": b.Name, "changes": ch})
}

func (s *Handler) apiPolicyPlan(w http.ResponseWriter, r *http.Request) error {
	p, err := s.planQuery(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, p)
}

func (s *Handler) apiReplanPreview(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	im, err := s.Measures.Preview(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, impactOut(im))
}

func (s *Handler) apiReplanApply(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	im, err := s.Measures.Apply(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, impactOut(im))
}

func impactOut(im measure.Impact) measure.Impact {
	if im.ByUnit == nil {
		im.ByUnit = []measure.UnitCounts{}
	}
	return im
}
