package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
	"fangkong/internal/sheet"
)

// --- Risk areas (中高风险地区)

func (s *Server) riskAreasPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := riskarea.Filter{On: strings.TrimSpace(q.Get("on")), Code: strings.TrimSpace(q.Get("code")), Active: q.Get("all") == "" && q.Get("on") == ""}
	if f.On != "" && !validDate(f.On) {
		return errs.Invalidf("日期", "请填写日期，如2021-12-25")
	}
	list, err := s.RiskAreas.List(r.Context(), f)
	if err != nil {
		return err
	}
	d := map[string]any{"List": list, "Q": q, "Levels": riskarea.Levels, "Today": clock.Day(s.Now())}
	if code, day := strings.TrimSpace(q.Get("lookup")), strings.TrimSpace(q.Get("day")); code != "" && day != "" {
		m, err := s.RiskAreas.LevelOn(r.Context(), code, q.Get("detail"), day)
		if err != nil {
			return err
		}
		d["Lookup"] = m
	}
	return s.render(w, r, http.StatusOK, "returnee_riskareas", "风险地区", d)
}

func validDate(d string) bool {
	_, err := strconv.Atoi(strings.ReplaceAll(d, "-", ""))
	return len(d) == 10 && err == nil
}

func (s *Server) riskAreaAdd(w http.ResponseWriter, r *http.Request) error {
	var in riskAreaIn
	if err := input(r, &in); err != nil {
		return err
	}
	e, err := s.RiskAreas.Add(r.Context(), actor(r), in.entry())
	if err != nil {
		return err
	}
	return redirect(w, r, "/riskareas?all=1", "已新增："+e.Place()+" "+e.Level)
}

func (s *Server) riskAreaClose(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := s.RiskAreas.Close(r.Context(), actor(r), id, strings.TrimSpace(r.FormValue("effective_to")))
	if err != nil {
		return err
	}
	return redirect(w, r, "/riskareas?all=1", "已截止："+e.Place()+" 至 "+e.EffectiveTo)
}

func (s *Server) importRiskAreas(r *http.Request) (riskarea.ImportReport, error) {
	mode, err := importMode(r)
	if err != nil {
		return riskarea.ImportReport{}, err
	}
	f, size, err := saveUpload(r, "file")
	if err != nil {
		return riskarea.ImportReport{}, err
	}
	defer f.Close()
	return s.RiskAreas.Import(r.Context(), actor(r), f, size, mode)
}

func (s *Server) riskAreaImport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.importRiskAreas(r)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if rep.BadRows > 0 {
		status = http.StatusUnprocessableEntity
	}
	return s.render(w, r, status, "returnee_import", "风险地区导入结果", rep)
}

// --- The returnee ledger (返乡人员台账)

func returneeFilter(q url.Values, page int) returnee.Filter {
	rank, _ := strconv.Atoi(q.Get("rank"))
	return returnee.Filter{Unit: q.Get("unit"), Status: q.Get("status"), Source: q.Get("source"), Rank: rank,
		From: q.Get("from"), To: q.Get("to"), Q: strings.TrimSpace(q.Get("q")), Limit: pageSize + 1, Offset: (page - 1) * pageSize}
}

func (s *Server) returneesPage(w http.ResponseWriter, r *http.Request) error {
	page := pageOf(r)
	rows, err := s.Returnees.List(r.Context(), currentUser(r).Scope(), returneeFilter(r.URL.Query(), page))
	if err != nil {
		return err
	}
	pg := pagingFor(r, page, len(rows))
	if len(rows) > pageSize {
		rows = rows[:pageSize]
	}
	return s.render(w, r, http.StatusOK, "returnee_list", "返乡人员", map[string]any{"Rows": rows, "Paging": pg, "Q": r.URL.Query(),
		"Statuses": returnee.Statuses, "Sources": returnee.Sources})
}

type returneeForm struct {
	A          arrivalIn
	Household  *registry.Household
	Villages   []jurisdiction.Unit
	Sources    []string
	Transports []string
	Today      string
}

