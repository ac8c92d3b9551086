// Package returnee owns the returnee ledger (返乡人员台账): one record per
// arrival of a person in a village, linked to the registry, with the origin's
// risk level on the departure date (from package riskarea), how the arrival
// became known (敲门排查/自主报备/大数据推送/卡口移交/单位报送), its
// verification status; door-to-door sweeps (敲门排查) over households; and
// self-reports (自主报备) made by returnees on a public page reached by a
// village poster's QR code. Every read and write takes a jurisdiction.Scope.
package returnee

import (
	"context"

	"fangkong/internal/audit"
	"fangkong/internal/place"
	"fangkong/internal/riskarea"
)

// Sources of an arrival record (来源).
const (
	SourceSweep      = "敲门排查"
	SourceSelfReport = "自主报备"
	SourcePush       = "大数据推送"
	SourceCheckpoint = "卡口移交"
	SourceEmployer   = "单位报送"
)

// Sources lists the valid sources in display order.
var Sources = []string{SourceSweep, SourceSelfReport, SourcePush, SourceCheckpoint, SourceEmployer}

// Transport modes (交通方式).
var Transports = []string{"自驾", "火车", "飞机", "客车", "其他"}

// Verification statuses (核实状态).
const (
	StatusPending  = "待核实"
	StatusVerified = "已核实"
	StatusLeft     = "已离开"
	StatusInvalid  = "信息有误"
)

// Statuses lists the valid statuses in display order.
var Statuses = []string{StatusPending, StatusVerified, StatusLeft, StatusInvalid}

// MergeWindowDays: two reports of the same person whose arrival dates are at
// most this many days apart are one arrival.
const MergeWindowDays = 3

// Arrival is one arrival of a person (一次返乡). Dates are 'YYYY-MM-DD'
// (Asia/Shanghai).
type Arrival struct {
	ID int64
	// PersonID links the registry; 0 on input means "find by IDNumber, else
	// Phone + Name, else create the person in HouseholdID / VillageCode".
	PersonID  int64
	Name      string
	IDNumber  string // full on input; masked in list rows
	Phone     string
	Sex       string // needed only to create a person without an ID number
	BirthDate string // idem
	// VillageCode is the destination village (12 digits) or group (15).
	VillageCode string
	HouseholdID int64 // destination household; 0 = the person's own, else none
	// OriginCode is a division code at any level (2–12 digits); OriginName its
	// name as given or resolved; OriginDetail a free-text place under it.
	OriginCode   string
	OriginName   string
	OriginDetail string
	// OriginText is the origin as typed (河南省郑州市金水区, 郑州金水, a code):
	// without OriginCode it is resolved to the code (地名解析); with it, the
	// code is the place a person picked for that text.
	OriginText string
	// OriginStatus is PlacePending while the place still waits for a person
	// to pick it (an ambiguous, doubtful or unknown name), else "".
	OriginStatus string
	// OriginLevel is the origin's risk level on DepartedOn (computed; "" = none).
	OriginLevel string
	DepartedOn  string
	ArrivedOn   string
	Transport   string // 自驾/火车/飞机/客车/其他
	TransportNo string // plate, train or flight number
	Source      string // source of this report (one of Sources)
	// Sources accumulates every source that reported this arrival.
	Sources []string
	// TestSampledAt is the sampling time of a negative test certificate
	// ('YYYY-MM-DD HH:MM' or a date; "" = none shown).
	TestSampledAt string
	Symptoms      string // symptoms at arrival; "" = none
	Gatherings    string // gatherings attended since arrival
	// Companions: household members / people travelling or living with them.
	Companions string
	Status     string // 待核实/已核实/...
	Note       string
	// SourceRef identifies the originating record of this report (a push
	// task, a self-report, a sweep visit), e.g. "push-task:123".
	SourceRef string
	Version   int64
	CreatedAt int64 // Unix ms
	UpdatedAt int64
}

// CategoryAssigner hands a person to control measures (管控) by category:
// the measures service (package measure), or NoAssign. It is called inside
// the transaction that records the arrival and must join it (db.InTx): its
// error undoes the arrival.
type CategoryAssigner interface {
	AssignCategory(ctx context.Context, actor audit.Actor, personID int64, category, dayZero, source, note string) error
}

type noAssign struct{}

func (noAssign) AssignCategory(context.Context, audit.Actor, int64, string, string, string, string) error {
	return nil
}

// NoAssign puts no one under control measures: for a ledger kept without
// the measures module (tests of the ledger alone).
var NoAssign CategoryAssigner = noAssign{}

// LevelLookup is the risk-area history as the ledger needs it
// (riskarea.Lookup): the level of an origin on a day, read through the
// caller's transaction when there is one, place names, and the codes of a
// place typed as text (地名解析, package place).
type LevelLookup interface {
	LevelOn(ctx context.Context, code, detail, day string) (riskarea.Match, error)
	PlaceName(code string) string
	Resolve(text string) place.Result
}

// ArrivalAssigner is a CategoryAssigner that takes both dates of an arrival
// and lets the policy in force choose day zero (leaving or arrival).
type ArrivalAssigner interface {
	AssignArrival(ctx context.Context, actor audit.Actor, personID int64, category, departedOn, arrivedOn, source, note string) error
}

// Categories passed to CategoryAssigner.
const (
	CategoryHighRisk   = "high_risk_area"
	CategoryMediumRisk = "medium_risk_area"
	CategoryLowRisk    = "low_risk_area"
)
