package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/report"
)

// The county's report form: 下级未报 counts the townships the roll-up
// (下级已报合计) lacks — not the whole subtree with the county itself and
// every village (that is the picture's 日报告未报, named as such) — and a
// figure of the unit's own (未达标项) is not summed over the townships'
// reports.
func TestRound4ReportDraftChildren(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		ctx, scope := t.Context(), jurisdiction.Grant(dbtest.County)
		items := []report.Item{{Key: "readiness.unmet", Label: "未达标项"}, {Key: "readiness.met", Label: "达标项"}}
		for _, l := range []int{jurisdiction.LevelTownship, jurisdiction.LevelCounty} {
			if _, err := e.App.Reports.SaveTemplate(ctx, seedActor, scope, report.Template{County: dbtest.County, Level: l, Items: items,
				Cutoff: "00:00", Deadline: "23:59"}); err != nil {
				t.Fatal(err)
			}
		}
		dr, err := e.App.Reports.Compile(ctx, scope, dbtest.TownshipA)
		if err != nil {
			t.Fatal(err)
		}
		in := report.Input{Unit: dbtest.TownshipA, Seen: map[string]int{}, Zero: map[string]bool{}, Confirmer: "镇值班员"}
		for _, l := range dr.Lines {
			in.Seen[l.Key], in.Zero[l.Key] = l.Value, true
		}
		if _, _, err := e.App.Reports.Submit(ctx, seedActor, scope, in); err != nil {
			t.Fatal(err)
		}
		st, err := e.App.Reports.Status(ctx, scope, dbtest.County, dr.Day)
		if err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "zhb", auth.RoleCommand, dbtest.County)
		c := e.Login(t, "zhb", apptest.Password)
		code, page := c.Get("/reports/new")
		if code != http.StatusOK {
			t.Fatalf("draft: %d %s", code, page)
		}
		if len(st.Children) != 2 || st.Missing <= 1 {
			t.Fatalf("tree: %d townships, %d missing", len(st.Children), st.Missing)
		}
		if !strings.Contains(page, "下级未报 1 个单位") {
			t.Errorf("下级未报 is not the one township without a report (subtree missing %d): %s", st.Missing,
				regexp.MustCompile(`下级未报[^<]*`).FindString(page))
		}
		row := rowOf(page, `id="line-readiness.unmet"`)
		if cell := regexp.MustCompile(`data-l="下级已报合计">(.*?)</td>`).FindStringSubmatch(row); cell == nil || strings.Contains(cell[1], "个单位") {
			t.Errorf("未达标项 is summed over the townships' reports: %q", row)
		}
	})
}
