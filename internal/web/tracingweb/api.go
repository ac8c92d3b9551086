package tracingweb

import (
	"net/http"
	"strconv"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/tracing"
	"fangkong/internal/web"
)

// The JSON twins of the case list (ID numbers and phones masked, as on the
// page) and of a case (the case in full, an audited view as the page; its
// contacts masked, with their category and status), for the CDC's systems.

type clockJSON struct {
	Key   string `json:"key"`
	Name  string `json:"name"`
	Due   string `json:"due"`
	Done  string `json:"done,omitempty"`
	State string `json:"state"`
}

type caseJSON struct {
	ID             int64         `json:"id"`
	PersonID       int64         `json:"person_id,omitempty"`
	Name           string        `json:"name"`
	IDNumber       string        `json:"id_number"`
	Phone          string        `json:"phone"`
	UnitCode       string        `json:"unit_code"`
	UnitName       string        `json:"unit_name"`
	Disease        string        `json:"disease"`
	Classification string        `json:"classification"`
	FoundVia       string        `json:"found_via"`
	FoundAt        string        `json:"found_at"`
	OnsetDate      string        `json:"onset_date,omitempty"`
	Cluster        string        `json:"cluster,omitempty"`
	FromContactID  int64         `json:"from_contact_id,omitempty"`
	Clocks         []clockJSON   `json:"clocks"`
	Contacts       []contactJSON `json:"contacts,omitempty"`
}

type contactJSON struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	IDNumber      string `json:"id_number"`
	Phone         string `json:"phone"`
	UnitCode      string `json:"unit_code,omitempty"`
	UnitName      string `json:"unit_name,omitempty"`
	Outside       bool   `json:"outside"`
	Category      string `json:"category"`
	Status        string `json:"status"`
	FirstExposure string `json:"first_exposure,omitempty"`
	LastExposure  string `json:"last_exposure,omitempty"`
	BecameCaseID  int64  `json:"became_case_id,omitempty"`
}

func stamp(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).In(clock.Shanghai).Format(time.RFC3339)
}

func caseOut(c tracing.Case, masked bool) caseJSON {
	idn, phone := c.IDNumber, c.Phone
	if masked {
		idn, phone = c.IDMasked(), c.PhoneMasked()
	}
	out := caseJSON{ID: c.ID, PersonID: c.PersonID, Name: c.Name, IDNumber: idn, Phone: phone, UnitCode: c.UnitCode, UnitName: c.UnitName,
		Disease: c.Disease, Classification: c.Classification, FoundVia: c.FoundVia, FoundAt: stamp(c.FoundAt), OnsetDate: c.OnsetDate,
		Cluster: c.ClusterName, FromContactID: c.FromContactID, Clocks: []clockJSON{}}
	for _, k := range c.Clocks {
		out.Clocks = append(out.Clocks, clockJSON{Key: k.Key, Name: k.Name, Due: stamp(k.Due), Done: stamp(k.Done), State: k.State})
	}
	return out
}

// apiCases is GET /api/v1/tracing/cases?unit=&late=1&day=&cluster=.
func (h *Handler) apiCases(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	cluster, _ := strconv.ParseInt(q.Get("cluster"), 10, 64)
	cases, err := h.tracing.Cases(r.Context(), web.User(r).Scope(), tracing.CaseFilter{Unit: q.Get("unit"), Late: q.Get("late") == "1",
		Day: q.Get("day"), ClusterID: cluster})
	if err != nil {
		return err
	}
	out := make([]caseJSON, 0, len(cases))
	for _, c := range cases {
		out = append(out, caseOut(c, true))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"cases": out})
}

// apiCase is GET /api/v1/tracing/cases/{id}: the case in full (an audited
// view) with its contacts, masked.
func (h *Handler) apiCase(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	scope := web.User(r).Scope()
	c, err := h.tracing.ViewCase(r.Context(), web.Actor(r), scope, id)
	if err != nil {
		return err
	}
	contacts, err := h.tracing.Contacts(r.Context(), scope, tracing.ContactFilter{CaseID: id})
	if err != nil {
		return err
	}
	out := caseOut(c, false)
	out.Contacts = []contactJSON{}
	for _, k := range contacts {
		out.Contacts = append(out.Contacts, contactJSON{ID: k.ID, Name: k.Name, IDNumber: k.IDMasked(), Phone: k.PhoneMasked(),
			UnitCode: k.UnitCode, UnitName: k.UnitName, Outside: k.Outside, Category: k.Category, Status: k.Status,
			FirstExposure: stamp(k.FirstExposure), LastExposure: stamp(k.LastExposure), BecameCaseID: k.BecameCaseID})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}
