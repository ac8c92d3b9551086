package measureweb

import (
	"net/http"

	"fangkong/internal/policy"
	"fangkong/internal/web"
)

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

type phaseTypeJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type versionsJSON struct {
	Versions   []versionJSON     `json:"versions"`
	Categories []policy.Category `json:"categories"`
	PhaseTypes []phaseTypeJSON   `json:"phase_types"`
}

func (h *Handler) apiPolicyVersions(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.measures.Policy().Versions(r.Context())
	if err != nil {
		return err
	}
	inForce := h.inForce(vs)
	out := versionsJSON{Versions: make([]versionJSON, 0, len(vs)), Categories: policy.AllCategories()}
	for _, v := range vs {
		out.Versions = append(out.Versions, versionOut(v, inForce, false))
	}
	for _, t := range policy.PhaseTypes {
		out.PhaseTypes = append(out.PhaseTypes, phaseTypeJSON{Code: t, Name: policy.PhaseTypeName(t)})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) apiPolicyVersion(w http.ResponseWriter, r *http.Request) error {
	v, err := h.policyVersionByPath(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, versionOut(*v, "", true))
}

type diffJSON struct {
	A       string              `json:"a"`
	B       string              `json:"b"`
	Changes []policy.RuleChange `json:"changes"`
}

func (h *Handler) apiPolicyDiff(w http.ResponseWriter, r *http.Request) error {
	a, b, err := h.diffOf(r)
	if err != nil {
		return err
	}
	ch := policy.Diff(a, b)
	if ch == nil {
		ch = []policy.RuleChange{}
	}
	return web.WriteJSON(w, http.StatusOK, diffJSON{A: a.Name, B: b.Name, Changes: ch})
}

// apiPolicyPlan is the public plan calculator.
func (h *Handler) apiPolicyPlan(w http.ResponseWriter, r *http.Request) error {
	p, err := h.planQuery(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, p)
}
