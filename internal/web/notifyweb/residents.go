package notifyweb

import (
	"net/http"
	"strconv"

	"fangkong/internal/notify"
	"fangkong/internal/web"
)

type residentsView struct {
	In      residentsIn
	List    *notify.ResidentList
	Sample  []string
	Max     int
	SMSOn   bool
	OptedIn string
	Signed  string // the text as residents receive it (signed by the unit and sender)
}

type residentsIn struct {
	Unit    string `json:"unit"`
	Phones  string `json:"phones"`
	Body    string `json:"body"`
	Confirm string `json:"confirm"`
}

func (in residentsIn) residents() notify.Residents {
	n, _ := strconv.Atoi(in.Confirm)
	return notify.Residents{Unit: in.Unit, Phones: in.Phones, Body: in.Body, Confirm: n}
}

func (h *Handler) residentsView(in residentsIn) residentsView {
	on := false
	for _, c := range h.svc.Channels() {
		on = on || c == notify.ChannelSMS
	}
	return residentsView{In: in, Max: notify.MaxResidents, SMSOn: on}
}

// residents is the form of a message to residents (群众短信).
func (h *Handler) residents(w http.ResponseWriter, r *http.Request) error {
	in := residentsIn{Unit: r.URL.Query().Get("unit")}
	return h.render(w, r, "notify_residents", "群众短信", h.residentsView(in))
}

// sendResidents first shows whom the message reaches (the count, a masked
// sample) for confirmation; the confirmed form (confirm = the count) sends.
func (h *Handler) sendResidents(w http.ResponseWriter, r *http.Request) error {
	var in residentsIn
	err := web.Bind(r, &in)
	v := h.residentsView(in)
	const title = "群众短信"
	if err != nil {
		return h.pages.FormError(w, r, err, "notify_residents", title, v)
	}
	scope := web.User(r).Scope()
	// The village or group by name (西街社区) or code; the form keeps what
	// was typed when it is refused.
	code, err := h.srv.UnitCode(r.Context(), scope, "unit", in.Unit)
	if err != nil {
		return h.pages.FormError(w, r, err, "notify_residents", title, v)
	}
	in.Unit = code
	if in.Confirm == "" {
		if _, err := notify.CheckResidentBody(in.Body); err != nil {
			return h.pages.FormError(w, r, err, "notify_residents", title, v)
		}
		list, err := h.svc.ResidentTargets(r.Context(), scope, in.residents())
		if err != nil {
			return h.pages.FormError(w, r, err, "notify_residents", title, v)
		}
		v.List = &list
		v.Signed = h.svc.SignResidents(r.Context(), web.Actor(r), in.Unit, in.Body)
		for _, p := range list.Phones[:min(5, len(list.Phones))] {
			v.Sample = append(v.Sample, p)
		}
		return h.render(w, r, "notify_residents", title, v)
	}
	n, err := h.svc.SendResidents(r.Context(), web.Actor(r), scope, in.residents())
	if err != nil {
		v.In.Confirm = ""
		return h.pages.FormError(w, r, err, "notify_residents", title, v)
	}
	return web.Redirect(w, r, "/notify?status=queued", "已排队发送 "+strconv.Itoa(n)+" 条短信")
}

type optOutIn struct {
	Phone string `json:"phone"`
}

// optOut records a resident's 退订.
func (h *Handler) optOut(w http.ResponseWriter, r *http.Request) error {
	var in optOutIn
	err := web.Bind(r, &in)
	if err == nil {
		err = h.svc.OptOut(r.Context(), web.Actor(r), in.Phone)
	}
	if err != nil {
		v := h.residentsView(residentsIn{})
		v.OptedIn = in.Phone
		return h.pages.FormError(w, r, err, "notify_residents", "群众短信", v)
	}
	return web.Redirect(w, r, "/notify/residents", "已登记退订")
}
