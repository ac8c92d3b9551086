package place

import "testing"

func TestShortName(t *testing.T) {
	for _, tc := range []struct {
		name  string
		level int
		want  string
	}{
		{"河南省", 1, "河南"}, {"北京市", 1, "北京"}, {"广西壮族自治区", 1, "广西"}, {"内蒙古自治区", 1, "内蒙古"},
		{"新疆维吾尔自治区", 1, "新疆"}, {"宁夏回族自治区", 1, "宁夏"}, {"郑州市", 2, "郑州"}, {"大兴安岭地区", 2, "大兴安岭"},
		{"兴安盟", 2, "兴安"}, {"恩施土家族苗族自治州", 2, "恩施"}, {"博尔塔拉蒙古自治州", 2, "博尔塔拉"},
		{"克孜勒苏柯尔克孜自治州", 2, "克孜勒苏"}, {"浦东新区", 3, "浦东"}, {"金水区", 3, "金水"}, {"韩城市", 3, "韩城"},
		{"积石山保安族东乡族撒拉族自治县", 3, "积石山"}, {"三都水族自治县", 3, "三都"}, {"东乡县", 3, "东乡"},
		{"神农架林区", 3, "神农架"}, {"城区", 3, ""}, {"县", 3, ""}, {"电子城街道", 4, "电子城"}, {"余下镇", 4, "余下"},
		{"龙山回族乡", 4, "龙山"}, {"城关镇", 4, "城关"}, {"东华门街道", 4, "东华门"},
	} {
		if got := shortName(tc.name, tc.level); got != tc.want {
			t.Errorf("shortName(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestFoldVillage(t *testing.T) {
	for in, want := range map[string]string{
		"余下村民委员会": "余下村", "余下村委会": "余下村", "多福巷社区居委会": "多福巷社区", "多福巷社区居民委员会": "多福巷社区",
		"新华居委会": "新华社区", "西街社区": "西街社区",
		// The committee of a village whose name ends in 村, and its traditional spelling.
		"南涝村村委会": "南涝村", "南涝村村民委员会": "南涝村", "韓村村委会": "韩村", "双环邨": "双环村",
	} {
		if got := foldVillage(in); got != want {
			t.Errorf("foldVillage(%q) = %q, want %q", in, got, want)
		}
	}
}
