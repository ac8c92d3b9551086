package jurisdiction_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

func TestFindUnitByNameOrCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		ctx := context.Background()
		s := jurisdiction.NewStore(d, nil)
		county := jurisdiction.System("test")
		county, _ = county.Narrow(dbtest.County)
		for text, want := range map[string]string{
			dbtest.VillageB: dbtest.VillageB,
			"甘亭街道":          dbtest.TownshipA,
			"甘亭":            dbtest.TownshipA,
			" 余下镇 ":         dbtest.TownshipB,
			"余下村委会":         dbtest.VillageB,
			"西街社区":          dbtest.VillageA,
			"西街社区居委会":       dbtest.VillageA,
			"东街":            dbtest.VillageA2,
		} {
			u, err := s.Find(ctx, county, "单位", text)
			if err != nil || u.Code != want {
				t.Errorf("Find(%q) = %s, %v; want %s", text, u.Code, err, want)
			}
		}
		// "余下" is the township 余下镇 and the village 余下村委会: ask.
		_, err := s.Find(ctx, county, "单位", "余下")
		var iv *errs.Invalid
		if !errors.As(err, &iv) || iv.Field != "单位" || !strings.Contains(iv.Error(), "余下镇") || !strings.Contains(iv.Error(), "余下村委会") {
			t.Errorf("ambiguous 余下: %v", err)
		}
		if _, err := s.Find(ctx, county, "单位", "南涝村"); !errors.As(err, &iv) {
			t.Errorf("unknown name: %v", err)
		}
		// Outside the scope: another township's village is not found by name.
		townA, _ := county.Narrow(dbtest.TownshipA)
		if _, err := s.Find(ctx, townA, "单位", "余下村委会"); !errors.As(err, &iv) {
			t.Errorf("outside scope by name: %v", err)
		}
		if _, err := s.Find(ctx, townA, "单位", dbtest.VillageB); !errors.As(err, &iv) {
			t.Errorf("outside scope by code: %v", err)
		}
	})
}

// Names as people type them: with the 社区/村 ending that tells two
// villages of one stem apart, and with the county or township in front.
func TestFindUnitAsTyped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		const xijieVillage = dbtest.TownshipB + "002" // 西街村委会 in 余下镇, beside 西街社区居委会 in 甘亭街道
		if _, err := d.W().Exec("INSERT INTO units (code, parent_code, level, name, kind, created_at) VALUES ($1, $2, 5, '西街村委会', '村', 0)",
			xijieVillage, dbtest.TownshipB); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		s := jurisdiction.NewStore(d, nil)
		county, _ := jurisdiction.System("test").Narrow(dbtest.County)
		for text, want := range map[string]string{
			"西街社区":        dbtest.VillageA,
			"西街村":         xijieVillage,
			"鄠邑区甘亭街道西街社区": dbtest.VillageA,
			"甘亭西街社区":      dbtest.VillageA,
			"余下镇西街":       xijieVillage,
			"鄠邑区余下西街村委会":  xijieVillage,
		} {
			u, err := s.Find(ctx, county, "单位", text)
			if err != nil || u.Code != want {
				t.Errorf("Find(%q) = %s, %v; want %s", text, u.Code, err, want)
			}
		}
		var iv *errs.Invalid
		if _, err := s.Find(ctx, county, "单位", "西街"); !errors.As(err, &iv) || !strings.Contains(iv.Error(), "西街村委会") {
			t.Errorf("西街 alone fits both villages and is asked: %v", err)
		}
		// A village user names their own village with its township in front.
		village, _ := county.Narrow(dbtest.VillageA)
		if u, err := s.Find(ctx, village, "单位", "甘亭街道西街社区"); err != nil || u.Code != dbtest.VillageA {
			t.Errorf("village scope: %s, %v", u.Code, err)
		}
	})
}
