package legacyweb

import (
	"errors"
	"net/http"

	"fangkong/internal/clock"
	"fangkong/internal/personal"
	"fangkong/internal/site"
	"fangkong/internal/web"
)

// JSON shapes of the sites API. Lists mask ID numbers and phones; a stay
// read by id (audited) carries them in full.

type occupancyJSON struct {
	Sites     int    `json:"sites"`
	Rooms     int    `json:"rooms"`
	Free      int    `json:"free"`
	Occupied  int    `json:"occupied"`
	Dirty     int    `json:"to_disinfect"`
	Closed    int    `json:"closed"`
	Beds      int    `json:"beds"`
	In        int    `json:"checked_in"`
	Transfer  int    `json:"in_transfer"`
	Usable    int    `json:"usable_rooms"`
	Residents int    `json:"residents,omitempty"`
	Need      int    `json:"standard_rooms,omitempty"`
	Gap       int    `json:"gap"`
	Per10k    string `json:"rooms_per_10k,omitempty"`
}

func occupancyOut(o site.Occupancy) occupancyJSON {
	out := occupancyJSON{Sites: o.Sites, Rooms: o.Rooms, Free: o.Free, Occupied: o.Occupied, Dirty: o.Dirty, Closed: o.Closed,
		Beds: o.Beds, In: o.In, Transfer: o.Transfer, Usable: o.Usable, Residents: o.Residents, Need: o.Need, Gap: o.Gap}
	if o.Residents > 0 {
		out.Per10k = o.Per10k()
	}
	return out
}

func siteOut(x site.Site) map[string]any {
	return map[string]any{"id": x.ID, "unit_code": x.UnitCode, "unit_name": x.UnitName, "name": x.Name, "address": x.Address,
		"contact_name": x.ContactName, "contact_phone": x.ContactPhone, "status": x.Status, "staff_test_every": x.StaffTestEvery,
		"ready": x.Ready, "occupancy": occupancyOut(x.Occupancy), "version": x.Version}
}

func roomOut(r site.Room) map[string]any {
	return map[string]any{"id": r.ID, "site_id": r.SiteID, "no": r.No, "floor": r.Floor, "beds": r.Beds, "bathroom": r.Bathroom,
		"status": r.Status, "occupants": r.Occupants, "version": r.Version}
}

func stayOut(x site.Stay, full bool) map[string]any {
	out := map[string]any{"id": x.ID, "site_id": x.SiteID, "site_name": x.SiteName, "person_id": x.PersonID, "person_name": x.PersonName,
		"person_unit": x.PersonUnit, "id_masked": x.IDMasked(), "phone_masked": x.PhoneMasked(), "room_id": x.RoomID, "room_no": x.RoomNo,
		"status": x.Status, "reason": x.Reason, "from_place": x.FromPlace, "vehicle": x.Vehicle, "transfer_at": clock.Format(x.TransferAt),
		"checkin_at": clock.Format(x.CheckinAt), "checkout_at": clock.Format(x.CheckoutAt), "outcome": x.Outcome, "outcome_to": x.OutcomeTo,
		"version": x.Version}
	if full {
		out["id_number"], out["phone"], out["note"] = x.IDNumber, x.Phone, x.Note
	}
	return out
}

func staffOut(x site.Staff) map[string]any {
	return map[string]any{"id": x.ID, "site_id": x.SiteID, "name": x.Name, "post": x.Post, "phone_masked": personal.MaskPhone(x.Phone),
		"id_masked": personal.MaskID(x.IDNumber), "last_test_on": x.LastTestOn, "test_state": x.TestState, "doses": x.Doses,
		"last_dose_on": x.LastDoseOn, "active": x.Active, "version": x.Version}
}

func (s *Handler) apiSites(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Sites.Sites(r.Context(), web.User(r).Scope(), r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(list))
	for _, x := range list {
		out = append(out, siteOut(x))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"sites": out})
}

func (s *Handler) apiCreateSite(w http.ResponseWriter, r *http.Request) error {
	x, err := s.doCreateSite(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, siteOut(x))
}

func (s *Handler) apiSite(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx, scope := r.Context(), web.User(r).Scope()
	x, err := s.Sites.Site(ctx, scope, id)
	if err != nil {
		return err
	}
	rooms, err := s.Sites.Rooms(ctx, scope, id)
	if err != nil {
		return err
	}
	rs := make([]map[string]any, 0, len(rooms))
	for _, rm := range rooms {
		rs = append(rs, roomOut(rm))
	}
	out := siteOut(x)
	out["rooms"] = rs
	return web.WriteJSON(w, http.StatusOK, out)
}

