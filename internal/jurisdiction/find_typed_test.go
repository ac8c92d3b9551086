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

// Units as cadres type them (round 4): in traditional characters, with the
// county's former name in front, with the parent in brackets as this
// system's own messages write it, and a township by its old ending. A name
// that fits several units is asked about by names one can type back.
func TestFindUnitAsCadresType(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		const (
			laodian     = "610118011"
			nanlao      = laodian + "211"
			chaoyangL   = laodian + "002"
			caotang     = "610118007"
			caotangZhen = caotang + "001"
			caotangA    = dbtest.TownshipA + "005"
			chaoyangA   = dbtest.TownshipA + "011"
			hancun      = dbtest.TownshipA + "258"
			jiangcun    = "610118013"
			hancunJ     = jiangcun + "215"
		)
		for _, u := range []struct{ code, parent, name string }{
			{laodian, dbtest.County, "涝店街道"},
			{caotang, dbtest.County, "草堂街道"},
			{nanlao, laodian, "南涝村村委会"},
			{chaoyangL, laodian, "朝阳社区居委会"},
			{chaoyangA, dbtest.TownshipA, "朝阳社区居委会"},
			{caotangZhen, caotang, "草堂镇社区居委会"},
			{caotangA, dbtest.TownshipA, "草堂社区居委会"},
			{hancun, dbtest.TownshipA, "韩村村委会"},
			{jiangcun, dbtest.County, "蒋村街道"},
			{hancunJ, jiangcun, "韩村村委会"},
		} {
			level := len(u.code)/3 + 1 // 9 digits: 4, 12: 5
			if _, err := d.W().Exec("INSERT INTO units (code, parent_code, level, name, kind, created_at) VALUES ($1, $2, $3, $4, '', 0)",
				u.code, u.parent, level, u.name); err != nil {
				t.Fatal(err)
			}
		}
		ctx := context.Background()
		s := jurisdiction.NewStore(d, nil)
		county, _ := jurisdiction.System("test").Narrow(dbtest.County)
		for text, want := range map[string]string{
			"南涝村":           nanlao,
			"南涝村委会":         nanlao,
			"南 涝 村　":        nanlao,
			"南涝村（涝店街道）":     nanlao,
			"南涝村(涝店)":       nanlao,
			"涝店·南涝村":        nanlao,
			"甘亭韓村":          hancun,
			"甘亭街道韓村村委會":     hancun,
			"蒋村韩村":          hancunJ, // 蒋村 for 蒋村街道, not 蒋
			"蒋村韩村村委会":       hancunJ,
			"户县甘亭街道西街社区":    dbtest.VillageA,
			"戶縣甘亭西街社區":      dbtest.VillageA,
			"朝阳社区居委会（甘亭街道）": chaoyangA,
			"甘亭街道朝阳社区居委会":   chaoyangA,
			"涝店朝阳社区":        chaoyangL,
			"草堂镇":           caotang,
			"草堂街道":          caotang,
			"草堂镇社区":         caotangZhen,
			"草堂社区":          caotangA,
		} {
			u, err := s.Find(ctx, county, "单位", text)
			if err != nil || u.Code != want {
				t.Errorf("Find(%q) = %s, %v; want %s", text, u.Code, err, want)
			}
		}
		// Two 朝阳社区: asked by names that Find reads back, no code needed.
		_, err := s.Find(ctx, county, "单位", "朝阳社区")
		var iv *errs.Invalid
		if !errors.As(err, &iv) || !strings.Contains(iv.Error(), "甘亭街道朝阳社区居委会") || !strings.Contains(iv.Error(), "涝店街道朝阳社区居委会") ||
			strings.Contains(iv.Error(), "代码") {
			t.Fatalf("ambiguous 朝阳社区: %v", err)
		}
		for _, typed := range []string{"甘亭街道朝阳社区居委会", "涝店街道朝阳社区居委会"} {
			if _, err := s.Find(ctx, county, "单位", typed); err != nil {
				t.Errorf("the name the question offers, %q, is not found: %v", typed, err)
			}
		}
		// Inside a township, its own 草堂社区 is the only 草堂.
		townA, _ := county.Narrow(dbtest.TownshipA)
		if u, err := s.Find(ctx, townA, "单位", "草堂"); err != nil || u.Code != caotangA {
			t.Errorf("township scope: %s, %v", u.Code, err)
		}
		// 韓村 is both 韩村: asked, in simplified characters.
		if _, err := s.Find(ctx, county, "单位", "韓村"); !errors.As(err, &iv) || !strings.Contains(iv.Error(), "蒋村街道韩村村委会") {
			t.Errorf("韓村: %v", err)
		}
		if _, err := s.Find(ctx, county, "单位", "火星村"); !errors.As(err, &iv) || !strings.Contains(iv.Error(), "火星村") {
			t.Errorf("unknown: %v", err)
		}
	})
}
