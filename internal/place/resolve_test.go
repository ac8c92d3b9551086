package place_test

import (
	"slices"
	"testing"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/place"
	"fangkong/internal/place/placetest"
)

// How a spelling must resolve.
const (
	clear     = iota // one place (the code), with the detail
	ambiguous        // several readings, none chosen; codes lists some that must be offered
	fuzzy            // a reading that needs a person to confirm it (code = the first offered)
	none             // no place
)

type spelling struct {
	text   string
	want   int
	code   string   // clear, fuzzy: the place
	detail string   // clear: the rest of the text
	codes  []string // ambiguous: codes that must be among the candidates
}

// spellings are places as grid workers, villagers and push lists write them.
var spellings = []spelling{
	// Full names, across provinces.
	{text: "河南省郑州市金水区", code: "410105"},
	{text: "湖北省武汉市江岸区", code: "420102"},
	{text: "上海市浦东新区", code: "310115"},
	{text: "广东省广州市天河区", code: "440106"},
	{text: "四川省成都市武侯区", code: "510107"},
	{text: "陕西省西安市雁塔区", code: "610113"},
	{text: "陕西省西安市鄠邑区", code: "610118"},
	{text: "北京市朝阳区", code: "110105"},
	{text: "吉林省长春市朝阳区", code: "220104"},
	{text: "浙江省杭州市西湖区", code: "330106"},
	{text: "江苏省南京市鼓楼区", code: "320106"},
	{text: "湖南省长沙市岳麓区", code: "430104"},
	{text: "山东省青岛市市南区", code: "370202"},
	{text: "天津市和平区", code: "120101"},
	{text: "重庆市渝中区", code: "500103"},
	{text: "黑龙江省哈尔滨市南岗区", code: "230103"},
	{text: "新疆维吾尔自治区乌鲁木齐市天山区", code: "650102"},
	{text: "广西壮族自治区南宁市青秀区", code: "450103"},
	{text: "内蒙古自治区呼和浩特市新城区", code: "150102"},
	{text: "河北省石家庄市长安区", code: "130102"},
	{text: "福建省厦门市思明区", code: "350203"},
	{text: "云南省昆明市五华区", code: "530102"},
	{text: "贵州省贵阳市南明区", code: "520102"},
	{text: "甘肃省兰州市城关区", code: "620102"},
	{text: "辽宁省沈阳市和平区", code: "210102"},
	{text: "武汉市江岸区", code: "420102"},
	{text: "中国河南省郑州市金水区", code: "410105"},
	{text: "深圳市南山区粤海街道", code: "440305007"},
	{text: "上海浦东张江镇", code: "310115125"},
	{text: "陕西省西安市雁塔区电子城街道", code: "610113004"},
	{text: "鄠邑区甘亭街道西街社区", code: "610118001001"},
	{text: "鄠邑区西街社区居委会", code: "610118001001"},
	{text: "鄠邑区甘亭街道西街社区居民委员会", code: "610118001001"},
	// Short forms and concatenations.
	{text: "郑州金水", code: "410105"},
	{text: "武汉江岸", code: "420102"},
	{text: "上海浦东", code: "310115"},
	{text: "广州天河", code: "440106"},
	{text: "成都武侯", code: "510107"},
	{text: "西安雁塔", code: "610113"},
	{text: "北京朝阳", code: "110105"},
	{text: "长春朝阳", code: "220104"},
	{text: "杭州西湖", code: "330106"},
	{text: "南京鼓楼", code: "320106"},
	{text: "长沙岳麓", code: "430104"},
	{text: "青岛市南", code: "370202"},
	{text: "天津和平", code: "120101"},
	{text: "重庆渝中", code: "500103"},
	{text: "哈尔滨南岗", code: "230103"},
	{text: "乌鲁木齐天山", code: "650102"},
	{text: "南宁青秀", code: "450103"},
	{text: "呼和浩特新城", code: "150102"},
	{text: "石家庄长安", code: "130102"},
	{text: "厦门思明", code: "350203"},
	{text: "昆明五华", code: "530102"},
	{text: "贵阳南明", code: "520102"},
	{text: "兰州城关", code: "620102"},
	{text: "拉萨城关", code: "540102"},
	{text: "沈阳和平", code: "210102"},
	{text: "西安长安", code: "610116"},
	{text: "西安新城", code: "610102"},
	{text: "深圳南山", code: "440305"},
	{text: "杭州余杭", code: "330110"},
	{text: "河南金水", code: "410105"},
	{text: "湖北武汉江岸", code: "420102"},
	{text: "陕西雁塔", code: "610113"},
	{text: "金水区", code: "410105"},
	{text: "江岸区", code: "420102"},
	{text: "浦东新区", code: "310115"},
	{text: "浦东", code: "310115"},
	{text: "天河区", code: "440106"},
	{text: "天河", code: "440106"},
	{text: "武侯区", code: "510107"},
	{text: "雁塔区", code: "610113"},
	{text: "鄠邑区", code: "610118"},
	{text: "鄠邑", code: "610118"},
	{text: "岳麓区", code: "430104"},
	{text: "思明区", code: "350203"},
	{text: "渝中区", code: "500103"},
	{text: "海淀区", code: "110108"},
	{text: "江宁", code: "320115"},
	{text: "苏州工业园区", code: "320576"},
	// A province or city alone; the bigger place prevails over a smaller namesake.
	{text: "河南省", code: "41"},
	{text: "河南", code: "41"},
	{text: "陕西", code: "61"},
	{text: "广西", code: "45"},
	{text: "内蒙古", code: "15"},
	{text: "新疆", code: "65"},
	{text: "宁夏", code: "64"},
	{text: "西藏", code: "54"},
	{text: "海南", code: "46"},
	{text: "吉林", code: "22"},
	{text: "郑州", code: "4101"},
	{text: "郑州市", code: "4101"},
	{text: "西安", code: "6101"},
	{text: "武汉市", code: "4201"},
	{text: "哈尔滨", code: "2301"},
	{text: "吉林市", code: "2202"},
	{text: "东莞", code: "441900"},
	{text: "东城区", code: "110101"},
	{text: "延边", code: "2224"},
	{text: "延边州", code: "2224"},
	{text: "恩施州", code: "4228"},
	{text: "恩施", code: "4228"},
	{text: "凉山州", code: "5134"},
	{text: "湘西", code: "4331"},
	{text: "青龙县", code: "130321"},
	// With the detail under the place.
	{text: "西安雁塔电子城", code: "610113004", detail: "电子城"},
	{text: "西安雁塔明德门小区", code: "610113", detail: "明德门小区"},
	{text: "郑州金水区花园路", code: "410105002", detail: "花园路"},
	{text: "北京朝阳望京", code: "110105026", detail: "望京"},
	{text: "北京海淀中关村", code: "110108011", detail: "中关村"},
	{text: "成都市武侯区祥和里", code: "510107", detail: "祥和里"},
	{text: "广州市天河区珠江新城", code: "440106", detail: "珠江新城"},
	{text: "陕西省西安市雁塔区 明德门小区3号楼", code: "610113", detail: "明德门小区3号楼"},
	// Codes, alone and mixed with names; separators and full-width digits.
	{text: "410105", code: "410105"},
	{text: "610113", code: "610113"},
	{text: "61", code: "61"},
	{text: "6101", code: "6101"},
	{text: "610113004", code: "610113004"},
	{text: "610118001001", code: "610118001001"},
	{text: "４１０１０５", code: "410105"},
	{text: "陕西西安610113", code: "610113"},
	{text: "河南410105", code: "410105"},
	{text: "郑州 410105", code: "410105"},
	{text: "西安610113电子城", code: "610113004", detail: "电子城"},
	{text: "河南省 郑州市 金水区", code: "410105"},
	{text: "河南省，郑州市，金水区", code: "410105"},
	{text: "河南省-郑州市-金水区", code: "410105"},
	// Ambiguous: several places, none chosen.
	{text: "朝阳区", want: ambiguous, codes: []string{"110105", "220104"}},
	{text: "朝阳", want: ambiguous, codes: []string{"110105", "220104", "2113", "211321"}},
	{text: "新城区", want: ambiguous, codes: []string{"150102", "610102"}},
	{text: "长安区", want: ambiguous, codes: []string{"130102", "610116"}},
	{text: "鼓楼区", want: ambiguous, codes: []string{"320106", "350102", "410204"}},
	{text: "和平区", want: ambiguous, codes: []string{"120101", "210102"}},
	{text: "西湖区", want: ambiguous, codes: []string{"330106", "360103"}},
	{text: "市中区", want: ambiguous, codes: []string{"370103", "511102"}},
	{text: "普陀区", want: ambiguous, codes: []string{"310107", "330903"}},
	{text: "江北区", want: ambiguous, codes: []string{"330205", "500105"}},
	{text: "城关区", want: ambiguous, codes: []string{"540102", "620102"}},
	{text: "城关镇", want: ambiguous},
	{text: "朝阳区建国路", want: ambiguous, codes: []string{"110105", "220104"}},
	// Fuzzy: a reading that a person must confirm.
	{text: "我从郑州金水来", want: fuzzy, code: "410105"},
	{text: "北京朝杨区", want: fuzzy, code: "11"},
	{text: "陕西户县", code: "610118"}, // 户县 is the former name of 鄠邑区
	{text: "北京610113", want: fuzzy, code: "11"},
	{text: "西安高新区", want: fuzzy, code: "6101"},
	// As cadres and villagers type them: former names (户县 became 鄠邑区 in
	// 2016), a county's old ending, traditional characters, full-width
	// punctuation, the committee of a village named 某某村.
	{text: "户县", code: "610118"},
	{text: "西安户县", code: "610118"},
	{text: "鄠县", code: "610118"},
	{text: "襄樊", code: "4206"},
	{text: "高陵县", code: "610117"},
	{text: "鄠邑县", code: "610118"},
	{text: "朝阳县", code: "211321"}, // a real 朝阳县 wins over 朝阳区 with the ending changed
	{text: "鄠邑區", code: "610118"},
	{text: "陝西省西安市戶縣", code: "610118"},
	{text: "西安市戶縣", code: "610118"},
	{text: "河南省鄭州市金水區", code: "410105"},
	{text: "西安市　雁塔区（小寨路街道）", code: "610113001"},
	{text: "鄠邑区南涝村", code: "610118011211"},
	{text: "鄠邑区南涝村村委会", code: "610118011211"},
	{text: "鄠邑区涝店街道南涝村村民委员会", code: "610118011211"},
	{text: "鄠邑区南涝村八组", code: "610118011211", detail: "八组"},
	// A village or township named alone is only a guess: confirmed, or
	// asked among its namesakes (ResolveNear reads it at home).
	{text: "南涝村", want: fuzzy, code: "610118011211"},
	{text: "涝店南涝村", want: fuzzy, code: "610118011211"},
	{text: "韩村", want: fuzzy, code: "130133104"},
	{text: "火星基地", want: none}, // 长沙's 火星街道 by its short name, but the rest is no place under it
	{text: "火星市", want: none},
	// Nothing.
	{text: "火星", want: fuzzy, code: "430102009"}, // 长沙's 火星街道, by its short name
	{text: "某某小区", want: none},
	{text: "abc", want: none},
	{text: "123", want: none},
	{text: "999999", want: none},
	{text: "610199", want: none},
	{text: "外地", want: none},
	{text: "国外", want: none},
	{text: "", want: none},
	{text: "  ，。 ", want: none},
}

