package returneeweb

import (
	"net/http"
	"net/url"
	"strings"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/registry"
	"fangkong/internal/riskarea"
	"fangkong/internal/sheet"
	"fangkong/internal/web"
)

// riskAreaIn is the body of POST /riskareas (form or JSON).
type riskAreaIn struct {
	Code          string `json:"code"`
	PlaceName     string `json:"place_name"`
	Detail        string `json:"detail"`
	Level         string `json:"level"`
	EffectiveFrom string `json:"effective_from"`
	EffectiveTo   string `json:"effective_to"`
	Note          string `json:"note"`
}

// closeIn is the body of POST /riskareas/{id}/close: the last day in force.
type closeIn struct {
	EffectiveTo string `json:"effective_to"`
}

type riskAreaJSON struct {
	ID            int64  `json:"id"`
	Code          string `json:"code"`
	PlaceName     string `json:"place_name"`
	Detail        string `json:"detail,omitempty"`
	Level         string `json:"level"`
	Rank          int    `json:"rank"`
	EffectiveFrom string `json:"effective_from"`
	EffectiveTo   string `json:"effective_to,omitempty"`
	Note          string `json:"note,omitempty"`
	Version       int64  `json:"version"`
}

func riskAreaOut(e riskarea.Entry) riskAreaJSON {
	return riskAreaJSON{ID: e.ID, Code: e.Code, PlaceName: e.PlaceName, Detail: e.Detail, Level: e.Level, Rank: e.Rank(),
		EffectiveFrom: e.EffectiveFrom, EffectiveTo: e.EffectiveTo, Note: e.Note, Version: e.Version}
}

// riskAreasJSON is the answer of GET /api/v1/riskareas.
type riskAreasJSON struct {
	RiskAreas []riskAreaJSON `json:"risk_areas"`
}

// levelJSON is the answer of GET /api/v1/riskareas/level: the place's
// level on the day, and the entry that decided it (none when not a risk
// area).
type levelJSON struct {
	Code   string        `json:"code"`
	Detail string        `json:"detail"`
	Date   string        `json:"date"`
	Level  string        `json:"level"`
	Rank   int           `json:"rank"`
	Entry  *riskAreaJSON `json:"entry,omitempty"`
}

var errInvalidDate = errs.Invalidf("date", "请用 date=YYYY-MM-DD 指定日期")

// riskAreasView is the list page, with the answer of a day's lookup.
type riskAreasView struct {
	List   []riskarea.Entry
	Q      url.Values
	Levels []string
	Today  string
	Lookup *riskarea.Match
}

func (h *Handler) riskAreasPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := riskarea.Filter{On: strings.TrimSpace(q.Get("on")), Code: strings.TrimSpace(q.Get("code")), Active: q.Get("all") == "" && q.Get("on") == ""}
	if f.On != "" && !web.ValidDate(f.On) {
		return errs.Invalidf("日期", "请填写日期，如2021-12-25")
	}
	list, err := h.riskAreas.List(r.Context(), f)
	if err != nil {
		return err
	}
	v := riskAreasView{List: list, Q: q, Levels: riskarea.Levels, Today: clock.Day(h.srv.Now())}
	if code, day := strings.TrimSpace(q.Get("lookup")), strings.TrimSpace(q.Get("day")); code != "" && day != "" {
		m, err := h.riskAreas.LevelOn(r.Context(), code, q.Get("detail"), day)
		if err != nil {
			return err
		}
		v.Lookup = &m
	}
	return h.render(w, r, http.StatusOK, "returnee_riskareas", "风险地区", v)
}

