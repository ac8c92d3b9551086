package sentinelweb

import (
	"fmt"
	"net/http"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/personal"
	"fangkong/internal/sentinel"
	"fangkong/internal/web"
)

// homeView is a sentinel account's day.
type homeView struct {
	S         sentinel.Sentinel
	Day       string
	Cutoff    string
	PastCut   bool
	Return    sentinel.Return
	HasReturn bool
	Found     int // fever reports found today (the return's suggestion)
	Reports   []sentinel.Report
	Referred  []sentinel.Report
	Checks    sentinel.CheckDay // 晨午检 (schools, care homes)
	CheckIn   checkIn           // the 晨午检 form as sent
	// CheckSent: the page answers the 晨午检 form (its 发热 field shares
	// the name "fevers" with the return's).
	CheckSent bool
	// ReturnIn is the return's 发热人数 as typed, sent back after an error
	// (ReturnSent); else the field shows the stored or suggested figure.
	ReturnIn   string
	ReturnSent bool
	Now        time.Time
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request) error {
	x, err := h.mine(r)
	if err != nil {
		return err
	}
	v, err := h.homeOf(r, x)
	if err != nil {
		return err
	}
	return h.render(w, r, "sentinel_home", x.Name, v)
}

func (h *Handler) homeOf(r *http.Request, x sentinel.Sentinel) (homeView, error) {
	ctx, scope := r.Context(), web.User(r).Scope()
	now := h.now()
	v := homeView{S: x, Day: clock.Day(now), Now: now}
	c, err := h.svc.ClocksOn(ctx, v.Day)
	if err != nil {
		return v, err
	}
	v.Cutoff, v.PastCut = c.ReturnCutoff, now.After(c.Cutoff(v.Day))
	if v.Return, v.HasReturn, err = h.svc.ReturnOf(ctx, x.ID, v.Day); err != nil {
		return v, err
	}
	if v.Found, err = h.svc.CountReports(ctx, scope, sentinel.ReportFilter{SentinelID: x.ID, Day: v.Day}); err != nil {
		return v, err
	}
	if v.Reports, err = h.svc.Reports(ctx, scope, sentinel.ReportFilter{SentinelID: x.ID, Limit: 30}); err != nil {
		return v, err
	}
	if x.MayTreatFever {
		if v.Referred, err = h.svc.Referred(ctx, x); err != nil {
			return v, err
		}
	}
	if x.RunsChecks() {
		if v.Checks, err = h.svc.Checks(ctx, scope, x.ID, v.Day); err != nil {
			return v, err
		}
	}
	return v, nil
}

// checkIn is the 晨午检 form: one class or floor.
type checkIn struct {
	Group     string `json:"grp"`
	Present   int    `json:"present"`
	AbsentIll int    `json:"absent_ill"`
	Fevers    int    `json:"fevers"`
	Note      string `json:"note"`
}

// checkSubmit records one class's or floor's 晨午检; the form comes back
// with the message beside the field when a figure is wrong.
func (h *Handler) checkSubmit(w http.ResponseWriter, r *http.Request) error {
	x, err := h.mine(r)
	if err != nil {
		return err
	}
	var in checkIn
	err = web.Bind(r, &in)
	if err == nil {
		_, err = h.svc.SubmitCheck(r.Context(), web.Actor(r), web.User(r).Scope(), x, sentinel.Check{Group: in.Group, Present: in.Present,
			AbsentIll: in.AbsentIll, Fevers: in.Fevers, Note: in.Note})
	}
	if err != nil {
		v, verr := h.homeOf(r, x)
		if verr != nil {
			return verr
		}
		v.CheckIn, v.CheckSent = in, true
		return h.pages.FormError(w, r, err, "sentinel_home", x.Name, v)
	}
	return web.Redirect(w, r, "/sentinel#checks", "已保存 "+in.Group+" 的晨午检，今日日报已随之更新")
}

// reportIn is the fever report form.
type reportIn struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
	Temp     string `json:"temp"`
	Symptoms string `json:"symptoms"`
	Drugs    string `json:"drugs"`
	Action   string `json:"action"`
	FoundAt  string `json:"found_at"` // datetime-local
	ReferTo  int64  `json:"refer_to"`
	Note     string `json:"note"`
}

type reportFormView struct {
	S       sentinel.Sentinel
	In      reportIn
	Actions []string
	Clinics []sentinel.Sentinel
	// AckHours is the time the township has to receive the report, as
	// today's clocks set it (/sentinel-clocks).
	AckHours int
}

