package sentinelweb

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sentinel"
	"fangkong/internal/web"
)

// listView is the sentinels of a unit with the day's returns.
type listView struct {
	Unit string
	Day  sentinel.Day
}

// list: the day's returns per township (expected / reported / zero /
// missing, on-time rate, median delay), the missing list and every sentinel.
func (h *Handler) list(w http.ResponseWriter, r *http.Request) error {
	unitErr, err := h.srv.ListUnit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	day := q.Get("day")
	if day == "" {
		day = clock.Day(h.now())
	}
	d, err := h.svc.Returns(r.Context(), web.User(r).Scope(), q.Get("unit"), day)
	if err != nil {
		return err
	}
	return h.pages.RenderList(w, r, unitErr, "sentinel_list", "哨点日报", listView{Unit: q.Get("unit"), Day: d})
}

// sentinelIn is the new sentinel form.
type sentinelIn struct {
	UnitCode     string `json:"unit_code"`
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
}

type newView struct {
	In    sentinelIn
	Units []jurisdiction.Unit
	Kinds []string
}

func (h *Handler) newOf(r *http.Request, in sentinelIn) newView {
	ctx, scope := r.Context(), web.User(r).Scope()
	var units []jurisdiction.Unit
	for _, lvl := range []int{jurisdiction.LevelTownship, jurisdiction.LevelVillage} {
		if us, err := h.units.Units(ctx, scope, lvl); err == nil {
			units = append(units, us...)
		}
	}
	return newView{In: in, Units: units, Kinds: sentinel.Kinds}
}

func (h *Handler) newForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, "sentinel_new", "新增哨点", h.newOf(r, sentinelIn{UnitCode: web.User(r).UnitCode}))
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) error {
	var in sentinelIn
	err := web.Bind(r, &in)
	var x sentinel.Sentinel
	if err == nil {
		x, err = h.svc.CreateSentinel(r.Context(), web.Actor(r), web.User(r).Scope(), sentinel.Sentinel{UnitCode: in.UnitCode, Name: in.Name,
			Kind: in.Kind, ContactName: in.ContactName, ContactPhone: in.ContactPhone})
	}
	if err != nil {
		return h.pages.FormError(w, r, err, "sentinel_new", "新增哨点", h.newOf(r, in))
	}
	return web.Redirect(w, r, "/sentinels?unit="+x.UnitCode, "已新增哨点 "+x.Name+"，请绑定哨点账号")
}

// bind binds a sentinel account of the manager's jurisdiction by username.
func (h *Handler) bind(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx, scope := r.Context(), web.User(r).Scope()
	x, err := h.svc.Sentinel(ctx, scope, id)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(r.FormValue("username"))
	users, err := h.accounts.Users(ctx, scope)
	if err != nil {
		return err
	}
	var acc *auth.User
	for i := range users {
		if users[i].Username == name {
			acc = &users[i]
		}
	}
	back := "/sentinels?unit=" + x.UnitCode
	if acc == nil {
		return web.Redirect(w, r, back, "辖区内没有账号 "+name)
	}
	err = h.svc.Bind(ctx, web.Actor(r), scope, x.ID, sentinel.Account{ID: acc.ID, Username: acc.Username, Role: string(acc.Role), UnitCode: acc.UnitCode})
	if errs.IsInvalid(err) {
		return web.Redirect(w, r, back, web.Message(err))
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, back, fmt.Sprintf("已将账号 %s 绑定到 %s", acc.Username, x.Name))
}

type reportsView struct {
	Unit, Status, Day string
	Statuses          []string
	Reports           []sentinel.Report
	Paging            web.Paging
	Now               time.Time
}

// reports is the township's inbox and the county's list of fever reports.
func (h *Handler) reports(w http.ResponseWriter, r *http.Request) error {
	unitErr, err := h.srv.ListUnit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := reportsView{Unit: q.Get("unit"), Status: q.Get("status"), Day: q.Get("day"), Statuses: sentinel.Statuses, Now: h.now()}
	page := web.PageOf(r)
	list, err := h.svc.Reports(r.Context(), web.User(r).Scope(), sentinel.ReportFilter{Unit: v.Unit, Status: v.Status, Day: v.Day,
		Limit: web.PageSize + 1, Offset: (page - 1) * web.PageSize})
	if err != nil {
		return err
	}
	v.Paging = web.PagingFor(r, page, len(list))
	if len(list) > web.PageSize {
		list = list[:web.PageSize]
	}
	v.Reports = list
	return h.pages.RenderList(w, r, unitErr, "sentinel_reports", "发热病人报告", v)
}

type reportView struct {
	R   sentinel.Report
	Now time.Time
}

func (h *Handler) reportPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	rep, err := h.svc.ViewReport(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return h.render(w, r, "sentinel_report", "发热病人报告 "+rep.Name, reportView{R: rep, Now: h.now()})
}

func (h *Handler) advance(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	to, note := r.FormValue("to"), r.FormValue("note")
	rep, err := h.svc.Advance(r.Context(), web.Actor(r), web.User(r).Scope(), id, to, note)
	back := fmt.Sprintf("/sentinel-reports/%d", id)
	if errs.IsInvalid(err) || errors.Is(err, errs.ErrConflict) {
		return web.Redirect(w, r, back, web.Message(err))
	}
	if err != nil {
		return err
	}
	msg := "已更新为：" + rep.Status
	if rep.Flagged {
		msg += "，已报县指挥部"
	}
	return web.Redirect(w, r, back, msg)
}
