package measureweb

import (
	"fangkong/internal/jurisdiction"
	"fmt"
	"net/http"
	"strings"

	"fangkong/internal/errs"
	"fangkong/internal/measure"
	"fangkong/internal/web"
)

// eligibleOf lists the measures of ?unit= that may be released (待解除).
func (h *Handler) eligibleOf(r *http.Request) ([]measure.Measure, error) {
	if err := h.srv.UnitQuery(r); err != nil {
		return nil, err
	}
	return h.measures.Eligible(r.Context(), web.User(r).Scope(), r.URL.Query().Get("unit"))
}

type releaseView struct {
	List []measure.Measure
}

func (h *Handler) releasePage(w http.ResponseWriter, r *http.Request) error {
	unitErr, err := h.srv.ListUnit(r)
	if err != nil {
		return err
	}
	list, err := h.eligibleOf(r)
	if err != nil {
		return err
	}
	return h.pages.RenderList(w, r, unitErr, "measure_release", "待解除", releaseView{List: list})
}

type eligibleJSON struct {
	Eligible []measureJSON `json:"eligible"`
}

func (h *Handler) apiReleaseList(w http.ResponseWriter, r *http.Request) error {
	list, err := h.eligibleOf(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, eligibleJSON{Eligible: measuresOut(list)})
}

// releaseIn is the cadre's note on releasing (optional).
type releaseIn struct {
	Note string `json:"note"`
}

// release releases the measure in the path.
func (h *Handler) release(r *http.Request) (measure.Measure, error) {
	id, err := web.PathID(r)
	if err != nil {
		return measure.Measure{}, err
	}
	var in releaseIn
	if err := web.Bind(r, &in); err != nil {
		return measure.Measure{}, err
	}
	return h.measures.Release(r.Context(), web.Actor(r), web.User(r).Scope(), id, strings.TrimSpace(in.Note))
}

func (h *Handler) releaseConfirm(w http.ResponseWriter, r *http.Request) error {
	m, err := h.release(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/measures/%d/notice", m.ID), "已解除管控，请打印解除告知书")
}

func (h *Handler) apiRelease(w http.ResponseWriter, r *http.Request) error {
	m, err := h.release(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, measureOut(m))
}

type noticeView struct {
	M measure.Measure
	// Issuer is the committee that issues it: the person's village (or
	// community) committee, else the township; Signer is the releasing
	// cadre's name.
	Issuer, Signer string
}

// noticePage is the release notice (解除告知书) to print.
func (h *Handler) noticePage(w http.ResponseWriter, r *http.Request) error {
	m, err := h.measureOf(r)
	if err != nil {
		return err
	}
	if m.Status != measure.StatusReleased {
		return errs.Invalidf("status", "该管控措施尚未解除，不能出具解除告知书")
	}
	v := noticeView{M: m, Issuer: m.UnitName, Signer: m.ReleasedBy}
	if path, err := h.srv.Units.Path(r.Context(), m.UnitCode); err == nil {
		for _, u := range path { // top down: the last village or township wins
			if u.Level == jurisdiction.LevelVillage || u.Level == jurisdiction.LevelTownship {
				v.Issuer = committee(u)
			}
		}
	}
	if u, err := h.srv.Auth.ByUsername(r.Context(), m.ReleasedBy); err == nil && u.DisplayName != "" {
		v.Signer = u.DisplayName
	}
	return h.render(w, r, "measure_notice", "解除告知书", v)
}

// committee names the body that speaks for a unit: 西街社区 → 西街社区居民委员会,
// 南涝村 → 南涝村村民委员会, 甘亭街道 → 甘亭街道办事处, 余下镇 → 余下镇人民政府;
// names that already say it (…委员会, …委会, …办事处) stay.
func committee(u jurisdiction.Unit) string {
	n := u.Name
	for _, done := range []string{"委员会", "委会", "办事处", "人民政府"} {
		if strings.HasSuffix(n, done) {
			return n
		}
	}
	switch {
	case strings.HasSuffix(n, "社区"):
		return n + "居民委员会"
	case strings.HasSuffix(n, "村"):
		return n + "村民委员会"
	case strings.HasSuffix(n, "街道"):
		return n + "办事处"
	case strings.HasSuffix(n, "镇"), strings.HasSuffix(n, "乡"):
		return n + "人民政府"
	}
	return n
}
