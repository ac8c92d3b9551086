package returneeweb

import (
	"fmt"
	"net/http"
	"net/url"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/returnee"
	"fangkong/internal/web"
)

// --- Self-reports (自主报备): the village's queue of what was submitted
// on the public page, confirmed into the ledger or rejected

// selfReportJSON is a queued self-report (ID number and phone masked).
type selfReportJSON struct {
	ID           int64  `json:"id"`
	VillageCode  string `json:"village_code"`
	Name         string `json:"name"`
	IDMasked     string `json:"id_masked"`
	PhoneMasked  string `json:"phone_masked"`
	Address      string `json:"address"`
	OriginText   string `json:"origin_text,omitempty"` // the place as typed; origin_code "" = not clear (待核实)
	OriginCode   string `json:"origin_code"`
	OriginDetail string `json:"origin_detail"`
	DepartedOn   string `json:"departed_on"`
	ArrivedOn    string `json:"arrived_on"`
	Transport    string `json:"transport"`
	TransportNo  string `json:"transport_no"`
	Status       string `json:"status"`
	ReturneeID   int64  `json:"returnee_id"`
}

// selfReportsJSON is the answer of GET /api/v1/selfreports.
type selfReportsJSON struct {
	SelfReports []selfReportJSON `json:"self_reports"`
}

// selfReportsView is the queue page; Village is the user's own village
// (for the poster link), blank above the village level.
type selfReportsView struct {
	List    []returnee.SelfReport
	Q       url.Values
	Village string
}

func (h *Handler) selfReportsPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	u := web.User(r)
	list, err := h.returnees.SelfReports(r.Context(), u.Scope(), q.Get("unit"), q.Get("status"), 0)
	if err != nil {
		return err
	}
	v := selfReportsView{List: list, Q: q}
	if jurisdiction.LevelOfCode(u.UnitCode) >= jurisdiction.LevelVillage {
		v.Village = jurisdiction.VillageOf(u.UnitCode)
	}
	return h.render(w, r, http.StatusOK, "returnee_selfreports", "自主报备", v)
}

func (h *Handler) selfReportsAPI(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, _ := web.ListParams(q)
	list, err := h.returnees.SelfReports(r.Context(), web.User(r).Scope(), q.Get("unit"), q.Get("status"), limit)
	if err != nil {
		return err
	}
	out := selfReportsJSON{SelfReports: make([]selfReportJSON, 0, len(list))}
	for _, x := range list {
		out.SelfReports = append(out.SelfReports, selfReportJSON{ID: x.ID, VillageCode: x.VillageCode, Name: x.Name,
			IDMasked: x.IDNumber, PhoneMasked: x.Phone, Address: x.Address, OriginText: x.OriginText, OriginCode: x.OriginCode,
			OriginDetail: x.OriginDetail, DepartedOn: x.DepartedOn, ArrivedOn: x.ArrivedOn, Transport: x.Transport,
			TransportNo: x.TransportNo, Status: x.Status, ReturneeID: x.ReturneeID})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// confirmIn is the body of POST /selfreports/{id}/confirm: the household
// to place the returnee in, by ID or 户编号 (both optional).
type confirmIn struct {
	HouseholdID int64  `json:"household_id"`
	HouseholdNo string `json:"household_no"`
}

// confirm records a self-report in the ledger.
func (h *Handler) confirm(r *http.Request) (returnee.Arrival, bool, error) {
	id, err := web.PathID(r)
	if err != nil {
		return returnee.Arrival{}, false, err
	}
	var in confirmIn
	if err := web.Bind(r, &in); err != nil {
		return returnee.Arrival{}, false, err
	}
	return h.returnees.ConfirmSelfReportIn(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.HouseholdID, in.HouseholdNo)
}

func (h *Handler) confirmPage(w http.ResponseWriter, r *http.Request) error {
	a, merged, err := h.confirm(r)
	if err != nil {
		return err
	}
	msg := "已确认并登记返乡记录"
	if merged {
		msg = "已确认，并与已有返乡记录合并"
	}
	return web.Redirect(w, r, fmt.Sprintf("/returnees/%d", a.ID), msg)
}

func (h *Handler) confirmAPI(w http.ResponseWriter, r *http.Request) error {
	a, merged, err := h.confirm(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, recordedJSON{Returnee: arrivalOut(a, false), Merged: merged})
}

func (h *Handler) rejectPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := h.returnees.RejectSelfReport(r.Context(), web.Actor(r), web.User(r).Scope(), id); err != nil {
		return err
	}
	return web.Redirect(w, r, "/selfreports", "已驳回")
}
