package legacyweb

import (
	"strings"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/registry"
	"fangkong/internal/web"
)

// apiRoutes is the route table of /api/v1.
func (s *Handler) apiRoutes() {
	s.api("GET /api/v1/units/{code}", web.AnyUser, s.apiUnit)
	s.api("GET /api/v1/units/{code}/grids", web.AnyUser, s.apiGrids)
	s.api("GET /api/v1/units/{code}/responsibles", web.AnyUser, s.apiResponsibles)
	s.api("POST /api/v1/units/{code}/groups", auth.CapUnitsWrite, s.apiAddGroup)
	s.api("POST /api/v1/units/{code}/grids", auth.CapUnitsWrite, s.apiAddGrid)
	s.api("POST /api/v1/units/{code}/responsibles", auth.CapUnitsWrite, s.apiAddResponsible)
	s.api("DELETE /api/v1/responsibles/{id}", auth.CapUnitsWrite, s.apiDeleteResponsible)

	s.api("GET /api/v1/people", auth.CapPeopleRead, s.apiPeople)
	s.api("POST /api/v1/people", auth.CapPeopleWrite, s.apiCreatePerson)
	s.api("GET /api/v1/people/{id}", auth.CapPeopleRead, s.apiPerson)
	s.api("PUT /api/v1/people/{id}", auth.CapPeopleWrite, s.apiUpdatePerson)
	s.api("POST /api/v1/people/{id}/merge", auth.CapPeopleWrite, s.apiMerge)
	s.api("POST /api/v1/people/{id}/deregister", auth.CapPeopleWrite, s.apiDeregister)
	s.api("POST /api/v1/people/{id}/reinstate", auth.CapPeopleWrite, s.apiReinstate)

	s.api("GET /api/v1/households", auth.CapPeopleRead, s.apiHouseholds)
	s.api("POST /api/v1/households", auth.CapPeopleWrite, s.apiCreateHousehold)
	s.api("GET /api/v1/households/{id}", auth.CapPeopleRead, s.apiHousehold)
	s.api("PUT /api/v1/households/{id}", auth.CapPeopleWrite, s.apiUpdateHousehold)

	s.api("GET /api/v1/ledger/export", auth.CapPeopleExport, s.ledgerExport)
	s.api("POST /api/v1/ledger/import", auth.CapPeopleImport, s.apiImport)
}

// JSON shapes. Lists carry masked ID numbers and phones; the full values
// come only from GET /people/{id}, which is audited.

type unitJSON struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Level      int    `json:"level"`
	LevelName  string `json:"level_name"`
	Kind       string `json:"kind,omitempty"`
	ParentCode string `json:"parent_code,omitempty"`
	People     int    `json:"people"`
	Households int    `json:"households"`
}

func unitOut(u jurisdiction.Unit, c registry.Counts) unitJSON {
	return unitJSON{Code: u.Code, Name: u.Name, Level: u.Level, LevelName: u.LevelName(), Kind: u.Kind, ParentCode: u.ParentCode,
		People: c.People, Households: c.Households}
}

type personJSON struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	IDNumber    string `json:"id_number,omitempty"`
	IDMasked    string `json:"id_masked"`
	Sex         string `json:"sex"`
	BirthDate   string `json:"birth_date"`
	Age         int    `json:"age"`
	Phone       string `json:"phone,omitempty"`
	PhoneMasked string `json:"phone_masked"`
	HouseholdID int64  `json:"household_id,omitempty"`
	Relation    string `json:"relation,omitempty"`
	UnitCode    string `json:"unit_code"`
	Residence   string `json:"residence"`
	Groups      string `json:"special_groups"`
	Note        string `json:"note,omitempty"`
	MergedInto  int64  `json:"merged_into,omitempty"`
	Active      *bool  `json:"active,omitempty"`
	LeftReason  string `json:"left_reason,omitempty"`
	LeftOn      string `json:"left_on,omitempty"`
	Version     int64  `json:"version,omitempty"`
}

