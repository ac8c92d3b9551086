package reportweb

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"fangkong/internal/clock"
	"fangkong/internal/report"
	"fangkong/internal/web"
)

type statusView struct {
	report.Status
	Crumbs   []web.Crumb
	Alerts   []report.Alert
	Versions []report.Report
	Mine     bool // the user's own unit: may compile and submit
}

// status is who under ?unit= has reported on ?day= (default today).
func (h *Handler) status(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	q := r.URL.Query()
	unit := web.FirstOf(q.Get("unit"), u.UnitCode)
	day := q.Get("day")
	if day == "" || !web.ValidDate(day) {
		day = clock.Day(h.srv.Now())
	}
	st, err := h.reports.Status(r.Context(), u.Scope(), unit, day)
	if err != nil {
		return err
	}
	v := statusView{Status: st, Mine: unit == u.UnitCode}
	if v.Crumbs, err = h.srv.Crumbs(r, st.Unit.Code); err != nil {
		return err
	}
	if v.Alerts, err = h.reports.Alerts(r.Context(), u.Scope(), st.Unit.Code, day); err != nil {
		return err
	}
	if v.Versions, err = h.reports.Versions(r.Context(), u.Scope(), st.Unit.Code, day); err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "status", "日报告 · "+st.Unit.Name, v)
}

type draftView struct {
	report.Draft
	Note, Confirmer string
	Zero            map[string]bool
}

// draft compiles the user's unit's report from live data, for review.
func (h *Handler) draft(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	d, err := h.reports.Compile(r.Context(), u.Scope(), u.UnitCode)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "draft", "编制日报告", draftView{Draft: d, Confirmer: u.DisplayName})
}

// submit confirms and stores the report: the form again, with the message
// beside the field, when a zero is not confirmed or the figures moved.
func (h *Handler) submit(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := report.Input{Unit: u.UnitCode, Seen: map[string]int{}, Zero: map[string]bool{},
		Note: r.PostFormValue("note"), Confirmer: r.PostFormValue("confirmer")}
	for k, vs := range r.PostForm {
		switch {
		case strings.HasPrefix(k, "v_") && len(vs) > 0:
			if n, err := strconv.Atoi(vs[0]); err == nil {
				in.Seen[k[2:]] = n
			}
		case strings.HasPrefix(k, "zero_") && len(vs) > 0:
			in.Zero[k[5:]] = vs[0] == "1" || vs[0] == "on"
		}
	}
	rep, d, err := h.reports.Submit(r.Context(), web.Actor(r), u.Scope(), in)
	if err != nil {
		if d.Unit.Code == "" {
			return err
		}
		return h.pages.FormError(w, r, err, "draft", "编制日报告", draftView{Draft: d, Note: in.Note, Confirmer: in.Confirmer, Zero: in.Zero})
	}
	kind := "日报告"
	if rep.Zero() {
		kind = "零报告"
	}
	return web.Redirect(w, r, fmt.Sprintf("/reports/%d", rep.ID), fmt.Sprintf("已报送%s（第%d版）", kind, rep.Version))
}

type versionView struct {
	report.Report
	Versions []report.Report
}

// version is one version of a report: printable.
func (h *Handler) version(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	u := web.User(r)
	rep, err := h.reports.Get(r.Context(), u.Scope(), id)
	if err != nil {
		return err
	}
	vs, err := h.reports.Versions(r.Context(), u.Scope(), rep.UnitCode, rep.Day)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "version", "日报告 · "+rep.UnitName, versionView{Report: rep, Versions: vs})
}

// export is a version as XLSX.
func (h *Handler) export(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	rep, err := h.reports.Get(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	web.Attachment(w, web.XLSXContentType, "report.xlsx", fmt.Sprintf("日报告-%s-%s-第%d版.xlsx", rep.UnitName, rep.Day, rep.Version))
	if err := report.Export(w, rep); err != nil {
		h.srv.Logger.Error("export report", "err", err, "id", id, "request_id", web.RequestID(r))
	}
	return nil
}
