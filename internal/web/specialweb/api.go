package specialweb

import (
	"net/http"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/special"
	"fangkong/internal/web"
)

// The JSON twins of the list and a report, for the command centre's big
// screen and other systems: the same data, the same scope.

type ackJSON struct {
	Level       int    `json:"level"`
	Label       string `json:"label"`
	Due         string `json:"due"`
	AckedAt     string `json:"acked_at,omitempty"`
	AckedBy     string `json:"acked_by,omitempty"`
	Cadre       string `json:"cadre,omitempty"`
	EscalatedAt string `json:"escalated_at,omitempty"`
	Late        bool   `json:"late"`
}

type reportJSON struct {
	ID        int64     `json:"id"`
	UnitCode  string    `json:"unit_code"`
	UnitName  string    `json:"unit_name"`
	Kind      string    `json:"kind"`
	KindLabel string    `json:"kind_label"`
	Title     string    `json:"title"`
	Content   string    `json:"content"`
	OpenedBy  string    `json:"opened_by"`
	OpenedAt  string    `json:"opened_at"`
	ClosedAt  string    `json:"closed_at,omitempty"`
	ClosedBy  string    `json:"closed_by,omitempty"`
	CloseNote string    `json:"close_note,omitempty"`
	Late      bool      `json:"late"`
	Acks      []ackJSON `json:"acks"`
}

// stamp is t in RFC 3339, China time; "" for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(clock.Shanghai).Format(time.RFC3339)
}

func reportOut(r special.Report, now time.Time) reportJSON {
	out := reportJSON{ID: r.ID, UnitCode: r.UnitCode, UnitName: r.UnitName, Kind: r.Kind, KindLabel: r.KindLabel(), Title: r.Title,
		Content: r.Content, OpenedBy: r.OpenedBy, OpenedAt: stamp(r.OpenedAt), ClosedAt: stamp(r.ClosedAt), ClosedBy: r.ClosedBy,
		CloseNote: r.CloseNote, Late: r.ClosedAt.IsZero() && r.Late(now), Acks: []ackJSON{}}
	for _, a := range r.Acks {
		out.Acks = append(out.Acks, ackJSON{Level: a.Level, Label: a.Label, Due: stamp(a.Due), AckedAt: stamp(a.AckedAt), AckedBy: a.AckedBy,
			Cadre: a.Cadre, EscalatedAt: stamp(a.EscalatedAt), Late: a.Late(now)})
	}
	return out
}

type listJSON struct {
	UnitCode string           `json:"unit_code"`
	Figures  []web.FigureJSON `json:"figures"`
	Total    int              `json:"total"`
	Reports  []reportJSON     `json:"reports"`
}

// apiList is GET /api/v1/special?unit=&all=1|late=1: the open reports (all:
// every report of the last 30 days; late: the open ones past a clock
// unacknowledged) of the unit's subtree, how many, and the summary's
// figures.
func (h *Handler) apiList(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	q := r.URL.Query()
	unit, now := web.FirstOf(q.Get("unit"), u.UnitCode), h.srv.Now()
	card, err := h.svc.Summary(r.Context(), u.Scope(), unit, clock.Day(now))
	if err != nil {
		return err
	}
	list, total, err := h.svc.Listing(r.Context(), u.Scope(), unit, listOf(q))
	if err != nil {
		return err
	}
	out := listJSON{UnitCode: unit, Figures: web.FiguresJSON(card.Figures), Total: total, Reports: []reportJSON{}}
	for _, rep := range list {
		out.Reports = append(out.Reports, reportOut(rep, now))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// apiShow is GET /api/v1/special/{id}.
func (h *Handler) apiShow(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	rep, err := h.svc.Get(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, reportOut(rep, h.srv.Now()))
}
