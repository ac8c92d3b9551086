package registry_test

import (
	"context"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// Names with NUL bytes, direction overrides or nothing visible, and birth
// dates outside 1900..today are refused, typed or imported; zero-width
// characters inside a name are dropped.
func TestJunkNamesAndDatesRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		village := jurisdiction.Grant(dbtest.VillageA)
		person := func(name, id, birth string) registry.Person {
			return registry.Person{Name: name, IDNumber: id, Sex: "男", BirthDate: birth, UnitCode: dbtest.VillageA}
		}
		for what, p := range map[string]registry.Person{
			"NUL in the name":         person("张\x00三", "", "1980-01-01"),
			"RLO in the name":         person("\u202e三张", "", "1980-01-01"),
			"LRI in the name":         person("张三\u2066", "", "1980-01-01"),
			"only zero-width":         person("\u200b\u200c\u200d\ufeff", "", "1980-01-01"),
			"escape sequence":         person("张三\x1b[2J", "", "1980-01-01"),
			"birth in 2999":           person("李四", "", "2999-01-01"),
			"birth before 1900":       person("李四", "", "1899-12-31"),
			"birth tomorrow":          person("李四", "", "2999-12-31"),
			"ID with a birth in 2999": person("王五", dbtest.ID("61011829990101001"), ""),
			"ID with a birth in 1890": person("王五", dbtest.ID("61011818900101001"), ""),
			"RLO in the note":         {Name: "赵六", Sex: "男", BirthDate: "1980-01-01", UnitCode: dbtest.VillageA, Note: "备注\u202e"},
		} {
			if _, err := s.CreatePerson(ctx, who, village, p); !errs.IsInvalid(err) {
				t.Errorf("%s: %v", what, err)
			}
		}
		p, err := s.CreatePerson(ctx, who, village, person(" 张\u200b三\u3000 ", "", "1980-01-01"))
		if err != nil || p.Name != "张三" {
			t.Errorf("zero-width inside a name: %q %v", p.Name, err)
		}
		if _, err := s.CreateHousehold(ctx, who, village, registry.Household{UnitCode: dbtest.VillageA, Address: "西街\x001号"}); !errs.IsInvalid(err) {
			t.Errorf("NUL in an address: %v", err)
		}
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM people").Scan(&n)
		if n != 1 {
			t.Errorf("%d people stored, want 1", n)
		}
		// The ledger import refuses the same rows, each with its reason.
		csv := "村(社区)代码,姓名,身份证号,性别,出生日期\n" +
			dbtest.VillageA + ",\u202e五王,,男,1980-01-01\n" +
			dbtest.VillageA + ",钱七,,男,2999-01-01\n" +
			dbtest.VillageA + ",孙八," + dbtest.ID("61011829990101002") + ",,\n"
		rep, err := s.ImportLedger(ctx, who, village, strings.NewReader(csv), int64(len(csv)), registry.ImportGoodRows)
		if err != nil {
			t.Fatal(err)
		}
		if rep.BadRows != 3 {
			t.Errorf("import: %d rows refused, want 3: %+v", len(rep.Errors), rep.Errors)
		}
		d.R().QueryRow("SELECT COUNT(*) FROM people").Scan(&n)
		if n != 1 {
			t.Errorf("%d people after the import, want 1", n)
		}
	})
}
