package jurisdiction_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// Groups (村民小组, 小区) typed by name: after their village as cadres say
// it, with the township in front, with the number in Arabic or Chinese
// numerals, with 第 or as a 队; alone only where one group has the name.
// A name that fits several groups is asked about by names one can type
// back, never by codes.
func TestFindGroupByName(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		const (
			laodian   = "610118011"
			nanlao    = laodian + "211"
			liulaoan  = laodian + "212"
			nanlao8   = nanlao + "008"
			nanlao18  = nanlao + "018"
			liulaoan1 = liulaoan + "001"
			liulaoan3 = liulaoan + "003"
			liulaoan5 = liulaoan + "005"
			liulaoan8 = liulaoan + "008"
			liulaoan2 = liulaoan + "002"
			yuxia1    = dbtest.VillageB + "001"
			jiangcun  = "610118013"
			hancun    = dbtest.TownshipA + "258"
			hancunJ   = jiangcun + "215"
			hancun1   = hancun + "001"
			hancunJ1  = hancunJ + "001"
		)
		for _, u := range []struct{ code, parent, name string }{
			{laodian, dbtest.County, "涝店街道"},
			{jiangcun, dbtest.County, "蒋村街道"},
			{nanlao, laodian, "南涝村村委会"},
			{liulaoan, laodian, "六老庵村委会"},
			{hancun, dbtest.TownshipA, "韩村村委会"},
			{hancunJ, jiangcun, "韩村村委会"},
			{nanlao8, nanlao, "八组"},
			{nanlao18, nanlao, "十八组"},
			{liulaoan1, liulaoan, "一组"},
			{liulaoan2, liulaoan, "二队"},
			{liulaoan3, liulaoan, "第三村民小组"},
			{liulaoan5, liulaoan, "5组"},
			{liulaoan8, liulaoan, "八组"},
			{yuxia1, dbtest.VillageB, "一组"},
			{hancun1, hancun, "一组"},
			{hancunJ1, hancunJ, "一组"},
		} {
			level := len(u.code)/3 + 1 // 9 digits: 4, 12: 5, 15: 6
			if _, err := d.W().Exec("INSERT INTO units (code, parent_code, level, name, kind, created_at) VALUES ($1, $2, $3, $4, '', 0)",
				u.code, u.parent, level, u.name); err != nil {
				t.Fatal(err)
			}
		}
		ctx := context.Background()
		s := jurisdiction.NewStore(d, nil)
		county, _ := jurisdiction.System("test").Narrow(dbtest.County)
		for text, want := range map[string]string{
			"南涝村八组":           nanlao8,
			"南涝村 八组":          nanlao8,
			"南涝村8组":           nanlao8,
			"南涝村８组":           nanlao8,
			"南涝村第八组":          nanlao8,
			"南涝村第8组":          nanlao8,
			"南涝村八队":           nanlao8,
			"南涝村08组":          nanlao8,
			"南涝村村委会八组":        nanlao8,
			"南涝八组":            nanlao8,
			"涝店街道南涝村八组":       nanlao8,
			"涝店南涝村8组":         nanlao8,
			"鄠邑区涝店街道南涝村八组":    nanlao8,
			"南澇村八組":           nanlao8, // traditional characters
			"南涝村十八组":          nanlao18,
			"南涝村18组":          nanlao18,
			"南涝村第十八村民小组":      nanlao18,
			"六老庵村一组":          liulaoan1,
			"六老庵村1组":          liulaoan1,
			"六老庵村二组":          liulaoan2, // stored as 二队
			"六老庵村2组":          liulaoan2,
			"六老庵村三组":          liulaoan3, // stored as 第三村民小组
			"六老庵村五组":          liulaoan5, // stored as 5组
			"六老庵村第五小组":        liulaoan5,
			"余下村一组":           yuxia1, // 余下 is also the township 余下镇
			"余下镇余下村一组":        yuxia1,
			"甘亭韩村一组":          hancun1,
			"蒋村街道韩村一组":        hancunJ1,
			"西街社区滨河花园":        dbtest.GroupA1,
			"甘亭街道西街社区滨河花园":    dbtest.GroupA1,
			"滨河花园":            dbtest.GroupA1, // the county's one 滨河花园
			"西街社区居委会滨河花园":     dbtest.GroupA1,
			"610118011211008": nanlao8, // the code still works
		} {
			u, err := s.Find(ctx, county, "封控区域", text)
			if err != nil || u.Code != want {
				t.Errorf("Find(%q) = %s, %v; want %s", text, u.Code, err, want)
			}
		}

		// Asked: a bare 八组 (two villages have one), 一组 (four), 韩村一组
		// (two 韩村), 涝店八组 (two villages of 涝店). Each name offered is
		// typed back to the group it stands for; no code is offered.
		code := regexp.MustCompile(`\d{9,}`)
		for text, wants := range map[string][]string{
			"八组":    {"南涝村八组", "六老庵村八组"},
			"8组":    {"南涝村八组", "六老庵村八组"},
			"涝店八组":  {"南涝村八组", "六老庵村八组"},
			"一组":    {"六老庵村一组", "余下村一组", "甘亭街道韩村一组", "蒋村街道韩村一组"},
			"韩村一组":  {"甘亭街道韩村一组", "蒋村街道韩村一组"},
			"韓村第一組": {"甘亭街道韩村一组", "蒋村街道韩村一组"},
		} {
			_, err := s.Find(ctx, county, "封控区域", text)
			var iv *errs.Invalid
			if !errors.As(err, &iv) || iv.Field != "封控区域" {
				t.Errorf("Find(%q): %v, want a question", text, err)
				continue
			}
			t.Logf("%s: %s", text, iv.Error())
			if code.MatchString(iv.Error()) {
				t.Errorf("Find(%q) offers codes: %s", text, iv.Error())
			}
			for _, w := range wants {
				if !strings.Contains(iv.Error(), w) {
					t.Errorf("Find(%q) = %s; does not offer %s", text, iv.Error(), w)
				}
				u, err := s.Find(ctx, county, "封控区域", w)
				if err != nil || u.Level != jurisdiction.LevelGroup {
					t.Errorf("the name offered, %q, is not found: %s, %v", w, u.Code, err)
				}
			}
		}

		// Inside a village its 八组 is the only one; inside a township it is
		// asked among that township's villages only.
		village, _ := county.Narrow(nanlao)
		if u, err := s.Find(ctx, village, "封控区域", "八组"); err != nil || u.Code != nanlao8 {
			t.Errorf("village scope 八组: %s, %v", u.Code, err)
		}
		town, _ := county.Narrow(laodian)
		if u, err := s.Find(ctx, town, "封控区域", "六老庵8组"); err != nil || u.Code != liulaoan8 {
			t.Errorf("township scope 六老庵8组: %s, %v", u.Code, err)
		}
		var iv *errs.Invalid
		if _, err := s.Find(ctx, town, "封控区域", "一组"); err != nil {
			t.Errorf("township scope 一组 (六老庵村's only): %v", err)
		}
		// Not found: a group outside the scope, a group the village lacks,
		// a village that does not exist.
		townA, _ := county.Narrow(dbtest.TownshipA)
		for _, c := range []struct {
			scope jurisdiction.Scope
			text  string
		}{{townA, "南涝村八组"}, {townA, "八组"}, {county, "南涝村一组"}, {county, "北涝村八组"}, {county, "南涝村一百组"}, {county, "九组"}} {
			if u, err := s.Find(ctx, c.scope, "封控区域", c.text); !errors.As(err, &iv) || !strings.Contains(iv.Error(), "没有") {
				t.Errorf("Find(%s, %q) = %s, %v; want not found", c.scope, c.text, u.Code, err)
			}
		}
		// Villages and townships read as before.
		for text, want := range map[string]string{"南涝村": nanlao, "涝店": laodian, "余下村": dbtest.VillageB, "余下镇": dbtest.TownshipB} {
			if u, err := s.Find(ctx, county, "单位", text); err != nil || u.Code != want {
				t.Errorf("Find(%q) = %s, %v; want %s", text, u.Code, err, want)
			}
		}
	})
}
