package returneeweb

import (
	"cmp"
	"fmt"
	"net/http"
	"strconv"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/web"
)

// --- Recording an arrival (返乡登记) and correcting it

// arrivalIn is the body of POST /returnees (form or JSON).
type arrivalIn struct {
	PersonID      int64  `json:"person_id"`
	Name          string `json:"name"`
	IDNumber      string `json:"id_number"`
	Phone         string `json:"phone"`
	Sex           string `json:"sex"`
	BirthDate     string `json:"birth_date"`
	VillageCode   string `json:"village_code"`
	HouseholdID   int64  `json:"household_id"`
	Origin        string `json:"origin"`      // a place name or a code, resolved (地名解析)
	OriginCode    string `json:"origin_code"` // the code; with origin, the candidate picked for it
	OriginName    string `json:"origin_name"`
	OriginDetail  string `json:"origin_detail"`
	OriginAsked   string `json:"origin_asked"` // the text 您是指… asked about (page)
	DepartedOn    string `json:"departed_on"`
	ArrivedOn     string `json:"arrived_on"`
	Transport     string `json:"transport"`
	TransportNo   string `json:"transport_no"`
	Source        string `json:"source"`
	TestSampledAt string `json:"test_sampled_at"`
	Symptoms      string `json:"symptoms"`
	Gatherings    string `json:"gatherings"`
	Companions    string `json:"companions"`
	Status        string `json:"status"`
	Note          string `json:"note"`
}

func (in arrivalIn) arrival() returnee.Arrival {
	return returnee.Arrival{PersonID: in.PersonID, Name: in.Name, IDNumber: in.IDNumber, Phone: in.Phone, Sex: in.Sex,
		BirthDate: in.BirthDate, VillageCode: in.VillageCode, HouseholdID: in.HouseholdID, OriginCode: in.OriginCode,
		OriginName: in.OriginName, OriginDetail: in.OriginDetail, OriginText: in.Origin, DepartedOn: in.DepartedOn, ArrivedOn: in.ArrivedOn,
		Transport: in.Transport, TransportNo: in.TransportNo, Source: in.Source, TestSampledAt: in.TestSampledAt,
		Symptoms: in.Symptoms, Gatherings: in.Gatherings, Companions: in.Companions, Status: in.Status, Note: in.Note}
}

// arrivalJSON is a returnee record; the full ID number and phone only in
// the (audited) detail view.
type arrivalJSON struct {
	ID           int64  `json:"id"`
	PersonID     int64  `json:"person_id"`
	Name         string `json:"name"`
	IDNumber     string `json:"id_number,omitempty"`
	IDMasked     string `json:"id_masked"`
	Phone        string `json:"phone,omitempty"`
	PhoneMasked  string `json:"phone_masked"`
	UnitCode     string `json:"unit_code"`
	HouseholdID  int64  `json:"household_id,omitempty"`
	OriginCode   string `json:"origin_code"`
	OriginName   string `json:"origin_name,omitempty"`
	OriginDetail string `json:"origin_detail,omitempty"`
	OriginText   string `json:"origin_text,omitempty"`
	// OriginStatus is 待核实 while the place waits for a person to pick it;
	// OriginCandidates then lists the readings of origin_text.
	OriginStatus     string          `json:"origin_status,omitempty"`
	OriginCandidates []web.PlaceJSON `json:"origin_candidates,omitempty"`
	OriginLevel      string          `json:"origin_level"`
	DepartedOn       string          `json:"departed_on,omitempty"`
	ArrivedOn        string          `json:"arrived_on"`
	Transport        string          `json:"transport,omitempty"`
	TransportNo      string          `json:"transport_no,omitempty"`
	Sources          []string        `json:"sources"`
	TestSampledAt    string          `json:"test_sampled_at,omitempty"`
	Symptoms         string          `json:"symptoms,omitempty"`
	Gatherings       string          `json:"gatherings,omitempty"`
	Companions       string          `json:"companions,omitempty"`
	Status           string          `json:"status"`
	Note             string          `json:"note,omitempty"`
	Version          int64           `json:"version"`
}

