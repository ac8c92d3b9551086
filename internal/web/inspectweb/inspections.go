package inspectweb

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"fangkong/internal/clock"
	"fangkong/internal/inspect"
	"fangkong/internal/web"
)

type listView struct {
	Unit        string
	Inspections []inspect.Inspection
	Paging      web.Paging
	Review      int // findings waiting for the inspector's review
}

func (h *Handler) inspections(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	unit := r.URL.Query().Get("unit")
	page := web.PageOf(r)
	const per = 50
	list, err := h.svc.Inspections(r.Context(), u.Scope(), unit, per+1, (page-1)*per)
	if err != nil {
		return err
	}
	v := listView{Unit: unit, Paging: web.PagingFor(r, page, len(list))}
	v.Inspections = list[:min(len(list), per)]
	// The inspector's work first: rectifications waiting for review.
	if v.Review, err = h.svc.Count(r.Context(), u.Scope(), inspect.Filter{Unit: unit, Status: inspect.StatusReview}); err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "inspections", "督查检查", v)
}

type inspectionForm struct {
	inspect.Inspection
	Types  []inspect.ObjectType
	Type   inspect.ObjectType
	Failed map[string]bool
}

func (h *Handler) newInspection(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	t, ok := inspect.Type(r.URL.Query().Get("type"))
	if !ok {
		t = inspect.ObjectTypes[0]
	}
	v := inspectionForm{Inspection: inspect.Inspection{UnitCode: web.FirstOf(r.URL.Query().Get("unit"), u.UnitCode),
		ObjectType: t.Code, VisitedOn: clock.Day(h.srv.Now())}, Types: inspect.ObjectTypes, Type: t}
	return h.pages.Render(w, r, http.StatusOK, "inspection_form", "新增督查", v)
}

func (h *Handler) createInspection(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := inspect.Inspection{UnitCode: r.PostFormValue("unit_code"), ObjectType: r.PostFormValue("object_type"),
		ObjectName: r.PostFormValue("object_name"), Covert: r.PostFormValue("covert") == "1", Team: r.PostFormValue("team"),
		VisitedOn: r.PostFormValue("visited_on")}
	failed := map[string]bool{}
	for _, item := range r.PostForm["failed"] {
		failed[item] = true
	}
	typed := in.UnitCode
	code, err := h.srv.UnitCode(r.Context(), web.User(r).Scope(), "unit_code", in.UnitCode)
	var got inspect.Inspection
	if err == nil {
		in.UnitCode = code
		got, err = h.svc.CreateInspection(r.Context(), web.Actor(r), web.User(r).Scope(), in, failed)
	}
	if err != nil {
		in.UnitCode = typed
		t, ok := inspect.Type(in.ObjectType)
		if !ok {
			t = inspect.ObjectTypes[0]
		}
		return h.pages.FormError(w, r, err, "inspection_form", "新增督查", inspectionForm{Inspection: in, Types: inspect.ObjectTypes, Type: t, Failed: failed})
	}
	return web.Redirect(w, r, fmt.Sprintf("/inspections/%d", got.ID), "已记录督查，请逐条登记发现的问题")
}

type inspectionView struct {
	inspect.Inspection
	Findings   []inspect.Finding
	Form       inspect.Finding
	Severities []string
}

func (h *Handler) inspectionPage(w http.ResponseWriter, r *http.Request, status int, form inspect.Finding, fail error) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	u := web.User(r)
	insp, err := h.svc.Inspection(r.Context(), u.Scope(), id)
	if err != nil {
		return err
	}
	fs, err := h.svc.Findings(r.Context(), u.Scope(), inspect.Filter{Inspection: id})
	if err != nil {
		return err
	}
	if form.Deadline == "" {
		form.Deadline = insp.VisitedOn
	}
	v := inspectionView{Inspection: insp, Findings: fs, Form: form, Severities: inspect.Severities}
	if fail != nil {
		return h.pages.FormError(w, r, fail, "inspection", "督查："+insp.ObjectName, v)
	}
	return h.pages.Render(w, r, status, "inspection", "督查："+insp.ObjectName, v)
}

func (h *Handler) inspection(w http.ResponseWriter, r *http.Request) error {
	return h.inspectionPage(w, r, http.StatusOK, inspect.Finding{}, nil)
}

func (h *Handler) addFinding(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var photo []byte
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return err
		}
		if f, _, err := r.FormFile("photo"); err == nil {
			photo, err = io.ReadAll(io.LimitReader(f, inspect.MaxPhoto+1))
			f.Close()
			if err != nil {
				return err
			}
		}
	}
	in := inspect.Finding{UnitCode: r.FormValue("unit_code"), Problem: r.FormValue("problem"), Severity: r.FormValue("severity"),
		Leader: r.FormValue("leader"), Person: r.FormValue("person"), Measure: r.FormValue("measure"), Deadline: r.FormValue("deadline")}
	typed := in.UnitCode
	code, err := h.srv.UnitCode(r.Context(), web.User(r).Scope(), "unit_code", in.UnitCode)
	var f inspect.Finding
	if err == nil {
		in.UnitCode = code
		f, err = h.svc.AddFinding(r.Context(), web.Actor(r), web.User(r).Scope(), id, in, photo)
	}
	if err != nil {
		in.UnitCode = typed
		return h.inspectionPage(w, r, http.StatusBadRequest, in, err)
	}
	return web.Redirect(w, r, fmt.Sprintf("/inspections/%d", id), fmt.Sprintf("已登记问题，整改时限 %s", f.Deadline))
}