func (s *Server) returneeFormData(r *http.Request, in arrivalIn) (returneeForm, error) {
	f := returneeForm{A: in, Sources: returnee.Sources, Transports: returnee.Transports, Today: clock.Day(s.Now())}
	ctx := r.Context()
	scope := currentUser(r).Scope()
	if in.HouseholdID != 0 {
		h, err := s.Registry.Household(ctx, scope, in.HouseholdID)
		if err != nil {
			return f, err
		}
		f.Household = &h
		return f, nil
	}
	vs, err := s.Units.Units(ctx, scope, jurisdiction.LevelVillage)
	if err != nil {
		return f, err
	}
	if u, err := s.Units.Get(ctx, scope, scope.Code()); err == nil && u.Level >= jurisdiction.LevelVillage {
		vs = append([]jurisdiction.Unit{u}, vs...)
	}
	if len(vs) > 400 {
		vs = vs[:400]
	}
	f.Villages = vs
	return f, nil
}

func (s *Server) returneeNew(w http.ResponseWriter, r *http.Request) error {
	hh, _ := strconv.ParseInt(r.URL.Query().Get("household"), 10, 64)
	in := arrivalIn{HouseholdID: hh, VillageCode: r.URL.Query().Get("unit"), Source: returnee.SourceSweep, ArrivedOn: clock.Day(s.Now())}
	if hh == 0 && in.VillageCode == "" && jurisdiction.LevelOfCode(currentUser(r).UnitCode) >= jurisdiction.LevelVillage {
		in.VillageCode = currentUser(r).UnitCode
	}
	f, err := s.returneeFormData(r, in)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "returnee_form", "返乡登记", f)
}

func (s *Server) returneeCreate(w http.ResponseWriter, r *http.Request) error {
	var in arrivalIn
	if err := input(r, &in); err != nil {
		return err
	}
	a, merged, err := s.Returnees.Record(r.Context(), actor(r), currentUser(r).Scope(), in.arrival())
	if err != nil {
		if errs.IsInvalid(err) { // a conflict is not re-rendered: the form would echo an ID number registered elsewhere
			status, msg, field := statusOf(err)
			in.HouseholdID = 0 // the form re-offers the villages
			f, ferr := s.returneeFormData(r, in)
			if ferr != nil {
				return err
			}
			return s.renderView(w, r, status, "returnee_form", view{Title: "返乡登记", Error: msg, Field: field, D: f})
		}
		return err
	}
	msg := "已登记返乡记录"
	if merged {
		msg = "与已有返乡记录合并（同一人" + strconv.Itoa(returnee.MergeWindowDays) + "日内的返乡视为同一次）"
	}
	return redirect(w, r, fmt.Sprintf("/returnees/%d", a.ID), msg)
}

func (s *Server) returneePage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := s.Returnees.View(r.Context(), actor(r), currentUser(r).Scope(), id)
	if err != nil {
		return err
	}
	d := map[string]any{"A": a, "Statuses": returnee.Statuses}
	if c, err := s.crumbs(r, a.VillageCode); err == nil {
		d["Path"] = c
	}
	return s.render(w, r, http.StatusOK, "returnee_view", a.Name+" 返乡记录", d)
}

func (s *Server) returneeStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in statusIn
	if err := input(r, &in); err != nil {
		return err
	}
	a, err := s.Returnees.SetStatus(r.Context(), actor(r), currentUser(r).Scope(), id, in.Status, in.Note, in.Version)
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/returnees/%d", a.ID), "核实状态："+a.Status)
}

func (s *Server) returneeStatsPage(w http.ResponseWriter, r *http.Request) error {
	st, err := s.Returnees.StatsOf(r.Context(), currentUser(r).Scope(), r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	d := map[string]any{"S": st, "Max": max(st.MaxWeekTotal(), 1)}
	if c, err := s.crumbs(r, st.Unit.Code); err == nil {
		d["Path"] = c
	}
	return s.render(w, r, http.StatusOK, "returnee_stats", "返乡人员底数", d)
}

// --- Door-to-door sweeps (敲门排查)

func (s *Server) sweepsPage(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Returnees.Sweeps(r.Context(), currentUser(r).Scope())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "returnee_sweeps", "敲门排查", map[string]any{"List": list, "Today": clock.Day(s.Now())})
}

