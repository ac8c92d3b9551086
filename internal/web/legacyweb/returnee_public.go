package legacyweb

import (
	"errors"
	"net/http"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/returnee"
	"fangkong/internal/web"
)

// publicBodyLimit bounds a self-report form (a few short fields).
const publicBodyLimit = 16 << 10

// reportURL is the public address a poster's QR code points to.
func (s *Handler) reportURL(r *http.Request, token string) string {
	scheme := "http"
	if s.SecureCookies || r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/r/" + token
}

func (s *Handler) posterPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.Returnees.Poster(r.Context(), web.User(r).Scope(), r.PathValue("code"))
	if err != nil {
		return err
	}
	link := s.reportURL(r, p.Token)
	svg, err := web.QRSVG(link, 320), error(nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "returnee_poster", p.Village.Name+" 返乡报备二维码", map[string]any{"P": p, "URL": link, "QR": svg})
}

func (s *Handler) posterRotate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.Returnees.RotatePoster(r.Context(), web.Actor(r), web.User(r).Scope(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/units/"+p.Village.Code+"/poster", "已更换二维码，旧海报已失效，请重新打印张贴")
}

// publicReport is the public page's data: only the village's name and the
// submitter's own input, never anything read from the registry.
type publicReport struct {
	Village    string
	In         returnee.SelfReport
	Transports []string
	Today      string
	Done       bool
}

func (s *Handler) publicReportForm(w http.ResponseWriter, r *http.Request) {
	p, err := s.Returnees.PosterByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	d := publicReport{Village: p.Village.Name, Transports: returnee.Transports, Today: clock.Day(s.Now())}
	if err := s.render(w, r, http.StatusOK, "returnee_public", "返乡人员自主报备", d); err != nil {
		s.publicError(w, r, err)
	}
}

func (s *Handler) publicReportSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, publicBodyLimit)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.publicError(w, r, err)
			return
		}
		s.publicError(w, r, errs.Invalidf("", "表单内容有误"))
		return
	}
	token := r.PathValue("token")
	p, err := s.Returnees.PosterByToken(r.Context(), token)
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	f := r.PostForm.Get
	in := returnee.SelfReport{Name: f("name"), IDNumber: f("id_number"), Phone: f("phone"), Address: f("address"),
		OriginCode: f("origin_code"), OriginDetail: f("origin_detail"), DepartedOn: f("departed_on"), ArrivedOn: f("arrived_on"),
		Transport: f("transport"), TransportNo: f("transport_no"), TestSampledAt: f("test_sampled_at"), Symptoms: f("symptoms"),
		Companions: f("companions"), IP: web.IP(r)}
	d := publicReport{Village: p.Village.Name, In: in, Transports: returnee.Transports, Today: clock.Day(s.Now())}
	if _, err := s.Returnees.SubmitSelfReport(r.Context(), token, in); err != nil {
		status, msg, field := web.StatusOf(err)
		if status == http.StatusInternalServerError || status == http.StatusNotFound {
			s.publicError(w, r, err)
			return
		}
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "3600")
			d.In = returnee.SelfReport{}
		}
		if err := s.renderView(w, r, status, "returnee_public", web.View{Title: "返乡人员自主报备", Error: msg, Field: field, D: d}); err != nil {
			s.publicError(w, r, err)
		}
		return
	}
	// Nothing is echoed back: the page only thanks the submitter.
	if err := s.render(w, r, http.StatusOK, "returnee_public", "报备已提交", publicReport{Village: p.Village.Name, Done: true}); err != nil {
		s.publicError(w, r, err)
	}
}

func (s *Handler) publicError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, _ := web.StatusOf(err)
	if status == http.StatusInternalServerError {
		s.Logger.Error("public", "err", err, "path", r.URL.Path, "request_id", web.RequestID(r))
	}
	if status == http.StatusNotFound {
		msg = "二维码无效或已更换，请扫描村里最新张贴的二维码"
	}
	s.RenderError(w, r, status, msg)
}
