package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fangkong/internal/auth"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/pushlist"
)

func taskFilter(q url.Values) pushlist.TaskFilter {
	f := pushlist.TaskFilter{Unit: strings.TrimSpace(q.Get("unit")), Status: q.Get("status"), Outcome: q.Get("outcome")}
	if f.Status == "all" {
		f.Status = ""
	}
	f.ListID, _ = strconv.ParseInt(q.Get("list"), 10, 64)
	f.Page, _ = strconv.Atoi(q.Get("page"))
	if f.Page > 0 {
		f.Page-- // pages are 1-based on screen
	}
	return f
}

// taskStatuses are the filters of the task list.
var taskStatuses = []struct{ Key, Name string }{{"open", "待核查"}, {"overdue", "已逾期"}, {"queue", "待分派队列"},
	{"done", "已核查"}, {"duplicate", "重复推送"}, {"rejected", "已退回"}, {"all", "全部"}}

func (s *Server) pushTasksPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if q.Get("status") == "" {
		q.Set("status", "open")
	}
	f := taskFilter(q)
	tasks, total, err := s.PushLists.Tasks(r.Context(), currentUser(r).Scope(), f)
	if err != nil {
		return err
	}
	page := f.Page + 1
	paging := map[string]any{"Page": page}
	if f.Page > 0 {
		paging["Prev"] = pageQuery(q, page-1)
	}
	if page*pushlist.PageSize < total {
		paging["Next"] = pageQuery(q, page+1)
	}
	return s.render(w, r, http.StatusOK, "pushlist_tasks", "核查任务", map[string]any{"Tasks": taskRows(tasks, s.Now().UnixMilli()), "Total": total, "Q": q,
		"Statuses": taskStatuses, "Paging": paging, "Now": s.Now().UnixMilli()})
}

func pageQuery(q url.Values, page int) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = v
	}
	c.Set("page", strconv.Itoa(page))
	return c.Encode()
}

func (s *Server) pushTaskPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u := currentUser(r)
	t, err := s.PushLists.ViewTask(r.Context(), actor(r), u.Scope(), id)
	if err != nil {
		return err
	}
	var targets []jurisdiction.Unit
	if t.Queued() && t.Status == pushlist.StatusOpen && u.Can(auth.CapPeopleWrite) {
		taskScope, err := u.Scope().Narrow(t.UnitCode)
		if err != nil {
			return err
		}
		if targets, err = s.Units.Units(r.Context(), taskScope, jurisdiction.LevelVillage); err != nil {
			return err
		}
	}
	var headers []string
	if u.Can(auth.CapPushImport) {
		if l, err := s.PushLists.GetList(r.Context(), u.Scope(), t.ListID); err == nil {
			headers = l.Headers
		}
	}
	return s.render(w, r, http.StatusOK, "pushlist_task", "核查任务 "+t.Name, map[string]any{"T": taskRows([]pushlist.Task{t}, s.Now().UnixMilli())[0], "Results": pushlist.Results,
		"Targets": targets, "Headers": headers, "Now": s.Now().UnixMilli()})
}

func (s *Server) pushAnswer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseInt(r.FormValue("version"), 10, 64)
	t, err := s.PushLists.AnswerTask(r.Context(), actor(r), currentUser(r).Scope(), id, pushlist.Answer{Result: r.FormValue("result"),
		Note: r.FormValue("note"), ArrivedOn: r.FormValue("arrived_on"), Version: version,
		Sex: r.FormValue("sex"), BirthDate: r.FormValue("birth_date")})
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/pushtasks/%d", t.ID), "已提交核查结果："+t.Result)
}

func (s *Server) pushRoute(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseInt(r.FormValue("version"), 10, 64)
	t, err := s.PushLists.RouteTask(r.Context(), actor(r), currentUser(r).Scope(), id, r.FormValue("unit_code"), version)
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/pushtasks/%d", t.ID), "已分派到"+t.UnitName)
}

// bar is one row of the stats table and chart: its top (Y) and the bar
// lengths in SVG units (200 = the largest count).
type bar struct {
	pushlist.UnitStats
	Y, TextY                     int
	PushedW, VerifiedW, OverdueW float64
}

func (s *Server) pushStatsPage(w http.ResponseWriter, r *http.Request) error {
	st, err := s.PushLists.Stats(r.Context(), currentUser(r).Scope())
	if err != nil {
		return err
	}
	most := 1
	var total pushlist.UnitStats
	for _, u := range st {
		most = max(most, u.Pushed)
		total.Pushed += u.Pushed
		total.Verified += u.Verified
		total.Open += u.Open
		total.Overdue += u.Overdue
	}
	bars := make([]bar, len(st))
	f := 200 / float64(most)
	for i, u := range st {
		bars[i] = bar{u, 24 + i*30, 24 + i*30 + 14, float64(u.Pushed) * f, float64(u.Verified) * f, float64(u.Overdue) * f}
	}
	return s.render(w, r, http.StatusOK, "pushlist_stats", "核查任务统计", map[string]any{"Bars": bars, "Total": total,
		"Height": 30 + 30*len(bars)})
}

// taskRow is a task with what the pages show of it.
type taskRow struct {
	pushlist.Task
	StatusName  string
	OutcomeName string
	Late        bool
}

func taskRows(ts []pushlist.Task, now int64) []taskRow {
	out := make([]taskRow, len(ts))
	for i, t := range ts {
		out[i] = taskRow{t, pushlist.StatusName(t.Status), pushlist.OutcomeName(t.Outcome), t.Overdue(now)}
	}
	return out
}
