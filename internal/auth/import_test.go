package auth_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
)

// A bulk account file as a county office writes it: a title row, roles and
// units by name, a phone as the login, a footer; bad rows reported by row
// number; all or nothing unless the good rows are asked for.
func TestImportUsers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		ctx := context.Background()
		s := auth.NewService(d, jurisdiction.NewStore(d, time.Now), time.Now)
		county, _ := jurisdiction.System("test").Narrow(dbtest.County)
		who := audit.Actor{Username: "admin", Role: "admin", Unit: dbtest.County}
		if _, err := s.CreateUser(ctx, who, county, auth.NewUser{Username: "taken", DisplayName: "已有", Role: auth.RoleVillage,
			UnitCode: dbtest.VillageA, Password: "Passw0rd-2026"}); err != nil {
			t.Fatal(err)
		}
		file := strings.Join([]string{
			"鄠邑区防控账号开通表",
			"序号,姓名,手机号,角色,单位,用户名",
			"1,王网格,13800001111,网格员,西街社区,",              // row 3: login is the phone
			"2,李镇干,,镇街干部,甘亭街道,lizhengan",               // row 4
			"3,张卡口,13800002222,卡口,余下,",                 // row 5: 余下 is ambiguous
			"4,赵错角色,13800003333,村长,西街社区,",              // row 6: unknown role
			"5,钱重名,13800004444,网格员,东街社区,taken",         // row 7: username taken
			"6,孙网格,13800005555,村社干部/网格员,610118100001,", // row 8
			"7,周号码,+86 138-0000-6666,网格员,西街社区,",        // row 9: the login is the phone's 11 digits
			"8,吴科学,1.38001E+10,网格员,西街社区,",              // row 10: a phone Excel damaged
			"合计：6人",
		}, "\n")
		rep, err := s.ImportUsers(ctx, who, county, strings.NewReader(file), int64(len(file)), false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Applied || len(rep.Created) != 0 || rep.Rows != 8 || len(rep.Errors) != 4 {
			t.Fatalf("all or nothing: applied %v, created %d, rows %d, errors %+v", rep.Applied, len(rep.Created), rep.Rows, rep.Errors)
		}
		var rows []int
		for _, e := range rep.Errors {
			rows = append(rows, e.Row)
		}
		if slices.Sort(rows); !slices.Equal(rows, []int{5, 6, 7, 10}) {
			t.Errorf("errors on rows %v, want 5, 6, 7 and 10 (%+v)", rows, rep.Errors)
		}
		rep, err = s.ImportUsers(ctx, who, county, strings.NewReader(file), int64(len(file)), true)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Applied || len(rep.Created) != 4 {
			t.Fatalf("good rows: applied %v, created %+v", rep.Applied, rep.Created)
		}
		byName := map[string]auth.ImportedUser{}
		for _, c := range rep.Created {
			byName[c.User.DisplayName] = c
		}
		if u := byName["王网格"]; u.User.Username != "13800001111" || u.User.UnitCode != dbtest.VillageA || u.User.Role != auth.RoleVillage || !u.User.MustChange {
			t.Errorf("王网格: %+v", u.User)
		}
		if u := byName["周号码"]; u.User.Username != "13800006666" || u.User.Phone != "13800006666" {
			t.Errorf("周号码: %+v", u.User)
		}
		if u := byName["李镇干"]; u.User.UnitCode != dbtest.TownshipA || u.User.Role != auth.RoleTownship {
			t.Errorf("李镇干: %+v", u.User)
		}
		// The first-login password works once and must be changed.
		for _, c := range rep.Created {
			if auth.CheckPasswordRule(c.Password) != nil {
				t.Errorf("%s: password %q breaks the rule", c.User.Username, c.Password)
			}
			if _, u, err := s.Login(ctx, c.User.Username, c.Password, "192.0.2.1"); err != nil || !u.MustChange {
				t.Errorf("%s cannot log in with the printed password: %v", c.User.Username, err)
			}
		}
	})
}

// A township's sheet heads its columns as it likes: 名字, 手机号码 and
// 所属村（社区） are read as 姓名, 手机号 and 单位; a sheet still lacking a
// column is told which.
func TestImportUsersTownshipHeaders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		ctx := context.Background()
		s := auth.NewService(d, jurisdiction.NewStore(d, time.Now), time.Now)
		county, _ := jurisdiction.System("test").Narrow(dbtest.County)
		who := audit.Actor{Username: "admin", Role: "admin", Unit: dbtest.County}
		file := strings.Join([]string{
			"甘亭街道网格员账号申请表",
			"序号,名字,手机号码,职务,所属村（社区）",
			"1,王网格,13800001111,网格员,西街社区",
		}, "\n")
		rep, err := s.ImportUsers(ctx, who, county, strings.NewReader(file), int64(len(file)), false)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Applied || len(rep.Created) != 1 || rep.Created[0].User.UnitCode != dbtest.VillageA || rep.Created[0].User.Phone != "13800001111" {
			t.Fatalf("township headers: %+v", rep)
		}
		file = "序号,名字,手机号码,所属村（社区）\n1,李网格,13800002222,西街社区\n"
		_, err = s.ImportUsers(ctx, who, county, strings.NewReader(file), int64(len(file)), false)
		if err == nil || !strings.Contains(err.Error(), "缺少列：“角色”") {
			t.Fatalf("a sheet without roles: %v", err)
		}
	})
}
