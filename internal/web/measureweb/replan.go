package measureweb

import (
	"fmt"
	"net/http"

	"fangkong/internal/measure"
	"fangkong/internal/policy"
	"fangkong/internal/web"
)

// Re-planning (按新版本重新计算): every active measure in scope computed
// again under a version, previewed, then applied.

type replanView struct {
	V *policy.Version
	I measure.Impact
}

func (h *Handler) replanPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.policyVersionByPath(r)
	if err != nil {
		return err
	}
	im, err := h.measures.Preview(r.Context(), web.User(r).Scope(), v.ID)
	if err != nil {
		return err
	}
	return h.render(w, r, "measure_replan", "按新版本重新计算", replanView{V: v, I: im})
}

func (h *Handler) replanApply(w http.ResponseWriter, r *http.Request) error {
	v, err := h.policyVersionByPath(r)
	if err != nil {
		return err
	}
	im, err := h.measures.Apply(r.Context(), web.Actor(r), web.User(r).Scope(), v.ID)
	if err != nil {
		return err
	}
	c := im.Counts
	return web.Redirect(w, r, fmt.Sprintf("/policy/versions/%d/replan", v.ID),
		fmt.Sprintf("已按“%s”重新计算%d人：延长%d，缩短%d，可解除%d，不变%d，无对应规则%d", v.Name, c.Total, c.Extended, c.Shortened, c.Released, c.Unchanged, c.Skipped))
}

func (h *Handler) apiReplanPreview(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	im, err := h.measures.Preview(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, impactOut(im))
}

func (h *Handler) apiReplanApply(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	im, err := h.measures.Apply(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, impactOut(im))
}

// impactOut lists no units as [] rather than null.
func impactOut(im measure.Impact) measure.Impact {
	if im.ByUnit == nil {
		im.ByUnit = []measure.UnitCounts{}
	}
	return im
}
