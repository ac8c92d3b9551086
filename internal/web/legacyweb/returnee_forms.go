package legacyweb

import (
	"net/http"

	"fangkong/internal/errs"
	"fangkong/internal/personal"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
)

type riskAreaIn struct {
	Code          string `json:"code"`
	PlaceName     string `json:"place_name"`
	Detail        string `json:"detail"`
	Level         string `json:"level"`
	EffectiveFrom string `json:"effective_from"`
	EffectiveTo   string `json:"effective_to"`
	Note          string `json:"note"`
}

func (in riskAreaIn) entry() riskarea.Entry {
	return riskarea.Entry{Code: in.Code, PlaceName: in.PlaceName, Detail: in.Detail, Level: in.Level,
		EffectiveFrom: in.EffectiveFrom, EffectiveTo: in.EffectiveTo, Note: in.Note}
}

type riskAreaJSON struct {
	ID            int64  `json:"id"`
	Code          string `json:"code"`
	PlaceName     string `json:"place_name"`
	Detail        string `json:"detail,omitempty"`
	Level         string `json:"level"`
	Rank          int    `json:"rank"`
	EffectiveFrom string `json:"effective_from"`
	EffectiveTo   string `json:"effective_to,omitempty"`
	Note          string `json:"note,omitempty"`
	Version       int64  `json:"version"`
}

func riskAreaOut(e riskarea.Entry) riskAreaJSON {
	return riskAreaJSON{ID: e.ID, Code: e.Code, PlaceName: e.PlaceName, Detail: e.Detail, Level: e.Level, Rank: e.Rank(),
		EffectiveFrom: e.EffectiveFrom, EffectiveTo: e.EffectiveTo, Note: e.Note, Version: e.Version}
}

// arrivalIn is the body of POST /returnees.
type arrivalIn struct {
	PersonID      int64  `json:"person_id"`
	Name          string `json:"name"`
	IDNumber      string `json:"id_number"`
	Phone         string `json:"phone"`
	Sex           string `json:"sex"`
	BirthDate     string `json:"birth_date"`
	VillageCode   string `json:"village_code"`
	HouseholdID   int64  `json:"household_id"`
	OriginCode    string `json:"origin_code"`
	OriginName    string `json:"origin_name"`
	OriginDetail  string `json:"origin_detail"`
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
		OriginName: in.OriginName, OriginDetail: in.OriginDetail, DepartedOn: in.DepartedOn, ArrivedOn: in.ArrivedOn,
		Transport: in.Transport, TransportNo: in.TransportNo, Source: in.Source, TestSampledAt: in.TestSampledAt,
		Symptoms: in.Symptoms, Gatherings: in.Gatherings, Companions: in.Companions, Status: in.Status, Note: in.Note}
}

type arrivalJSON struct {
	ID            int64    `json:"id"`
	PersonID      int64    `json:"person_id"`
	Name          string   `json:"name"`
	IDNumber      string   `json:"id_number,omitempty"`
	IDMasked      string   `json:"id_masked"`
	Phone         string   `json:"phone,omitempty"`
	PhoneMasked   string   `json:"phone_masked"`
	UnitCode      string   `json:"unit_code"`
	HouseholdID   int64    `json:"household_id,omitempty"`
	OriginCode    string   `json:"origin_code"`
	OriginName    string   `json:"origin_name,omitempty"`
	OriginDetail  string   `json:"origin_detail,omitempty"`
	OriginLevel   string   `json:"origin_level"`
	DepartedOn    string   `json:"departed_on,omitempty"`
	ArrivedOn     string   `json:"arrived_on"`
	Transport     string   `json:"transport,omitempty"`
	TransportNo   string   `json:"transport_no,omitempty"`
	Sources       []string `json:"sources"`
	TestSampledAt string   `json:"test_sampled_at,omitempty"`
	Symptoms      string   `json:"symptoms,omitempty"`
	Gatherings    string   `json:"gatherings,omitempty"`
	Companions    string   `json:"companions,omitempty"`
	Status        string   `json:"status"`
	Note          string   `json:"note,omitempty"`
	Version       int64    `json:"version"`
}

func arrivalOut(a returnee.Arrival, full bool) arrivalJSON {
	out := arrivalJSON{ID: a.ID, PersonID: a.PersonID, Name: a.Name, UnitCode: a.VillageCode, HouseholdID: a.HouseholdID,
		OriginCode: a.OriginCode, OriginName: a.OriginName, OriginDetail: a.OriginDetail, OriginLevel: a.OriginLevel,
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

type statusIn struct {
	Status  string `json:"status"`
	Note    string `json:"note"`
	Version int64  `json:"version"`
}

type sweepIn struct {
	Name     string `json:"name"`
	UnitCode string `json:"unit_code"`
	StartsOn string `json:"starts_on"`
	EndsOn   string `json:"ends_on"`
}

type visitIn struct {
	HouseholdID int64  `json:"household_id"`
	HouseholdNo string `json:"household_no"`
	VisitedOn   string `json:"visited_on"`
	Present     string `json:"present"`
	Returnees   int64  `json:"returnees"`
	Note        string `json:"note"`
}

type confirmIn struct {
	HouseholdID int64  `json:"household_id"`
	HouseholdNo string `json:"household_no"`
}

// importMode reads the mode field of an upload.
func importMode(r *http.Request) (registry.ImportMode, error) {
	return registry.ParseImportMode(r.FormValue("mode"))
}

var errInvalidDate = errs.Invalidf("date", "请用 date=YYYY-MM-DD 指定日期")
