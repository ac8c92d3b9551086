// Package pushlist owns big-data push lists (大数据推送): lists of people
// pushed to the county by public security, telecom, transport or the
// province, imported with a per-source column mapping, normalised, matched to
// the registry and routed to villages as verification tasks (核查任务) with a
// deadline; the villages' answers; the township and county queues of rows no
// village could be found for; overdue flags up the tree; and the feedback
// file (回传) that returns the pushed file with the results appended. Every
// read and write takes a jurisdiction.Scope.
package pushlist

import (
	"context"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/place"
	"fangkong/internal/returnee"
	"fangkong/internal/sheet"
	"fangkong/internal/wire"
)

// Fields a pushed file's columns map to.
const (
	FieldName     = "name"
	FieldIDNumber = "id_number"
	FieldPhone    = "phone"
	FieldBirth    = "birth_date"
	FieldOrigin   = "origin"
	FieldArrival  = "arrival_date"
	FieldAddress  = "address"
	FieldDest     = "dest"
	FieldNote     = "note"
)

// Field describes one mappable field: its key, its Chinese label and the
// header names it is guessed from the first time a source is seen.
type Field struct {
	Key     string
	Label   string
	Aliases []string
}

// Fields lists the mappable fields in display order.
var Fields = []Field{
	{FieldName, "姓名", []string{"姓名", "名字", "人员姓名", "机主姓名", "旅客姓名", "乘客姓名", "name"}},
	{FieldIDNumber, "身份证号", []string{"身份证号", "身份证号码", "公民身份号码", "证件号码", "证件号", "身份证", "id"}},
	{FieldPhone, "手机号", []string{"手机号", "手机号码", "电话", "联系电话", "电话号码", "联系方式", "号码", "phone"}},
	{FieldBirth, "出生日期", []string{"出生日期", "出生年月", "生日"}},
	{FieldOrigin, "来源地/出发地", []string{"来源地", "出发地", "始发地", "途经地", "来自", "来源地区", "出发城市", "漫游地"}},
	{FieldArrival, "到达日期", []string{"到达日期", "到达时间", "抵达日期", "抵达时间", "返乡日期", "进入时间", "到达本地时间"}},
	{FieldAddress, "地址", []string{"地址", "现住址", "居住地址", "住址", "户籍地址", "目的地地址", "详细地址"}},
	{FieldDest, "目的地（村/代码）", []string{"目的地", "目的地代码", "所属村", "村(社区)", "村", "区划代码", "落地村"}},
	{FieldNote, "备注", []string{"备注", "说明", "其他"}},
}

// Sources suggested on the import form; any short text is accepted.
var Sources = []string{"公安", "电信运营商", "交通运输", "省级平台"}

// Outcomes of a pushed row: every row ends in exactly one.
const (
	OutcomeMatched   = "matched"   // matched to the registry, task in the person's village
	OutcomeCreated   = "created"   // not in the registry, task in the village found from address or code
	OutcomeQueued    = "queued"    // no village found: task in a township or county queue
	OutcomeDuplicate = "duplicate" // same person as an earlier row or an open task: linked (重复推送)
	OutcomeRejected  = "rejected"  // nothing to act on (no name, ID number or phone), with the reason
)

// OutcomeName is the Chinese name of an outcome.
func OutcomeName(o string) string {
	switch o {
	case OutcomeMatched:
		return "匹配到人并派发"
	case OutcomeCreated:
		return "未匹配，按地址派发到村"
	case OutcomeQueued:
		return "转入镇/县待分派队列"
	case OutcomeDuplicate:
		return "重复推送（已关联）"
	case OutcomeRejected:
		return "退回（无可核查信息）"
	}
	return o
}

// Task statuses.
const (
	StatusOpen      = "open"      // waiting for the village's (or queue owner's) answer
	StatusDone      = "done"      // answered
	StatusDuplicate = "duplicate" // linked to another task
	StatusRejected  = "rejected"  // nothing to act on
	StatusCancelled = "cancelled" // the list was withdrawn before an answer
)

// StatusName is the Chinese name of a status.
func StatusName(s string) string {
	switch s {
	case StatusOpen:
		return "待核查"
	case StatusDone:
		return "已核查"
	case StatusDuplicate:
		return "重复推送"
	case StatusRejected:
		return "已退回"
	case StatusCancelled:
		return "已撤销（名单撤回）"
	}
	return s
}

// Answers a village gives (核查结果).
const (
	ResultInVillage = "在村"
	ResultReturned  = "已返回原地"
	ResultLeft      = "已离开本地"
	ResultNotFound  = "查无此人"
	ResultDuplicate = "重复推送"
)

