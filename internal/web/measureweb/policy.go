package measureweb

import (
	"net/http"
	"strconv"
	"strings"

	"fangkong/internal/errs"
	"fangkong/internal/policy"
	"fangkong/internal/web"
)

// versionRef resolves a version by id or by name.
func (h *Handler) versionRef(r *http.Request, ref string) (*policy.Version, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, errs.Invalidf("version", "请选择政策版本")
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return h.measures.Policy().Version(r.Context(), id)
	}
	return h.measures.Policy().ByName(r.Context(), ref)
}

func (h *Handler) policyVersionByPath(r *http.Request) (*policy.Version, error) {
	id, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	return h.measures.Policy().Version(r.Context(), id)
}

// planQuery computes a plan from ?category=&day_zero=&version=&choice=&place=&risk=
// (the page's calculator and the public API alike).
func (h *Handler) planQuery(r *http.Request) (policy.Plan, error) {
	q := r.URL.Query()
	dz := web.FirstOf(q.Get("day_zero"), q.Get("day-zero"), q.Get("dayzero"), q.Get("date"))
	choice := web.FirstOf(q.Get("choice"), q.Get("county_choice"))
	if strings.TrimSpace(q.Get("category")) == "" {
		return policy.Plan{}, errs.Invalidf("category", "请提供人员类别 category（如 close_contact 或 密切接触者）")
	}
	if strings.TrimSpace(dz) == "" {
		return policy.Plan{}, errs.Invalidf("day_zero", "请提供起算日 day_zero（YYYY-MM-DD）")
	}
	p, _, err := h.measures.Policy().Plan(r.Context(), q.Get("version"), q.Get("category"), choice, dz,
		policy.Circumstances{Place: q.Get("place"), RiskLevel: q.Get("risk")})
	return p, err
}

// inForce is the name of the version in force today ("" when none).
func (h *Handler) inForce(vs []policy.Version) string {
	if v, err := policy.InForce(vs, h.today()); err == nil {
		return v.Name
	}
	return ""
}

type policyView struct {
	Versions   []policy.Version
	Categories []policy.Category
	InForce    string
	Plan       *policy.Plan
	PlanErr    string
	Q          map[string]string
}

func (h *Handler) policyPage(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.measures.Policy().Versions(r.Context())
	if err != nil {
		return err
	}
	d := policyView{Versions: vs, Categories: policy.AllCategories(), InForce: h.inForce(vs), Q: map[string]string{}}
	q := r.URL.Query()
	for _, k := range []string{"category", "day_zero", "version", "choice"} {
		d.Q[k] = q.Get(k)
	}
	if q.Get("category") != "" {
		p, err := h.planQuery(r)
		if err != nil {
			d.PlanErr = web.Message(err)
		} else {
			d.Plan = &p
		}
	}
	return h.render(w, r, "measure_policy", "防控政策", d)
}

// ruleRow is a rule with its names and its text in words.
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

type versionView struct {
	V        *policy.Version
	Rules    []ruleRow
	Versions []policy.Version
}

func (h *Handler) policyVersionPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.policyVersionByPath(r)
	if err != nil {
		return err
	}
	vs, err := h.measures.Policy().Versions(r.Context())
	if err != nil {
		return err
	}
	return h.render(w, r, "measure_policy_version", "政策版本 "+v.Name, versionView{V: v, Rules: rulesOf(v), Versions: vs})
}

type diffView struct {
	Versions []policy.Version
	A, B     string
	VA, VB   *policy.Version
	Changes  []policy.RuleChange
}

func (h *Handler) policyDiffPage(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.measures.Policy().Versions(r.Context())
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := diffView{Versions: vs, A: q.Get("a"), B: q.Get("b")}
	if d.A != "" && d.B != "" {
		if d.VA, d.VB, err = h.diffOf(r); err != nil {
			return err
		}
		d.Changes = policy.Diff(d.VA, d.VB)
	}
	return h.render(w, r, "measure_policy_diff", "政策版本对比", d)
}

// diffOf resolves ?a= and ?b= (ids or names).
func (h *Handler) diffOf(r *http.Request) (a, b *policy.Version, err error) {
	if a, err = h.versionRef(r, r.URL.Query().Get("a")); err != nil {
		return nil, nil, err
	}
	if b, err = h.versionRef(r, r.URL.Query().Get("b")); err != nil {
		return nil, nil, err
	}
	return a, b, nil
}
