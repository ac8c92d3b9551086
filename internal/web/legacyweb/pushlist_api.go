package legacyweb

import (
	"net/http"
	"strconv"

	"fangkong/internal/errs"
	"fangkong/internal/personal"
	"fangkong/internal/pushlist"
	"fangkong/internal/web"
)

func listOut(l pushlist.List) map[string]any {
	return map[string]any{"id": l.ID, "source": l.Source, "name": l.Name, "unit_code": l.UnitCode, "headers": l.Headers,
		"mapping": l.Mapping, "deadline_hours": l.DeadlineHours, "rows": l.Rows, "matched": l.Matched, "created": l.Created,
		"queued": l.Queued, "duplicates": l.Duplicates, "rejected": l.Rejected, "accounted": l.Accounted(),
		"open": l.Open, "done": l.Done, "overdue": l.Overdue, "created_by": l.CreatedBy, "created_at": l.CreatedAt}
}

// taskOut is a task as JSON; full reveals the ID number and phone (detail
// views, which are audited).
func taskOut(t pushlist.Task, now int64, full bool) map[string]any {
	m := map[string]any{"id": t.ID, "list_id": t.ListID, "row_no": t.RowNo, "source": t.Source, "name": t.Name,
		"id_masked": personal.MaskID(t.IDNumber), "phone_masked": personal.MaskPhone(t.Phone), "origin": t.Origin,
		"arrival_date": t.ArrivalDate, "unit_code": t.UnitCode, "unit_name": t.UnitName, "queued": t.Queued(),
		"outcome": t.Outcome, "match_method": t.MatchMethod, "route_method": t.RouteMethod, "reason": t.Reason,
		"dup_of": t.DupOf, "status": t.Status, "result": t.Result, "result_note": t.ResultNote, "arrival_id": t.ArrivalID,
		"answered_at": t.AnsweredAt, "answered_by": t.AnsweredBy, "deadline_at": t.DeadlineAt, "overdue": t.Overdue(now),
		"version": t.Version, "person_id": t.PersonID}
	if full {
		m["id_number"], m["phone"], m["address"] = t.IDNumber, t.Phone, t.Address
	}
	return m
}

func (s *Handler) apiPushLists(w http.ResponseWriter, r *http.Request) error {
	lists, err := s.PushLists.Lists(r.Context(), web.User(r).Scope())
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(lists))
	for _, l := range lists {
		out = append(out, listOut(l))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"lists": out})
}

// apiPushImport imports a list in one request: multipart file, source, name,
// deadline_hours and optionally mapping (JSON) or map_<field> fields; without
// a mapping the source's saved one (or a guess) is used.
func (s *Handler) apiPushImport(w http.ResponseWriter, r *http.Request) error {
	f, size, err := web.SaveUpload(r, "file")
	if err != nil {
		return err
	}
	defer f.Close()
	opt, err := pushOptions(r)
	if err != nil {
		return err
	}
	l, err := s.PushLists.Import(r.Context(), web.Actor(r), web.User(r).Scope(), f, size, opt)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, listOut(l))
}

func (s *Handler) apiPushList(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	l, err := s.PushLists.GetList(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, listOut(l))
}

func (s *Handler) apiPushTasks(w http.ResponseWriter, r *http.Request) error {
	f := taskFilter(r.URL.Query())
	if f.Page < 0 {
		return errs.Invalidf("page", "页码无效")
	}
	tasks, total, err := s.PushLists.Tasks(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	now := s.Now().UnixMilli()
	out := make([]map[string]any, 0, len(tasks))
	for _, t := range tasks {
		out = append(out, taskOut(t, now, false))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"tasks": out, "total": total, "page_size": pushlist.PageSize})
}

func (s *Handler) apiPushTask(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	t, err := s.PushLists.ViewTask(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, taskOut(t, s.Now().UnixMilli(), true))
}

type answerIn struct {
	Result    string `json:"result"`
	Note      string `json:"note"`
	ArrivedOn string `json:"arrived_on"`
	Sex       string `json:"sex"`
	BirthDate string `json:"birth_date"`
	Version   int64  `json:"version"`
}

func (s *Handler) apiPushAnswer(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in answerIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.PushLists.AnswerTask(r.Context(), web.Actor(r), web.User(r).Scope(), id,
		pushlist.Answer{Result: in.Result, Note: in.Note, ArrivedOn: in.ArrivedOn, Version: in.Version,
			Sex: in.Sex, BirthDate: in.BirthDate})
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, taskOut(t, s.Now().UnixMilli(), false))
}

type routeIn struct {
	UnitCode string `json:"unit_code"`
	Version  int64  `json:"version"`
}

func (s *Handler) apiPushRoute(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in routeIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.PushLists.RouteTask(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.UnitCode, in.Version)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, taskOut(t, s.Now().UnixMilli(), false))
}

func (s *Handler) apiPushStats(w http.ResponseWriter, r *http.Request) error {
	st, err := s.PushLists.Stats(r.Context(), web.User(r).Scope())
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(st))
	for _, u := range st {
		var median any
		if u.MedianMinutes >= 0 {
			median = strconv.FormatFloat(u.MedianMinutes, 'f', 1, 64)
		}
		out = append(out, map[string]any{"unit_code": u.Code, "unit_name": u.Name, "queue": u.Queue, "pushed": u.Pushed,
			"verified": u.Verified, "open": u.Open, "overdue": u.Overdue, "median_minutes_to_verify": median})
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"units": out})
}
