package registry_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// An ID number registered outside the caller's scope: the answer says only
// that it is registered (not where), each answer is a look-up in the audit
// log under the person's unit, and a user gets answers about at most
// ElsewherePerHour people an hour (then 429), across the form, the update
// and the ledger import.
func TestRegisteredElsewhere(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		villageA, villageB := jurisdiction.Grant(dbtest.VillageA), jurisdiction.Grant(dbtest.VillageB)
		var ids []string
		for i := 0; i <= registry.ElsewherePerHour; i++ {
			p, err := s.CreatePerson(ctx, who, villageA, registry.Person{Name: fmt.Sprint("西街", i),
				IDNumber: dbtest.ID(fmt.Sprintf("61011819650512%03d", i)), UnitCode: dbtest.VillageA})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.IDNumber)
		}
		lookups := func() int {
			var n int
			d.R().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND entity = 'person' AND subject_unit = $2",
				audit.ActionLookup, dbtest.VillageA).Scan(&n)
			return n
		}
		prober := audit.Actor{UserID: 7, Username: "prober", Role: "village", Unit: dbtest.VillageB}
		other, err := s.CreatePerson(ctx, prober, villageB, registry.Person{Name: "李四", Sex: "男", BirthDate: "1990-01-01", UnitCode: dbtest.VillageB})
		if err != nil {
			t.Fatal(err)
		}
		importRow := func(id string, mode registry.ImportMode) (registry.ImportReport, error) {
			csv := "村(社区)代码,户编号,姓名,身份证号\n" + dbtest.VillageB + ",,冒名," + id + "\n"
			return s.ImportLedger(ctx, prober, villageB, bytes.NewReader([]byte(csv)), int64(len(csv)), mode)
		}
		probe := func(i int) error {
			switch i % 3 {
			case 0:
				_, err := s.CreatePerson(ctx, prober, villageB, registry.Person{Name: "冒名", IDNumber: ids[i], UnitCode: dbtest.VillageB})
				return err
			case 1:
				other.IDNumber = ids[i]
				_, err := s.UpdatePerson(ctx, prober, villageB, other)
				return err
			}
			rep, err := importRow(ids[i], registry.ImportAllOrNothing)
			if err != nil {
				return err
			}
			if len(rep.Errors) != 1 {
				return fmt.Errorf("import report %+v", rep)
			}
			return &errs.Conflict{Message: rep.Errors[0].Reason}
		}
		for i := 0; i < registry.ElsewherePerHour; i++ {
			err := probe(i)
			if !errors.Is(err, errs.ErrConflict) || err.Error() != registry.ElsewhereMessage {
				t.Fatalf("answer %d: %v, want %q", i, err, registry.ElsewhereMessage)
			}
			if strings.Contains(err.Error(), "其他辖区") || strings.Contains(err.Error(), dbtest.VillageA) {
				t.Fatalf("answer %d says where: %v", i, err)
			}
		}
		if n := lookups(); n != registry.ElsewherePerHour {
			t.Errorf("%d look-ups audited under the person's village, want %d", n, registry.ElsewherePerHour)
		}
		// One more person: 429, nothing said, nothing written; by the form
		// and by the import.
		last := ids[registry.ElsewherePerHour]
		_, byForm := s.CreatePerson(ctx, prober, villageB, registry.Person{Name: "冒名", IDNumber: last, UnitCode: dbtest.VillageB})
		_, byImport := importRow(last, registry.ImportGoodRows)
		for _, err := range []error{byForm, byImport} {
			var many *registry.TooManyElsewhere
			if !errors.Is(err, errs.ErrTooMany) || !errors.As(err, &many) || many.After <= 0 {
				t.Errorf("over the budget: %v, want too many with a retry time", err)
			}
		}
		if n := lookups(); n != registry.ElsewherePerHour {
			t.Errorf("refused answers were audited: %d", n)
		}
		// Asking again about a number already answered is not a new look-up
		// for the budget, but it is audited.
		if err := probe(0); err == nil || err.Error() != registry.ElsewhereMessage {
			t.Errorf("asking again: %v", err)
		}
		if n := lookups(); n != registry.ElsewherePerHour+1 {
			t.Errorf("asking again audited %d, want %d", n, registry.ElsewherePerHour+1)
		}
		// Another user has their own budget; inside the scope the record is named.
		if _, err := s.CreatePerson(ctx, who, villageB, registry.Person{Name: "冒名", IDNumber: ids[registry.ElsewherePerHour], UnitCode: dbtest.VillageB}); err == nil || err.Error() != registry.ElsewhereMessage {
			t.Errorf("another user: %v", err)
		}
		if _, err := s.CreatePerson(ctx, who, villageA, registry.Person{Name: "重复", IDNumber: ids[0], UnitCode: dbtest.VillageA}); err == nil || !strings.Contains(err.Error(), "请勿重复录入") {
			t.Errorf("inside the scope: %v", err)
		}
	})
}
