package legacyweb

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/measure"
	"fangkong/internal/policy"
	"fangkong/internal/web"
)

func todayOf(s *Handler) string { return clock.Day(s.Now()) }

// ---- pages ----

type typeCol struct{ Code, Name string }

func typeCols() []typeCol {
	var out []typeCol
	for _, t := range policy.PhaseTypes {
		out = append(out, typeCol{t, policy.PhaseTypeName(t)})
	}
	return out
}

type overviewData struct {
	O          measure.Overview
	Types      []typeCol
	Trend      []measure.TrendDay
	Alerts     []measure.Alert
	Now        time.Time
	Crumbs     any
	IsVillage  bool
	ChildLevel string
}

func (s *Handler) measuresOverview(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	q := r.URL.Query()
	ov, err := s.Measures.Overview(r.Context(), u.Scope(), q.Get("unit"), q.Get("day"))
	if err != nil {
		return err
	}
	tr, err := s.Measures.Trend(r.Context(), u.Scope(), ov.Unit, ov.Day, 14)
	if err != nil {
		return err
	}
	al, err := s.Measures.Alerts(r.Context(), u.Scope(), measure.AlertFilter{Unit: ov.Unit, Open: true})
	if err != nil {
		return err
	}
	if len(al) > 20 {
		al = al[:20]
	}
	return s.render(w, r, http.StatusOK, "measure_overview", "管控措施", overviewData{O: ov, Types: typeCols(), Trend: tr,
		Alerts: al, Now: s.Now(), IsVillage: len(ov.Unit) >= 12})
}

func (s *Handler) measuresList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := measure.Filter{Unit: q.Get("unit"), PhaseType: q.Get("type"), Status: q.Get("status"), Day: q.Get("day")}
	if c := q.Get("category"); c != "" {
		cat, ok := policy.CategoryByCode(c)
		if !ok {
			return errs.Invalidf("category", "未知人员类别“%s”", c)
		}
		f.Category = cat.Code
	}
	list, err := s.Measures.List(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "measure_list", "管控人员", map[string]any{"List": list, "Q": q, "Today": todayOf(s),
		"Types": typeCols(), "Categories": policy.Categories})
}

func (s *Handler) measurePage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	m, err := s.Measures.View(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	ok, why := m.Eligibility(todayOf(s))
	return s.render(w, r, http.StatusOK, "measure_detail", "管控措施 "+m.PersonName, map[string]any{"M": m, "Today": todayOf(s),
		"Eligible": ok, "Why": why, "Symptoms": measure.Symptoms, "Link": "/m/" + m.Token})
}

func (s *Handler) measureAssignForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	p, err := s.Registry.ViewPerson(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	history, err := s.Measures.ForPerson(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "measure_assign", "列为管控对象", map[string]any{"P": p, "Categories": policy.Categories,
		"Today": todayOf(s), "History": history})
}

func assignInput(personID int64, get func(string) string) measure.AssignInput {
	return measure.AssignInput{PersonID: personID, Category: get("category"), Choice: get("choice"), DayZero: get("day_zero"),
		Place: strings.TrimSpace(get("place")), RiskLevel: get("risk_level"), Source: strings.TrimSpace(get("source")),
		Note: strings.TrimSpace(get("note")), Version: get("version")}
}

func (s *Handler) measureAssign(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	m, err := s.Measures.Assign(r.Context(), web.Actor(r), web.User(r).Scope(), assignInput(id, r.FormValue))
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/measures/%d", m.ID), "已列为"+m.CategoryName()+"并生成管控方案")
}

func (s *Handler) workPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	wl, err := s.Measures.Work(r.Context(), web.User(r).Scope(), q.Get("unit"), q.Get("day"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "measure_work", "每日工作清单", map[string]any{"W": wl, "Symptoms": measure.Symptoms,
		"Today": todayOf(s), "Prev": policy.AddDays(wl.Day, -1), "Next": policy.AddDays(wl.Day, 1)})
}

func checkInput(r *http.Request) measure.CheckInput {
	r.ParseForm()
	var sym []string
	for _, v := range r.Form["symptoms"] {
		for _, x := range strings.Split(v, ",") {
			if x = strings.TrimSpace(x); x != "" {
				sym = append(sym, x)
			}
		}
	}
	return measure.CheckInput{Temp: r.FormValue("temp"), Symptoms: sym}
}

func (s *Handler) checkRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	c, err := s.Measures.RecordCheck(r.Context(), web.Actor(r), web.User(r).Scope(), id, checkInput(r))
	if err != nil {
		return err
	}
	msg := "已记录体温 " + c.Temp() + "℃"
	if c.Abnormal {
		msg += "（异常，已推送乡镇卫生院）"
	}
	return web.Redirect(w, r, web.BackTo(r, fmt.Sprintf("/measures/%d", id)), msg)
}

