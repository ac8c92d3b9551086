package returneeweb

import (
	"html/template"
	"net/http"

	"fangkong/internal/clock"
	"fangkong/internal/returnee"
	"fangkong/internal/web"
)

// --- The village poster and the public self-report page it points to

// reportURL is the public address a poster's QR code points to.
func (h *Handler) reportURL(r *http.Request, token string) string {
	scheme := "http"
	if h.srv.SecureCookies || r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/r/" + token
}

// posterView is the printable poster: the village, its link and QR code.
type posterView struct {
	P   returnee.Poster
	URL string
	QR  template.HTML
}

func (h *Handler) posterPage(w http.ResponseWriter, r *http.Request) error {
	p, err := h.returnees.Poster(r.Context(), web.User(r).Scope(), r.PathValue("code"))
	if err != nil {
		return err
	}
	link := h.reportURL(r, p.Token)
	return h.render(w, r, http.StatusOK, "returnee_poster", p.Village.Name+" 返乡报备二维码",
		posterView{P: p, URL: link, QR: web.QRSVG(link, 320)})
}

func (h *Handler) rotatePosterPage(w http.ResponseWriter, r *http.Request) error {
	p, err := h.returnees.RotatePoster(r.Context(), web.Actor(r), web.User(r).Scope(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/units/"+p.Village.Code+"/poster", "已更换二维码，旧海报已失效，请重新打印张贴")
}

// selfReportIn is the public form.
type selfReportIn struct {
	Name          string `json:"name"`
	IDNumber      string `json:"id_number"`
	Phone         string `json:"phone"`
	Address       string `json:"address"`
	Origin        string `json:"origin"`       // the place typed: 河南省郑州市金水区, 郑州金水
	OriginAsked   string `json:"origin_asked"` // the text 您是指… asked about
	OriginCode    string `json:"origin_code"`  // the candidate picked (or a code)
	OriginDetail  string `json:"origin_detail"`
	DepartedOn    string `json:"departed_on"`
	ArrivedOn     string `json:"arrived_on"`
	Transport     string `json:"transport"`
	TransportNo   string `json:"transport_no"`
	TestSampledAt string `json:"test_sampled_at"`
	Symptoms      string `json:"symptoms"`
	Companions    string `json:"companions"`
}

func (in selfReportIn) report(ip string) returnee.SelfReport {
	return returnee.SelfReport{Name: in.Name, IDNumber: in.IDNumber, Phone: in.Phone, Address: in.Address,
		OriginText: in.Origin, OriginCode: in.OriginCode, OriginDetail: in.OriginDetail, DepartedOn: in.DepartedOn, ArrivedOn: in.ArrivedOn,
		Transport: in.Transport, TransportNo: in.TransportNo, TestSampledAt: in.TestSampledAt, Symptoms: in.Symptoms,
		Companions: in.Companions, IP: ip}
}

// publicReport is the public page's data: only the village's name and the
// submitter's own input, never anything read from the registry.
type publicReport struct {
	Village    string
	In         returnee.SelfReport
	Origin     web.PlaceField
	Transports []string
	Today      string
	Done       bool
	// Gone: the poster's token was replaced (or never was): the form comes
	// back with what was typed, without the village and with no way to
	// submit it again to the dead token.
	Gone bool
}

// goneMessage tops the form posted to a replaced or unknown token.
const goneMessage = "二维码已更换，本页已无法提交。请扫描村里最新张贴的二维码重新打开报备页；" +
	"您填写的内容已保留在下方，并保存在本手机上，打开新的报备页后会自动填入。"

// public answers a public page's errors itself: an unknown or replaced
// token is a 404 that says so, and no page links to the login.
func (h *Handler) public(fn web.HandlerFunc) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := fn(w, r); err != nil {
			status, msg, _ := web.StatusOf(err)
			if status == http.StatusInternalServerError {
				h.srv.Logger.Error("public", "err", err, "path", r.URL.Path, "request_id", web.RequestID(r))
			}
			if status == http.StatusNotFound {
				msg = "二维码无效或已更换，请扫描村里最新张贴的二维码"
			}
			h.srv.RenderError(w, r, status, msg)
		}
		return nil
	}
}