func arrivalOut(a returnee.Arrival, full bool) arrivalJSON {
	out := arrivalJSON{ID: a.ID, PersonID: a.PersonID, Name: a.Name, UnitCode: a.VillageCode, HouseholdID: a.HouseholdID,
		OriginCode: a.OriginCode, OriginName: a.OriginName, OriginDetail: a.OriginDetail, OriginLevel: a.OriginLevel,
		OriginText: a.OriginText, OriginStatus: a.OriginStatus,
		DepartedOn: a.DepartedOn, ArrivedOn: a.ArrivedOn, Transport: a.Transport, TransportNo: a.TransportNo, Sources: a.Sources,
		TestSampledAt: a.TestSampledAt, Symptoms: a.Symptoms, Gatherings: a.Gatherings, Companions: a.Companions,
		Status: a.Status, Note: a.Note, Version: a.Version}
	if full {
		out.IDNumber, out.Phone = a.IDNumber, a.Phone
	}
	out.IDMasked, out.PhoneMasked = personal.MaskID(a.IDNumber), personal.MaskPhone(a.Phone)
	return out
}

func rowOut(r returnee.Row) arrivalJSON {
	out := arrivalOut(r.Arrival, false)
	out.IDMasked, out.PhoneMasked = r.IDMasked, r.PhoneMasked
	return out
}

// recordedJSON answers a recorded or confirmed arrival: merged when it
// joined an arrival of the same person within returnee.MergeWindowDays.
type recordedJSON struct {
	Returnee arrivalJSON `json:"returnee"`
	Merged   bool        `json:"merged"`
}

// returneeForm is the recording form: into a household (from its page) or
// into one of the villages the user may choose.
type returneeForm struct {
	A          arrivalIn
	Origin     web.PlaceField
	Household  *registry.Household
	Villages   []jurisdiction.Unit
	Sources    []string
	Transports []string
	Today      string
}

func (h *Handler) returneeForm(r *http.Request, in arrivalIn, ask *web.PlaceAsk) (returneeForm, error) {
	f := returneeForm{A: in, Sources: returnee.Sources, Transports: returnee.Transports, Today: clock.Day(h.srv.Now()),
		Origin: originField("r-origin", cmp.Or(in.Origin, in.OriginCode), ask)}
	ctx := r.Context()
	scope := web.User(r).Scope()
	if in.HouseholdID != 0 {
		hh, err := h.households.Household(ctx, scope, in.HouseholdID)
		if err != nil {
			return f, err
		}
		f.Household = &hh
		return f, nil
	}
	vs, err := h.srv.Units.Units(ctx, scope, jurisdiction.LevelVillage)
	if err != nil {
		return f, err
	}
	// A group's (小区) cadre: their own unit first; a village's is in vs.
	if u, err := h.srv.Units.Get(ctx, scope, scope.Code()); err == nil && u.Level > jurisdiction.LevelVillage {
		vs = append([]jurisdiction.Unit{u}, vs...)
	}
	f.Villages = vs[:min(len(vs), 400)]
	return f, nil
}

func (h *Handler) newPage(w http.ResponseWriter, r *http.Request) error {
	hh, _ := strconv.ParseInt(r.URL.Query().Get("household"), 10, 64)
	in := arrivalIn{HouseholdID: hh, VillageCode: r.URL.Query().Get("unit"), Source: returnee.SourceSweep, ArrivedOn: clock.Day(h.srv.Now())}
	if hh == 0 && in.VillageCode == "" && jurisdiction.LevelOfCode(web.User(r).UnitCode) >= jurisdiction.LevelVillage {
		in.VillageCode = web.User(r).UnitCode
	}
	f, err := h.returneeForm(r, in, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "returnee_form", "返乡登记", f)
}