func TestResolveSpellings(t *testing.T) {
	r := placetest.National(t)
	if len(spellings) < 100 {
		t.Fatalf("only %d spellings", len(spellings))
	}
	for _, sp := range spellings {
		res := r.Resolve(sp.text)
		got, ok := res.Resolved()
		var codes []string
		for _, c := range res.Candidates {
			codes = append(codes, c.Code)
		}
		switch sp.want {
		case clear:
			if !ok || got.Code != sp.code || got.Detail != sp.detail {
				t.Errorf("%q: resolved %v %q/%q (candidates %v, fuzzy %v), want %s/%q", sp.text, ok, got.Code, got.Detail,
					codes, res.Fuzzy, sp.code, sp.detail)
			}
			if ok && (got.FullName() == "" || got.Level != jurisdiction.LevelOfCode(got.Code)) {
				t.Errorf("%q: %s has name %q, level %d", sp.text, got.Code, got.FullName(), got.Level)
			}
		case ambiguous:
			if ok || !res.Ambiguous() || len(codes) < 2 {
				t.Errorf("%q: resolved %v %s, candidates %v; want several", sp.text, ok, got.Code, codes)
			}
			for _, c := range sp.codes {
				if !slices.Contains(codes, c) {
					t.Errorf("%q: candidates %v lack %s", sp.text, codes, c)
				}
			}
		case fuzzy:
			if ok || !res.Fuzzy || len(codes) == 0 || codes[0] != sp.code {
				t.Errorf("%q: resolved %v, fuzzy %v, candidates %v; want %s to confirm", sp.text, ok, res.Fuzzy, codes, sp.code)
			}
		case none:
			if ok || len(codes) != 0 || res.Total != 0 {
				t.Errorf("%q: resolved %v, candidates %v; want none", sp.text, ok, codes)
			}
		}
	}
}

