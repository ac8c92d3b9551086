package registry_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// TestSearchTraditionalPersonalNames: a name typed in traditional
// characters finds the person and household registered in simplified ones
// — the characters of common personal names (張偉 for 张伟, 楊麗華 for
// 杨丽华), not only those of place names (蘇).
func TestSearchTraditionalPersonalNames(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		scope := jurisdiction.Grant(dbtest.County)
		h, err := s.CreateHousehold(ctx, who, scope, registry.Household{UnitCode: dbtest.VillageA, Address: "西街8号"})
		if err != nil {
			t.Fatal(err)
		}
		for i, name := range []string{"张伟", "杨丽华", "孙书贤", "吕爱荣", "严晓晖", "刘德华"} {
			p := registry.Person{Name: name, IDNumber: idWithCheck(fmt.Sprintf("61011819800101%03d", 200+i)), UnitCode: dbtest.VillageA}
			if name == "张伟" {
				p.HouseholdID, p.Relation = h.ID, "户主"
			}
			if _, err := s.CreatePerson(ctx, who, scope, p); err != nil {
				t.Fatal(name, err)
			}
		}
		for q, want := range map[string]string{
			"張偉": "张伟", "張 偉": "张伟", "张偉": "张伟", "張": "张伟",
			"楊麗華": "杨丽华", "孫書賢": "孙书贤", "呂愛榮": "吕爱荣", "嚴曉暉": "严晓晖", "劉德華": "刘德华",
		} {
			rows, err := s.People(ctx, scope, registry.PersonFilter{Q: q})
			if err != nil {
				t.Fatal(q, err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, r.Name)
			}
			if !slices.Equal(got, []string{want}) {
				t.Errorf("people %q: %v, want [%s]", q, got, want)
			}
		}
		// The household by its head's name.
		rows, err := s.Households(ctx, scope, registry.HouseholdFilter{Q: "張偉"})
		if err != nil || len(rows) != 1 || rows[0].ID != h.ID {
			t.Errorf("households 張偉: %d rows, %v", len(rows), err)
		}
	})
}