func (h *Handler) riskAreasAPI(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, offset := web.ListParams(q)
	list, err := h.riskAreas.List(r.Context(), riskarea.Filter{On: q.Get("on"), Code: q.Get("code"), Active: q.Get("active") == "1",
		Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	out := riskAreasJSON{RiskAreas: make([]riskAreaJSON, 0, len(list))}
	for _, e := range list {
		out.RiskAreas = append(out.RiskAreas, riskAreaOut(e))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) riskLevelAPI(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	day := strings.TrimSpace(q.Get("date"))
	if !web.ValidDate(day) {
		return errInvalidDate
	}
	m, err := h.riskAreas.LevelOn(r.Context(), q.Get("code"), q.Get("detail"), day)
	if err != nil {
		return err
	}
	out := levelJSON{Code: q.Get("code"), Detail: q.Get("detail"), Date: day, Level: m.Level, Rank: m.Rank()}
	if m.Level != "" {
		e := riskAreaOut(m.Entry)
		out.Entry = &e
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// addRiskArea adds an entry to the list.
func (h *Handler) addRiskArea(r *http.Request) (riskarea.Entry, error) {
	var in riskAreaIn
	if err := web.Bind(r, &in); err != nil {
		return riskarea.Entry{}, err
	}
	return h.riskAreas.Add(r.Context(), web.Actor(r), riskarea.Entry{Code: in.Code, PlaceName: in.PlaceName, Detail: in.Detail,
		Level: in.Level, EffectiveFrom: in.EffectiveFrom, EffectiveTo: in.EffectiveTo, Note: in.Note})
}

func (h *Handler) riskAreaAddPage(w http.ResponseWriter, r *http.Request) error {
	e, err := h.addRiskArea(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/riskareas?all=1", "已新增："+e.Place()+" "+e.Level)
}

func (h *Handler) riskAreaAddAPI(w http.ResponseWriter, r *http.Request) error {
	e, err := h.addRiskArea(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, riskAreaOut(e))
}

// closeRiskArea ends an entry on a day; the history keeps it.
func (h *Handler) closeRiskArea(r *http.Request) (riskarea.Entry, error) {
	id, err := web.PathID(r)
	if err != nil {
		return riskarea.Entry{}, err
	}
	var in closeIn
	if err := web.Bind(r, &in); err != nil {
		return riskarea.Entry{}, err
	}
	return h.riskAreas.Close(r.Context(), web.Actor(r), id, strings.TrimSpace(in.EffectiveTo))
}

func (h *Handler) riskAreaClosePage(w http.ResponseWriter, r *http.Request) error {
	e, err := h.closeRiskArea(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/riskareas?all=1", "已截止："+e.Place()+" 至 "+e.EffectiveTo)
}

func (h *Handler) riskAreaCloseAPI(w http.ResponseWriter, r *http.Request) error {
	e, err := h.closeRiskArea(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, riskAreaOut(e))
}

// importRiskAreas imports an uploaded list (multipart file and mode, on
// the page and the API alike); the status is 422 when rows were bad.
func (h *Handler) importRiskAreas(r *http.Request) (riskarea.ImportReport, int, error) {
	mode, err := registry.ParseImportMode(r.FormValue("mode"))
	if err != nil {
		return riskarea.ImportReport{}, 0, err
	}
	f, size, err := web.SaveUpload(r, "file")
	if err != nil {
		return riskarea.ImportReport{}, 0, err
	}
	defer f.Close()
	rep, err := h.riskAreas.Import(r.Context(), web.Actor(r), f, size, mode)
	if err != nil {
		return rep, 0, err
	}
	if rep.BadRows > 0 {
		return rep, http.StatusUnprocessableEntity, nil
	}
	return rep, http.StatusOK, nil
}

// riskAreaReportView is an import's result page: the report, the first
// row errors and the address of all of them.
type riskAreaReportView struct {
	R     riskarea.ImportReport
	Shown []registry.RowError
	Note  web.ErrorNote
}

func (h *Handler) riskAreaImportPage(w http.ResponseWriter, r *http.Request) error {
	rep, status, err := h.importRiskAreas(r)
	if err != nil {
		return err
	}
	shown := web.FirstErrors(rep.Errors)
	return h.render(w, r, status, "returnee_import", "风险地区导入结果", riskAreaReportView{R: rep, Shown: shown,
		Note: h.srv.NoteErrors(r, rep.BadRows, len(shown), "风险地区导入错误报告.xlsx", rep.ErrorFile)})
}

func (h *Handler) riskAreaImportAPI(w http.ResponseWriter, r *http.Request) error {
	rep, status, err := h.importRiskAreas(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, status, rep)
}

// riskAreaTemplate serves the import template: the columns and one example.
func (h *Handler) riskAreaTemplate(w http.ResponseWriter, r *http.Request) error {
	web.Attachment(w, web.XLSXContentType, "riskareas.xlsx", "风险地区导入模板.xlsx")
	sw, err := sheet.NewWriter(w, "风险地区", riskarea.Headers, []float64{12, 24, 20, 10, 12, 12, 20})
	if err != nil {
		return err
	}
	if err := sw.WriteRow([]string{"610113", "陕西省西安市雁塔区", "明德门小区", "高风险", "2021-12-22", "", "示例行，导入前请删除"}); err != nil {
		return err
	}
	return sw.Close()
}
