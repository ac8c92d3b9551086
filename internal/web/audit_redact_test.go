package web_test

import (
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// TestAuditSummariesWithheldFromAdmin: the administrator, who reads no
// personal record, reads in the audit log who did what to which record,
// but not summaries naming a resident; an inspector, who may read people,
// reads them; an account's entry stays readable to both.
func TestAuditSummariesWithheldFromAdmin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		if _, err := e.App.Registry.CreatePerson(t.Context(), seedActor, jurisdiction.System("test"), registry.Person{Name: "审计丙",
			IDNumber: dbtest.ID("61011819800101077"), UnitCode: dbtest.VillageA}); err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "admin_c", auth.RoleAdmin, dbtest.County)
		e.AddUser(t, "ducha_c", auth.RoleInspector, dbtest.County)
		admin, inspector := e.Login(t, "admin_c", apptest.Password), e.Login(t, "ducha_c", apptest.Password)
		for _, path := range []string{"/audit?entity=person", "/api/v1/audit?entity=person"} {
			st, body := admin.Get(path)
			if st != 200 || strings.Contains(body, "审计丙") || !strings.Contains(body, "涉及个人信息") {
				t.Errorf("admin %s: %d, names the person: %v", path, st, strings.Contains(body, "审计丙"))
			}
			if st, body := inspector.Get(path); st != 200 || !strings.Contains(body, "审计丙") {
				t.Errorf("inspector %s: %d, names the person: %v", path, st, strings.Contains(body, "审计丙"))
			}
		}
		if _, body := admin.Get("/audit?entity=user"); strings.Contains(body, "涉及个人信息") {
			t.Error("an account's entry is withheld from the admin")
		}
	})
}
