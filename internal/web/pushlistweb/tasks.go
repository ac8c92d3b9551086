package pushlistweb

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/pushlist"
	"fangkong/internal/web"
)

// taskJSON is a task as lists and answers show it: ID number and phone
// masked.
type taskJSON struct {
	ID          int64  `json:"id"`
	ListID      int64  `json:"list_id"`
	RowNo       int    `json:"row_no"`
	Source      string `json:"source"`
	Name        string `json:"name"`
	IDMasked    string `json:"id_masked"`
	PhoneMasked string `json:"phone_masked"`
	Origin      string `json:"origin"`
	OriginCode  string `json:"origin_code,omitempty"` // when the 出发地 names one place clearly
	ArrivalDate string `json:"arrival_date"`
	UnitCode    string `json:"unit_code"`
	UnitName    string `json:"unit_name"`
	Queued      bool   `json:"queued"`
	Outcome     string `json:"outcome"`
	MatchMethod string `json:"match_method"`
	RouteMethod string `json:"route_method"`
	Reason      string `json:"reason"`
	DupOf       int64  `json:"dup_of"`
	Status      string `json:"status"`
	Result      string `json:"result"`
	ResultNote  string `json:"result_note"`
	ArrivalID   int64  `json:"arrival_id"`
	AnsweredAt  int64  `json:"answered_at"`
	AnsweredBy  string `json:"answered_by"`
	DeadlineAt  int64  `json:"deadline_at"`
	Overdue     bool   `json:"overdue"`
	Version     int64  `json:"version"`
	PersonID    int64  `json:"person_id"`
}

// taskDetailJSON is a task's detail view (audited): it reveals the ID
// number, phone and address.
type taskDetailJSON struct {
	taskJSON
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
	Address  string `json:"address"`
}

func taskOut(t pushlist.Task, now int64) taskJSON {
	return taskJSON{ID: t.ID, ListID: t.ListID, RowNo: t.RowNo, Source: t.Source, Name: t.Name,
		IDMasked: personal.MaskID(t.IDNumber), PhoneMasked: personal.MaskPhone(t.Phone), Origin: t.Origin,
		OriginCode: t.OriginCode, ArrivalDate: t.ArrivalDate, UnitCode: t.UnitCode, UnitName: t.UnitName, Queued: t.Queued(), Outcome: t.Outcome,
		MatchMethod: t.MatchMethod, RouteMethod: t.RouteMethod, Reason: t.Reason, DupOf: t.DupOf, Status: t.Status,
		Result: t.Result, ResultNote: t.ResultNote, ArrivalID: t.ArrivalID, AnsweredAt: t.AnsweredAt,
		AnsweredBy: t.AnsweredBy, DeadlineAt: t.DeadlineAt, Overdue: t.Overdue(now), Version: t.Version, PersonID: t.PersonID}
}

// tasksJSON is the answer of GET /api/v1/pushtasks: one page of tasks.
type tasksJSON struct {
	Tasks    []taskJSON `json:"tasks"`
	Total    int        `json:"total"`
	PageSize int        `json:"page_size"`
}

// taskFilter reads the task list's filters; page is 1-based in the query.
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

// taskStatuses are the filters of the task list; open and overdue carry
// the labels of the figures that link to them (push.open, push.overdue).
var taskStatuses = []struct{ Key, Name string }{{"open", pushlist.LabelOpen}, {"overdue", pushlist.LabelOverdue}, {"queue", "待分派队列"},
	{"done", "已核查"}, {"duplicate", "重复推送"}, {"rejected", "已退回"}, {"all", "全部"}}

// taskRow is a task with what the pages show of it.
type taskRow struct {
	pushlist.Task
	StatusName  string
	OutcomeName string
	Late        bool
}

func rowOf(t pushlist.Task, now int64) taskRow {
	return taskRow{t, pushlist.StatusName(t.Status), pushlist.OutcomeName(t.Outcome), t.Overdue(now)}
}

// tasksView is one page of the task list.
type tasksView struct {
	Tasks    []taskRow
	Total    int
	Q        url.Values
	Statuses []struct{ Key, Name string }
	Paging   web.Paging
	Now      int64
	// UnitName is the name of the unit filtered by, shown in the box
	// instead of its code.
	UnitName string
}

func (h *Handler) tasksPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if q.Get("status") == "" {
		q.Set("status", "open")
	}
	unitName, err := h.unitFilter(r, q)
	if err != nil {
		status, msg, field := web.StatusOf(err)
		if status != http.StatusBadRequest {
			return err
		}
		v := tasksView{Q: q, Statuses: taskStatuses, Now: h.now()}
		return h.pages.RenderView(w, r, status, "pushlist_tasks", web.View{Title: "核查任务", Error: msg, Field: field, D: v})
	}
	f := taskFilter(q)
	tasks, total, err := h.lists.Tasks(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	now := h.now()
	v := tasksView{Total: total, Q: q, Statuses: taskStatuses, Now: now, Paging: web.Paging{Page: f.Page + 1}, UnitName: unitName}
	if f.Page > 0 {
		v.Paging.Prev = web.PageLink(pageQuery(q, f.Page))
	}
	if (f.Page+1)*pushlist.PageSize < total {
		v.Paging.Next = web.PageLink(pageQuery(q, f.Page+2))
	}
	for _, t := range tasks {
		v.Tasks = append(v.Tasks, rowOf(t, now))
	}
	return h.render(w, r, http.StatusOK, "pushlist_tasks", "核查任务", v)
}