// Results lists the answers in display order.
var Results = []string{ResultInVillage, ResultReturned, ResultLeft, ResultNotFound, ResultDuplicate}

// DefaultDeadlineHours is a list's deadline when none is set.
const DefaultDeadlineHours = 24

// ArrivalRecorder records the arrival a task's answer confirms (在村) in the
// returnee ledger (package returnee). It is called inside the answer's
// transaction and must join it (db.InTx): its error undoes the answer.
type ArrivalRecorder interface {
	Record(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, a returnee.Arrival) (returnee.Arrival, bool, error)
}

type noArrivals struct{}

func (noArrivals) Record(context.Context, audit.Actor, jurisdiction.Scope, returnee.Arrival) (returnee.Arrival, bool, error) {
	return returnee.Arrival{}, false, nil
}

// NoArrivals records nothing: for push lists kept without the returnee
// ledger (import benchmarks and demo loading, which answer no task through
// the service). Answers 在村 then link no arrival.
var NoArrivals ArrivalRecorder = noArrivals{}

// Places reads the 出发地 of a pushed row (地名解析, package place): a code
// or a place name such as 郑州金水.
type Places interface {
	Resolve(text string) place.Result
}

// Service imports push lists and keeps their tasks.
type Service struct {
	db    *db.DB
	units *jurisdiction.Store
	now   func() time.Time
	// arrivals receives the arrival an answer 在村 confirms.
	arrivals ArrivalRecorder
	places   Places
}

// NewService returns a Service; all dependencies are required (arrivals:
// the returnee ledger, or NoArrivals; places: the place resolver, or
// place.CodesOnly()).
func NewService(d *db.DB, units *jurisdiction.Store, arrivals ArrivalRecorder, places Places, now func() time.Time) *Service {
	wire.Need("pushlist.NewService", "db", d)
	wire.Need("pushlist.NewService", "units", units)
	wire.Need("pushlist.NewService", "arrivals", arrivals)
	wire.Need("pushlist.NewService", "places", places)
	wire.Need("pushlist.NewService", "now", now)
	return &Service{db: d, units: units, arrivals: arrivals, places: places, now: now}
}

// List is one imported push list with its accounting.
type List struct {
	ID            int64
	Source        string
	Name          string
	UnitCode      string
	Headers       []string
	Mapping       map[string]string
	DeadlineHours int
	Rows          int
	Matched       int
	Created       int
	Queued        int
	Duplicates    int
	Rejected      int
	CreatedBy     string
	CreatedAt     int64
	HeaderRow     int             // the header's row number in the file as sent
	Skipped       []sheet.Skipped // footer rows left out, not counted in Rows
	WithdrawnAt   int64           // 撤回: 0 = in force
	WithdrawnBy   string
	// Live task counts (filled by Get).
	Open, Done, Overdue int
}

// Accounted is the sum of the outcomes; it equals Rows.
func (l List) Accounted() int { return l.Matched + l.Created + l.Queued + l.Duplicates + l.Rejected }

// Task is one pushed row and its verification task.
type Task struct {
	ID          int64
	ListID      int64
	RowNo       int
	Raw         []string
	Name        string
	IDNumber    string
	Phone       string
	Origin      string // 出发地 as pushed
	OriginCode  string // its division code when the place is clear, else ""
	ArrivalDate string
	Address     string
	PersonID    int64
	UnitCode    string // village/group, or the township/county that queues it
	UnitName    string
	Outcome     string
	MatchMethod string
	RouteMethod string
	Reason      string
	DupOf       int64
	Status      string
	Result      string
	ResultNote  string
	ArrivalID   int64
	AnsweredAt  int64
	AnsweredBy  string
	DeadlineAt  int64
	Version     int64
	CreatedAt   int64
	Source      string // the list's source
	// PersonName is the matched person's name in the ledger (ViewTask
	// only): the page flags a pushed name that differs from it.
	PersonName string
}

// NameDiffers reports whether the task was matched (by ID number or
// phone) to a person the ledger knows by another name than the pushed one.
func (t Task) NameDiffers() bool {
	return t.PersonName != "" && t.Name != "" && t.Name != t.PersonName
}

// Queued reports whether the task waits in a township or county queue.
func (t Task) Queued() bool { return len(t.UnitCode) < 12 }

// Overdue reports whether an open task is past its deadline at now (Unix ms).
func (t Task) Overdue(now int64) bool { return t.Status == StatusOpen && t.DeadlineAt < now }
