package sentinelweb

import (
	"net/http"
	"strconv"
	"time"

	"fangkong/internal/errs"
	"fangkong/internal/personal"
	"fangkong/internal/sentinel"
	"fangkong/internal/sheet"
	"fangkong/internal/web"
)

// clocksIn is the new clock version form, every field as typed: hours
// typed as "三" come back as "三", with the other fields.
type clocksIn struct {
	EffectiveFrom  string `json:"effective_from"`
	AckHours       string `json:"ack_hours"`
	ReturnCutoff   string `json:"return_cutoff"`
	BuyerTestHours string `json:"buyer_test_hours"`
	Note           string `json:"note"`
}

// DateText: the date sent back is not one a date input takes, so the
// field is a text input that keeps it.
func (in clocksIn) DateText() bool {
	_, err := time.Parse("2006-01-02", in.EffectiveFrom)
	return in.EffectiveFrom != "" && err != nil
}

// clocks reads the form; an hour count that is not a number is a 400 on
// its field.
func (in clocksIn) clocks() (sentinel.Clocks, error) {
	c := sentinel.Clocks{EffectiveFrom: sheet.NormDate(in.EffectiveFrom), ReturnCutoff: in.ReturnCutoff, Note: in.Note}
	for _, f := range []struct {
		name, typed, msg string
		n                *int
	}{
		{"ack_hours", in.AckHours, "乡镇接收时限应为1到48小时（整数）", &c.AckHours},
		{"buyer_test_hours", in.BuyerTestHours, "购药人员检测时限应为1到240小时（整数）", &c.BuyerTestHours},
	} {
		n, err := strconv.Atoi(personal.Halfwidth(f.typed))
		if err != nil {
			return c, errs.Invalidf(f.name, "%s", f.msg)
		}
		*f.n = n
	}
	return c, nil
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
	v, err := h.clocksOf(r, clocksIn{AckHours: strconv.Itoa(c.AckHours), ReturnCutoff: c.ReturnCutoff, BuyerTestHours: strconv.Itoa(c.BuyerTestHours)})
	if err != nil {
		return err
	}
	return h.render(w, r, "sentinel_clocks", "哨点时限", v)
}

func (h *Handler) clocksCreate(w http.ResponseWriter, r *http.Request) error {
	var in clocksIn
	err := web.Bind(r, &in)
	var c sentinel.Clocks
	if err == nil {
		c, err = in.clocks()
	}
	if err == nil {
		err = h.svc.SetClocks(r.Context(), web.Actor(r), c)
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
