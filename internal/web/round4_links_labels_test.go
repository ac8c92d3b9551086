package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// One fact, one label: the summary's label of the open push tasks, the
// overdue ones and the open measure alerts is the one 今日待办 shows for
// the same count, and the one the lists they link to name their filter
// with (they read 未核查 / 待核查 / 推送未核查, 已逾期 / 核查已逾期, 未处理预警
// / 未处置预警 / 预警待处理). On 今日待办, which mixes domains, a push label
// names its domain.
func TestRound4LinksOneLabel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "zhen", auth.RoleTownship, dbtest.TownshipA)
		c := e.Login(t, "zhen", apptest.Password)
		st, body := c.Get("/api/v1/today?unit=" + dbtest.TownshipA)
		if st != http.StatusOK {
			t.Fatalf("/api/v1/today: %d %s", st, body)
		}
		var today struct {
			Items []struct{ Key, Label string }
		}
		if err := json.Unmarshal([]byte(body), &today); err != nil {
			t.Fatal(err)
		}
		todo := map[string]string{}
		for _, it := range today.Items {
			todo[it.Key] = it.Label
		}
		_, page := c.Get("/today?unit=" + dbtest.TownshipA)
		for fact, item := range map[string]string{"push.open": "todo.push.open", "push.overdue": "todo.push.overdue",
			"measure.alerts": "todo.measure.alerts"} {
			f := figureOf(t, e, dbtest.TownshipA, fact)
			if todo[item] != f.Label {
				t.Errorf("%s is %q on the summary, %s is %q on 今日待办", fact, f.Label, item, todo[item])
			}
			if !strings.Contains(page, `<span class="todo-label">`+f.Label+`</span>`) {
				t.Errorf("/today does not show %q", f.Label)
			}
			if strings.HasPrefix(fact, "push.") && !strings.Contains(f.Label, "推送") {
				t.Errorf("%s is labelled %q: on 今日待办 it does not say it is about push tasks", fact, f.Label)
			}
		}

		// The task list names its filters with the figures' labels.
		_, tasks := c.Get("/pushtasks?unit=" + dbtest.TownshipA)
		options := map[string]string{}
		for _, m := range regexp.MustCompile(`<option value="(\w+)"[^>]*>([^<]+)</option>`).FindAllStringSubmatch(tasks, -1) {
			options[m[1]] = html.UnescapeString(m[2])
		}
		for status, fact := range map[string]string{"open": "push.open", "overdue": "push.overdue"} {
			if f := figureOf(t, e, dbtest.TownshipA, fact); options[status] != f.Label {
				t.Errorf("/pushtasks names status=%s %q, the figure %s (linking to it) is %q", status, options[status], fact, f.Label)
			}
		}

		// The measures' pages name the open alerts as the summary does.
		alerts := figureOf(t, e, dbtest.TownshipA, "measure.alerts")
		for _, path := range []string{"/measures?unit=" + dbtest.TownshipA, alerts.Link} {
			st, p := c.Get(path)
			if st != http.StatusOK || !strings.Contains(p, alerts.Label) {
				t.Errorf("%s: %d, does not say %q", path, st, alerts.Label)
			}
			for _, other := range []string{"未处置预警", "预警待处理"} {
				if strings.Contains(p, other) {
					t.Errorf("%s says %q for %q", path, other, alerts.Label)
				}
			}
		}
		if _, p := c.Get(alerts.Link); !strings.Contains(p, alerts.Label+" 共 0 条") {
			t.Errorf("%s does not say %s 共 0 条", alerts.Link, alerts.Label)
		}
	})
}