// record records an arrival (merged into one of the same person within
// the merge window). Page and API bind the same arrivalIn; the page binds
// first to re-offer the form with what was submitted.
func (h *Handler) record(r *http.Request, in arrivalIn) (returnee.Arrival, bool, error) {
	return h.returnees.Record(r.Context(), web.Actor(r), web.User(r).Scope(), in.arrival())
}

func (h *Handler) recordPage(w http.ResponseWriter, r *http.Request) error {
	var in arrivalIn
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	home := cmp.Or(in.VillageCode, web.User(r).UnitCode)
	in.OriginCode, in.OriginDetail = h.originNear(in.Origin, in.OriginCode, in.OriginDetail, home)
	if ask := h.askOrigin(in.Origin, in.OriginCode, in.OriginAsked, home); ask != nil {
		// 您是指…: the form again, with everything typed and the candidates.
		f, err := h.returneeForm(r, in, ask)
		if err != nil {
			return err
		}
		return h.renderView(w, r, http.StatusOK, "returnee_form", web.View{Title: "返乡登记", Error: "请确认来源地", Field: "origin", D: f})
	}
	a, merged, err := h.record(r, in)
	if errs.IsInvalid(err) { // a conflict is not re-rendered: the form would echo an ID number registered elsewhere
		status, msg, field := web.StatusOf(err)
		in.HouseholdID = 0 // the form re-offers the villages
		f, ferr := h.returneeForm(r, in, nil)
		if ferr != nil {
			return err
		}
		return h.renderView(w, r, status, "returnee_form", web.View{Title: "返乡登记", Error: msg, Field: field, D: f})
	}
	if err != nil {
		return err
	}
	msg := "已登记返乡记录"
	if merged {
		msg = "与已有返乡记录合并（同一人" + strconv.Itoa(returnee.MergeWindowDays) + "日内的返乡视为同一次）"
	}
	return web.Redirect(w, r, fmt.Sprintf("/returnees/%d", a.ID), msg)
}

func (h *Handler) recordAPI(w http.ResponseWriter, r *http.Request) error {
	var in arrivalIn
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	in.OriginCode, in.OriginDetail = h.originNear(in.Origin, in.OriginCode, in.OriginDetail, cmp.Or(in.VillageCode, web.User(r).UnitCode))
	a, merged, err := h.record(r, in)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if merged {
		status = http.StatusOK
	}
	out := arrivalOut(a, false)
	out.OriginCandidates = h.candidatesOf(a)
	return web.WriteJSON(w, status, recordedJSON{Returnee: out, Merged: merged})
}

// editView is the correction form of a record.
type editView struct {
	A      returnee.Row
	Origin web.PlaceField
	// Was and CodeWas are the origin as the form first showed it and its
	// code ("" while pending): unchanged text keeps that code.
	Was, CodeWas string
	Transports   []string
	Today        string
}

// editOrigin is the origin as the correction form shows it: what was typed,
// else the name, else the code.
func editOrigin(a returnee.Arrival) string { return cmp.Or(a.OriginText, a.OriginName, a.OriginCode) }

// codeWas is the settled code of an origin ("" while pending).
func codeWas(a returnee.Arrival) string {
	if a.PlacePending() {
		return ""
	}
	return a.OriginCode
}

func (h *Handler) editPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	a, err := h.returnees.Get(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "returnee_edit", a.Name+" 修改返乡记录", editView{A: a,
		Origin: originField("e-origin", editOrigin(a.Arrival), nil), Was: editOrigin(a.Arrival), CodeWas: codeWas(a.Arrival),
		Transports: returnee.Transports, Today: clock.Day(h.srv.Now())})
}

