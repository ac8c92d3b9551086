package jurisdiction

import "testing"

// TestSimplifiedPersonalNames: the fold covers the characters of common
// personal names as well as place names, and is one step: no character it
// gives is folded again, and each pair is written once.
func TestSimplifiedPersonalNames(t *testing.T) {
	for in, want := range map[string]string{
		"張偉": "张伟", "陳麗華": "陈丽华", "劉德華": "刘德华", "黃國強": "黄国强", "趙建軍": "赵建军", "鄭曉東": "郑晓东",
		"楊偉": "杨伟", "馮書賢": "冯书贤", "蔣志剛": "蒋志刚", "韓紅": "韩红", "葉靜": "叶静", "鄧傑": "邓杰",
		"許娟": "许娟", "譚慧": "谭慧", "盧暉": "卢晖", "蕭燕": "萧燕", "錢鵬": "钱鹏", "謝濤": "谢涛", "龍飛": "龙飞",
		"鳳開進": "凤开进", "發興寶": "发兴宝", "貴順": "贵顺", "義禮廣": "义礼广", "莊": "庄", "孫穎": "孙颖",
		"呂愛榮": "吕爱荣", "嚴凱": "严凯", "聶歡": "聂欢", "師鬆濤": "师松涛", "駱瑩": "骆莹", "陝西省戶縣": "陕西省户县",
		"櫟陽": "栎阳", "涇陽": "泾阳", "嶗山": "崂山", "棗莊": "枣庄", "欽州": "钦州", "蘇天華": "苏天华", "张伟": "张伟",
	} {
		if got := Simplified(in); got != want {
			t.Errorf("Simplified(%s) = %s, want %s", in, got, want)
		}
	}
	rs := []rune(traditional + traditionalNames)
	if len(rs)%2 != 0 {
		t.Fatal("the tables have an odd number of characters")
	}
	seen := map[rune]bool{}
	for i := 0; i < len(rs); i += 2 {
		from, to := rs[i], rs[i+1]
		if seen[from] {
			t.Errorf("%c is paired twice", from)
		}
		seen[from] = true
		if from == to || folded(to) {
			t.Errorf("%c → %c is not one step to a simplified character", from, to)
		}
	}
	if len(simplifier) < 1100 {
		t.Errorf("%d characters folded", len(simplifier))
	}
}
