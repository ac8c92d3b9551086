package registry

import (
	"strings"

	"fangkong/internal/sheet"
)

// ledgerAliases are the other headers the ledger's columns go by in the
// files 户籍 systems, bureaus and villages send (公民身份号码, 联系电话, 户号…).
var ledgerAliases = map[string][]string{
	ColVillageCode: {"村(社区)编码", "村(居)代码", "村(居)编码", "社区代码", "村代码"},
	ColVillage:     {"村(社区)名称", "村(居)", "村(居)委会", "所属村(社区)", "所属社区", "所属村", "社区", "村", "村居"},
	ColGroupCode:   {"组代码", "小区代码", "村民小组代码"},
	ColGroup:       {"组", "村民小组", "小区", "所属组", "组/小区名称"},
	ColHouseholdNo: {"户号", "户籍户号"},
	ColAddress:     {"现住址", "居住地址", "家庭住址", "详细地址", "地址"},
	ColHHPhone:     {"户主电话", "户主联系电话"},
	ColName:        {"人员姓名", "居民姓名", "名字"},
	ColIDNumber:    {"公民身份号码", "身份证号码", "居民身份证号码", "证件号码", "身份证"},
	ColBirthDate:   {"出生年月日", "出生年月", "出生时间"},
	ColPhone:       {"联系电话", "手机号码", "手机", "联系方式", "电话号码", "电话"},
	ColRelation:    {"与户主的关系", "关系"},
	ColNote:        {"备注说明"},
}

// ledgerKnown are every header the ledger reads (for finding the header
// row under a title).
func ledgerKnown() []string {
	out := append([]string(nil), LedgerHeaders...)
	for _, a := range ledgerAliases {
		out = append(out, a...)
	}
	return out
}

// ledgerCols is where each of the ledger's columns is in a file's header
// (-1 when absent), found once per file.
type ledgerCols map[string]int

// ledgerColumns finds the ledger's columns under their names or aliases,
// and lists the headers it does not read (reported, not silently dropped).
func ledgerColumns(cols sheet.Columns, header []string) (ledgerCols, []string) {
	lc := ledgerCols{}
	used := map[int]bool{}
	for _, name := range LedgerHeaders {
		i := cols.Index(name, ledgerAliases[name]...)
		lc[name] = i
		if i >= 0 {
			used[i] = true
		}
	}
	var ignored []string
	for i, h := range header {
		if h = strings.TrimSpace(h); h != "" && !used[i] && h != "序号" && h != "编号" {
			ignored = append(ignored, sheet.Clip(h, 20))
		}
	}
	return lc, ignored
}

// has reports whether the column is in the file.
func (lc ledgerCols) has(name string) bool { return lc[name] >= 0 }

// get is the row's cell of the column, trimmed ("" when absent).
func (lc ledgerCols) get(cells []string, name string) string {
	if i := lc[name]; i >= 0 && i < len(cells) {
		return strings.TrimSpace(cells[i])
	}
	return ""
}

// codeCell reads a division code cell that a spreadsheet may have kept as
// a number ("610118001001.0"); damaged when it lost digits (6.10118E+11).
func codeCell(s string) (string, bool) {
	if d, num, dmg := sheet.NumberDigits(s); num {
		return d, dmg
	}
	return s, false
}

// householdKey is the 户编号 of a row: ours (the village code in front), or
// the number of another register (a 户籍 户号 such as 000123456), kept
// under the village so that the same file imported again finds the same
// household and no two villages' numbers meet.
func householdKey(no, village string) (string, bool) {
	if no == "" || strings.HasPrefix(no, village) {
		return no, true
	}
	if len(no) > 30 {
		return "", false
	}
	for _, r := range no {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-') {
			return "", false
		}
	}
	return village + "-HJ" + no, true
}
