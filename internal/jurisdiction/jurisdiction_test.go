package jurisdiction_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// countCodes counts the rows of a gzip'd region CSV whose code (first
// column) is in prefix or is an ancestor of it, as ImportRegions reads
// them; prefix "" counts every row.
func countCodes(t *testing.T, path, prefix string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(gz)
	n := 0
	for first := true; sc.Scan(); first = false {
		if first {
			continue // header
		}
		code, _, _ := strings.Cut(sc.Text(), ",")
		if strings.HasPrefix(code, prefix) || strings.HasPrefix(prefix, code) {
			n++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// importAndCheck imports the units under prefix ("" for the whole country)
// and checks that every row of the files in the prefix was read, inserted
// and is in the database, that the tree is consistent, and that importing
// again inserts nothing.
func importAndCheck(t *testing.T, d *db.DB, data, prefix string, want map[int]int) {
	t.Helper()
	ctx := context.Background()
	st := jurisdiction.NewStore(d, time.Now)
	stats, err := st.ImportRegions(ctx, jurisdiction.DirSource(data), prefix)
	if err != nil {
		t.Fatal(err)
	}
	for level, n := range want {
		if stats.Read[level] != n || stats.Inserted[level] != n {
			t.Errorf("level %d: read %d inserted %d, file has %d", level, stats.Read[level], stats.Inserted[level], n)
		}
		var inDB int
		d.R().QueryRow("SELECT COUNT(*) FROM units WHERE level = $1", level).Scan(&inDB)
		if inDB != n {
			t.Errorf("level %d: %d in database, file has %d", level, inDB, n)
		}
	}
	// The tree is consistent: every unit below a province has its parent,
	// one level up, and its code extends the parent's.
	var orphans int
	d.R().QueryRow(`SELECT COUNT(*) FROM units u LEFT JOIN units p ON p.code = u.parent_code
		WHERE u.level > 1 AND (p.code IS NULL OR p.level <> u.level - 1 OR substr(u.code, 1, length(p.code)) <> p.code)`).Scan(&orphans)
	if orphans != 0 {
		t.Errorf("%d units without a consistent parent", orphans)
	}
	again, err := st.ImportRegions(ctx, jurisdiction.DirSource(data), prefix)
	if err != nil {
		t.Fatal(err)
	}
	if _, ins := again.Total(); ins != 0 {
		t.Errorf("re-import inserted %d rows", ins)
	}
	kids, err := st.Children(ctx, jurisdiction.Grant("610118"), "610118")
	if err != nil || len(kids) != 14 {
		t.Errorf("鄠邑区 has %d townships (%v), want 14", len(kids), err)
	}
}

// fileCounts counts the rows of each level's file in prefix.
func fileCounts(t *testing.T, data, prefix string) map[int]int {
	want := map[int]int{}
	for _, f := range jurisdiction.RegionFiles {
		want[f.Level] = countCodes(t, filepath.Join(data, f.Name), prefix)
	}
	return want
}

// TestImportCity imports one city (西安市, 6101: some 3,200 villages) and
// checks it as TestImportWholeCountry checks the whole country.
func TestImportCity(t *testing.T) {
	t.Parallel()
	data := dbtest.SharedData(t)
	want := fileCounts(t, data, "6101")
	if want[jurisdiction.LevelProvince] != 1 || want[jurisdiction.LevelCity] != 1 || want[jurisdiction.LevelVillage] < 3000 {
		t.Fatalf("6101 in the files: %v", want)
	}
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) { importAndCheck(t, d, data, "6101", want) })
}

// TestImportWholeCountry imports all 620,573 villages (acceptance size).
func TestImportWholeCountry(t *testing.T) {
	dbtest.Acceptance(t)
	t.Parallel()
	data := dbtest.SharedData(t)
	want := fileCounts(t, data, "")
	if want[jurisdiction.LevelVillage] != 620573 {
		t.Fatalf("village file has %d rows, expected 620573", want[jurisdiction.LevelVillage])
	}
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) { importAndCheck(t, d, data, "", want) })
}

func TestPrefixImportGroupsGrids(t *testing.T) {
	t.Parallel()
	data := dbtest.SharedData(t)
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := jurisdiction.NewStore(d, time.Now)
		stats, err := st.ImportRegions(ctx, jurisdiction.DirSource(data), "610118")
		if err != nil {
			t.Fatal(err)
		}
		if stats.Read[jurisdiction.LevelVillage] != 282 || stats.Read[jurisdiction.LevelTownship] != 14 ||
			stats.Read[jurisdiction.LevelProvince] != 1 || stats.Read[jurisdiction.LevelCity] != 1 {
			t.Fatalf("610118 import read %v", stats.Read)
		}
		village := "610118001001"
		scope := jurisdiction.Grant(village)
		g1, err := st.AddGroup(ctx, scope, village, "一组")
		if err != nil || g1.Code != village+"001" {
			t.Fatalf("AddGroup = %+v, %v", g1, err)
		}
		g2, _ := st.AddGroup(ctx, scope, village, "二组")
		if g2.Code != village+"002" {
			t.Errorf("second group code %s", g2.Code)
		}
		if _, err := st.AddGroup(ctx, scope, village, "一组"); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("duplicate group: %v", err)
		}
		if _, err := st.AddGroup(ctx, scope, "610118001003", "一组"); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("group in another village: %v", err)
		}
		grid, err := st.AddGrid(ctx, scope, village, "第一网格")
		if err != nil {
			t.Fatal(err)
		}
		r, err := st.AddResponsible(ctx, scope, jurisdiction.Responsible{UnitCode: village, GridID: grid.ID, Duty: "网格员", Name: "王伟", Phone: "138 0000 1111"})
		if err != nil || r.Phone != "13800001111" {
			t.Fatalf("AddResponsible = %+v, %v", r, err)
		}
		if _, err := st.AddResponsible(ctx, scope, jurisdiction.Responsible{UnitCode: village, Duty: "网格员", Name: "王伟", Phone: "123"}); !errs.IsInvalid(err) {
			t.Errorf("bad phone accepted: %v", err)
		}
		long := jurisdiction.Responsible{UnitCode: village, Duty: "网格员", Name: strings.Repeat("王", 31), Phone: "13800001111"}
		if _, err := st.AddResponsible(ctx, scope, long); !errs.IsInvalid(err) || !strings.Contains(err.Error(), "30字以内") {
			t.Errorf("a 31-character name: %v, want 姓名…30字以内", err)
		}
		if err := st.DeleteResponsible(ctx, jurisdiction.Grant("610118001003"), r.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("delete outside scope: %v", err)
		}
		path, _ := st.Path(ctx, g1.Code)
		if len(path) != 6 || path[2].Name != "鄠邑区" {
			t.Errorf("path = %+v", path)
		}
	})
}
