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
	Code          string `json:"code"`      // a division code or a place name (西安雁塔明德门小区)
	CodePick      string `json:"code_pick"` // the candidate picked for a name that was not clear`
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

// riskAreasView is the list page, with the answer of a day's lookup and
// the form to add an entry.
type riskAreasView struct {
	List   []riskarea.Entry
	Q      url.Values
	Levels []string
	Today  string
	Lookup *riskarea.Match
	// LookupPlace is the place looked up, resolved (LookupNote when it was
	// not clear).
	LookupPlace, LookupNote string
	Form                    riskAreaIn
	Place                   web.PlaceField
}

// riskPlace is the add form's place field: a code or a name.
func riskPlace(value string, ask *web.PlaceAsk) web.PlaceField {
	return web.PlaceField{ID: "ra-code", Name: "code", Label: "地点（区划代码或地名）", Value: value, Required: true,
		Placeholder: "如 610113、西安市雁塔区、西安雁塔明德门小区", Suggest: suggestURL, Ask: ask}
}

func (h *Handler) riskAreasView(r *http.Request, form riskAreaIn, ask *web.PlaceAsk) (riskAreasView, error) {
	q := r.URL.Query()
	f := riskarea.Filter{On: strings.TrimSpace(q.Get("on")), Code: strings.TrimSpace(q.Get("code")), Active: q.Get("all") == "" && q.Get("on") == ""}
	if f.On != "" && !web.ValidDate(f.On) {
		return riskAreasView{}, errs.Invalidf("日期", "请填写日期，如2021-12-25")
	}
	list, err := h.riskAreas.List(r.Context(), f)
	if err != nil {
		return riskAreasView{}, err
	}
	if form.EffectiveFrom == "" {
		form.EffectiveFrom = clock.Day(h.srv.Now())
	}
	v := riskAreasView{List: list, Q: q, Levels: riskarea.Levels, Today: clock.Day(h.srv.Now()), Form: form, Place: riskPlace(form.Code, ask)}
	if text, day := strings.TrimSpace(q.Get("lookup")), strings.TrimSpace(q.Get("day")); text != "" && day != "" {
		code, detail := text, q.Get("detail")
		if !isCode(text) { // a place name: only a clear one is looked up
			res := h.places.ResolveNear(text, web.User(r).UnitCode)
			c, ok := res.Resolved()
			if !ok {
				v.LookupNote = "未能识别“" + text + "”，请写明省市区县（如 陕西省西安市雁塔区）或填写区划代码"
				if len(res.Candidates) > 0 {
					v.LookupNote = "“" + text + "”可能是：" + res.Choices() + "，请写明省市区县后再查"
				}
				return v, nil
			}
			code, v.LookupPlace = c.Code, c.FullName()+"（"+c.Code+"）"
			if detail == "" {
				detail = c.Detail
			}
		}
		m, err := h.riskAreas.LevelOn(r.Context(), code, detail, day)
		if err != nil {
			return v, err
		}
		v.Lookup = &m
	}
	return v, nil
}

func isCode(s string) bool { return strings.Trim(s, "0123456789") == "" }

func (h *Handler) riskAreasPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.riskAreasView(r, riskAreaIn{}, nil)
	if err != nil {
		return err
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

// addRiskArea adds an entry to the list. The place is a code or a name;
// a candidate picked for a name brings its detail (电子城 of 西安雁塔电子城).
func (h *Handler) addRiskArea(r *http.Request, in riskAreaIn) (riskarea.Entry, error) {
	if in.CodePick != "" {
		code, detail := in.CodePick, ""
		for _, c := range h.places.Resolve(in.Code).Candidates {
			if c.Code == in.CodePick {
				detail = c.Detail
			}
		}
		in.Code = code
		if in.Detail == "" {
			in.Detail = detail
		}
	}
	return h.riskAreas.Add(r.Context(), web.Actor(r), riskarea.Entry{Code: in.Code, PlaceName: in.PlaceName, Detail: in.Detail,
		Level: in.Level, EffectiveFrom: in.EffectiveFrom, EffectiveTo: in.EffectiveTo, Note: in.Note})
}

func (h *Handler) riskAreaAddPage(w http.ResponseWriter, r *http.Request) error {
	var in riskAreaIn
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	if in.CodePick == "" && !isCode(in.Code) {
		// 您是指…: a list never holds a guessed place; the form keeps what was typed.
		if ask := web.AskPlace(h.places.Resolve(in.Code), in.Code, "", "", "code_pick", "", false); ask != nil {
			v, err := h.riskAreasView(r, in, ask)
			if err != nil {
				return err
			}
			return h.renderView(w, r, http.StatusOK, "returnee_riskareas", web.View{Title: "风险地区", Error: "请确认地点", Field: "code", D: v})
		}
	}
	e, err := h.addRiskArea(r, in)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/riskareas?all=1", "已新增："+e.Place()+" "+e.Level)
}

func (h *Handler) riskAreaAddAPI(w http.ResponseWriter, r *http.Request) error {
	var in riskAreaIn
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	e, err := h.addRiskArea(r, in)
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
	if errs.IsInvalid(err) {
		// The list page again, with why the file was not read.
		v, verr := h.riskAreasView(r, riskAreaIn{}, nil)
		if verr != nil {
			return verr
		}
		return h.renderView(w, r, http.StatusBadRequest, "returnee_riskareas", web.View{Title: "风险地区", Error: web.Message(err), Field: "file", D: v})
	}
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
