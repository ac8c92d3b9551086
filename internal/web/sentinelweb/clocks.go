package sentinelweb

import (
	"net/http"

	"fangkong/internal/sentinel"
	"fangkong/internal/web"
)

// clocksIn is the new clock version form.
type clocksIn struct {
	EffectiveFrom  string `json:"effective_from"`
	AckHours       int    `json:"ack_hours"`
	ReturnCutoff   string `json:"return_cutoff"`
	BuyerTestHours int    `json:"buyer_test_hours"`
	Note           string `json:"note"`
}

type clocksView struct {
	Versions []sentinel.Clocks
	In       clocksIn
}

func (h *Handler) clocksOf(r *http.Request, in clocksIn) (clocksView, error) {
	vs, err := h.svc.ClockVersions(r.Context())
	return clocksView{Versions: vs, In: in}, err
}

// clocks shows the sentinels' clock versions (policy data) and, to those
// who keep the policy, the form of a new version.
func (h *Handler) clocks(w http.ResponseWriter, r *http.Request) error {
	c := sentinel.DefaultClocks
	v, err := h.clocksOf(r, clocksIn{AckHours: c.AckHours, ReturnCutoff: c.ReturnCutoff, BuyerTestHours: c.BuyerTestHours})
	if err != nil {
		return err
	}
	return h.render(w, r, "sentinel_clocks", "哨点时限", v)
}

func (h *Handler) clocksCreate(w http.ResponseWriter, r *http.Request) error {
	var in clocksIn
	err := web.Bind(r, &in)
	if err == nil {
		err = h.svc.SetClocks(r.Context(), web.Actor(r), sentinel.Clocks{EffectiveFrom: in.EffectiveFrom, AckHours: in.AckHours,
			ReturnCutoff: in.ReturnCutoff, BuyerTestHours: in.BuyerTestHours, Note: in.Note})
	}
	if err != nil {
		v, verr := h.clocksOf(r, in)
		if verr != nil {
			return verr
		}
		return h.pages.FormError(w, r, err, "sentinel_clocks", "哨点时限", v)
	}
	return web.Redirect(w, r, "/sentinel-clocks", "已新增哨点时限版本，自 "+in.EffectiveFrom+" 起生效")
}
