package notifyweb

import (
	"net/http"
	"strconv"

	"fangkong/internal/notify"
	"fangkong/internal/web"
)

type logView struct {
	Log      []notify.Delivery
	Counts   notify.Counts
	Status   string
	Unit     string
	Paging   web.Paging
	Types    []notify.EventType
	Channels []string
	Robots   []notify.Robot
	Test     testIn
	Result   *notify.Delivery
}

// logOf builds the delivery log page of the request's filters.
func (h *Handler) logOf(r *http.Request) (logView, error) {
	q := r.URL.Query()
	page := web.PageOf(r)
	v := logView{Status: q.Get("status"), Unit: q.Get("unit"), Types: h.svc.Types(), Channels: h.svc.Channels(), Robots: h.svc.Robots()}
	list, counts, err := h.svc.Log(r.Context(), web.User(r).Scope(), notify.LogFilter{Unit: v.Unit, Status: v.Status,
		Limit: web.PageSize + 1, Offset: (page - 1) * web.PageSize})
	if err != nil {
		return v, err
	}
	v.Paging = web.PagingFor(r, page, len(list))
	if len(list) > web.PageSize {
		list = list[:web.PageSize]
	}
	v.Log, v.Counts = list, counts
	return v, nil
}

// log is the delivery log (发送记录) of the user's jurisdiction, failures
// first, with the channels' test send and the event types' templates.
func (h *Handler) log(w http.ResponseWriter, r *http.Request) error {
	v, err := h.logOf(r)
	if err != nil {
		return err
	}
	return h.render(w, r, "notify_log", "消息通知", v)
}

func (h *Handler) resend(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := h.svc.Resend(r.Context(), web.Actor(r), web.User(r).Scope(), id); err != nil {
		return err
	}
	return web.Redirect(w, r, "/notify", "已重新排队发送 #"+strconv.FormatInt(id, 10))
}

type testIn struct {
	Channel string `json:"channel"`
	To      string `json:"to"`
}

// testSend sends a test message through a channel now and shows the result
// on the log page.
func (h *Handler) testSend(w http.ResponseWriter, r *http.Request) error {
	var in testIn
	err := web.Bind(r, &in)
	var x notify.Delivery
	if err == nil {
		x, err = h.svc.TestSend(r.Context(), web.Actor(r), web.User(r).Scope(), in.Channel, in.To)
	}
	v, lerr := h.logOf(r)
	if lerr != nil {
		return lerr
	}
	v.Test = in
	if err != nil {
		return h.pages.FormError(w, r, err, "notify_log", "消息通知", v)
	}
	v.Result = &x
	return h.render(w, r, "notify_log", "消息通知", v)
}