func (s *Handler) recordTestFrom(r *http.Request, id int64, result string) error {
	if result == "" || result == "sampled" {
		return s.Measures.RecordSample(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	}
	return s.Measures.RecordTestResult(r.Context(), web.Actor(r), web.User(r).Scope(), id, result)
}

func (s *Handler) testRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := s.recordTestFrom(r, id, r.FormValue("result")); err != nil {
		return err
	}
	return web.Redirect(w, r, web.BackTo(r, "/measures/work"), "已记录核酸检测")
}

func (s *Handler) alertsPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := measure.AlertFilter{Unit: q.Get("unit"), Open: q.Get("all") == "", Kind: q.Get("kind")}
	list, err := s.Measures.Alerts(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "measure_alerts", "预警", map[string]any{"List": list, "Q": q, "Now": s.Now()})
}

func (s *Handler) alertHandle(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := s.Measures.HandleAlert(r.Context(), web.Actor(r), web.User(r).Scope(), id, r.FormValue("handling")); err != nil {
		return err
	}
	return web.Redirect(w, r, web.BackTo(r, "/measures/alerts"), "预警已处置")
}

func (s *Handler) releasePage(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Measures.Eligible(r.Context(), web.User(r).Scope(), r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "measure_release", "待解除", map[string]any{"List": list})
}

func (s *Handler) releaseConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	m, err := s.Measures.Release(r.Context(), web.Actor(r), web.User(r).Scope(), id, strings.TrimSpace(r.FormValue("note")))
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/measures/%d/notice", m.ID), "已解除管控，请打印解除告知书")
}

func (s *Handler) noticePage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	m, err := s.Measures.View(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	if m.Status != measure.StatusReleased {
		return errs.Invalidf("status", "该管控措施尚未解除，不能出具解除告知书")
	}
	return s.render(w, r, http.StatusOK, "measure_notice", "解除告知书", map[string]any{"M": m})
}

// ---- the person's own link ----

func (s *Handler) selfCheckForm(w http.ResponseWriter, r *http.Request) error {
	m, err := s.Measures.ByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "measure_self", "健康打卡", map[string]any{"M": m, "Symptoms": measure.Symptoms,
		"Today": todayOf(s), "Phase": m.PhaseOn(todayOf(s))})
}

func (s *Handler) selfCheck(w http.ResponseWriter, r *http.Request) error {
	tok := r.PathValue("token")
	c, err := s.Measures.RecordCheckByToken(r.Context(), tok, checkInput(r))
	if err != nil {
		return err
	}
	msg := "已提交：体温 " + c.Temp() + "℃，谢谢配合"
	if c.Abnormal {
		msg = "已提交：体温 " + c.Temp() + "℃。您的情况已报告乡镇卫生院，请留在家中，工作人员会尽快联系您"
	}
	return web.Redirect(w, r, "/m/"+tok, msg)
}

// ---- API ----

type phaseJSON struct {
	Seq         int    `json:"seq"`
	Type        string `json:"type"`
	TypeName    string `json:"type_name"`
	Name        string `json:"name"`
	Start       string `json:"start"`
	End         string `json:"end"`
	Days        int    `json:"days"`
	ChecksDaily int    `json:"checks_daily"`
}

type testJSON struct {
	ID     int64  `json:"id"`
	Due    string `json:"due"`
	Day    int    `json:"day"`
	Result string `json:"result"`
	Sample bool   `json:"sampled"`
}

type checkJSON struct {
	Day      string `json:"day"`
	At       string `json:"at"`
	Temp     string `json:"temp"`
	Symptoms string `json:"symptoms"`
	Abnormal bool   `json:"abnormal"`
	Via      string `json:"via"`
}

type measureJSON struct {
	ID            int64       `json:"id"`
	PersonID      int64       `json:"person_id"`
	Name          string      `json:"name"`
	IDMasked      string      `json:"id_masked"`
	PhoneMasked   string      `json:"phone_masked"`
	UnitCode      string      `json:"unit_code"`
	Category      string      `json:"category"`
	CategoryName  string      `json:"category_name"`
	Choice        string      `json:"choice,omitempty"`
	DayZero       string      `json:"day_zero"`
	Place         string      `json:"place,omitempty"`
	RiskLevel     string      `json:"risk_level,omitempty"`
	PolicyVersion string      `json:"policy_version"`
	Status        string      `json:"status"`
	EndDate       string      `json:"end_date"`
	Explanation   string      `json:"explanation"`
	Source        string      `json:"source"`
	Phases        []phaseJSON `json:"phases"`
	Tests         []testJSON  `json:"tests,omitempty"`
	Checks        []checkJSON `json:"checks,omitempty"`
	Eligible      *bool       `json:"eligible,omitempty"`
	Why           string      `json:"eligibility,omitempty"`
	SelfLink      string      `json:"self_link,omitempty"`
}

