package registry_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

var who = audit.Actor{UserID: 1, Username: "tester", Role: "village", Unit: dbtest.VillageA, IP: "127.0.0.1"}

func setup(t *testing.T, d *db.DB) *registry.Service {
	dbtest.Tree(t, d)
	return registry.NewService(d, jurisdiction.NewStore(d, time.Now), time.Now)
}

func auditCount(t *testing.T, d *db.DB, action string) int {
	var n int
	if err := d.R().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = $1", action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestHouseholdsAndPeople(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		villageA := jurisdiction.Grant(dbtest.VillageA)
		villageB := jurisdiction.Grant(dbtest.VillageB)
		county := jurisdiction.Grant(dbtest.County)

		h, err := s.CreateHousehold(ctx, who, villageA, registry.Household{UnitCode: dbtest.GroupA1, Address: "滨河花园3号楼2单元101室", Phone: "13812345678"})
		if err != nil {
			t.Fatal(err)
		}
		if h.No != dbtest.VillageA+"-0001" {
			t.Errorf("household no %q", h.No)
		}
		h2, _ := s.CreateHousehold(ctx, who, villageA, registry.Household{UnitCode: dbtest.VillageA, Address: "西街5号"})
		if h2.No != dbtest.VillageA+"-0002" {
			t.Errorf("second household no %q", h2.No)
		}
		if _, err := s.CreateHousehold(ctx, who, villageB, registry.Household{UnitCode: dbtest.VillageA, Address: "x"}); !errs.IsInvalid(err) {
			t.Errorf("household in another village: %v", err)
		}

		p, err := s.CreatePerson(ctx, who, villageA, registry.Person{Name: "王建国", IDNumber: "610118196505120017", Phone: "138-1234-5678",
			HouseholdID: h.ID, Relation: "户主", Groups: registry.GroupChronic})
		if err != nil {
			t.Fatal(err)
		}
		if p.Sex != "男" || p.BirthDate != "1965-05-12" || p.UnitCode != dbtest.GroupA1 || p.Phone != "13812345678" {
			t.Errorf("derived fields: %+v", p)
		}
		// A duplicate ID number is refused, also from another village, without saying where.
		_, err = s.CreatePerson(ctx, who, villageB, registry.Person{Name: "王建国", IDNumber: "610118196505120017", UnitCode: dbtest.VillageB})
		if !errors.Is(err, errs.ErrConflict) || err.Error() != registry.ElsewhereMessage {
			t.Errorf("duplicate from another village: %v", err)
		}
		// Bad input gets a field and a reason.
		_, err = s.CreatePerson(ctx, who, villageA, registry.Person{Name: "李四", IDNumber: "610118196505120019", UnitCode: dbtest.VillageA})
		var iv *errs.Invalid
		if !errors.As(err, &iv) || iv.Field != "身份证号" {
			t.Errorf("bad check digit: %v", err)
		}

		// Scope: village B sees nothing of village A.
		if _, err := s.ViewPerson(ctx, who, villageB, p.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("view outside scope: %v", err)
		}
		if rows, _ := s.People(ctx, villageB, registry.PersonFilter{Q: "610118196505120017"}); len(rows) != 0 {
			t.Errorf("search outside scope found %d", len(rows))
		}
		if _, err := s.People(ctx, villageB, registry.PersonFilter{Unit: dbtest.VillageA}); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("list another village: %v", err)
		}
		// Search finds by full ID, ID tail, phone and name, masked.
		for _, q := range []string{"610118196505120017", "0017", "13812345678", "王建"} {
			rows, err := s.People(ctx, county, registry.PersonFilter{Q: q})
			if err != nil || len(rows) != 1 {
				t.Fatalf("search %q: %d rows, %v", q, len(rows), err)
			}
			if rows[0].IDMasked != "6101**********0017" || rows[0].PhoneMasked != "138****5678" {
				t.Errorf("masking: %+v", rows[0])
			}
		}

		// Viewing writes exactly one audit entry; listing writes none.
		before := auditCount(t, d, audit.ActionView)
		full, err := s.ViewPerson(ctx, who, villageA, p.ID)
		if err != nil || full.IDNumber != "610118196505120017" {
			t.Fatal(err)
		}
		if n := auditCount(t, d, audit.ActionView); n != before+1 {
			t.Errorf("view audit entries %d, want %d", n, before+1)
		}
		// Editing writes one entry; a stale version is a conflict.
		full.Residence = registry.ResidentWorking
		in := full
		in.Active, in.CreatedAt = false, 0 // as a form or the API sends it: the editable fields
		upd, err := s.UpdatePerson(ctx, who, villageA, in)
		if err != nil {
			t.Fatal(err)
		}
		if !upd.Active || upd.CreatedAt != full.CreatedAt || upd.Version != full.Version+1 || upd.Residence != registry.ResidentWorking {
			t.Errorf("the answer to an update is not the record as stored: %+v", upd)
		}
		if n := auditCount(t, d, audit.ActionUpdate); n != 1 {
			t.Errorf("update audit entries %d", n)
		}
		if _, err := s.UpdatePerson(ctx, who, villageA, full); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("stale update: %v", err)
		}

		// Counts roll up to the county's townships.
		counts, err := s.CountsByUnit(ctx, county)
		if err != nil {
			t.Fatal(err)
		}
		towns := []jurisdiction.Unit{{Code: dbtest.TownshipA}, {Code: dbtest.TownshipB}}
		roll := registry.RollUp(towns, counts)
		if roll[dbtest.TownshipA].People != 1 || roll[dbtest.TownshipA].Households != 2 || roll[dbtest.TownshipB].People != 0 {
			t.Errorf("roll up %+v", roll)
		}

		// Merge: a record without ID entered by hand is folded into the registered one.
		dup, err := s.CreatePerson(ctx, who, villageA, registry.Person{Name: "王建国", Sex: "男", BirthDate: "1965-05-12", UnitCode: dbtest.VillageA, Note: "返乡登记"})
		if err != nil {
			t.Fatal(err)
		}
		kept, err := s.Merge(ctx, who, villageA, upd.ID, dup.ID)
		if err != nil || kept.Note != "返乡登记" {
			t.Fatalf("merge: %+v %v", kept, err)
		}
		rows, _ := s.People(ctx, villageA, registry.PersonFilter{Q: "王建国"})
		if len(rows) != 1 {
			t.Errorf("after merge %d records listed", len(rows))
		}
		from, _ := s.MergedFrom(ctx, villageA, kept.ID)
		if len(from) != 1 || from[0].ID != dup.ID {
			t.Errorf("merged from %+v", from)
		}
		if _, err := s.Merge(ctx, who, villageA, upd.ID, dup.ID); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("second merge: %v", err)
		}
		// A county cadre merges a record from village B: village A's history
		// does not show village B's record, the county's does.
		other, err := s.CreatePerson(ctx, who, county, registry.Person{Name: "王建国", Sex: "男", BirthDate: "1965-05-12", UnitCode: dbtest.VillageB})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Merge(ctx, who, county, kept.ID, other.ID); err != nil {
			t.Fatal(err)
		}
		if from, _ := s.MergedFrom(ctx, villageA, kept.ID); len(from) != 1 {
			t.Errorf("village A sees %d merged records, want 1 (its own)", len(from))
		}
		if from, _ := s.MergedFrom(ctx, county, kept.ID); len(from) != 2 {
			t.Errorf("county sees %d merged records, want 2", len(from))
		}
	})
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// A birth date is taken as people type it (1990年1月2日, 1990/1/2); one
// that is no date is refused with a message saying so, not "请填写".
func TestBirthDateAsTyped(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		villageA := jurisdiction.Grant(dbtest.VillageA)
		for in, want := range map[string]string{"1990年1月2日": "1990-01-02", "1991/2/3": "1991-02-03", "1992.3.4": "1992-03-04"} {
			p, err := s.CreatePerson(ctx, who, villageA, registry.Person{Name: "无证" + want[:4], Sex: "女", BirthDate: in, UnitCode: dbtest.VillageA})
			if err != nil || p.BirthDate != want {
				t.Errorf("birth date %q: stored %q, %v", in, p.BirthDate, err)
			}
		}
		_, err := s.CreatePerson(ctx, who, villageA, registry.Person{Name: "无证乙", Sex: "女", BirthDate: "1990年13月1日", UnitCode: dbtest.VillageA})
		var iv *errs.Invalid
		if !errors.As(err, &iv) || iv.Field != "出生日期" || !strings.Contains(iv.Message, "无效") {
			t.Errorf("birth date 1990年13月1日: %v", err)
		}
	})
}

// A village is taken by its name as people type it, inside the scope.
func TestPersonUnitByName(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		county := jurisdiction.Grant(dbtest.County)
		for _, name := range []string{"西街社区", "西街社区居委会", "西街"} {
			p, err := s.CreatePerson(ctx, who, county, registry.Person{Name: "按名" + name, Sex: "男", BirthDate: "1990-01-01", UnitCode: name})
			if err != nil || p.UnitCode != dbtest.VillageA {
				t.Errorf("unit %q: %q %v", name, p.UnitCode, err)
			}
		}
		if _, err := s.CreatePerson(ctx, who, jurisdiction.Grant(dbtest.VillageB), registry.Person{Name: "越界", Sex: "男", BirthDate: "1990-01-01",
			UnitCode: "西街社区"}); !errs.IsInvalid(err) {
			t.Errorf("another village's name from VillageB: %v", err)
		}
		if _, err := s.CreatePerson(ctx, who, county, registry.Person{Name: "无此村", Sex: "男", BirthDate: "1990-01-01", UnitCode: "月球村"}); !errs.IsInvalid(err) {
			t.Errorf("an unknown village: %v", err)
		}
	})
}
