package registry_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// TestLedgerFromHouseholdRegister: a roster as a 户籍 system exports it is
// taken as sent — its own header names (户号, 公民身份号码, 联系电话,
// 村(社区) by name), relations as registers write them (妻, 长子, 本人),
// 性别 as 1/2, ID numbers and phones kept as text with ' and ="…", a
// title above and a 合计 below; a column the ledger does not keep is
// named in the report. The register's 户号 groups the members into one
// household, which the same file imported again finds.
func TestLedgerFromHouseholdRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		head, wife := dbtest.ID("61011819700101001"), dbtest.ID("61011819720202002")
		other := dbtest.ID("61011819650303003")
		csv := "西街社区户籍人口花名册\n" +
			"户号,姓名,与户主关系,公民身份号码,性别,出生日期,联系电话,村(社区),现住址,民族\n" +
			"000123456,王大,户主," + head + ",,,13800001111,西街社区,西街1号,汉\n" +
			"000123456,李二,妻,'" + wife + ",,,,西街社区,西街1号,汉\n" +
			"000123456,王三,长子,,1,2010-05-01,,西街社区,西街1号,汉\n" +
			"000123457,赵四,本人,\"=\"\"" + other + "\"\"\",,,\"=\"\"13800002222\"\"\",甘亭街道西街社区,西街2号,汉\n" +
			"合计：4人,,,,,,,,,\n"
		for round := range 2 {
			rep, err := s.ImportLedger(ctx, who, jurisdiction.Grant(dbtest.TownshipA), strings.NewReader(csv), int64(len(csv)), registry.ImportAllOrNothing)
			if err != nil || !rep.Applied || rep.Rows != 4 || rep.BadRows != 0 {
				t.Fatalf("round %d: %+v %v", round, rep, err)
			}
			if !slices.Equal(rep.IgnoredColumns, []string{"民族"}) {
				t.Errorf("ignored columns %q, want 民族", rep.IgnoredColumns)
			}
			if round == 0 && (rep.HouseholdsCreated != 2 || rep.PeopleCreated != 4) {
				t.Errorf("first import: %d households, %d people; want 2 and 4", rep.HouseholdsCreated, rep.PeopleCreated)
			}
			if round == 1 && (rep.HouseholdsCreated != 0 || rep.PeopleCreated != 0) {
				t.Errorf("the same file again: %d households, %d people created; want none", rep.HouseholdsCreated, rep.PeopleCreated)
			}
		}
		type row struct{ name, unit, relation, sex, phone, id, household string }
		got := map[string]row{}
		rows, err := d.R().Query(`SELECT p.name, p.unit_code, p.relation, p.sex, p.phone, COALESCE(p.id_number, ''), h.no
			FROM people p JOIN households h ON h.id = p.household_id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var r row
			rows.Scan(&r.name, &r.unit, &r.relation, &r.sex, &r.phone, &r.id, &r.household)
			got[r.name] = r
		}
		rows.Close()
		hh := dbtest.VillageA + "-HJ000123456"
		for name, want := range map[string]row{
			"王大": {"王大", dbtest.VillageA, "户主", "男", "13800001111", head, hh},
			"李二": {"李二", dbtest.VillageA, "配偶", "女", "", wife, hh},
			"王三": {"王三", dbtest.VillageA, "子女", "男", "", "", hh},
			"赵四": {"赵四", dbtest.VillageA, "户主", "男", "13800002222", other, dbtest.VillageA + "-HJ000123457"},
		} {
			if got[name] != want {
				t.Errorf("%s: %+v, want %+v", name, got[name], want)
			}
		}
	})
}

// A household's page shows its members: viewing it is audited like a
// person's record.
func TestViewHouseholdAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		village := jurisdiction.Grant(dbtest.VillageA)
		h, err := s.CreateHousehold(ctx, who, village, registry.Household{UnitCode: dbtest.VillageA, Address: "西街3号"})
		if err != nil {
			t.Fatal(err)
		}
		count := func() (n int) {
			d.R().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'view' AND entity = 'household' AND entity_id = $1", fmt.Sprint(h.ID)).Scan(&n)
			return n
		}
		if _, err := s.Household(ctx, village, h.ID); err != nil || count() != 0 {
			t.Fatalf("a look-up is no view: %v, %d entries", err, count())
		}
		if _, err := s.ViewHousehold(ctx, who, village, h.ID); err != nil || count() != 1 {
			t.Errorf("view: %v, %d audit entries, want 1", err, count())
		}
		if _, err := s.ViewHousehold(ctx, who, jurisdiction.Grant(dbtest.VillageB), h.ID); err == nil || count() != 1 {
			t.Errorf("another village's view: %v, %d entries", err, count())
		}
	})
}