func (h *Handler) publicForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.returnees.PosterByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	d := publicReport{Village: p.Village.Name, Transports: returnee.Transports, Today: clock.Day(h.srv.Now()),
		Origin: publicOrigin(p.Token, "", nil)}
	return h.render(w, r, http.StatusOK, "returnee_public", "返乡人员自主报备", d)
}

// publicOrigin is the public form's place field: a name, with suggestions
// from the page's own rate-limited endpoint.
func publicOrigin(token, value string, ask *web.PlaceAsk) web.PlaceField {
	return web.PlaceField{ID: "p-origin", Name: "origin", Label: "从哪里返回（省、市、区县）", Value: value,
		Placeholder: "如 河南省郑州市金水区、西安雁塔", Suggest: "/r/" + token + "/places", Ask: ask}
}

func (h *Handler) publicSubmit(w http.ResponseWriter, r *http.Request) error {
	var in selfReportIn
	if err := web.Bind(r, &in); err != nil { // the route bounds the body
		return err
	}
	token := r.PathValue("token")
	rep := in.report(web.IP(r))
	p, err := h.returnees.PosterByToken(r.Context(), token)
	if err != nil {
		if status, _, _ := web.StatusOf(err); status == http.StatusNotFound {
			return h.goneForm(w, r, in, rep)
		}
		return err
	}
	// A villager's 南涝村 is the one of the poster's county.
	rep.OriginCode, rep.OriginDetail = h.originNear(in.Origin, in.OriginCode, in.OriginDetail, p.Village.Code)
	if ask := h.askOrigin(in.Origin, rep.OriginCode, in.OriginAsked, p.Village.Code); ask != nil {
		// 您是指…: the form again with what was typed, nothing stored yet.
		d := publicReport{Village: p.Village.Name, In: rep, Transports: returnee.Transports, Today: clock.Day(h.srv.Now()),
			Origin: publicOrigin(token, in.Origin, ask)}
		return h.renderView(w, r, http.StatusOK, "returnee_public", web.View{Title: "返乡人员自主报备", Error: "请确认从哪里返回", Field: "origin", D: d})
	}
	if _, err := h.returnees.SubmitSelfReport(r.Context(), token, rep); err != nil {
		status, msg, field := web.StatusOf(err)
		if status == http.StatusNotFound { // replaced since PosterByToken
			return h.goneForm(w, r, in, rep)
		}
		if status == http.StatusInternalServerError {
			return err
		}
		d := publicReport{Village: p.Village.Name, In: rep, Transports: returnee.Transports, Today: clock.Day(h.srv.Now()),
			Origin: publicOrigin(token, in.Origin, nil)}
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "3600")
			d.In, d.Origin.Value = returnee.SelfReport{}, ""
		}
		return h.renderView(w, r, status, "returnee_public", web.View{Title: "返乡人员自主报备", Error: msg, Field: field, D: d})
	}
	// Nothing is echoed back: the page only thanks the submitter.
	return h.render(w, r, http.StatusOK, "returnee_public", "报备已提交", publicReport{Village: p.Village.Name, Done: true})
}

// goneForm answers a report posted to a replaced or unknown token: the form
// again (404) with everything typed and a message to scan the newest
// poster, never the bare error page; nothing is stored. The village is not
// known and no place suggestions are offered for the dead token.
func (h *Handler) goneForm(w http.ResponseWriter, r *http.Request, in selfReportIn, rep returnee.SelfReport) error {
	origin := publicOrigin("", in.Origin, nil)
	origin.Suggest = ""
	d := publicReport{In: rep, Origin: origin, Transports: returnee.Transports, Today: clock.Day(h.srv.Now()), Gone: true}
	return h.renderView(w, r, http.StatusNotFound, "returnee_public", web.View{Title: "返乡人员自主报备", Error: goneMessage, D: d})
}
