package pushlistweb

import (
	"fmt"
	"net/http"

	"fangkong/internal/clock"
	"fangkong/internal/pushlist"
	"fangkong/internal/sheet"
	"fangkong/internal/web"
)

// listJSON is a list with its accounting and live task counts.
type listJSON struct {
	ID            int64             `json:"id"`
	Source        string            `json:"source"`
	Name          string            `json:"name"`
	UnitCode      string            `json:"unit_code"`
	Headers       []string          `json:"headers"`
	Mapping       map[string]string `json:"mapping"`
	DeadlineHours int               `json:"deadline_hours"`
	Rows          int               `json:"rows"`
	Matched       int               `json:"matched"`
	Created       int               `json:"created"`
	Queued        int               `json:"queued"`
	Duplicates    int               `json:"duplicates"`
	Rejected      int               `json:"rejected"`
	Accounted     int               `json:"accounted"`
	Open          int               `json:"open"`
	Done          int               `json:"done"`
	Overdue       int               `json:"overdue"`
	CreatedBy     string            `json:"created_by"`
	CreatedAt     int64             `json:"created_at"`
	HeaderRow     int               `json:"header_row"`
	Skipped       []sheet.Skipped   `json:"skipped"`
	WithdrawnAt   int64             `json:"withdrawn_at"`
	WithdrawnBy   string            `json:"withdrawn_by"`
}

func listOut(l pushlist.List) listJSON {
	return listJSON{ID: l.ID, Source: l.Source, Name: l.Name, UnitCode: l.UnitCode, Headers: l.Headers, Mapping: l.Mapping,
		DeadlineHours: l.DeadlineHours, Rows: l.Rows, Matched: l.Matched, Created: l.Created, Queued: l.Queued,
		Duplicates: l.Duplicates, Rejected: l.Rejected, Accounted: l.Accounted(), Open: l.Open, Done: l.Done,
		Overdue: l.Overdue, CreatedBy: l.CreatedBy, CreatedAt: l.CreatedAt, HeaderRow: l.HeaderRow, Skipped: l.Skipped,
		WithdrawnAt: l.WithdrawnAt, WithdrawnBy: l.WithdrawnBy}
}

// listsJSON is the answer of GET /api/v1/pushlists.
type listsJSON struct {
	Lists []listJSON `json:"lists"`
}

func (h *Handler) listsAPI(w http.ResponseWriter, r *http.Request) error {
	lists, err := h.lists.Lists(r.Context(), web.User(r).Scope())
	if err != nil {
		return err
	}
	out := listsJSON{Lists: make([]listJSON, 0, len(lists))}
	for _, l := range lists {
		out.Lists = append(out.Lists, listOut(l))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// list is the one read of a list by the {id} in the path.
func (h *Handler) list(r *http.Request) (pushlist.List, error) {
	id, err := web.PathID(r)
	if err != nil {
		return pushlist.List{}, err
	}
	return h.lists.GetList(r.Context(), web.User(r).Scope(), id)
}

func (h *Handler) listAPI(w http.ResponseWriter, r *http.Request) error {
	l, err := h.list(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, listOut(l))
}

// outcomeLine is one line of a list's accounting: an outcome and its rows.
type outcomeLine struct {
	Outcome, Name string
	N             int
}

// listView is a list's page: where each row went.
type listView struct {
	L      pushlist.List
	Lines  []outcomeLine
	Fields []pushlist.Field
	// Flags are the rows to look at twice (address outside the county,
	// name unlike the ledger's on an ID match).
	Flags pushlist.Flags
	// LabelOpen and LabelOverdue are the summary's labels of the same facts.
	LabelOpen, LabelOverdue string
}

func (h *Handler) listPage(w http.ResponseWriter, r *http.Request) error {
	l, err := h.list(r)
	if err != nil {
		return err
	}
	line := func(outcome string, n int) outcomeLine { return outcomeLine{outcome, pushlist.OutcomeName(outcome), n} }
	v := listView{L: l, Fields: pushlist.Fields, Lines: []outcomeLine{line(pushlist.OutcomeMatched, l.Matched),
		line(pushlist.OutcomeCreated, l.Created), line(pushlist.OutcomeQueued, l.Queued),
		line(pushlist.OutcomeDuplicate, l.Duplicates), line(pushlist.OutcomeRejected, l.Rejected)},
		LabelOpen: pushlist.LabelOpen, LabelOverdue: pushlist.LabelOverdue}
	if v.Flags, err = h.lists.ListFlags(r.Context(), web.User(r).Scope(), l.ID); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "pushlist_list", l.Name, v)
}

// feedback streams the feedback file (回传) of a list.
func (h *Handler) feedback(w http.ResponseWriter, r *http.Request) error {
	l, err := h.list(r)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("回传-%s-%s.xlsx", l.Name, clock.Day(h.srv.Now()))
	web.Attachment(w, web.XLSXContentType, "feedback.xlsx", name)
	if _, err := h.lists.Feedback(r.Context(), web.Actor(r), web.User(r).Scope(), l.ID, w); err != nil {
		h.srv.Logger.Error("feedback", "err", err, "list", l.ID, "request_id", web.RequestID(r))
	}
	return nil
}

// withdrawJSON is the answer of POST /api/v1/pushlists/{id}/withdraw.
type withdrawJSON struct {
	List      listJSON `json:"list"`
	Cancelled int      `json:"cancelled"`
}

func (h *Handler) withdraw(r *http.Request) (pushlist.List, int, error) {
	id, err := web.PathID(r)
	if err != nil {
		return pushlist.List{}, 0, err
	}
	return h.lists.Withdraw(r.Context(), web.Actor(r), web.User(r).Scope(), id)
}

// withdrawPage withdraws a list imported by mistake (撤回).
func (h *Handler) withdrawPage(w http.ResponseWriter, r *http.Request) error {
	l, n, err := h.withdraw(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/pushlists/%d", l.ID), fmt.Sprintf("名单已撤回：撤销未核查任务%d个，已核查的%d个保留", n, l.Done))
}

func (h *Handler) withdrawAPI(w http.ResponseWriter, r *http.Request) error {
	l, n, err := h.withdraw(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, withdrawJSON{List: listOut(l), Cancelled: n})
}
