// Package site owns the quarantine sites (集中隔离点): their rooms (一人一间,
// 独立卫生间), the 三区两通道 readiness checklist, the staff who work there (a
// high-risk post with its own test cadence and vaccination record), and the
// stays of the people sent there: 转运 → 入住 → 转出/解除. It also counts
// occupancy and the rooms a county has against the standard of 20 per 10,000
// residents. A site belongs to a county or township; its records are in the
// scope of whoever's jurisdiction holds that unit, and a stay is also visible
// to those whose jurisdiction holds the person.
package site

// Site statuses (隔离点状态).
const (
	SiteActive  = "启用"
	SiteStandby = "备用"
	SiteClosed  = "停用"
)

// SiteStatuses lists the valid site statuses.
var SiteStatuses = []string{SiteActive, SiteStandby, SiteClosed}

// Room statuses (房间状态).
const (
	RoomFree     = "空闲"
	RoomOccupied = "占用"
	RoomDirty    = "待消杀"
	RoomClosed   = "停用"
)

// RoomStatuses lists the valid room statuses.
var RoomStatuses = []string{RoomFree, RoomOccupied, RoomDirty, RoomClosed}

// Stay statuses (隔离人员状态).
const (
	StayTransfer = "转运中"
	StayIn       = "在住"
	StayOut      = "已转出"
	StayReleased = "已解除"
)

// Outcomes of a check-out (离点去向).
const (
	OutHospital = "转出医院"
	OutSite     = "转出他点"
	OutRelease  = "解除隔离"
)

// Outcomes lists the valid check-out outcomes.
var Outcomes = []string{OutHospital, OutSite, OutRelease}

// StandardPer10k is the seeds' standard: 20 quarantine rooms per 10,000
// residents (国务院联防联控机制 2021年9月), one person per room.
const StandardPer10k = 20

// CheckItem is one line of the readiness checklist.
type CheckItem struct {
	Name     string
	Hint     string
	Required bool
}

// CheckItems is the checklist of a site: 三区两通道 and the other items
// that decide whether a site is fit for use (达标).
var CheckItems = []CheckItem{
	{"生活区", "工作人员生活区与隔离区物理隔断", true},
	{"医学观察区", "隔离房间集中，一人一间", true},
	{"物资保障区", "物资储存、发放区独立设置", true},
	{"工作人员通道", "工作人员专用通道，与隔离人员不交叉", true},
	{"隔离人员通道", "隔离人员专用通道，单向流动", true},
	{"独立卫生间", "每个房间有独立卫生间", true},
	{"通风", "房间可开窗通风，空调系统符合要求", true},
	{"消杀", "消毒剂、消杀记录、终末消毒流程", true},
	{"监控", "出入口及走廊视频监控全覆盖", true},
	{"医废处置", "医疗废物暂存点、专人专车转运", true},
	{"应急预案", "突发情况处置预案及演练记录", false},
	{"心理疏导", "心理咨询热线或驻点心理人员", false},
}

// Site is a 集中隔离点.
type Site struct {
	ID           int64
	UnitCode     string // county or township that runs it
	UnitName     string // filled by reads
	Name         string
	Address      string
	ContactName  string
	ContactPhone string
	Status       string
	// StaffTestEvery is the staff's test cadence in days (1 = daily).
	StaffTestEvery int
	Version        int64
	CreatedAt      int64
	UpdatedAt      int64
	Occupancy      Occupancy // filled by reads
	Ready          bool      // every required checklist item passed (达标)
}

// Occupancy counts a site's (or a unit's) rooms and people.
type Occupancy struct {
	Sites     int
	Rooms     int
	Free      int
	Occupied  int
	Dirty     int
	Closed    int
	Beds      int
	In        int // people checked in
	Transfer  int // people on the way
	Usable    int // rooms not 停用 at sites not 停用
	Residents int // active people of the unit (for the standard)
	Need      int // rooms the standard asks for
	Gap       int // Need - Usable when short, else 0
}

// Room is a room of a site.
type Room struct {
	ID        int64
	SiteID    int64
	No        string
	Floor     int
	Beds      int
	Bathroom  bool
	Status    string
	Occupants int
	Version   int64
	UpdatedAt int64
	Guests    []string // names of the people in it, filled by the site page
}

// Check is the result of one checklist item at a site.
type Check struct {
	Item      string
	Hint      string
	Required  bool
	Done      bool // checked at all
	Passed    bool
	CheckedOn string
	Note      string
	CheckedBy string
}

// Staff is a person working at a site (工作人员).
type Staff struct {
	ID         int64
	SiteID     int64
	Name       string
	Post       string
	Phone      string
	IDNumber   string
	LastTestOn string
	Doses      int
	LastDoseOn string
	Active     bool
	Version    int64
	CreatedAt  int64
	UpdatedAt  int64
	// TestState is computed from the site's cadence: "正常", "今日应检" or "逾期".
	TestState string
}

// Stay is one person's passage through a site.
type Stay struct {
	ID         int64
	SiteID     int64
	SiteName   string
	SiteUnit   string
	PersonID   int64
	PersonName string
	PersonUnit string
	IDNumber   string // full: only in an audited read
	Phone      string // full: only in an audited read
	RoomID     int64
	RoomNo     string
	Status     string
	Reason     string
	FromPlace  string
	Vehicle    string
	TransferAt int64
	CheckinAt  int64
	CheckoutAt int64
	Outcome    string
	OutcomeTo  string
	Note       string
	Version    int64
	CreatedAt  int64
	UpdatedAt  int64
}
