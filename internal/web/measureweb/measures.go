package measureweb

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"fangkong/internal/errs"
	"fangkong/internal/measure"
	"fangkong/internal/policy"
	"fangkong/internal/web"
)

// typeCol is a column per kind of phase (集中隔离, 居家隔离, 健康监测, …).
type typeCol struct{ Code, Name string }

func typeCols() []typeCol {
	var out []typeCol
	for _, t := range policy.PhaseTypes {
		out = append(out, typeCol{t, policy.PhaseTypeName(t)})
	}
	return out
}

// overviewOf reads ?unit=&day= for the counts by unit and the 14-day trend.
func (h *Handler) overviewOf(r *http.Request) (measure.Overview, []measure.TrendDay, error) {
	if err := h.srv.UnitQuery(r); err != nil {
		return measure.Overview{}, nil, err
	}
	q, scope := r.URL.Query(), web.User(r).Scope()
	ov, err := h.measures.Overview(r.Context(), scope, q.Get("unit"), q.Get("day"))
	if err != nil {
		return ov, nil, err
	}
	tr, err := h.measures.Trend(r.Context(), scope, ov.Unit, ov.Day, 14)
	return ov, tr, err
}

type overviewView struct {
	O         measure.Overview
	Types     []typeCol
	Trend     []measure.TrendDay
	Alerts    []measure.Alert
	Now       time.Time
	IsVillage bool
}

func (h *Handler) measuresOverview(w http.ResponseWriter, r *http.Request) error {
	unitErr, err := h.srv.ListUnit(r)
	if err != nil {
		return err
	}
	ov, tr, err := h.overviewOf(r)
	if err != nil {
		return err
	}
	al, err := h.measures.Alerts(r.Context(), web.User(r).Scope(), measure.AlertFilter{Unit: ov.Unit, Open: true, Limit: 20})
	if err != nil {
		return err
	}
	if len(al) > 20 {
		al = al[:20]
	}
	return h.pages.RenderList(w, r, unitErr, "measure_overview", "管控措施", overviewView{O: ov, Types: typeCols(), Trend: tr,
		Alerts: al, Now: h.now(), IsVillage: len(ov.Unit) >= 12})
}

// listFilter reads ?unit=&type=&status=&day=&category= (code or name).
func listFilter(q url.Values) (measure.Filter, error) {
	f := measure.Filter{Unit: q.Get("unit"), PhaseType: q.Get("type"), Status: q.Get("status"), Day: q.Get("day")}
	if c := q.Get("category"); c != "" {
		cat, ok := policy.CategoryByCode(c)
		if !ok {
			return f, errs.Invalidf("category", "未知人员类别“%s”", c)
		}
		f.Category = cat.Code
	}
	return f, nil
}

type listView struct {
	List       []measure.Measure
	Paging     web.Paging
	Q          url.Values
	Today      string
	Types      []typeCol
	Categories []policy.Category
}

func (h *Handler) measuresList(w http.ResponseWriter, r *http.Request) error {
	unitErr, err := h.srv.ListUnit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f, err := listFilter(q)
	if err != nil {
		return err
	}
	page := web.PageOf(r)
	f.Limit, f.Offset = web.PageSize+1, (page-1)*web.PageSize
	list, err := h.measures.List(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	pg := web.PagingFor(r, page, len(list))
	if len(list) > web.PageSize {
		list = list[:web.PageSize]
	}
	return h.pages.RenderList(w, r, unitErr, "measure_list", "管控人员", listView{List: list, Paging: pg, Q: q, Today: h.today(), Types: typeCols(),
		Categories: policy.AllCategories()})
}

// measureOf loads the measure named by the {id} path value (audited: it
// shows the person in full).
func (h *Handler) measureOf(r *http.Request) (measure.Measure, error) {
	id, err := web.PathID(r)
	if err != nil {
		return measure.Measure{}, err
	}
	return h.measures.View(r.Context(), web.Actor(r), web.User(r).Scope(), id)
}

type detailView struct {
	M        measure.Measure
	Today    string
	Eligible bool
	Why      string
	Symptoms []string
	Link     string
	// EarlyMissing: tests due before the assignment lack a result or waiver.
	EarlyMissing bool
}

func (h *Handler) measurePage(w http.ResponseWriter, r *http.Request) error {
	m, err := h.measureOf(r)
	if err != nil {
		return err
	}
	ok, why := m.Eligibility(h.today())
	v := detailView{M: m, Today: h.today(), Eligible: ok, Why: why, Symptoms: h.measures.SymptomsOf(r.Context(), m), Link: "/m/" + m.Token}
	for _, t := range m.Tests {
		v.EarlyMissing = v.EarlyMissing || (t.Missing() && m.BeforeAssignment(t))
	}
	return h.render(w, r, "measure_detail", "管控措施 "+m.PersonName, v)
}

// ---- API ----

type measuresJSON struct {
	Measures []measureJSON `json:"measures"`
}

func (h *Handler) apiMeasures(w http.ResponseWriter, r *http.Request) error {
	if err := h.srv.UnitQuery(r); err != nil {
		return err
	}
	q := r.URL.Query()
	f, err := listFilter(q)
	if err != nil {
		return err
	}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	list, err := h.measures.List(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, measuresJSON{Measures: measuresOut(list)})
}

func (h *Handler) apiMeasuresOverview(w http.ResponseWriter, r *http.Request) error {
	ov, tr, err := h.overviewOf(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, overviewOut(ov, tr, h.now()))
}

func (h *Handler) apiMeasure(w http.ResponseWriter, r *http.Request) error {
	m, err := h.measureOf(r)
	if err != nil {
		return err
	}
	out := measureOut(m)
	out.Tests = testsOut(m)
	for _, c := range m.Checks {
		out.Checks = append(out.Checks, checkOut(c))
	}
	ok, why := m.Eligibility(h.today())
	out.Eligible, out.Why, out.SelfLink = &ok, why, "/m/"+m.Token
	return web.WriteJSON(w, http.StatusOK, out)
}