func (s *Handler) apiUpdateSite(w http.ResponseWriter, r *http.Request) error {
	x, err := s.doUpdateSite(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, siteOut(x))
}

func (s *Handler) apiAddRooms(w http.ResponseWriter, r *http.Request) error {
	_, added, skipped, err := s.doAddRooms(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, map[string]any{"added": added, "skipped": skipped})
}

func (s *Handler) apiRoomStatus(w http.ResponseWriter, r *http.Request) error {
	room, err := s.doRoomStatus(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, roomOut(room))
}

func (s *Handler) apiChecklist(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	checks, ready, err := s.Sites.Checklist(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(checks))
	for _, c := range checks {
		res := ""
		if c.Done {
			res = map[bool]string{true: "pass", false: "fail"}[c.Passed]
		}
		items = append(items, map[string]any{"item": c.Item, "required": c.Required, "result": res, "checked_on": c.CheckedOn,
			"note": c.Note, "checked_by": c.CheckedBy})
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"site_id": id, "ready": ready, "items": items})
}

func (s *Handler) apiSaveChecklist(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Items []struct {
			Item      string `json:"item"`
			Result    string `json:"result"`
			CheckedOn string `json:"checked_on"`
			Note      string `json:"note"`
		} `json:"items"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	var list []site.CheckInput
	for _, it := range in.Items {
		list = append(list, site.CheckInput{Item: it.Item, Result: it.Result, CheckedOn: it.CheckedOn, Note: it.Note})
	}
	ready, err := s.Sites.SaveChecks(r.Context(), web.Actor(r), web.User(r).Scope(), id, list)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"site_id": id, "ready": ready})
}

func (s *Handler) apiStaff(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	staff, _, err := s.Sites.StaffList(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(staff))
	for _, x := range staff {
		out = append(out, staffOut(x))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"staff": out})
}

func (s *Handler) apiAddStaff(w http.ResponseWriter, r *http.Request) error {
	x, err := s.doAddStaff(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, staffOut(x))
}

func (s *Handler) apiUpdateStaff(w http.ResponseWriter, r *http.Request) error {
	x, err := s.doUpdateStaff(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, staffOut(x))
}

func (s *Handler) apiTransfer(w http.ResponseWriter, r *http.Request) error {
	x, err := s.doTransfer(r)
	warning, err := stayWarning(x, err)
	if err != nil {
		return err
	}
	out := stayOut(x, false)
	if warning != "" {
		out["warning"] = warning
	}
	return web.WriteJSON(w, http.StatusCreated, out)
}

func (s *Handler) apiStays(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.Sites.Stays(r.Context(), web.User(r).Scope(), stayFilterOf(r, 1))
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(rows))
	for _, x := range rows {
		out = append(out, stayOut(x, false))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"stays": out})
}

func (s *Handler) apiStay(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	x, err := s.Sites.ViewStay(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, stayOut(x, true))
}

func (s *Handler) apiCheckIn(w http.ResponseWriter, r *http.Request) error {
	x, err := s.doCheckIn(r)
	warning, err := stayWarning(x, err)
	if err != nil {
		return err
	}
	out := stayOut(x, false)
	if warning != "" {
		out["warning"] = warning
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (s *Handler) apiCheckOut(w http.ResponseWriter, r *http.Request) error {
	x, err := s.doCheckOut(r)
	warning, err := stayWarning(x, err)
	if err != nil {
		return err
	}
	out := stayOut(x, false)
	if warning != "" {
		out["warning"] = warning
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (s *Handler) apiSiteOccupancy(w http.ResponseWriter, r *http.Request) error {
	d, err := s.Sites.Occupancy(r.Context(), web.User(r).Scope(), r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	counties := make([]map[string]any, 0, len(d.Counties))
	for _, c := range d.Counties {
		counties = append(counties, map[string]any{"code": c.Code, "name": c.Name, "occupancy": occupancyOut(c.Occupancy)})
	}
	sites := make([]map[string]any, 0, len(d.Sites))
	for _, x := range d.Sites {
		sites = append(sites, siteOut(x))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"unit_code": d.Unit.Code, "unit_name": d.Unit.Name,
		"standard_per_10k": site.StandardPer10k, "total": occupancyOut(d.Total), "counties": counties, "sites": sites})
}

// stayWarning turns the failure to tell the measures service, after the
// stay itself was saved, into a warning.
func stayWarning(x site.Stay, err error) (string, error) {
	var se *site.SyncError
	if err != nil && x.ID != 0 && errors.As(err, &se) {
		return se.Error(), nil
	}
	return "", err
}
