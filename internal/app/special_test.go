package app_test

import (
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/apptest"
	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/tracing"
)

// A tracing case registered opens a 特报 (kind positive) at the next check,
// once however often the check runs. The township acknowledges on the web
// in time with the cadre's name; the county's clock passes and is
// escalated once; the picture's summary shows it late; the form comes back
// with the message beside the field when the name is missing.
func TestCaseOpensSpecialReport(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		var mu sync.Mutex
		now := time.Now()
		clk := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		later := func(dt time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(dt) }
		e := apptest.StartWith(t, d, func(c *app.Config) { c.Now = clk })
		ctx, all := t.Context(), jurisdiction.System("test")
		who := audit.Actor{Username: "test", Role: "admin"}
		grid, err := e.App.Units.AddGrid(ctx, all, dbtest.VillageA, "一网格")
		if err != nil {
			t.Fatal(err)
		}
		hh, err := e.App.Registry.CreateHousehold(ctx, who, all, registry.Household{UnitCode: dbtest.VillageA, GridID: grid.ID, Address: "西街1号"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.App.Registry.CreatePerson(ctx, who, all, registry.Person{Name: "甲病例", IDNumber: dbtest.ID("61011819800101001"),
			HouseholdID: hh.ID, Relation: "户主"})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := e.App.SpecialFromCases(ctx); err != nil || n != 0 {
			t.Fatalf("no case yet: %d %v", n, err)
		}
		c, err := e.App.Tracing.CreateCase(ctx, who, all, tracing.CaseInput{PersonID: p.ID, Classification: "确诊", FoundVia: "哨点",
			FoundAt: clk().Add(-time.Minute).UnixMilli()})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := e.App.SpecialFromCases(ctx); err != nil || n != 1 {
			t.Fatalf("opened: %d %v", n, err)
		}
		if n, _ := e.App.SpecialFromCases(ctx); n != 0 {
			t.Fatalf("opened twice: %d", n)
		}
		list, err := e.App.Special.List(ctx, all, dbtest.County, false)
		if err != nil || len(list) != 1 || list[0].Kind != "positive" || list[0].UnitCode != dbtest.VillageA || !strings.HasSuffix(list[0].Ref, ":"+itoa(c.ID)) {
			t.Fatalf("reports: %+v %v", list, err)
		}
		id := itoa(list[0].ID)
		e.AddUser(t, "zhen", auth.RoleTownship, dbtest.TownshipA)
		e.AddUser(t, "xian", auth.RoleCommand, dbtest.County)
		zhen := e.Login(t, "zhen", apptest.Password)
		if st, body := zhen.Get("/special"); st != 200 || !strings.Contains(body, "新发病例（确诊）") {
			t.Fatalf("list: %d %s", st, body)
		}
		if st, body := zhen.Post("/special/"+id+"/ack", url.Values{"cadre": {""}}); st != 400 || !strings.Contains(body, "请填写确认干部姓名") {
			t.Fatalf("ack without a name: %d", st)
		}
		later(30 * time.Minute)
		if st, _ := zhen.Post("/special/"+id+"/ack", url.Values{"cadre": {"钱镇长"}}); st != 303 {
			t.Fatalf("ack: %d", st)
		}
		later(100 * time.Minute) // past the county's 2 h, the township acknowledged in time
		if n, err := e.App.Special.Escalate(ctx); err != nil || n != 1 {
			t.Fatalf("escalated: %d %v", n, err)
		}
		if n, _ := e.App.Special.Escalate(ctx); n != 0 {
			t.Fatalf("escalated twice: %d", n)
		}
		card, _ := e.App.Special.Summary(ctx, all, dbtest.County, "")
		if f, _ := card.Get("special.late"); f.Value != 1 || !f.Late {
			t.Fatalf("late: %+v", f)
		}
		xian := e.Login(t, "xian", apptest.Password)
		if st, body := xian.Get("/command?unit=" + dbtest.County); st != 200 || !strings.Contains(body, "特报逾期未确认") {
			t.Fatalf("picture: %d", st)
		}
		if st, _ := xian.Post("/special/"+id+"/ack", url.Values{"cadre": {"孙县长"}}); st != 303 {
			t.Fatalf("county ack: %d", st)
		}
		if st, body := xian.Get("/special/" + id); st != 200 || !strings.Contains(body, "钱镇长") || !strings.Contains(body, "孙县长") || !strings.Contains(body, "已上报督办") {
			t.Fatalf("report page: %d %s", st, body)
		}
		if st, _ := xian.Post("/special/"+id+"/close", url.Values{"note": {"已处置"}}); st != 303 {
			t.Fatalf("close: %d", st)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
