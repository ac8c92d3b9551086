package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/policy"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
)

// todaySeed is one village's day: households (the first visited in an
// open sweep), a close contact under measures, a fever alert, a
// self-report, a returnee whose place is to be picked.
type todaySeed struct {
	sweep int64
	hhs   []registry.Household
	heads []registry.Person
}

func seedToday(t testing.TB, e *apptest.Env, unit string, n int) todaySeed {
	t.Helper()
	ctx, all := context.Background(), jurisdiction.System("test")
	a := e.App
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var s todaySeed
	today := clock.Day(a.Config.Now())
	for i := range n {
		hh, err := a.Registry.CreateHousehold(ctx, seedActor, all, registry.Household{UnitCode: unit, Address: fmt.Sprintf("幸福路%d号", i+1)})
		must(err)
		p, err := a.Registry.CreatePerson(ctx, seedActor, all, registry.Person{Name: fmt.Sprintf("户主%s%d", unit[9:], i+1),
			IDNumber: dbtest.ID(fmt.Sprintf("61011819800101%s%d", unit[10:], i)), HouseholdID: hh.ID, Relation: "户主"})
		must(err)
		s.hhs, s.heads = append(s.hhs, hh), append(s.heads, p)
	}
	_, err := a.Measures.Assign(ctx, seedActor, all, measure.AssignInput{PersonID: s.heads[0].ID, Category: "close_contact",
		DayZero: policy.AddDays(today, -2)})
	must(err)
	m, err := a.Measures.Assign(ctx, seedActor, all, measure.AssignInput{PersonID: s.heads[1].ID, Category: "secondary_contact",
		DayZero: policy.AddDays(today, -1)})
	must(err)
	_, err = a.Measures.RecordCheck(ctx, seedActor, all, m.ID, measure.CheckInput{Temp: "38.2"})
	must(err)
	p, err := a.Returnees.Poster(ctx, all, unit)
	must(err)
	_, err = a.Returnees.SubmitSelfReport(ctx, p.Token, returnee.SelfReport{Name: "自报人" + unit[9:], IDNumber: dbtest.ID("61011819900101" + unit[10:] + "9"),
		Address: "自报住址", OriginCode: "610113", ArrivedOn: today, IP: "192.0.2." + unit[11:]})
	must(err)
	_, _, err = a.Returnees.Record(ctx, seedActor, all, returnee.Arrival{PersonID: s.heads[2].ID, OriginText: "朝阳区",
		DepartedOn: policy.AddDays(today, -1), ArrivedOn: today, Source: returnee.SourceSweep})
	must(err)
	sw, err := a.Returnees.OpenSweep(ctx, seedActor, all, returnee.Sweep{Name: "排查" + unit[9:], UnitCode: unit, StartsOn: policy.AddDays(today, -1)})
	must(err)
	_, err = a.Returnees.MarkVisit(ctx, seedActor, all, returnee.Visit{SweepID: sw.ID, HouseholdID: s.hhs[0].ID, Present: "户主"})
	must(err)
	s.sweep = sw.ID
	return s
}

type todayItem struct {
	Key   string
	Count int
	Link  string
}

func todayItems(t *testing.T, c *apptest.Client, unit string) map[string]todayItem {
	t.Helper()
	status, body := c.API("GET", "/api/v1/today?unit="+unit, nil)
	if status != http.StatusOK {
		t.Fatalf("today of %s: %d %s", unit, status, body)
	}
	var out struct{ Items []todayItem }
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	items := map[string]todayItem{}
	for _, it := range out.Items {
		items[it.Key] = it
	}
	return items
}

