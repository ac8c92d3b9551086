// Package readinessweb is readiness (平急结合) on the web: a county's or
// township's score against the standards with its gap list and a row per
// township (drill-down), and the records readiness keeps — the tracing team
// roster, samplers, plans and drills.
package readinessweb

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"

	"fangkong/internal/auth"
	"fangkong/internal/readiness"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Handler serves readiness.
type Handler struct {
	srv   *web.Server
	svc   *readiness.Service
	pages *web.Pages
}

// New parses the templates.
func New(srv *web.Server, svc *readiness.Service) *Handler {
	return &Handler{srv: srv, svc: svc, pages: srv.MustPages(templates, "templates", nil)}
}

// Routes: the page, and its records.
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		web.Page("GET /readiness", auth.CapReadinessRead, h.show),
		web.API("GET /api/v1/readiness", auth.CapReadinessRead, h.api),
		web.Page("POST /readiness/tracers", auth.CapReadinessManage, h.addTracer),
		web.Page("POST /readiness/tracers/{id}/delete", auth.CapReadinessManage, h.removeTracer),
		web.Page("POST /readiness/samplers", auth.CapReadinessManage, h.setSamplers),
		web.Page("POST /readiness/plans", auth.CapReadinessManage, h.addPlan),
	}
}

type view struct {
	Unit        string
	Report      readiness.Report
	Tracers     []readiness.Tracer
	Plans       []readiness.Plan
	TracerKinds []string
	PlanKinds   []string
	// Which form an error belongs to, and each form's typed input.
	Which    string
	Tracer   readiness.Tracer
	Samplers string
	Plan     readiness.Plan
}

func (h *Handler) view(r *http.Request, unit string) (view, error) {
	u := web.User(r)
	v := view{Unit: web.FirstOf(unit, u.UnitCode), TracerKinds: readiness.TracerKinds, PlanKinds: readiness.PlanKinds}
	var err error
	if v.Report, err = h.svc.Get(r.Context(), u.Scope(), v.Unit); err != nil {
		return v, err
	}
	if v.Tracers, err = h.svc.Tracers(r.Context(), u.Scope(), v.Unit); err != nil {
		return v, err
	}
	v.Plans, err = h.svc.Plans(r.Context(), u.Scope(), v.Unit)
	v.Tracer = readiness.Tracer{UnitCode: v.Unit, Kind: "公安"}
	v.Plan = readiness.Plan{UnitCode: v.Unit, Kind: "演练"}
	v.Samplers = strconv.Itoa(v.Report.Figures.Samplers)
	return v, err
}

func (h *Handler) show(w http.ResponseWriter, r *http.Request) error {
	v, err := h.view(r, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "readiness", "平急结合", v)
}

// done re-renders the page of the form's unit with the typed input and the
// message beside the field, or redirects to it.
func (h *Handler) done(w http.ResponseWriter, r *http.Request, err error, fill func(*view), msg string) error {
	back := r.FormValue("back")
	if err != nil {
		v, verr := h.view(r, back)
		if verr != nil {
			return verr
		}
		fill(&v)
		return h.pages.FormError(w, r, err, "readiness", "平急结合", v)
	}
	return web.Redirect(w, r, "/readiness?"+url.Values{"unit": {back}}.Encode(), msg)
}

// unitCode reads the form's unit, typed by name (甘亭街道) or code; on an
// error it is what was typed.
func (h *Handler) unitCode(r *http.Request) (string, error) {
	return h.srv.NamedUnit(r.Context(), web.User(r).Scope(), "unit_code", r.FormValue("unit_code"))
}

func (h *Handler) addTracer(w http.ResponseWriter, r *http.Request) error {
	code, err := h.unitCode(r)
	t := readiness.Tracer{UnitCode: code, Name: r.FormValue("name"), Kind: r.FormValue("kind")}
	if err == nil {
		_, err = h.svc.AddTracer(r.Context(), web.Actor(r), web.User(r).Scope(), t)
	}
	return h.done(w, r, err, func(v *view) { v.Which, v.Tracer = "tracer", t }, "已加入流调队伍："+t.Name)
}

func (h *Handler) removeTracer(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := h.svc.RemoveTracer(r.Context(), web.Actor(r), web.User(r).Scope(), id); err != nil {
		return err
	}
	return web.Redirect(w, r, "/readiness?"+url.Values{"unit": {r.FormValue("back")}}.Encode(), "已移出流调队伍")
}

func (h *Handler) setSamplers(w http.ResponseWriter, r *http.Request) error {
	raw := r.FormValue("samplers")
	n, err := strconv.Atoi(raw)
	if err != nil {
		n = -1
	}
	code, err := h.unitCode(r)
	if err == nil {
		err = h.svc.SetSamplers(r.Context(), web.Actor(r), web.User(r).Scope(), code, n)
	}
	return h.done(w, r, err, func(v *view) { v.Which, v.Samplers = "samplers", raw }, "已更新采样人员")
}

func (h *Handler) addPlan(w http.ResponseWriter, r *http.Request) error {
	code, err := h.unitCode(r)
	p := readiness.Plan{UnitCode: code, Kind: r.FormValue("kind"), Title: r.FormValue("title"), HeldOn: r.FormValue("held_on"),
		Findings: r.FormValue("findings")}
	if err == nil {
		_, err = h.svc.AddPlan(r.Context(), web.Actor(r), web.User(r).Scope(), p)
	}
	return h.done(w, r, err, func(v *view) { v.Which, v.Plan = "plan", p }, "已记录"+p.Kind+"："+p.Title)
}