func (s *Server) sweepOpen(w http.ResponseWriter, r *http.Request) error {
	var in sweepIn
	if err := input(r, &in); err != nil {
		return err
	}
	sw, err := s.Returnees.OpenSweep(r.Context(), actor(r), currentUser(r).Scope(), returnee.Sweep{Name: in.Name, UnitCode: in.UnitCode,
		StartsOn: in.StartsOn, EndsOn: in.EndsOn})
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/sweeps/%d", sw.ID), "已开启排查轮次")
}

func (s *Server) sweepPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rep, err := s.Returnees.Report(r.Context(), currentUser(r).Scope(), id, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "returnee_sweep", rep.Sweep.Name, map[string]any{"R": rep, "Today": clock.Day(s.Now()),
		"Unit": r.URL.Query().Get("unit"), "CanClose": currentUser(r).Scope().Contains(rep.Sweep.UnitCode)})
}

func (s *Server) visit(r *http.Request) (returnee.Visit, error) {
	id, err := pathID(r)
	if err != nil {
		return returnee.Visit{}, err
	}
	var in visitIn
	if err := input(r, &in); err != nil {
		return returnee.Visit{}, err
	}
	scope := currentUser(r).Scope()
	if in.HouseholdID == 0 && in.HouseholdNo != "" {
		h, err := s.Registry.HouseholdByNo(r.Context(), scope, in.HouseholdNo)
		if errors.Is(err, errs.ErrNotFound) {
			return returnee.Visit{}, errs.Invalidf("户编号", "户不存在或不在您的辖区内")
		}
		if err != nil {
			return returnee.Visit{}, err
		}
		in.HouseholdID = h.ID
	}
	return s.Returnees.MarkVisit(r.Context(), actor(r), scope, returnee.Visit{SweepID: id, HouseholdID: in.HouseholdID,
		VisitedOn: in.VisitedOn, Present: in.Present, Returnees: int(in.Returnees), Note: in.Note})
}

func (s *Server) sweepVisit(w http.ResponseWriter, r *http.Request) error {
	v, err := s.visit(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/sweeps/%d", v.SweepID)
	if u := r.FormValue("back_unit"); u != "" {
		back += "?unit=" + url.QueryEscape(u)
	}
	return redirect(w, r, back, "已登记走访："+v.HouseholdNo)
}

func (s *Server) sweepClose(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := s.Returnees.CloseSweep(r.Context(), actor(r), currentUser(r).Scope(), id); err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/sweeps/%d", id), "排查轮次已结束")
}

// --- Self-reports (自主报备)

func (s *Server) selfReportsPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	list, err := s.Returnees.SelfReports(r.Context(), currentUser(r).Scope(), q.Get("unit"), q.Get("status"), 0)
	if err != nil {
		return err
	}
	u := currentUser(r)
	d := map[string]any{"List": list, "Q": q}
	if jurisdiction.LevelOfCode(u.UnitCode) >= jurisdiction.LevelVillage {
		d["Village"] = jurisdiction.VillageOf(u.UnitCode)
	}
	return s.render(w, r, http.StatusOK, "returnee_selfreports", "自主报备", d)
}

func (s *Server) selfReportConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, merged, err := s.confirmReport(r, id)
	if err != nil {
		return err
	}
	msg := "已确认并登记返乡记录"
	if merged {
		msg = "已确认，并与已有返乡记录合并"
	}
	return redirect(w, r, fmt.Sprintf("/returnees/%d", a.ID), msg)
}

func (s *Server) selfReportReject(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.Returnees.RejectSelfReport(r.Context(), actor(r), currentUser(r).Scope(), id); err != nil {
		return err
	}
	return redirect(w, r, "/selfreports", "已驳回")
}