func measureOut(m measure.Measure) measureJSON {
	out := measureJSON{ID: m.ID, PersonID: m.PersonID, Name: m.PersonName, IDMasked: m.MaskedID(), PhoneMasked: m.MaskedPhone(),
		UnitCode: m.UnitCode, Category: m.Category, CategoryName: m.CategoryName(), Choice: m.Choice, DayZero: m.DayZero,
		Place: m.Place, RiskLevel: m.RiskLevel, PolicyVersion: m.PolicyVersion, Status: m.Status, EndDate: m.EndDate,
		Explanation: m.Explanation, Source: m.Source, Phases: []phaseJSON{}}
	for _, p := range m.Phases {
		out.Phases = append(out.Phases, phaseJSON{Seq: p.Seq, Type: p.Type, TypeName: p.TypeName(), Name: p.Name, Start: p.Start,
			End: p.End, Days: p.Days(), ChecksDaily: p.ChecksDaily})
	}
	return out
}

func (s *Handler) apiMeasures(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := measure.Filter{Unit: q.Get("unit"), PhaseType: q.Get("type"), Status: q.Get("status"), Day: q.Get("day")}
	if c := q.Get("category"); c != "" {
		cat, ok := policy.CategoryByCode(c)
		if !ok {
			return errs.Invalidf("category", "未知人员类别“%s”", c)
		}
		f.Category = cat.Code
	}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	list, err := s.Measures.List(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	out := make([]measureJSON, 0, len(list))
	for _, m := range list {
		out = append(out, measureOut(m))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"measures": out})
}

func (s *Handler) apiMeasuresOverview(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ov, err := s.Measures.Overview(r.Context(), web.User(r).Scope(), q.Get("unit"), q.Get("day"))
	if err != nil {
		return err
	}
	tr, err := s.Measures.Trend(r.Context(), web.User(r).Scope(), ov.Unit, ov.Day, 14)
	if err != nil {
		return err
	}
	type row struct {
		Code       string         `json:"code"`
		Name       string         `json:"name"`
		ByType     map[string]int `json:"by_type"`
		Active     int            `json:"active"`
		OpenAlerts int            `json:"open_alerts"`
		OldestAgeH int            `json:"oldest_open_alert_hours"`
	}
	conv := func(u measure.UnitStat) row {
		return row{Code: u.Code, Name: u.Name, ByType: u.ByType, Active: u.Active, OpenAlerts: u.OpenAlerts, OldestAgeH: u.OldestAgeHours(s.Now())}
	}
	rows := []row{}
	for _, u := range ov.Rows {
		rows = append(rows, conv(u))
	}
	type day struct {
		Day      string         `json:"day"`
		ByType   map[string]int `json:"by_type"`
		Total    int            `json:"total"`
		Assigned int            `json:"assigned"`
		Released int            `json:"released"`
	}
	days := []day{}
	for _, t := range tr {
		days = append(days, day{t.Day, t.ByType, t.Total, t.Assigned, t.Released})
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"unit": ov.Unit, "day": ov.Day, "total": conv(ov.Total), "units": rows, "trend": days})
}

func (s *Handler) apiMeasure(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	m, err := s.Measures.View(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	out := measureOut(m)
	for _, t := range m.Tests {
		out.Tests = append(out.Tests, testJSON{ID: t.ID, Due: t.Due, Day: t.Day, Result: t.Result, Sample: t.SampledAt > 0 || t.Result != ""})
	}
	for _, c := range m.Checks {
		out.Checks = append(out.Checks, checkJSON{Day: c.Day, At: c.Time(), Temp: c.Temp(), Symptoms: c.Symptoms, Abnormal: c.Abnormal, Via: c.Via})
	}
	ok, why := m.Eligibility(todayOf(s))
	out.Eligible, out.Why, out.SelfLink = &ok, why, "/m/"+m.Token
	return web.WriteJSON(w, http.StatusOK, out)
}

type assignIn struct {
	Category  string `json:"category"`
	Choice    string `json:"choice"`
	DayZero   string `json:"day_zero"`
	Place     string `json:"place"`
	RiskLevel string `json:"risk_level"`
	Source    string `json:"source"`
	Note      string `json:"note"`
	Version   string `json:"version"`
}

func (s *Handler) apiMeasureAssign(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in assignIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	m, err := s.Measures.Assign(r.Context(), web.Actor(r), web.User(r).Scope(), measure.AssignInput{PersonID: id, Category: in.Category,
		Choice: in.Choice, DayZero: in.DayZero, Place: in.Place, RiskLevel: in.RiskLevel, Source: in.Source, Note: in.Note, Version: in.Version})
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, measureOut(m))
}