// unitFilter reads the unit filter as people type it, by name (西街社区)
// or code: a name becomes its code in q; a code is kept as typed (the list
// answers 404 for one outside the scope). It returns the unit's name to
// show in the box, or "" when there is none.
func (h *Handler) unitFilter(r *http.Request, q url.Values) (string, error) {
	typed := strings.Join(strings.Fields(q.Get("unit")), "")
	if typed == "" || h.srv.Units == nil {
		return "", nil
	}
	scope := web.User(r).Scope()
	if strings.Trim(typed, "0123456789") == "" {
		u, err := h.srv.Units.Get(r.Context(), scope, typed)
		if err != nil {
			return "", nil
		}
		return u.Name, nil
	}
	u, err := h.srv.Units.Find(r.Context(), scope, "unit", typed)
	if err != nil {
		return "", err
	}
	q.Set("unit", u.Code)
	return u.Name, nil
}

func pageQuery(q url.Values, page int) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = v
	}
	c.Set("page", strconv.Itoa(page))
	return c.Encode()
}

func (h *Handler) tasksAPI(w http.ResponseWriter, r *http.Request) error {
	f := taskFilter(r.URL.Query())
	if f.Page < 0 {
		return errs.Invalidf("page", "页码无效")
	}
	tasks, total, err := h.lists.Tasks(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	now := h.now()
	out := tasksJSON{Tasks: make([]taskJSON, 0, len(tasks)), Total: total, PageSize: pushlist.PageSize}
	for _, t := range tasks {
		out.Tasks = append(out.Tasks, taskOut(t, now))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// task is the one read of a task by the {id} in the path (audited).
func (h *Handler) task(r *http.Request) (pushlist.Task, error) {
	id, err := web.PathID(r)
	if err != nil {
		return pushlist.Task{}, err
	}
	return h.lists.ViewTask(r.Context(), web.Actor(r), web.User(r).Scope(), id)
}

// taskView is a task's page: the answer form, the villages a queued task
// may be routed to, and the pushed row under the list's headers.
type taskView struct {
	T       taskRow
	Results []string
	Targets []jurisdiction.Unit
	Headers []string
	Now     int64
	Today   string // YYYY-MM-DD: an arrival date after it is not offered as the answer's
}

func (h *Handler) taskPage(w http.ResponseWriter, r *http.Request) error {
	t, err := h.task(r)
	if err != nil {
		return err
	}
	u := web.User(r)
	now := h.now()
	v := taskView{T: rowOf(t, now), Results: pushlist.Results, Now: now, Today: clock.Day(time.UnixMilli(now))}
	if t.Queued() && t.Status == pushlist.StatusOpen && u.Can(auth.CapPeopleWrite) {
		taskScope, err := u.Scope().Narrow(t.UnitCode)
		if err != nil {
			return err
		}
		if v.Targets, err = h.srv.Units.Units(r.Context(), taskScope, jurisdiction.LevelVillage); err != nil {
			return err
		}
	}
	if u.Can(auth.CapPushImport) {
		if l, err := h.lists.GetList(r.Context(), u.Scope(), t.ListID); err == nil {
			v.Headers = l.Headers
		}
	}
	return h.render(w, r, http.StatusOK, "pushlist_task", "核查任务 "+t.Name, v)
}

func (h *Handler) taskAPI(w http.ResponseWriter, r *http.Request) error {
	t, err := h.task(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, taskDetailJSON{taskOut(t, h.now()), t.IDNumber, t.Phone, t.Address})
}

// answerIn is the body of POST /pushtasks/{id}/answer (form or JSON).
type answerIn struct {
	Result    string `json:"result"`
	Note      string `json:"note"`
	ArrivedOn string `json:"arrived_on"`
	Sex       string `json:"sex"`
	BirthDate string `json:"birth_date"`
	Version   int64  `json:"version"`
}

// answer records a village's verification result (在村 records an arrival).
func (h *Handler) answer(r *http.Request) (pushlist.Task, error) {
	id, err := web.PathID(r)
	if err != nil {
		return pushlist.Task{}, err
	}
	var in answerIn
	if err := web.Bind(r, &in); err != nil {
		return pushlist.Task{}, err
	}
	t, err := h.lists.AnswerTask(r.Context(), web.Actor(r), web.User(r).Scope(), id, pushlist.Answer{Result: in.Result,
		Note: in.Note, ArrivedOn: in.ArrivedOn, Version: in.Version, Sex: in.Sex, BirthDate: in.BirthDate})
	return t, web.OnInput(r, err, map[string]string{"核查结果": "result"})
}

func (h *Handler) answerPage(w http.ResponseWriter, r *http.Request) error {
	t, err := h.answer(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/pushtasks/%d", t.ID), "已提交核查结果："+t.Result)
}

func (h *Handler) answerAPI(w http.ResponseWriter, r *http.Request) error {
	t, err := h.answer(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, taskOut(t, h.now()))
}

// routeIn is the body of POST /pushtasks/{id}/route (form or JSON).
type routeIn struct {
	UnitCode string `json:"unit_code"`
	Version  int64  `json:"version"`
}

// route sends a queued task to a village.
func (h *Handler) route(r *http.Request) (pushlist.Task, error) {
	id, err := web.PathID(r)
	if err != nil {
		return pushlist.Task{}, err
	}
	var in routeIn
	if err := web.Bind(r, &in); err != nil {
		return pushlist.Task{}, err
	}
	return h.lists.RouteTask(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.UnitCode, in.Version)
}

func (h *Handler) routePage(w http.ResponseWriter, r *http.Request) error {
	t, err := h.route(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/pushtasks/%d", t.ID), "已分派到"+t.UnitName)
}

func (h *Handler) routeAPI(w http.ResponseWriter, r *http.Request) error {
	t, err := h.route(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, taskOut(t, h.now()))
}
