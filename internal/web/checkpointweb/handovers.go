package checkpointweb

import (
	"errors"
	"fmt"
	"net/http"

	"fangkong/internal/checkpoint"
	"fangkong/internal/errs"
	"fangkong/internal/web"
)

// Hand-overs (移交): the village's list of people to receive, receipt,
// and the outgoing 协查 list of destinations outside the county.

type handoverView struct {
	List     []checkpoint.Handover
	F        checkpoint.HandoverFilter
	Statuses []string
	Paging   web.Paging
	// NoteFor and Note are a refused receipt's hand-over and the note
	// typed, given back to its form.
	NoteFor int64
	Note    string
}

func handoverFilter(r *http.Request) checkpoint.HandoverFilter {
	q := r.URL.Query()
	return checkpoint.HandoverFilter{Unit: q.Get("unit"), Status: q.Get("status"), Overdue: q.Get("overdue") == "1"}
}

func (h *Handler) handovers(r *http.Request, f checkpoint.HandoverFilter) (handoverView, error) {
	page := web.PageOf(r)
	f.Limit, f.Offset = web.PageSize+1, (page-1)*web.PageSize
	list, err := h.cps.Handovers(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return handoverView{}, err
	}
	pg := web.PagingFor(r, page, len(list))
	if len(list) > web.PageSize {
		list = list[:web.PageSize]
	}
	return handoverView{List: list, F: f, Statuses: []string{checkpoint.AwaitReceipt, checkpoint.Received}, Paging: pg}, nil
}

func (h *Handler) handoverList(w http.ResponseWriter, r *http.Request) error {
	v, err := h.handovers(r, handoverFilter(r))
	if err != nil {
		return err
	}
	return h.render(w, r, "handover_list", "卡口移交人员", v)
}

func (h *Handler) outgoingList(w http.ResponseWriter, r *http.Request) error {
	f := handoverFilter(r)
	f.Outgoing, f.Status = true, ""
	v, err := h.handovers(r, f)
	if err != nil {
		return err
	}
	return h.render(w, r, "handover_outgoing", "外发协查", v)
}

func (h *Handler) handoverReceive(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	note := r.FormValue("note")
	x, err := h.cps.Receive(r.Context(), web.Actor(r), web.User(r).Scope(), id, note)
	if err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			return err
		}
		v, verr := h.handovers(r, checkpoint.HandoverFilter{Status: checkpoint.AwaitReceipt})
		if verr != nil {
			return verr
		}
		v.NoteFor, v.Note = id, note
		return h.pages.FormError(w, r, err, "handover_list", "卡口移交人员", v)
	}
	return web.Redirect(w, r, web.BackTo(r, "/handovers?status="+checkpoint.AwaitReceipt), fmt.Sprintf("已接收：%s", x.Name))
}

type handoverJSON struct {
	ID          int64  `json:"id"`
	Checkpoint  string `json:"checkpoint"`
	VillageCode string `json:"village_code"`
	Village     string `json:"village"`
	Name        string `json:"name"`
	IDNumber    string `json:"id_number"`
	Phone       string `json:"phone"`
	Plate       string `json:"plate"`
	From        string `json:"from"`
	FromLevel   string `json:"from_level"`
	ArrivalID   int64  `json:"arrival_id"`
	Status      string `json:"status"`
	Due         string `json:"due"`
	Overdue     bool   `json:"overdue"`
	ReceivedBy  string `json:"received_by,omitempty"`
	Note        string `json:"note,omitempty"`
}

func handoverOut(x checkpoint.Handover) handoverJSON {
	return handoverJSON{ID: x.ID, Checkpoint: x.CheckpointName, VillageCode: x.VillageCode, Village: x.VillageName, Name: x.Name,
		IDNumber: maskID(x.IDNumber), Phone: maskPhone(x.Phone), Plate: x.Plate, From: x.FromName, FromLevel: x.FromLevel,
		ArrivalID: x.ArrivalID, Status: x.Status, Due: x.Due(), Overdue: x.Overdue, ReceivedBy: x.ReceivedBy, Note: x.ReceiptNote}
}

func (h *Handler) apiHandovers(w http.ResponseWriter, r *http.Request) error {
	f := handoverFilter(r)
	f.Limit, f.Offset = web.ListParams(r.URL.Query())
	list, err := h.cps.Handovers(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	out := []handoverJSON{}
	for _, x := range list {
		out = append(out, handoverOut(x))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"handovers": out})
}

func (h *Handler) apiReceive(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	x, err := h.cps.Receive(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Note)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, handoverOut(x))
}
