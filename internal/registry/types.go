// Package registry owns households (户) and people (人): the population ledger
// (人口台账) every other domain reuses — one entry, many uses (一次录入、多次复用).
// It holds the ID-number rules (身份证号, GB 11643), phone rules, residence
// status (居住状态), special groups (特殊群体) and the merging of duplicate records.
// Every method that reads or writes people takes a jurisdiction.Scope.
package registry

import (
	"slices"
	"strings"
)

// Residence statuses (居住状态).
const (
	ResidentLocal   = "常住"
	ResidentWorking = "外出务工"
	ResidentStudy   = "外出上学"
	ResidentBack    = "返乡"
)

// ResidenceStatuses lists the valid statuses in display order.
var ResidenceStatuses = []string{ResidentLocal, ResidentWorking, ResidentStudy, ResidentBack}

// Reasons for deregistering a person (注销原因).
var LeaveReasons = []string{"迁出", "死亡", "其他"}

// Relations to the head of household (与户主关系).
var Relations = []string{"户主", "配偶", "子女", "父母", "祖父母", "孙子女", "兄弟姐妹", "儿媳", "女婿", "其他"}

// relationWords are the finer relations 户籍 registers write (长子, 妻,
// 外孙女…), by the ledger's relation they fall under.
var relationWords = map[string][]string{
	"户主":   {"本人", "户主本人"},
	"配偶":   {"妻", "妻子", "夫", "丈夫", "爱人"},
	"子女":   {"子", "女", "儿子", "女儿", "长子", "次子", "三子", "四子", "长女", "次女", "三女", "四女", "独生子", "独生女", "养子", "养女", "继子", "继女"},
	"父母":   {"父亲", "母亲", "父", "母", "继父", "继母", "养父", "养母"},
	"祖父母":  {"祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "外公", "外婆"},
	"孙子女":  {"孙子", "孙女", "外孙", "外孙子", "外孙女"},
	"兄弟姐妹": {"兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹"},
	"儿媳":   {"媳妇"},
	"女婿":   {},
	"其他":   {"侄子", "侄女", "外甥", "外甥女", "孙媳妇", "公公", "婆婆", "岳父", "岳母", "保姆", "其他亲属", "非亲属"},
}

// NormRelation is a relation as the ledger keeps it: one of Relations
// itself, or the relation a register's finer word falls under (长子 is
// 子女); anything else is returned as it is, for the validator to refuse.
func NormRelation(s string) string {
	s = strings.TrimSpace(s)
	for rel, words := range relationWords {
		if slices.Contains(words, s) {
			return rel
		}
	}
	return s
}

// SpecialGroup is a bit in Person.Groups (特殊群体).
type SpecialGroup int64

const (
	GroupElderlyAlone SpecialGroup = 1 << iota // 独居老人
	GroupLeftBehind                            // 留守儿童
	GroupPregnant                              // 孕产妇
	GroupChronic                               // 慢病
	GroupDisabled                              // 残疾
	GroupHardship                              // 困难
)

// SpecialGroups lists every group with its Chinese name, in display order.
var SpecialGroups = []struct {
	Bit  SpecialGroup
	Name string
}{
	{GroupElderlyAlone, "独居老人"},
	{GroupLeftBehind, "留守儿童"},
	{GroupPregnant, "孕产妇"},
	{GroupChronic, "慢病"},
	{GroupDisabled, "残疾"},
	{GroupHardship, "困难"},
}

// GroupNames renders a bit set as "独居老人、慢病".
func GroupNames(g SpecialGroup) string {
	var names []string
	for _, sg := range SpecialGroups {
		if g&sg.Bit != 0 {
			names = append(names, sg.Name)
		}
	}
	return strings.Join(names, "、")
}

// ParseGroupNames parses "独居老人、慢病" (also separated by , ， ; or spaces).
// It returns the bit set and the names it did not recognise.
func ParseGroupNames(s string) (SpecialGroup, []string) {
	var g SpecialGroup
	var unknown []string
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == ',' || r == '，' || r == ';' || r == '；' || r == ' ' || r == '/'
	})
	for _, f := range fields {
		found := false
		for _, sg := range SpecialGroups {
			if f == sg.Name {
				g |= sg.Bit
				found = true
			}
		}
		if !found {
			unknown = append(unknown, f)
		}
	}
	return g, unknown
}

// Household is a 户: a dwelling registered under a village or a group/estate.
type Household struct {
	ID       int64
	No       string // 户编号, unique, e.g. 610118001001-0001
	UnitCode string // village (12 digits) or group/estate (15 digits)
	GridID   int64  // 0 when not assigned to a grid
	Address  string
	Phone    string // household contact phone, may be empty
	// CadreName and CadrePhone name the village cadre answerable for the
	// household (村干部包户).
	CadreName  string
	CadrePhone string
	Members    int    // filled by reads that count members
	HeadName   string // filled by Households and Household
	Version    int64
	CreatedAt  int64 // Unix ms
	UpdatedAt  int64
}

// Title names the household as people do: by its head (户主张三户), else
// by its address, else by its number.
func (h Household) Title() string {
	switch {
	case h.HeadName != "":
		return "户主" + h.HeadName
	case h.Address != "":
		return h.Address
	}
	return h.No
}

// Person is a 人 in the registry.
type Person struct {
	ID          int64
	IDNumber    string // normalised 18 digits; empty when unknown
	Name        string
	Sex         string // 男/女
	BirthDate   string // YYYY-MM-DD
	Phone       string
	HouseholdID int64 // 0 when not in a household
	Relation    string
	UnitCode    string // where the person lives: village or group/estate code
	Residence   string
	Groups      SpecialGroup
	Note        string
	MergedInto  int64 // non-zero when this record was merged into another
	// Active is false for records merged away or deregistered (注销).
	Active     bool
	LeftReason string // 迁出/死亡/其他, when deregistered
	LeftOn     string // YYYY-MM-DD
	Version    int64
	CreatedAt  int64
	UpdatedAt  int64
}