func (h *Handler) reportFormOf(r *http.Request, x sentinel.Sentinel, in reportIn) reportFormView {
	clinics, _ := h.svc.FeverClinics(r.Context(), x.UnitCode)
	v := reportFormView{S: x, In: in, Actions: sentinel.Actions, Clinics: clinics, AckHours: 2}
	if c, err := h.svc.ClocksOn(r.Context(), clock.Day(h.now())); err == nil && c.AckHours > 0 {
		v.AckHours = c.AckHours
	}
	return v
}

func (h *Handler) reportForm(w http.ResponseWriter, r *http.Request) error {
	x, err := h.mine(r)
	if err != nil {
		return err
	}
	in := reportIn{Action: sentinel.ActionRefer}
	if x.MayTreatFever {
		in.Action = sentinel.ActionSample
	}
	return h.render(w, r, "sentinel_report_form", "报告发热病人", h.reportFormOf(r, x, in))
}

func (h *Handler) reportCreate(w http.ResponseWriter, r *http.Request) error {
	x, err := h.mine(r)
	if err != nil {
		return err
	}
	var in reportIn
	err = web.Bind(r, &in)
	var found int64
	if err == nil {
		found, err = web.ParseLocalTime("found_at", in.FoundAt)
	}
	var rep sentinel.Report
	if err == nil {
		rep, err = h.svc.ReportFever(r.Context(), web.Actor(r), web.User(r).Scope(), x, sentinel.ReportInput{Name: in.Name, IDNumber: in.IDNumber,
			Phone: in.Phone, Temp: in.Temp, Symptoms: in.Symptoms, Drugs: in.Drugs, Action: in.Action, FoundAt: found, ReferTo: in.ReferTo, Note: in.Note})
	}
	if err != nil {
		return h.pages.FormError(w, r, err, "sentinel_report_form", "报告发热病人", h.reportFormOf(r, x, in))
	}
	return web.Redirect(w, r, "/sentinel", fmt.Sprintf("已报告发热病人 %s，乡镇卫生院须在 %s 前接收", rep.Name, clock.Format(rep.AckDueAt)))
}

// returnSubmit records today's return; "zero" sends a zero report. A
// figure that is not a number comes back on the home page itself, with
// what was typed and the message beside 发热人数: the page is rendered
// here, not left to the core's refill, which needs the Referer of the
// page the form came from (a second try from the page an error answered
// has /sentinel/returns for Referer, and fell to the bare error page).
func (h *Handler) returnSubmit(w http.ResponseWriter, r *http.Request) error {
	x, err := h.mine(r)
	if err != nil {
		return err
	}
	var in struct {
		Fevers string `json:"fevers"`
		Zero   bool   `json:"zero"`
		Note   string `json:"note"`
	}
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	n := 0
	if !in.Zero {
		// Not a number (三, abc, blank): a 400 on the field like -1.
		f := personal.Halfwidth(in.Fevers) // ３ typed on a phone
		if _, serr := fmt.Sscan(f, &n); serr != nil || fmt.Sprint(n) != f {
			err = errs.Invalidf("fevers", "请填写今日发现发热人数（整数），无发热请点“零报告”")
		}
	}
	var rt sentinel.Return
	if err == nil {
		rt, err = h.svc.SubmitReturn(r.Context(), web.Actor(r), web.User(r).Scope(), x, "", n, in.Note)
	}
	if err != nil {
		v, verr := h.homeOf(r, x)
		if verr != nil {
			return verr
		}
		v.ReturnIn, v.ReturnSent = in.Fevers, true
		return h.pages.FormError(w, r, err, "sentinel_home", x.Name, v)
	}
	msg := fmt.Sprintf("已提交今日日报：发现发热 %d 人", rt.Fevers)
	if rt.Zero() {
		msg = "已提交今日零报告"
	}
	if rt.Revisions > 1 {
		msg += fmt.Sprintf("（第%d次更正，以最后一次为准）", rt.Revisions-1)
	}
	return web.Redirect(w, r, "/sentinel", msg)
}

// arrived: a fever clinic confirms a referred patient arrived.
func (h *Handler) arrived(w http.ResponseWriter, r *http.Request) error {
	x, err := h.mine(r)
	if err != nil {
		return err
	}
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := h.svc.Arrived(r.Context(), web.Actor(r), x, id); err != nil {
		return err
	}
	return web.Redirect(w, r, "/sentinel", "已确认转诊病人到达")
}
