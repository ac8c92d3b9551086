package place_test

import (
	"runtime"
	"slices"
	"testing"
	"time"

	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/place"
	"fangkong/internal/place/placetest"
)

// TestLoadCost builds a second resolver and reports its build time and the
// heap it keeps; the heap must stay modest (villages are packed per county).
func TestLoadCost(t *testing.T) {
	dir := dbtest.SharedData(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	r, err := place.Load(jurisdiction.DirSource(dir))
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("place.Load: %v, heap kept %.1f MB", took.Round(time.Millisecond), float64(heap)/(1<<20))
	if heap > 64<<20 {
		t.Errorf("the resolver keeps %.1f MB, want under 64 MB", float64(heap)/(1<<20))
	}
	if !r.Loaded() || r.PlaceName("610118001001") == "" {
		t.Error("villages not loaded")
	}
	runtime.KeepAlive(r)
}

func TestNamesAndCommon(t *testing.T) {
	r := placetest.National(t)
	for code, want := range map[string]string{
		"61": "陕西省", "1101": "", "11": "北京市", "110105": "北京市朝阳区", "610113": "陕西省西安市雁塔区",
		"610113004": "陕西省西安市雁塔区电子城街道", "610118001001": "陕西省西安市鄠邑区甘亭街道西街社区",
		"441900": "广东省东莞市", "610199": "", "610118001999": "", "": "",
	} {
		if got := r.PlaceName(code); got != want && !(code == "1101" && got == "北京市") {
			t.Errorf("PlaceName(%q) = %q, want %q", code, got, want)
		}
	}
	c, ok := r.Resolve("郑州金水").Resolved()
	if !ok || c.Path() != "河南省 郑州市 金水区" || c.Level != jurisdiction.LevelCounty || c.LevelName() != "县级" {
		t.Errorf("郑州金水: %+v %v", c, ok)
	}
	res := r.Resolve("陕西城关镇")
	if !res.Ambiguous() || res.Common() != "61" || res.Total < 5 {
		t.Errorf("陕西城关镇: total %d, common %q", res.Total, res.Common())
	}
	res = r.Resolve("城关镇")
	if res.Total <= place.MaxCandidates || len(res.Candidates) != place.MaxCandidates || res.Common() != "" {
		t.Errorf("城关镇: total %d, %d candidates, common %q", res.Total, len(res.Candidates), res.Common())
	}
	if res := r.Resolve("朝阳区"); res.Common() != "" {
		t.Errorf("朝阳区: common %q", res.Common())
	}
}

func codesOf(cs []place.Candidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Code)
	}
	return out
}

func TestSuggest(t *testing.T) {
	r := placetest.National(t)
	for _, tc := range []struct {
		q      string
		first  string
		has    []string
		hasNot []string
	}{
		{q: "郑州金", first: "410105"},
		{q: "郑州金水", first: "410105"},
		{q: "郑", has: []string{"4101"}},
		{q: "西安雁", first: "610113", hasNot: []string{"220403", "231005"}},
		{q: "鄠邑区甘亭街道西", first: "610118001001", has: []string{"610118001205"}},
		{q: "朝阳", has: []string{"110105", "220104", "2113"}},
		{q: "610113", first: "610113"},
	} {
		got := codesOf(r.Suggest(tc.q, 10))
		if len(got) == 0 || len(got) > 10 || tc.first != "" && got[0] != tc.first {
			t.Errorf("Suggest(%q) = %v, want %s first", tc.q, got, tc.first)
		}
		for _, c := range tc.has {
			if !slices.Contains(got, c) {
				t.Errorf("Suggest(%q) = %v, lacks %s", tc.q, got, c)
			}
		}
		for _, c := range tc.hasNot {
			if slices.Contains(got, c) {
				t.Errorf("Suggest(%q) = %v, offers %s", tc.q, got, c)
			}
		}
	}
	if got := r.Suggest("某某某", 10); len(got) != 0 {
		t.Errorf("Suggest(某某某) = %v", codesOf(got))
	}
	if got := r.Suggest("朝阳", 2); len(got) != 2 {
		t.Errorf("Suggest(朝阳, 2) gave %d", len(got))
	}
}

func TestCodesOnly(t *testing.T) {
	r := place.CodesOnly()
	if r.Loaded() {
		t.Error("CodesOnly claims names")
	}
	c, ok := r.Resolve(" 610113 ").Resolved()
	if !ok || c.Code != "610113" || c.Level != jurisdiction.LevelCounty || len(c.Names) != 0 {
		t.Errorf("610113: %+v %v", c, ok)
	}
	for _, s := range []string{"雁塔区", "61011", "陕西610113", ""} {
		if res := r.Resolve(s); res.Total != 0 {
			t.Errorf("CodesOnly resolved %q: %v", s, codesOf(res.Candidates))
		}
	}
	if got := codesOf(r.Suggest("6101", 10)); !slices.Equal(got, []string{"6101"}) {
		t.Errorf("Suggest(6101) = %v", got)
	}
	if r.PlaceName("610113") != "" {
		t.Error("CodesOnly names a code")
	}
}
