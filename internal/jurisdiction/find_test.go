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