// TestResolveNear: a village or township typed alone by someone in 鄠邑区
// is the one of 鄠邑区 (南涝村, 甘亭), asked among the county's namesakes
// (two 韩村), and what Resolve settles stays as it was.
func TestResolveNear(t *testing.T) {
	r := placetest.National(t)
	const home = "610118001001" // 西街社区, 甘亭街道, 鄠邑区
	for text, want := range map[string]string{
		"南涝村":    "610118011211",
		"南涝村村委会": "610118011211",
		"南涝村八组":  "610118011211",
		"涝店南涝村":  "610118011211",
		"甘亭":     "610118001",
		"涝店街道":   "610118011",
		"郑州金水":   "410105",
		"陕西户县":   "610118",
		"雁塔区小寨路": "610113001",
		"韓村":     "", // two in the county: asked
		"朝阳社区":   "", // two in the county: asked
		"北京朝阳":   "110105",
		"火星":     "",
		"":       "",
	} {
		res := r.ResolveNear(text, home)
		c, ok := res.Resolved()
		if want == "" && ok || want != "" && (!ok || c.Code != want) {
			t.Errorf("ResolveNear(%q) = %v %s (candidates %s); want %q", text, ok, c.Code, res.Choices(), want)
		}
	}
	if res := r.ResolveNear("韩村", home); !res.Ambiguous() || res.Total != 2 || res.Common() != "610118" {
		t.Errorf("韩村 at home: %s; want the two of 鄠邑区", res.Choices())
	}
	// Without a home 南涝村 is a guess to confirm, and nothing of it is
	// certain (no common code whose risk level would apply).
	if res := r.Resolve("南涝村"); !res.Fuzzy || res.Common() != "" {
		t.Errorf("南涝村 without a home must be confirmed: %+v", res)
	}
	if got := r.SuggestNear("南涝", home, 3); len(got) == 0 || got[0].Code != "610118011211" || got[0].FullName() != "陕西省西安市鄠邑区涝店街道南涝村" {
		t.Errorf("SuggestNear(南涝) = %v; want 南涝村 of 鄠邑区 first", got)
	}
	if got := r.Suggest("南涝", 10); !slices.ContainsFunc(got, func(c place.Candidate) bool { return c.Code == "610118011211" }) {
		t.Errorf("Suggest(南涝) = %v; want 南涝村 among the villages of that name", got)
	}
}
