package sentinelweb

import (
	"net/http"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/sentinel"
	"fangkong/internal/web"
)

// The JSON twins of the fever reports' list (ID numbers and phones
// masked, as on the page) and of one report (in full: an audited view, as
// the page), for the health commission's systems.

type reportJSON struct {
	ID           int64  `json:"id"`
	SentinelID   int64  `json:"sentinel_id"`
	SentinelName string `json:"sentinel_name"`
	UnitCode     string `json:"unit_code"`
	UnitName     string `json:"unit_name"`
	PersonID     int64  `json:"person_id,omitempty"`
	Name         string `json:"name"`
	IDNumber     string `json:"id_number"`
	Phone        string `json:"phone"`
	Temp         string `json:"temp"`
	Symptoms     string `json:"symptoms"`
	Drugs        string `json:"drugs,omitempty"`
	Action       string `json:"action"`
	Status       string `json:"status"`
	Day          string `json:"day"`
	ReportedAt   string `json:"reported_at"`
	AckDueAt     string `json:"ack_due_at"`
	AckedAt      string `json:"acked_at,omitempty"`
	AckedBy      string `json:"acked_by,omitempty"`
	EscalatedAt  string `json:"escalated_at,omitempty"`
	SampledAt    string `json:"sampled_at,omitempty"`
	SentAt       string `json:"sent_at,omitempty"`
	Result       string `json:"result,omitempty"`
	ResultAt     string `json:"result_at,omitempty"`
	Flagged      bool   `json:"flagged"`
	ReferredTo   string `json:"referred_to,omitempty"`
	Note         string `json:"note,omitempty"`
}

// stamp is a time in milliseconds in RFC 3339, China time; "" for 0.
func stamp(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).In(clock.Shanghai).Format(time.RFC3339)
}

func reportOut(r sentinel.Report, masked bool) reportJSON {
	idn, phone := r.IDNumber, r.Phone
	if masked {
		idn, phone = r.MaskedID(), r.MaskedPhone()
	}
	return reportJSON{ID: r.ID, SentinelID: r.SentinelID, SentinelName: r.SentinelName, UnitCode: r.UnitCode, UnitName: r.UnitName,
		PersonID: r.PersonID, Name: r.Name, IDNumber: idn, Phone: phone, Temp: r.Temp(), Symptoms: r.Symptoms, Drugs: r.Drugs,
		Action: r.Action, Status: r.Status, Day: r.Day, ReportedAt: stamp(r.ReportedAt), AckDueAt: stamp(r.AckDueAt),
		AckedAt: stamp(r.AckedAt), AckedBy: r.AckedBy, EscalatedAt: stamp(r.EscalatedAt), SampledAt: stamp(r.SampledAt),
		SentAt: stamp(r.SentAt), Result: r.Result, ResultAt: stamp(r.ResultAt), Flagged: r.Flagged, ReferredTo: r.ReferredName,
		Note: r.Note}
}

// apiReports is GET /api/v1/sentinel-reports?unit=&status=&day=&limit=&offset=.
func (h *Handler) apiReports(w http.ResponseWriter, r *http.Request) error {
	if err := h.srv.UnitQuery(r); err != nil {
		return err
	}
	q := r.URL.Query()
	limit, offset := web.ListParams(q)
	list, err := h.svc.Reports(r.Context(), web.User(r).Scope(), sentinel.ReportFilter{Unit: q.Get("unit"), Status: q.Get("status"),
		Day: q.Get("day"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	out := make([]reportJSON, 0, len(list))
	for _, rep := range list {
		out = append(out, reportOut(rep, true))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"reports": out, "limit": limit, "offset": offset})
}

// apiReport is GET /api/v1/sentinel-reports/{id}: the report in full, an
// audited view.
func (h *Handler) apiReport(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	rep, err := h.svc.ViewReport(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, reportOut(rep, false))
}
