package demo

import "sort"

// surnameTable lists common surnames with rough relative frequencies (per
// 10,000), tilted towards the Guanzhong plain (杨, 党, 雷, 白, 寇 …).
var surnameTable = []struct {
	name string
	w    int
}{
	{"王", 720}, {"李", 700}, {"张", 680}, {"刘", 540}, {"杨", 420},
	{"陈", 380}, {"赵", 260}, {"黄", 160}, {"周", 200}, {"吴", 170},
	{"徐", 150}, {"孙", 160}, {"马", 170}, {"胡", 120}, {"朱", 120},
	{"郭", 150}, {"何", 100}, {"罗", 80}, {"高", 150}, {"林", 70},
	{"梁", 80}, {"宋", 100}, {"郑", 80}, {"谢", 60}, {"韩", 110},
	{"唐", 60}, {"冯", 100}, {"于", 60}, {"董", 80}, {"肖", 55},
	{"程", 70}, {"曹", 70}, {"袁", 55}, {"邓", 45}, {"许", 50},
	{"沈", 35}, {"彭", 40}, {"吕", 55}, {"苏", 55}, {"卢", 45},
	{"蒋", 35}, {"蔡", 40}, {"贾", 70}, {"丁", 45}, {"魏", 70},
	{"薛", 60}, {"叶", 30}, {"闫", 60}, {"余", 30}, {"杜", 60},
	{"田", 60}, {"任", 60}, {"姜", 35}, {"范", 45}, {"石", 45},
	{"姚", 45}, {"雷", 70}, {"党", 50}, {"白", 55}, {"侯", 50},
	{"史", 40}, {"寇", 25}, {"惠", 20}, {"牛", 35},
}

var (
	surnameCum   []int
	surnameTotal int
)

func init() {
	for _, s := range surnameTable {
		surnameTotal += s.w
		surnameCum = append(surnameCum, surnameTotal)
	}
}

// surname picks a weighted random surname.
func (g *gen) surname() string {
	r := g.rng.IntN(surnameTotal)
	return surnameTable[sort.SearchInts(surnameCum, r+1)].name
}

// namePool holds the characters given names of one sex and era are built from.
type namePool struct {
	first, second, single []rune
	singleP               float64 // share of one-character given names
}

func pool(first, second, single string, singleP float64) namePool {
	return namePool{[]rune(first), []rune(second), []rune(single), singleP}
}

// Given-name pools by era of birth: [era][0 = male, 1 = female].
var namePools = [4][2]namePool{
	{ // born before 1960
		pool("建国志保永长德福振铁爱卫文明军学忠世兴宝金有万春生天玉",
			"国华民军林明成山生平忠才富祥贵财全堂发强安良海利仁喜录",
			"林山成忠福贵才明杰生田虎", 0.2),
		pool("秀桂玉淑凤翠春金素彩爱月巧梅冬菊香改转引粉银",
			"英兰珍芳花琴梅莲云霞娥香荣枝芝叶娟萍侠仙凤",
			"兰英珍芳梅琴莲霞娥芝", 0.2),
	},
	{ // 1960–1984
		pool("志建海红伟小永文晓军利立俊卫宏少勇新振亚国向东",
			"强伟军刚勇平涛斌峰波辉明杰锋华龙鹏超亮飞林利权",
			"伟强军勇涛斌磊鹏超峰刚杰辉锋", 0.3),
		pool("丽晓小红海美秀春燕亚雪艳玲静彩月翠亚",
			"丽娟艳霞燕芳红琴玲萍敏静梅丹莉华娥侠",
			"丽娟燕敏静艳霞芳萍丹莉红", 0.3),
	},
	{ // 1985–2004
		pool("浩子宇俊一博文嘉明天家思志晨鑫佳凯泽少永",
			"然轩宇航博杰豪涛阳鹏辉洋凡楠森浩翔鑫龙飞",
			"浩宇杰博鑫阳帅凯磊琦鹏乐", 0.22),
		pool("佳欣思梦雨子婷晓丹嘉心雅静文诗一",
			"怡琪欣婷雪悦瑶璐敏倩颖洁雯妍蕾佳",
			"婷倩瑶璐欣悦佳琪蕾雪妮娜", 0.22),
	},
	{ // 2005 and later
		pool("子梓宇浩一沐俊皓睿奕博思锦铭煜嘉宥",
			"涵轩辰睿泽宸浩然航阳铭晨逸言熙恒川",
			"睿宸泽轩辰航", 0.1),
		pool("子梓欣一雨语诗可若依思沐佳心安芷",
			"涵萱怡彤诺琪桐汐然悦瑶晗宁希玥琳",
			"萱涵悦彤诺玥", 0.1),
	},
}

func era(birthYear int) int {
	switch {
	case birthYear < 1960:
		return 0
	case birthYear < 1985:
		return 1
	case birthYear < 2005:
		return 2
	}
	return 3
}

// givenName composes a one- or two-character given name.
func (g *gen) givenName(male bool, birthYear int) string {
	sex := 0
	if !male {
		sex = 1
	}
	p := &namePools[era(birthYear)][sex]
	if g.rng.Float64() < p.singleP {
		return string(p.single[g.rng.IntN(len(p.single))])
	}
	a := p.first[g.rng.IntN(len(p.first))]
	b := p.second[g.rng.IntN(len(p.second))]
	for b == a {
		b = p.second[g.rng.IntN(len(p.second))]
	}
	return string([]rune{a, b})
}

// estatePrefixes and estateSuffixes compose residential estate (小区) names.
var (
	estatePrefixes = []string{
		"滨河", "金色", "阳光", "幸福", "锦绣", "翠竹", "和谐", "丽景", "东湖", "世纪",
		"书香", "银河", "康乐", "惠民", "新城", "紫薇", "兴华", "水岸", "枫林", "南关",
		"北关", "西关", "东关", "秦岭", "涝河", "钟楼", "太平", "甘亭", "龙泉", "御景",
		"天润", "泰和", "康居", "安居", "富民", "兴隆", "恒泰", "盛世", "桂花", "玉兰",
		"海棠", "梧桐", "怡景", "鸿福", "绿洲", "碧水", "锦华", "文昌", "新华", "光明",
	}
	estateSuffixes = []string{
		"花园", "家园", "小区", "苑", "佳苑", "雅苑", "名居", "新村", "华庭", "公寓",
	}
	staffCompounds = []string{
		"粮站家属院", "供销社家属院", "电力家属院", "农机站家属院", "县医院家属院",
		"一中家属院", "水利局家属院", "邮电家属院",
	}
)
