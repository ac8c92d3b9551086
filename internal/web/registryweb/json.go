package registryweb

import (
	"strings"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/registry"
)

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

// unitTreeJSON is GET /units/{code}: the unit and its children.
type unitTreeJSON struct {
	Unit     unitJSON   `json:"unit"`
	Children []unitJSON `json:"children"`
}

type gridJSON struct {
	ID          int64  `json:"id"`
	VillageCode string `json:"village_code"`
	Name        string `json:"name"`
}

func gridOut(g jurisdiction.Grid) gridJSON {
	return gridJSON{ID: g.ID, VillageCode: g.VillageCode, Name: g.Name}
}

type gridsJSON struct {
	Grids []gridJSON `json:"grids"`
}

type responsibleJSON struct {
	ID       int64  `json:"id"`
	UnitCode string `json:"unit_code"`
	GridID   int64  `json:"grid_id"`
	Duty     string `json:"duty"`
	Name     string `json:"name"`
	Phone    string `json:"phone"`
}

func responsibleOut(x jurisdiction.Responsible) responsibleJSON {
	return responsibleJSON{ID: x.ID, UnitCode: x.UnitCode, GridID: x.GridID, Duty: x.Duty, Name: x.Name, Phone: x.Phone}
}

type responsiblesJSON struct {
	Responsibles []responsibleJSON `json:"responsibles"`
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

func (h *Handler) personOut(p registry.Person) personJSON {
	out := personRowOut(registry.PersonRow{ID: p.ID, Name: p.Name, Sex: p.Sex, BirthDate: p.BirthDate, HouseholdID: p.HouseholdID,
		Relation: p.Relation, UnitCode: p.UnitCode, Residence: p.Residence, Groups: p.Groups})
	out.IDNumber, out.Phone, out.Note, out.MergedInto, out.Version = p.IDNumber, p.Phone, p.Note, p.MergedInto, p.Version
	active := p.Active
	out.Active, out.LeftReason, out.LeftOn = &active, p.LeftReason, p.LeftOn
	out.IDMasked, out.PhoneMasked = personal.MaskID(p.IDNumber), personal.MaskPhone(p.Phone)
	out.Age = ageToday(p.BirthDate, h.srv.Now)
	return out
}

// peopleJSON is a page of GET /people.
type peopleJSON struct {
	People []personJSON `json:"people"`
	Limit  int          `json:"limit"`
	Offset int          `json:"offset"`
}

// personIn is the person form and the body of POST/PUT /people (the form
// sends its special groups as checkboxes instead, see bindPerson).
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

// person is the input as a person; it is returned with an unknown group
// too, to refill the form.
func (in personIn) person() (registry.Person, error) {
	g, unknown := registry.ParseGroupNames(in.Groups)
	p := registry.Person{Name: in.Name, IDNumber: in.IDNumber, Sex: in.Sex, BirthDate: in.BirthDate, Phone: in.Phone,
		HouseholdID: in.HouseholdID, Relation: in.Relation, UnitCode: in.UnitCode, Residence: in.Residence, Groups: g,
		Note: in.Note, Version: in.Version}
	if len(unknown) > 0 {
		return p, errs.Invalidf("special_groups", "无法识别的特殊群体：%s", strings.Join(unknown, "、"))
	}
	return p, nil
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

func householdOut(hh registry.Household) householdJSON {
	return householdJSON{ID: hh.ID, No: hh.No, UnitCode: hh.UnitCode, GridID: hh.GridID, Address: hh.Address, Phone: personal.MaskPhone(hh.Phone),
		Cadre: hh.CadreName, CadreTel: hh.CadrePhone, Members: hh.Members, HeadName: hh.HeadName, Version: hh.Version}
}

// householdsJSON is a page of GET /households.
type householdsJSON struct {
	Households []householdJSON `json:"households"`
	Limit      int             `json:"limit"`
	Offset     int             `json:"offset"`
}

// householdDetailJSON is GET /households/{id}: the household and its
// members.
type householdDetailJSON struct {
	Household householdJSON `json:"household"`
	Members   []personJSON  `json:"members"`
}

// householdIn is the household form and the body of POST/PUT /households.
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
