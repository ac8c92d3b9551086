package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// TestPersonEditKeepsTypedHouseholdNo: a mistyped 户编号 comes back in
// its field with the message, so saving the form again does not take the
// person out of their household.
func TestPersonEditKeepsTypedHouseholdNo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		ctx, sys := t.Context(), jurisdiction.System("test")
		hh, err := e.App.Registry.CreateHousehold(ctx, seedActor, sys, registry.Household{UnitCode: dbtest.VillageA, Address: "西街18号",
			CadreName: "包户甲", CadrePhone: "13900000019"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.App.Registry.CreatePerson(ctx, seedActor, sys, registry.Person{Name: "户号丁", Sex: "男", BirthDate: "1980-01-01",
			HouseholdID: hh.ID, Relation: "户主"})
		if err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "wgy_hn", auth.RoleVillage, dbtest.VillageA)
		c := e.Login(t, "wgy_hn", apptest.Password)
		if _, body := c.Get("/api/v1/households"); strings.Contains(body, "13900000019") || !strings.Contains(body, "包户甲") {
			t.Errorf("the households list shows the cadre's phone in full: %.300s", body)
		}
		typo := strings.Replace(hh.No, "0", "O", 1)
		form := url.Values{"name": {p.Name}, "sex": {"男"}, "birth_date": {"1980-01-01"}, "relation": {"户主"}, "household_no": {typo},
			"version": {fmt.Sprint(p.Version)}}
		st, body := c.Post(fmt.Sprintf("/people/%d", p.ID), form)
		if st != 400 || !strings.Contains(body, "不存在或不在您的辖区内") {
			t.Fatalf("mistyped 户编号: %d", st)
		}
		if !strings.Contains(body, `name="household_no" value="`+typo+`"`) {
			t.Errorf("the typed 户编号 %q is not kept in its field", typo)
		}
		got, err := e.App.Registry.ViewPerson(ctx, seedActor, sys, p.ID)
		if err != nil || got.HouseholdID != hh.ID {
			t.Errorf("after the refusal the person is in household %d, want %d (%v)", got.HouseholdID, hh.ID, err)
		}
	})
}
