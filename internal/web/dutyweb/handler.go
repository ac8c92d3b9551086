// Package dutyweb is the duty roster (值班值守) on the web: the day's
// shifts of a unit's subtree with who is on duty now, adding a shift, the
// check-in and the spot check (查岗).
package dutyweb

import (
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/duty"
	"fangkong/internal/errs"
	"fangkong/internal/personal"
	"fangkong/internal/sheet"
	"fangkong/internal/summary"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Handler serves the roster.
type Handler struct {
	srv   *web.Server
	svc   *duty.Service
	pages *web.Pages
}

// New parses the templates.
func New(srv *web.Server, svc *duty.Service) *Handler {
	return &Handler{srv: srv, svc: svc, pages: srv.MustPages(templates, "templates", nil)}
}

// Routes: the roster, a new shift, check-in, spot check.
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		web.Page("GET /duty", auth.CapDutyRead, h.roster),
		web.Page("POST /duty", auth.CapDutyManage, h.add),
		web.Page("POST /duty/{id}/checkin", auth.CapDutyManage, h.checkIn),
		web.Page("POST /duty/{id}/check", auth.CapDutyCheck, h.spotCheck),
	}
}

type rosterView struct {
	Unit   string
	Day    string
	Now    time.Time
	Shifts []duty.Shift
	Card   summary.Card
	Form   duty.Input
	// Hours is 时长 as shown: the default, or what was typed ("三" stays
	// "三", never 0).
	Hours string
}

// OnNow reports whether a shift is under way.
func (v rosterView) OnNow(s duty.Shift) bool { return !v.Now.Before(s.Start) && v.Now.Before(s.End) }

// Gap reports whether a shift is a gap now.
func (v rosterView) Gap(s duty.Shift) bool { return s.Gap(v.Now) }

// DayText: the form's date is not one a date input takes (2021年13月40日
// sent back), so the field is a text input that keeps it.
func (v rosterView) DayText() bool { return v.Form.Day != "" && !web.ValidDate(v.Form.Day) }

// view is the roster with the shift form: sent (after an error) with what
// was typed, else the unit's defaults.
func (h *Handler) view(r *http.Request, form duty.Input, hours string, sent bool) (rosterView, error) {
	u := web.User(r)
	q := r.URL.Query()
	v := rosterView{Unit: web.FirstOf(q.Get("unit"), u.UnitCode), Day: q.Get("day"), Now: h.srv.Now(), Form: form, Hours: hours}
	if !web.ValidDate(v.Day) {
		v.Day = clock.Day(v.Now)
	}
	var err error
	if v.Card, err = h.svc.Summary(r.Context(), u.Scope(), v.Unit, v.Day); err != nil {
		return v, err
	}
	v.Shifts, err = h.svc.Roster(r.Context(), u.Scope(), v.Unit, v.Day)
	if !sent {
		v.Form, v.Hours = duty.Input{UnitCode: v.Unit, Day: v.Day, Start: "08:00", Hours: 24}, "24"
	}
	return v, err
}

func (h *Handler) roster(w http.ResponseWriter, r *http.Request) error {
	v, err := h.view(r, duty.Input{}, "", false)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "roster", "值班值守", v)
}

func (h *Handler) add(w http.ResponseWriter, r *http.Request) error {
	typed := strings.TrimSpace(r.FormValue("hours"))
	hours, herr := strconv.Atoi(personal.Halfwidth(typed))
	// The unit typed by name (甘亭街道) or code; on an error the form keeps what was typed.
	typedUnit := r.FormValue("unit_code")
	code, err := h.srv.NamedUnit(r.Context(), web.User(r).Scope(), "unit_code", typedUnit)
	in := duty.Input{UnitCode: code, Day: sheet.NormDate(strings.TrimSpace(r.FormValue("day"))), Start: strings.TrimSpace(r.FormValue("start")),
		Hours: hours, Leader: r.FormValue("leader"), Person: r.FormValue("person"), Phone: r.FormValue("phone")}
	if err == nil && herr != nil {
		err = errs.Invalidf("hours", "班次时长为1至24小时（整数）")
	}
	var sh duty.Shift
	if err == nil {
		sh, err = h.svc.AddShift(r.Context(), web.Actor(r), web.User(r).Scope(), in)
	}
	if err != nil {
		if in.UnitCode == "" {
			in.UnitCode = typedUnit
		}
		v, verr := h.view(r, in, typed, true)
		if verr != nil {
			return verr
		}
		return h.pages.FormError(w, r, err, "roster", "值班值守", v)
	}
	return web.Redirect(w, r, fmt.Sprintf("/duty?unit=%s&day=%s", sh.UnitCode, clock.Day(sh.Start)), "已排班："+sh.Person)
}

func (h *Handler) after(w http.ResponseWriter, r *http.Request, sh duty.Shift, err error, done string) error {
	if err != nil {
		return err
	}
	// Back to the list the check was made from (the county's, calling one
	// unit after another), else the shift's unit and day.
	if ref, perr := url.Parse(r.Referer()); perr == nil && ref.Path == "/duty" && (ref.Host == "" || ref.Host == r.Host) {
		return web.Redirect(w, r, (&url.URL{Path: ref.Path, RawQuery: ref.RawQuery}).String(), done)
	}
	return web.Redirect(w, r, fmt.Sprintf("/duty?unit=%s&day=%s", sh.UnitCode, clock.Day(sh.Start)), done)
}

func (h *Handler) checkIn(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	sh, err := h.svc.CheckIn(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	return h.after(w, r, sh, err, "已签到："+sh.Person)
}

func (h *Handler) spotCheck(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	sh, err := h.svc.SpotCheck(r.Context(), web.Actor(r), web.User(r).Scope(), id, r.FormValue("answered") == "1", r.FormValue("answerer"))
	return h.after(w, r, sh, err, "已记录查岗")
}