// returneeExport streams the returnee ledger of a unit as XLSX.
func (s *Server) returneeExport(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	unit := strings.TrimSpace(r.URL.Query().Get("unit"))
	if unit == "" {
		unit = u.UnitCode
	}
	if _, err := s.Units.Get(r.Context(), u.Scope(), unit); err != nil {
		return err // before the first byte, so a 404 is still possible
	}
	name := fmt.Sprintf("返乡人员台账-%s-%s.xlsx", unit, clock.Day(s.Now()))
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"returnees.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	if _, err := s.Returnees.Export(r.Context(), actor(r), u.Scope(), unit, w); err != nil {
		s.Logger.Error("export returnees", "err", err, "unit", unit, "request_id", requestID(r))
	}
	return nil
}

func (s *Server) returneeEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := s.Returnees.Get(r.Context(), currentUser(r).Scope(), id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "returnee_edit", a.Name+" 修改返乡记录", map[string]any{"A": a,
		"Transports": returnee.Transports, "Today": clock.Day(s.Now())})
}

// updateIn is the body of POST /returnees/{id} and PUT /api/v1/returnees/{id}.
type updateIn struct {
	OriginCode    string `json:"origin_code"`
	OriginName    string `json:"origin_name"`
	OriginDetail  string `json:"origin_detail"`
	DepartedOn    string `json:"departed_on"`
	ArrivedOn     string `json:"arrived_on"`
	Transport     string `json:"transport"`
	TransportNo   string `json:"transport_no"`
	TestSampledAt string `json:"test_sampled_at"`
	Symptoms      string `json:"symptoms"`
	Gatherings    string `json:"gatherings"`
	Companions    string `json:"companions"`
	Note          string `json:"note"`
	Version       int64  `json:"version"`
}

func (s *Server) updateArrival(r *http.Request) (returnee.Arrival, error) {
	id, err := pathID(r)
	if err != nil {
		return returnee.Arrival{}, err
	}
	var in updateIn
	if err := input(r, &in); err != nil {
		return returnee.Arrival{}, err
	}
	return s.Returnees.Update(r.Context(), actor(r), currentUser(r).Scope(), returnee.Arrival{ID: id, OriginCode: in.OriginCode,
		OriginName: in.OriginName, OriginDetail: in.OriginDetail, DepartedOn: in.DepartedOn, ArrivedOn: in.ArrivedOn,
		Transport: in.Transport, TransportNo: in.TransportNo, TestSampledAt: in.TestSampledAt, Symptoms: in.Symptoms,
		Gatherings: in.Gatherings, Companions: in.Companions, Note: in.Note, Version: in.Version})
}

func (s *Server) returneeUpdate(w http.ResponseWriter, r *http.Request) error {
	a, err := s.updateArrival(r)
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/returnees/%d", a.ID), "已保存修改")
}

// riskAreaTemplate serves the import template: the columns and one example.
func (s *Server) riskAreaTemplate(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"riskareas.xlsx\"; filename*=UTF-8''"+url.PathEscape("风险地区导入模板.xlsx"))
	sw, err := sheet.NewWriter(w, "风险地区", riskarea.Headers, []float64{12, 24, 20, 10, 12, 12, 20})
	if err != nil {
		return err
	}
	if err := sw.WriteRow([]string{"610113", "陕西省西安市雁塔区", "明德门小区", "高风险", "2021-12-22", "", "示例行，导入前请删除"}); err != nil {
		return err
	}
	return sw.Close()
}

// confirmReport confirms a self-report, placing the returnee in the
// household named by ID or 户编号 when one is given.
func (s *Server) confirmReport(r *http.Request, id int64) (returnee.Arrival, bool, error) {
	var in confirmIn
	if err := input(r, &in); err != nil {
		return returnee.Arrival{}, false, err
	}
	return s.Returnees.ConfirmSelfReportIn(r.Context(), actor(r), currentUser(r).Scope(), id, in.HouseholdID, in.HouseholdNo)
}
