package pushlist

import (
	"compress/gzip"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
		ix.addUnit(code, unitInfo{name, level})
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

// demoCountyIndex indexes the real townships and villages of 鄠邑区
// (610118), as the demo loads them.
func demoCountyIndex(t *testing.T) *index {
	t.Helper()
	ix := &index{units: map[string]unitInfo{}, villages: map[rune][]placeName{}, townships: map[rune][]placeName{}}
	for file, level := range map[string]int{"regions-streets.csv.gz": 4, "regions-villages.csv.gz": 5} {
		f, err := os.Open(filepath.Join("..", "demo", "regions", file))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(zr).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if strings.HasPrefix(r[0], "610118") && len(r[0]) > 6 {
				ix.addUnit(r[0], unitInfo{r[1], level})
			}
		}
	}
	if len(ix.units) < 250 {
		t.Fatalf("only %d units of 610118", len(ix.units))
	}
	return ix
}

// TestRouteDemoCountyShortNames: addresses name villages the way people
// write them, not as the division data does.
func TestRouteDemoCountyShortNames(t *testing.T) {
	ix := demoCountyIndex(t)
	for text, want := range map[string]string{
		"南涝村3组":    "610118011211", // 南涝村村委会
		"西街社区":     "610118001001", // 西街社区居委会
		"西街村5号":    "610118001205", // 西街村委会, same township
		"曹村":       "610118013233", // 曹村委会: a two-character name
		"曹家滩村":     "610118011239",
		"甘亭镇韩村":    "610118001258", // 韩村村委会 of 甘亭街道, by its old name
		"蒋村街道韩村2组": "610118013215", // the other 韩村
		"韩村":       "",             // two townships, none named
		"陕西省西安市鄠邑区甘亭街道": "610118001",
	} {
		if got, _ := ix.routeText(text); got != want {
			t.Errorf("routeText(%q) = %q, want %q", text, got, want)
		}
	}
}
