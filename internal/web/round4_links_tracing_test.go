package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/tracing"
)

// 当日新增病例 counts the cases found on the picture's day: its link must
// list those, with their count, not every case (it linked to
// /tracing/cases?unit=, the same list as 病例).
func TestRound4LinksTracingNew(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		noon, _ := time.ParseInLocation("2006-01-02 15:04", "2026-12-06 12:00", clock.Shanghai)
		e := apptest.StartWith(t, d, func(c *app.Config) { c.Now = func() time.Time { return noon } })
		ctx, all := t.Context(), jurisdiction.System("test")
		for i, x := range []struct {
			name string
			at   time.Time
		}{{"昨日病例甲", noon.Add(-13 * time.Hour)}, {"今日病例乙", noon.Add(-11 * time.Hour)}, {"今日病例丙", noon.Add(-time.Hour)}} {
			p, err := e.App.Registry.CreatePerson(ctx, seedActor, all, registry.Person{Name: x.name,
				IDNumber: dbtest.ID(fmt.Sprintf("6101181980020201%d", i)), Sex: "男", UnitCode: dbtest.VillageA})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.App.Tracing.CreateCase(ctx, seedActor, all, tracing.CaseInput{PersonID: p.ID, Classification: "确诊",
				FoundVia: "哨点", FoundAt: x.at.UnixMilli()}); err != nil {
				t.Fatal(err)
			}
		}
		e.AddUser(t, "zhen", auth.RoleTownship, dbtest.TownshipA)
		c := e.Login(t, "zhen", apptest.Password)
		f := figureOf(t, e, dbtest.TownshipA, "tracing.new")
		if f.Value != 2 {
			t.Fatalf("当日新增病例 = %d, want 2", f.Value)
		}
		if all := figureOf(t, e, dbtest.TownshipA, "tracing.cases"); all.Value != 3 || all.Link == f.Link {
			t.Fatalf("病例 = %d (want 3), link %s beside %s", all.Value, all.Link, f.Link)
		}
		st, body := c.Get(f.Link)
		if st != http.StatusOK {
			t.Fatalf("%s: %d", f.Link, st)
		}
		if !strings.Contains(body, "今日病例乙") || !strings.Contains(body, "今日病例丙") {
			t.Errorf("%s does not list today's cases", f.Link)
		}
		if strings.Contains(body, "昨日病例甲") {
			t.Errorf("当日新增病例 = 2 links to %s, which lists yesterday's case too", f.Link)
		}
		if m := regexp.MustCompile(`共 ([\d,]+) 条`).FindStringSubmatch(body); m == nil || m[1] != "2" {
			t.Errorf("%s does not say 共 2 条: %v", f.Link, m)
		}
		st, body = c.Get("/api/v1" + f.Link)
		if st != http.StatusOK || !strings.Contains(body, "今日病例乙") || strings.Contains(body, "昨日病例甲") {
			t.Errorf("/api/v1%s: %d %s", f.Link, st, body)
		}
		if st, _ := c.Get("/tracing/cases?day=2026-13-01"); st != http.StatusBadRequest {
			t.Errorf("a day that is no date: %d, want 400", st)
		}
	})
}
