package notifyweb

import (
	"net/http"
	"strconv"

	"fangkong/internal/errs"
	"fangkong/internal/notify"
	"fangkong/internal/web"
)

type templateView struct {
	Type     notify.EventType
	Versions []notify.Template
	Body     string
	SMS      bool
	Robot    bool
	SMSCode  string
	Preview  string
}

func (h *Handler) templateOf(r *http.Request) (templateView, error) {
	t, err := h.svc.Type(r.PathValue("kind"))
	if err != nil {
		return templateView{}, err
	}
	vs, err := h.svc.Versions(r.Context(), t.Kind)
	if err != nil {
		return templateView{}, err
	}
	cur := vs[0]
	v := templateView{Type: t, Versions: vs, Body: cur.Body, SMSCode: cur.SMSCode}
	for _, c := range cur.Channels {
		v.SMS = v.SMS || c == notify.ChannelSMS
		v.Robot = v.Robot || c == notify.ChannelRobot
	}
	v.Preview = notify.Render(cur.Body, t.Sample)
	return v, nil
}

// template is the editor of an event type's message: the one in force,
// its preview with sample values, the channels, and the versions.
func (h *Handler) template(w http.ResponseWriter, r *http.Request) error {
	v, err := h.templateOf(r)
	if err != nil {
		return err
	}
	return h.render(w, r, "notify_template", v.Type.Name+" 消息模板", v)
}

type templateIn struct {
	Body    string `json:"body"`
	SMS     bool   `json:"sms"`
	Robot   bool   `json:"robot"`
	SMSCode string `json:"sms_code"`
	Preview bool   `json:"preview"`
}

// saveTemplate previews the typed message (preview=1) or saves it as a new
// version.
func (h *Handler) saveTemplate(w http.ResponseWriter, r *http.Request) error {
	v, err := h.templateOf(r)
	if err != nil {
		return err
	}
	var in templateIn
	err = web.Bind(r, &in)
	v.Body, v.SMS, v.Robot, v.SMSCode, v.Preview = in.Body, in.SMS, in.Robot, in.SMSCode, ""
	title := v.Type.Name + " 消息模板"
	if err != nil {
		return h.pages.FormError(w, r, err, "notify_template", title, v)
	}
	if in.Preview {
		p, err := h.svc.Preview(v.Type.Kind, in.Body)
		if err != nil {
			return h.pages.FormError(w, r, err, "notify_template", title, v)
		}
		v.Preview = p
		return h.render(w, r, "notify_template", title, v)
	}
	var chs []string
	if in.SMS {
		chs = append(chs, notify.ChannelSMS)
	}
	if in.Robot {
		chs = append(chs, notify.ChannelRobot)
	}
	x, err := h.svc.SaveTemplate(r.Context(), web.Actor(r), v.Type.Kind, in.Body, chs, in.SMSCode)
	if err != nil {
		if errs.IsInvalid(err) {
			return h.pages.FormError(w, r, err, "notify_template", title, v)
		}
		return err
	}
	return web.Redirect(w, r, "/notify/templates/"+x.Kind, "已保存为第 "+strconv.Itoa(x.Version)+" 版")
}