func personRowOut(p registry.PersonRow) personJSON {
	return personJSON{ID: p.ID, Name: p.Name, IDMasked: p.IDMasked, Sex: p.Sex, BirthDate: p.BirthDate, Age: p.Age,
		PhoneMasked: p.PhoneMasked, HouseholdID: p.HouseholdID, Relation: p.Relation, UnitCode: p.UnitCode,
		Residence: p.Residence, Groups: registry.GroupNames(p.Groups)}
}

func (s *Handler) personOut(p registry.Person) personJSON {
	out := personRowOut(registry.PersonRow{ID: p.ID, Name: p.Name, Sex: p.Sex, BirthDate: p.BirthDate, HouseholdID: p.HouseholdID,
		Relation: p.Relation, UnitCode: p.UnitCode, Residence: p.Residence, Groups: p.Groups})
	out.IDNumber, out.Phone, out.Note, out.MergedInto, out.Version = p.IDNumber, p.Phone, p.Note, p.MergedInto, p.Version
	active := p.Active
	out.Active, out.LeftReason, out.LeftOn = &active, p.LeftReason, p.LeftOn
	out.IDMasked, out.PhoneMasked = personal.MaskID(p.IDNumber), personal.MaskPhone(p.Phone)
	out.Age = ageToday(p.BirthDate, s.Now)
	return out
}

// personIn is the body of POST/PUT /people.
type personIn struct {
	Name        string `json:"name"`
	IDNumber    string `json:"id_number"`
	Sex         string `json:"sex"`
	BirthDate   string `json:"birth_date"`
	Phone       string `json:"phone"`
	HouseholdID int64  `json:"household_id"`
	Relation    string `json:"relation"`
	UnitCode    string `json:"unit_code"`
	Residence   string `json:"residence"`
	Groups      string `json:"special_groups"`
	Note        string `json:"note"`
	Version     int64  `json:"version"`
}

func (in personIn) person() (registry.Person, error) {
	g, unknown := registry.ParseGroupNames(in.Groups)
	if len(unknown) > 0 {
		return registry.Person{}, errs.Invalidf("special_groups", "无法识别的特殊群体：%s", strings.Join(unknown, "、"))
	}
	return registry.Person{Name: in.Name, IDNumber: in.IDNumber, Sex: in.Sex, BirthDate: in.BirthDate, Phone: in.Phone,
		HouseholdID: in.HouseholdID, Relation: in.Relation, UnitCode: in.UnitCode, Residence: in.Residence, Groups: g,
		Note: in.Note, Version: in.Version}, nil
}

type householdJSON struct {
	ID       int64  `json:"id"`
	No       string `json:"no"`
	UnitCode string `json:"unit_code"`
	GridID   int64  `json:"grid_id,omitempty"`
	Address  string `json:"address"`
	Phone    string `json:"phone_masked"`
	Cadre    string `json:"cadre_name,omitempty"`
	CadreTel string `json:"cadre_phone,omitempty"`
	Members  int    `json:"members"`
	HeadName string `json:"head_name,omitempty"`
	Version  int64  `json:"version"`
}

func householdOut(h registry.Household) householdJSON {
	return householdJSON{ID: h.ID, No: h.No, UnitCode: h.UnitCode, GridID: h.GridID, Address: h.Address, Phone: personal.MaskPhone(h.Phone),
		Cadre: h.CadreName, CadreTel: h.CadrePhone, Members: h.Members, HeadName: h.HeadName, Version: h.Version}
}

type householdIn struct {
	No       string `json:"no"`
	UnitCode string `json:"unit_code"`
	GridID   int64  `json:"grid_id"`
	Address  string `json:"address"`
	Phone    string `json:"phone"`
	Cadre    string `json:"cadre_name"`
	CadreTel string `json:"cadre_phone"`
	Version  int64  `json:"version"`
}

func (in householdIn) household() registry.Household {
	return registry.Household{No: in.No, UnitCode: in.UnitCode, GridID: in.GridID, Address: in.Address, Phone: in.Phone,
		CadreName: in.Cadre, CadrePhone: in.CadreTel, Version: in.Version}
}

func ageToday(birth string, now func() time.Time) int { return personal.AgeOn(birth, clock.Day(now())) }
