package siteweb

import (
	"fangkong/internal/clock"
	"fangkong/internal/personal"
	"fangkong/internal/site"
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

type siteJSON struct {
	ID             int64         `json:"id"`
	UnitCode       string        `json:"unit_code"`
	UnitName       string        `json:"unit_name"`
	Name           string        `json:"name"`
	Address        string        `json:"address"`
	ContactName    string        `json:"contact_name"`
	ContactPhone   string        `json:"contact_phone"`
	Status         string        `json:"status"`
	StaffTestEvery int           `json:"staff_test_every"`
	Ready          bool          `json:"ready"`
	Occupancy      occupancyJSON `json:"occupancy"`
	Version        int64         `json:"version"`
}

func siteOut(x site.Site) siteJSON {
	return siteJSON{ID: x.ID, UnitCode: x.UnitCode, UnitName: x.UnitName, Name: x.Name, Address: x.Address,
		ContactName: x.ContactName, ContactPhone: x.ContactPhone, Status: x.Status, StaffTestEvery: x.StaffTestEvery,
		Ready: x.Ready, Occupancy: occupancyOut(x.Occupancy), Version: x.Version}
}

func sitesOut(list []site.Site) []siteJSON {
	out := make([]siteJSON, 0, len(list))
	for _, x := range list {
		out = append(out, siteOut(x))
	}
	return out
}

type roomJSON struct {
	ID        int64  `json:"id"`
	SiteID    int64  `json:"site_id"`
	No        string `json:"no"`
	Floor     int    `json:"floor"`
	Beds      int    `json:"beds"`
	Bathroom  bool   `json:"bathroom"`
	Status    string `json:"status"`
	Occupants int    `json:"occupants"`
	Version   int64  `json:"version"`
}

func roomOut(r site.Room) roomJSON {
	return roomJSON{ID: r.ID, SiteID: r.SiteID, No: r.No, Floor: r.Floor, Beds: r.Beds, Bathroom: r.Bathroom,
		Status: r.Status, Occupants: r.Occupants, Version: r.Version}
}

// stayJSON is a stay; stayFull its unmasked part, only in an audited read.
type stayJSON struct {
	ID          int64  `json:"id"`
	SiteID      int64  `json:"site_id"`
	SiteName    string `json:"site_name"`
	PersonID    int64  `json:"person_id"`
	PersonName  string `json:"person_name"`
	PersonUnit  string `json:"person_unit"`
	IDMasked    string `json:"id_masked"`
	PhoneMasked string `json:"phone_masked"`
	RoomID      int64  `json:"room_id"`
	RoomNo      string `json:"room_no"`
	Status      string `json:"status"`
	Reason      string `json:"reason"`
	FromPlace   string `json:"from_place"`
	Vehicle     string `json:"vehicle"`
	TransferAt  string `json:"transfer_at"`
	CheckinAt   string `json:"checkin_at"`
	CheckoutAt  string `json:"checkout_at"`
	Outcome     string `json:"outcome"`
	OutcomeTo   string `json:"outcome_to"`
	Version     int64  `json:"version"`
	*stayFull
}

type stayFull struct {
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
	Note     string `json:"note"`
}

func stayOut(x site.Stay, full bool) stayJSON {
	out := stayJSON{ID: x.ID, SiteID: x.SiteID, SiteName: x.SiteName, PersonID: x.PersonID, PersonName: x.PersonName,
		PersonUnit: x.PersonUnit, IDMasked: x.IDMasked(), PhoneMasked: x.PhoneMasked(), RoomID: x.RoomID, RoomNo: x.RoomNo,
		Status: x.Status, Reason: x.Reason, FromPlace: x.FromPlace, Vehicle: x.Vehicle, TransferAt: clock.Format(x.TransferAt),
		CheckinAt: clock.Format(x.CheckinAt), CheckoutAt: clock.Format(x.CheckoutAt), Outcome: x.Outcome, OutcomeTo: x.OutcomeTo,
		Version: x.Version}
	if full {
		out.stayFull = &stayFull{IDNumber: x.IDNumber, Phone: x.Phone, Note: x.Note}
	}
	return out
}

type staffJSON struct {
	ID          int64  `json:"id"`
	SiteID      int64  `json:"site_id"`
	Name        string `json:"name"`
	Post        string `json:"post"`
	PhoneMasked string `json:"phone_masked"`
	IDMasked    string `json:"id_masked"`
	LastTestOn  string `json:"last_test_on"`
	TestState   string `json:"test_state"`
	Doses       int    `json:"doses"`
	LastDoseOn  string `json:"last_dose_on"`
	Active      bool   `json:"active"`
	Version     int64  `json:"version"`
}

func staffOut(x site.Staff) staffJSON {
	return staffJSON{ID: x.ID, SiteID: x.SiteID, Name: x.Name, Post: x.Post, PhoneMasked: personal.MaskPhone(x.Phone),
		IDMasked: personal.MaskID(x.IDNumber), LastTestOn: x.LastTestOn, TestState: x.TestState, Doses: x.Doses,
		LastDoseOn: x.LastDoseOn, Active: x.Active, Version: x.Version}
}
