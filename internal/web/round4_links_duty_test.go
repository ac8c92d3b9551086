package web_test

import (
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
	"fangkong/internal/duty"
	"fangkong/internal/jurisdiction"
)

// duty.on counts the shifts under way, a shift nobody checked in to
// among them: its label must say so (进行中班次), not read as “someone is
// on duty” (当前在班 1 beside 值班未到岗 1 for the same shift), and the
// roster and the command centre must carry the same label.
func TestRound4LinksDutyOnLabel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		noon, _ := time.ParseInLocation("2006-01-02 15:04", "2026-12-06 12:00", clock.Shanghai)
		e := apptest.StartWith(t, d, func(c *app.Config) { c.Now = func() time.Time { return noon } })
		if _, err := e.App.Duty.AddShift(t.Context(), seedActor, jurisdiction.System("test"), duty.Input{UnitCode: dbtest.TownshipA,
			Day: "2026-12-06", Start: "08:00", Hours: 24, Leader: "钱镇长", Person: "赵值班"}); err != nil {
			t.Fatal(err)
		}
		on, gap := figureOf(t, e, dbtest.TownshipA, "duty.on"), figureOf(t, e, dbtest.TownshipA, "duty.gap")
		if on.Value != 1 || gap.Value != 1 {
			t.Fatalf("duty.on = %d, duty.gap = %d, want 1 and 1", on.Value, gap.Value)
		}
		if on.Label != "进行中班次" || strings.Contains(on.Label, "在班") {
			t.Errorf("duty.on counts a shift nobody checked in to, labelled %q", on.Label)
		}
		e.AddUser(t, "zhen", auth.RoleTownship, dbtest.TownshipA)
		c := e.Login(t, "zhen", apptest.Password)
		st, page := c.Get(on.Link)
		if st != http.StatusOK {
			t.Fatalf("%s: %d", on.Link, st)
		}
		if !regexp.MustCompile(`<span class="todo-label">` + on.Label + `</span><b class="todo-n" id="n-duty.on">1<`).MatchString(page) {
			t.Errorf("%s does not show %s 1", on.Link, on.Label)
		}
		if strings.Contains(page, "在班") {
			t.Errorf("%s says 在班 for a shift nobody checked in to", on.Link)
		}
		st, page = c.Get("/command?unit=" + dbtest.TownshipA)
		if st != http.StatusOK || !strings.Contains(page, on.Label) || strings.Contains(page, "当前在班") {
			t.Errorf("/command: %d, does not carry the label %s", st, on.Label)
		}
	})
}