// updateIn is the body of POST /returnees/{id} and PUT /api/v1/returnees/{id}.
type updateIn struct {
	Origin        string `json:"origin"`
	OriginAsked   string `json:"origin_asked"`
	OriginWas     string `json:"origin_was"`      // the origin as the form showed it (page)
	OriginCodeWas string `json:"origin_code_was"` // and its code, kept while the text is unchanged
	OriginCode    string `json:"origin_code"`
	OriginName    string `json:"origin_name"`
	OriginDetail  string `json:"origin_detail"`
	DepartedOn    string `json:"departed_on"`
	ArrivedOn     string `json:"arrived_on"`
	Transport     string `json:"transport"`
	TransportNo   string `json:"transport_no"`
	TestSampledAt string `json:"test_sampled_at"`
	Symptoms      string `json:"symptoms"`
	Gatherings    string `json:"gatherings"`
	Companions    string `json:"companions"`
	Note          string `json:"note"`
	Version       int64  `json:"version"`
}

// update corrects a record's origin, dates and notes; the origin's risk
// level is recomputed from the history.
func (h *Handler) update(r *http.Request, id int64, in updateIn) (returnee.Arrival, error) {
	if in.OriginCode == "" && in.OriginCodeWas != "" && in.Origin == in.OriginWas {
		in.OriginCode = in.OriginCodeWas // the place as it was
	}
	in.OriginCode, in.OriginDetail = h.originNear(in.Origin, in.OriginCode, in.OriginDetail, web.User(r).UnitCode)
	return h.returnees.Update(r.Context(), web.Actor(r), web.User(r).Scope(), returnee.Arrival{ID: id, OriginCode: in.OriginCode,
		OriginName: in.OriginName, OriginDetail: in.OriginDetail, OriginText: in.Origin, DepartedOn: in.DepartedOn, ArrivedOn: in.ArrivedOn,
		Transport: in.Transport, TransportNo: in.TransportNo, TestSampledAt: in.TestSampledAt, Symptoms: in.Symptoms,
		Gatherings: in.Gatherings, Companions: in.Companions, Note: in.Note, Version: in.Version})
}

func (h *Handler) updatePage(w http.ResponseWriter, r *http.Request) error {
	id, in, err := bindUpdate(r)
	if err != nil {
		return err
	}
	if in.Origin != in.OriginWas || in.OriginCodeWas == "" {
		code, _ := h.originNear(in.Origin, in.OriginCode, in.OriginDetail, web.User(r).UnitCode)
		if ask := h.askOrigin(in.Origin, code, in.OriginAsked, web.User(r).UnitCode); ask != nil {
			a, err := h.returnees.Get(r.Context(), web.User(r).Scope(), id)
			if err != nil {
				return err
			}
			a.OriginDetail, a.DepartedOn, a.ArrivedOn, a.Transport, a.TransportNo = in.OriginDetail, in.DepartedOn, in.ArrivedOn, in.Transport, in.TransportNo
			a.TestSampledAt, a.Symptoms, a.Gatherings, a.Companions, a.Note = in.TestSampledAt, in.Symptoms, in.Gatherings, in.Companions, in.Note
			v := editView{A: a, Origin: originField("e-origin", in.Origin, ask), Was: in.OriginWas, CodeWas: in.OriginCodeWas,
				Transports: returnee.Transports, Today: clock.Day(h.srv.Now())}
			return h.renderView(w, r, http.StatusOK, "returnee_edit", web.View{Title: a.Name + " 修改返乡记录", Error: "请确认来源地", Field: "origin", D: v})
		}
	}
	a, err := h.update(r, id, in)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/returnees/%d", a.ID), "已保存修改")
}

func (h *Handler) updateAPI(w http.ResponseWriter, r *http.Request) error {
	id, in, err := bindUpdate(r)
	if err != nil {
		return err
	}
	a, err := h.update(r, id, in)
	if err != nil {
		return err
	}
	out := arrivalOut(a, false)
	out.OriginCandidates = h.candidatesOf(a)
	return web.WriteJSON(w, http.StatusOK, out)
}

func bindUpdate(r *http.Request) (int64, updateIn, error) {
	var in updateIn
	id, err := web.PathID(r)
	if err != nil {
		return 0, in, err
	}
	return id, in, web.Bind(r, &in)
}
