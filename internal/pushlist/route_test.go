package pushlist

import "testing"

func TestNormDate(t *testing.T) {
	for in, want := range map[string]string{"2026-11-20": "2026-11-20", "2026/11/5": "2026-11-05", "20261120": "2026-11-20",
		"2026年11月5日": "2026-11-05", "２０２６-11-20 14:30": "2026-11-20", "昨天": "", "": ""} {
		if got := normDate(in); got != want {
			t.Errorf("normDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRouteText(t *testing.T) {
	ix := &index{units: map[string]unitInfo{}, villages: map[rune][]placeName{}, townships: map[rune][]placeName{}}
	add := func(code, name string, level int) {
		ix.units[code] = unitInfo{name, level}
		for _, n := range nameVariants(name) {
			r := []rune(n)[0]
			if level == 5 {
				ix.villages[r] = append(ix.villages[r], placeName{n, code})
			} else {
				ix.townships[r] = append(ix.townships[r], placeName{n, code})
			}
		}
	}
	add("610118001", "甘亭街道", 4)
	add("610118100", "余下镇", 4)
	add("610118001001", "太平村委会", 5)
	add("610118100001", "太平村委会", 5) // same name in another township
	add("610118100002", "东韩社区居委会", 5)
	for text, want := range map[string]string{
		"余下镇东韩社区5号":   "610118100002",
		"东韩社区居委会东韩社区": "610118100002",
		"余下镇太平村3组":    "610118100001",
		"甘亭街道太平村":     "610118001001",
		"太平村":         "", // two townships: nobody can tell
		"余下镇某地":       "610118100",
		"北京市朝阳区":      "",
	} {
		if got, _ := ix.routeText(text); got != want {
			t.Errorf("routeText(%q) = %q, want %q", text, got, want)
		}
	}
}