func (s *Handler) apiWork(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	wl, err := s.Measures.Work(r.Context(), web.User(r).Scope(), q.Get("unit"), q.Get("day"))
	if err != nil {
		return err
	}
	type item struct {
		MeasureID   int64  `json:"measure_id"`
		PersonID    int64  `json:"person_id"`
		Name        string `json:"name"`
		PhoneMasked string `json:"phone_masked"`
		UnitCode    string `json:"unit_code"`
		Category    string `json:"category"`
		Phase       string `json:"phase,omitempty"`
		PhaseEnd    string `json:"phase_end,omitempty"`
		ChecksDaily int    `json:"checks_daily,omitempty"`
		ChecksDone  int    `json:"checks_done"`
		TestID      int64  `json:"test_id,omitempty"`
		Sampled     bool   `json:"sampled,omitempty"`
		Result      string `json:"result,omitempty"`
	}
	conv := func(in []measure.WorkItem) []item {
		out := []item{}
		for _, x := range in {
			out = append(out, item{x.MeasureID, x.PersonID, x.Name, x.Phone, x.UnitCode, x.Category, x.PhaseName, x.PhaseEnd,
				x.ChecksDaily, x.ChecksDone, x.TestID, x.TestSampled, x.TestResult})
		}
		return out
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"unit": wl.Unit, "day": wl.Day, "checks": conv(wl.Checks), "tests": conv(wl.Tests),
		"phases_ending": conv(wl.PhasesEnd), "checks_due": wl.ChecksDue, "checks_done": wl.ChecksDone,
		"tests_due": wl.TestsDue, "tests_done": wl.TestsDone})
}

type checkIn struct {
	Temp     any      `json:"temp"`
	Symptoms []string `json:"symptoms"`
}

func (s *Handler) apiCheckRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in checkIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	t := ""
	if in.Temp != nil {
		t = fmt.Sprint(in.Temp)
	}
	c, err := s.Measures.RecordCheck(r.Context(), web.Actor(r), web.User(r).Scope(), id, measure.CheckInput{Temp: t, Symptoms: in.Symptoms})
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, checkJSON{Day: c.Day, At: c.Time(), Temp: c.Temp(), Symptoms: c.Symptoms, Abnormal: c.Abnormal, Via: c.Via})
}

func (s *Handler) apiTestRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Result string `json:"result"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.recordTestFrom(r, id, in.Result); err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"id": id, "result": in.Result})
}

type alertJSON struct {
	ID        int64  `json:"id"`
	MeasureID int64  `json:"measure_id"`
	Name      string `json:"name"`
	UnitCode  string `json:"unit_code"`
	Kind      string `json:"kind"`
	KindName  string `json:"kind_name"`
	Day       string `json:"day"`
	Detail    string `json:"detail"`
	Level     string `json:"level"`
	Opened    string `json:"opened_at"`
	AgeHours  int    `json:"age_hours"`
	Handled   string `json:"handled_at,omitempty"`
	Handling  string `json:"handling,omitempty"`
}

func (s *Handler) apiAlerts(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	list, err := s.Measures.Alerts(r.Context(), web.User(r).Scope(), measure.AlertFilter{Unit: q.Get("unit"), Open: q.Get("all") == "", Kind: q.Get("kind")})
	if err != nil {
		return err
	}
	out := []alertJSON{}
	for _, a := range list {
		out = append(out, alertJSON{a.ID, a.MeasureID, a.PersonName, a.UnitCode, a.Kind, a.KindName(), a.Day, a.Detail, a.LevelName(),
			a.Opened(), a.AgeHours(s.Now()), a.Handled(), a.Handling})
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"alerts": out})
}

func (s *Handler) apiAlertHandle(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Handling string `json:"handling"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.Measures.HandleAlert(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Handling); err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"id": id, "handled": true})
}

func (s *Handler) apiReleaseList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Measures.Eligible(r.Context(), web.User(r).Scope(), r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	out := make([]measureJSON, 0, len(list))
	for _, m := range list {
		out = append(out, measureOut(m))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"eligible": out})
}

func (s *Handler) apiRelease(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Note string `json:"note"`
	}
	if r.ContentLength != 0 {
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
	}
	m, err := s.Measures.Release(r.Context(), web.Actor(r), web.User(r).Scope(), id, strings.TrimSpace(in.Note))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, measureOut(m))
}
