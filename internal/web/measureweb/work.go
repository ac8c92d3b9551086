package measureweb

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"fangkong/internal/measure"
	"fangkong/internal/policy"
	"fangkong/internal/web"
)

// workOf is the daily work list (每日工作清单) of ?unit= on ?day=.
func (h *Handler) workOf(r *http.Request) (measure.WorkList, error) {
	if err := h.srv.UnitQuery(r); err != nil {
		return measure.WorkList{}, err
	}
	q := r.URL.Query()
	return h.measures.Work(r.Context(), web.User(r).Scope(), q.Get("unit"), q.Get("day"))
}

type workView struct {
	W              measure.WorkList
	Symptoms       []string
	SymptomOptions template.HTML // <option>s of Symptoms, drawn once for every row's form
	Today          string
	Prev, Next     string // the days before and after
	Paging         web.Paging
}

// symptomOptions are the options of the symptom select of a check form:
// the default symptoms and those the policy's rules add (a new disease's).
func symptomOptions() template.HTML {
	var b strings.Builder
	for _, s := range policy.AllSymptoms() {
		b.WriteString("<option>" + template.HTMLEscapeString(s) + "</option>")
	}
	return template.HTML(b.String())
}

// workPage shows a page of 50 rows of each list (checks, tests) — a
// county's day is hundreds of forms — with the day's totals of all.
func (h *Handler) workPage(w http.ResponseWriter, r *http.Request) error {
	unitErr, err := h.srv.ListUnit(r)
	if err != nil {
		return err
	}
	wl, err := h.workOf(r)
	if err != nil {
		return err
	}
	page := web.PageOf(r)
	from := (page - 1) * web.PageSize
	pg := web.PagingFor(r, page, max(len(wl.Checks), len(wl.Tests))-from)
	cut := func(items []measure.WorkItem) []measure.WorkItem {
		return items[min(from, len(items)):min(from+web.PageSize, len(items))]
	}
	wl.Checks, wl.Tests = cut(wl.Checks), cut(wl.Tests)
	return h.pages.RenderList(w, r, unitErr, "measure_work", "每日工作清单", workView{W: wl, Symptoms: policy.AllSymptoms(), SymptomOptions: symptomOptions(),
		Today: h.today(), Prev: policy.AddDays(wl.Day, -1), Next: policy.AddDays(wl.Day, 1), Paging: pg})
}

func (h *Handler) apiWork(w http.ResponseWriter, r *http.Request) error {
	wl, err := h.workOf(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, workOut(wl))
}

// temp is a temperature sent as a JSON number (36.5) or string ("36.5").
type temp string

func (t *temp) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*t = ""
	if v != nil {
		*t = temp(fmt.Sprint(v))
	}
	return nil
}

// checkIn is a health check: the form's temp and ticked symptoms (a
// select may send several, comma-separated), or the JSON of the API.
type checkIn struct {
	Temp     temp     `json:"temp"`
	Symptoms []string `json:"symptoms"`
}

// bindCheck reads a health check, from a grid worker or the person's link.
func bindCheck(r *http.Request) (measure.CheckInput, error) {
	var in checkIn
	if err := web.Bind(r, &in); err != nil {
		return measure.CheckInput{}, err
	}
	if !web.IsAPI(r) {
		for _, v := range r.Form["symptoms"] {
			for _, x := range strings.Split(v, ",") {
				if x = strings.TrimSpace(x); x != "" {
					in.Symptoms = append(in.Symptoms, x)
				}
			}
		}
	}
	return measure.CheckInput{Temp: string(in.Temp), Symptoms: in.Symptoms}, nil
}

// recordCheck records a check on the measure in the path.
func (h *Handler) recordCheck(r *http.Request) (int64, measure.Check, error) {
	id, err := web.PathID(r)
	if err != nil {
		return 0, measure.Check{}, err
	}
	in, err := bindCheck(r)
	if err != nil {
		return id, measure.Check{}, err
	}
	c, err := h.measures.RecordCheck(r.Context(), web.Actor(r), web.User(r).Scope(), id, in)
	return id, c, err
}

func (h *Handler) checkRecord(w http.ResponseWriter, r *http.Request) error {
	id, c, err := h.recordCheck(r)
	if err != nil {
		return err
	}
	msg := "已记录体温 " + c.Temp() + "℃"
	if c.Abnormal {
		msg += "（异常，已推送乡镇卫生院）"
	}
	return web.Redirect(w, r, web.BackTo(r, fmt.Sprintf("/measures/%d", id)), msg)
}

func (h *Handler) apiCheckRecord(w http.ResponseWriter, r *http.Request) error {
	_, c, err := h.recordCheck(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, checkOut(c))
}

// testIn is a test's sampling ("sampled" or blank) or its result.
type testIn struct {
	Result string `json:"result"`
}

type testJSONOut struct {
	ID     int64  `json:"id"`
	Result string `json:"result"`
}

// recordTest records the sampling or the result of the test in the path.
func (h *Handler) recordTest(r *http.Request) (testJSONOut, error) {
	id, err := web.PathID(r)
	if err != nil {
		return testJSONOut{}, err
	}
	var in testIn
	if err := web.Bind(r, &in); err != nil {
		return testJSONOut{}, err
	}
	scope := web.User(r).Scope()
	if in.Result == "" || in.Result == "sampled" {
		err = h.measures.RecordSample(r.Context(), web.Actor(r), scope, id)
	} else {
		err = h.measures.RecordTestResult(r.Context(), web.Actor(r), scope, id, in.Result)
	}
	return testJSONOut{ID: id, Result: in.Result}, err
}

func (h *Handler) testRecord(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.recordTest(r); err != nil {
		return err
	}
	return web.Redirect(w, r, web.BackTo(r, "/measures/work"), "已记录核酸检测")
}

func (h *Handler) apiTestRecord(w http.ResponseWriter, r *http.Request) error {
	out, err := h.recordTest(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, out)
}