// Each count of 今日待办 equals the length of the list it links to, for the
// village only; the township sees the sum of its villages; / leads a
// village or township cadre to it.
func TestTodayCountsEqualTheirLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		sa := seedToday(t, e, dbtest.VillageA, 3)
		seedToday(t, e, dbtest.VillageA2, 4)
		e.AddUser(t, "wgy", auth.RoleVillage, dbtest.VillageA)
		c := e.Login(t, "wgy", apptest.Password)
		if status, _ := c.Get("/"); status != http.StatusSeeOther || c.Location != "/today" {
			t.Fatalf("home: %d → %q", status, c.Location)
		}
		items := todayItems(t, c, "")
		get := func(path string, v any) {
			t.Helper()
			status, body := c.API("GET", path, nil)
			if status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, status, body)
			}
			if err := json.Unmarshal([]byte(body), v); err != nil {
				t.Fatal(err)
			}
		}
		q := "unit=" + dbtest.VillageA
		var push struct{ Total int }
		get("/api/v1/pushtasks?status=open&"+q, &push)
		var late struct{ Total int }
		get("/api/v1/pushtasks?status=overdue&"+q, &late)
		var work struct {
			Checks []struct {
				Daily int `json:"checks_daily"`
				Done  int `json:"checks_done"`
			}
			Tests []struct{ Sampled bool }
		}
		get("/api/v1/measures/work?"+q+"&day="+clock.Day(e.App.Config.Now()), &work)
		checks, tests := 0, 0
		for _, x := range work.Checks {
			if x.Done < x.Daily {
				checks++
			}
		}
		for _, x := range work.Tests {
			if !x.Sampled {
				tests++
			}
		}
		var alerts struct{ Alerts []any }
		get("/api/v1/measures/alerts?"+q, &alerts)
		var reports struct {
			List []any `json:"self_reports"`
		}
		get("/api/v1/selfreports?status="+url.QueryEscape("待确认")+"&"+q, &reports)
		var places struct{ Returnees []any }
		get("/api/v1/returnees?place="+url.QueryEscape("待核实")+"&"+q, &places)
		var sweep struct {
			NotVisited []any `json:"not_visited"`
		}
		get(fmt.Sprintf("/api/v1/sweeps/%d?%s", sa.sweep, q), &sweep)
		var handovers struct{ Handovers []any }
		get("/api/v1/handovers?status="+url.QueryEscape("待接收")+"&"+q, &handovers)
		var reported struct{ Missing int }
		get("/api/v1/reports?"+q, &reported)
		want := map[string]int{
			"report.missing":            reported.Missing, // the village's own daily report, not yet sent
			"todo.checkpoint.handovers": len(handovers.Handovers),
			"todo.push.open":            push.Total, "todo.push.overdue": late.Total,
			"todo.measure.checks": checks, "todo.measure.tests": tests, "todo.measure.alerts": len(alerts.Alerts),
			"todo.returnee.selfreports": len(reports.List), "todo.returnee.places": len(places.Returnees),
			"todo.sweep.left":      len(sweep.NotVisited),
			"todo.sentinel.buyers": 0,                            // no pharmacy registered a buyer of the village
			"todo.inspect.rectify": 0, "todo.inspect.overdue": 0, // no inspection found a problem there (supervision_cycle_test.go)
		}
		// The seed makes each of these one or more (push tasks aside).
		for _, k := range []string{"todo.measure.checks", "todo.measure.tests", "todo.measure.alerts", "todo.returnee.selfreports", "todo.returnee.places", "todo.sweep.left"} {
			if want[k] == 0 {
				t.Errorf("%s: the list is empty; the seed should fill it", k)
			}
		}
		if len(items) != len(want) {
			t.Errorf("today has %d items, want %d: %v", len(items), len(want), items)
		}
		for k, n := range want {
			if items[k].Count != n {
				t.Errorf("%s = %d, its list has %d", k, items[k].Count, n)
			}
			if status, _ := c.Get(items[k].Link); status != http.StatusOK {
				t.Errorf("%s links to %s: %d", k, items[k].Link, status)
			}
		}
		if got := items["todo.sweep.left"]; got.Count != 2 || !strings.HasPrefix(got.Link, fmt.Sprintf("/sweeps/%d?", sa.sweep)) {
			t.Errorf("sweep left %+v, want 2 households of sweep %d", got, sa.sweep)
		}
		// The page shows the same numbers; a sibling village is not found.
		status, body := c.Get("/today")
		if status != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`id="n-todo.sweep.left">%d<`, want["todo.sweep.left"])) {
			t.Errorf("today page: %d", status)
		}
		if status, _ := c.Get("/today?unit=" + dbtest.VillageA2); status != http.StatusNotFound {
			t.Errorf("sibling village's today: %d", status)
		}
		// The township: the sum of its villages.
		e.AddUser(t, "zjgb", auth.RoleTownship, dbtest.TownshipA)
		tc := e.Login(t, "zjgb", apptest.Password)
		if status, _ := tc.Get("/"); status != http.StatusSeeOther || tc.Location != "/today" {
			t.Errorf("township home: %d → %q", status, tc.Location)
		}
		town, other := todayItems(t, tc, ""), todayItems(t, tc, dbtest.VillageA2)
		for k, n := range want {
			if k == "report.missing" { // the township's own report counts too
				if got := town[k].Count; got != n+other[k].Count && got != n+other[k].Count+1 {
					t.Errorf("township %s = %d, want %d + %d (+ its own)", k, got, n, other[k].Count)
				}
				continue
			}
			if town[k].Count != n+other[k].Count {
				t.Errorf("township %s = %d, want %d + %d", k, town[k].Count, n, other[k].Count)
			}
		}
	})
}
