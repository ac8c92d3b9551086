package place

import (
	"strings"

	"fangkong/internal/jurisdiction"
	"unicode/utf8"
)

// placeholders are the names the division-code files give to grouping rows
// that are not places people name (北京 1101 市辖区, 重庆 5002 县, 河南 4190
// 省直辖县级行政区划): they are kept in the tree but never matched or shown.
var placeholders = map[string]bool{
	"市辖区": true, "县": true, "省直辖县级行政区划": true, "自治区直辖县级行政区划": true,
}

// ethnicGroups are the names of China's minority nationalities as they occur
// in the names of autonomous divisions (延边朝鲜族自治州, 博尔塔拉蒙古自治州),
// longest first so that 土家 is tried before 土.
var ethnicGroups = []string{
	"乌孜别克", "柯尔克孜", "达斡尔", "哈萨克", "塔吉克", "俄罗斯", "鄂温克", "塔塔尔", "鄂伦春", "维吾尔",
	"蒙古", "布依", "朝鲜", "土家", "哈尼", "傈僳", "高山", "拉祜", "东乡", "纳西", "景颇", "仫佬", "布朗",
	"撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "德昂", "保安", "裕固", "独龙", "赫哲", "门巴", "珞巴",
	"基诺", "回", "藏", "苗", "彝", "壮", "满", "侗", "瑶", "白", "傣", "黎", "佤", "畲", "水", "土", "羌",
	"怒", "京", "各",
}

// suffixes a short form drops, per level, longest first. Township short
// forms are matched only under a county (see resolve.go).
var suffixes = [...][]string{
	1: {"自治区", "省", "市"},
	2: {"自治州", "地区", "市", "盟"},
	3: {"自治县", "自治旗", "新区", "林区", "特区", "区", "县", "市", "旗"},
	4: {"街道办事处", "地区办事处", "办事处", "民族乡", "街道", "苏木", "镇", "乡"},
}

// runes counts the characters of s.
func runes(s string) int { return utf8.RuneCountInString(s) }

// shortName is the name people use without the level's suffix and, for
// autonomous divisions, the nationalities (河南省 → 河南, 浦东新区 → 浦东,
// 恩施土家族苗族自治州 → 恩施, 余下镇 → 余下). It returns "" when nothing
// can be dropped or less than two characters would remain.
func shortName(name string, level int) string {
	if level < 1 || level >= len(suffixes) {
		return ""
	}
	s, autonomous := name, false
	for _, suf := range suffixes[level] {
		if rest, ok := strings.CutSuffix(s, suf); ok && runes(rest) >= 2 {
			s = rest
			autonomous = strings.HasPrefix(suf, "自治") || suf == "民族乡" || suf == "乡" && strings.HasSuffix(rest, "族")
			break
		}
	}
	// Autonomous divisions drop their nationalities too: 广西壮族(自治区),
	// 积石山保安族东乡族撒拉族(自治县), 博尔塔拉蒙古(自治州), 龙山回族(乡).
	for autonomous {
		autonomous = false
		for _, g := range ethnicGroups {
			rest, ok := strings.CutSuffix(s, g+"族")
			if !ok && runes(g) > 1 {
				rest, ok = strings.CutSuffix(s, g)
			}
			if ok && runes(rest) >= 2 {
				s, autonomous = rest, true
				break
			}
		}
	}
	if s == name {
		return ""
	}
	return s
}

// committee folds the names of village committees and the way people type
// them to one form: 余下村民委员会, 余下村委会 → 余下村; 南涝村村委会 (the
// committee of 南涝村), 南涝村委会 → 南涝村; 多福巷社区居委会,
// 多福巷居民委员会 → 多福巷社区.
var committee = strings.NewReplacer(
	"社区居民委员会", "社区", "社区居委会", "社区", "居民委员会", "社区", "居委会", "社区",
	"村村民委员会", "村", "村村委会", "村", "村民委员会", "村", "村委会", "村", "委员会", "",
)

// foldVillage is the stored and matched form of a village's name:
// committee endings folded, traditional characters simplified (韓村 → 韩村).
func foldVillage(name string) string { return jurisdiction.Simplified(committee.Replace(name)) }
