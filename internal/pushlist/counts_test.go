package pushlist_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/pushlist"
)

var countsSeed = flag.Int64("counts.seed", 0, "seed of TestTaskCountersMatchRecount (0: from the clock)")

// TestTaskCountersMatchRecount performs a seeded random mix of writes to
// the push tasks — list imports (matched, created, queued, duplicate and
// rejected rows), answers and re-answers, routing from a queue, a list
// withdrawn, and raw multi-row INSERT, UPDATE and DELETE statements, one of
// them rolled back — and compares push_task_counts with a full recount
// after every step, failing at the first difference. At the end every
// unit's task totals, card, 今日待办 and statistics (with the median time
// to verify) are checked against the rows. Run again with -counts.seed=N
// to repeat a failure.
func TestTaskCountersMatchRecount(t *testing.T) {
	t.Parallel()
	seed := dbtest.MixSeed(*countsSeed)
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		s, clk := setup(t, d)
		m := &taskMix{Mix: dbtest.NewMix(t, d, seed), s: s, clk: clk}
		m.people = []string{
			dbtest.ID("61011819800101" + "123"),
			dbtest.ID("61011819900202" + "456"),
		}
		seedPerson(t, d, dbtest.GroupA1, "张三", m.people[0], "1980-01-01", "13800000001")
		seedPerson(t, d, dbtest.VillageB, "李四", m.people[1], "1990-02-02", "13900000002")
		steps := []dbtest.Step{
			{Name: "import", Fn: m.importList}, {Name: "import", Fn: m.importList}, {Name: "answer", Fn: m.answer}, {Name: "answer", Fn: m.answer}, {Name: "answer", Fn: m.answer},
			{Name: "route", Fn: m.route}, {Name: "withdraw", Fn: m.withdraw}, {Name: "raw bulk insert", Fn: m.bulkInsert}, {Name: "raw multi-row update", Fn: m.bulkUpdate},
			{Name: "raw delete", Fn: m.rawDelete}, {Name: "rolled back", Fn: m.rolledBack}, {Name: "clock", Fn: m.tick},
		}
		done := m.Run(120, steps, "push_task_counts", m.compare)
		m.checkFigures()
		if done["import"] < 5 || done["answer"] < 5 {
			t.Errorf("the mix did too little: %v", done)
		}
	})
}

type taskMix struct {
	*dbtest.Mix
	s      *pushlist.Service
	clk    *clockAt
	people []string
}

var taskUnits = []string{dbtest.County, dbtest.TownshipA, dbtest.TownshipB, dbtest.VillageA, dbtest.GroupA1, dbtest.VillageA2, dbtest.VillageB}

// importList imports a list of a few rows: known people (matched, or
// duplicates on a repeat), new people by address (created), places only a
// township knows (queued) and empty rows (rejected).
func (m *taskMix) importList() {
	addresses := []string{"甘亭街道西街社区居委会5号", "东街社区居委会", "余下镇某地", "某省某地", ""}
	var rows [][]string
	for i := range 2 + m.Rng.Intn(6) {
		switch m.Rng.Intn(4) {
		case 0:
			p := m.people[m.Rng.Intn(len(m.people))]
			rows = append(rows, []string{fmt.Sprint(i + 1), "某人", p, "", "北京", "2026-11-19", ""})
		case 1:
			rows = append(rows, []string{fmt.Sprint(i + 1), "", "", "", "武汉", "", ""})
		default:
			rows = append(rows, []string{fmt.Sprint(i + 1), fmt.Sprintf("新人%d", m.Rng.Intn(1000)), "",
				fmt.Sprintf("137%08d", m.Rng.Intn(100000000)), "广州", "", addresses[m.Rng.Intn(len(addresses))]})
		}
	}
	b := xlsx(m.T, []string{"序号", "人员姓名", "证件号码", "联系电话", "出发地", "到达时间", "现住址"}, rows)
	_, err := m.s.Import(m.Ctx, centre, county, bytes.NewReader(b), int64(len(b)), pushlist.ImportOptions{Source: "公安",
		DeadlineHours: 1 + m.Rng.Intn(48)})
	m.OK(err)
}

func (m *taskMix) answer() {
	id := m.Pick("SELECT id FROM push_tasks WHERE status IN ('open', 'done') AND LENGTH(unit_code) >= 12")
	if id == 0 {
		return
	}
	results := []string{pushlist.ResultReturned, pushlist.ResultLeft, pushlist.ResultNotFound}
	_, err := m.s.AnswerTask(m.Ctx, centre, county, id, pushlist.Answer{Result: results[m.Rng.Intn(len(results))]})
	m.OK(err)
	// Answers come minutes to hours after the push: spread the times so
	// the medians mean something.
	m.Exec("UPDATE push_tasks SET answered_at = created_at + $1 WHERE id = $2 AND status = 'done'", m.Rng.Int63n(5*3600_000), id)
}

func (m *taskMix) route() {
	id := m.Pick("SELECT id FROM push_tasks WHERE status = 'open' AND LENGTH(unit_code) < 12")
	if id == 0 {
		return
	}
	villages := []string{dbtest.VillageA, dbtest.VillageA2, dbtest.VillageB, dbtest.GroupA1}
	_, err := m.s.RouteTask(m.Ctx, centre, county, id, villages[m.Rng.Intn(len(villages))], 0)
	m.OK(err)
}

func (m *taskMix) withdraw() {
	if m.Rng.Intn(3) > 0 {
		return // seldom: it takes every open task of a list
	}
	id := m.Pick("SELECT id FROM push_lists WHERE withdrawn_at = 0")
	if id == 0 {
		return
	}
	_, _, err := m.s.Withdraw(m.Ctx, centre, county, id)
	m.OK(err)
}

// bulkInsert copies a share of the tasks, moved to one unit, in one
// statement.
func (m *taskMix) bulkInsert() {
	m.Exec(`INSERT INTO push_tasks (list_id, row_no, raw, unit_code, outcome, status, deadline_at, answered_at, created_at)
		SELECT list_id, row_no + 1000, raw, $1, outcome, status, deadline_at + id % 2, answered_at, created_at
		FROM push_tasks WHERE id % 3 = $2`, taskUnits[m.Rng.Intn(len(taskUnits))], m.Rng.Intn(3))
}

// bulkUpdate moves, re-statuses and re-dates a share of the tasks in one
// statement (rows whose keys change and rows whose keys stay).
func (m *taskMix) bulkUpdate() {
	m.Exec(`UPDATE push_tasks SET unit_code = CASE WHEN id % 2 = 0 THEN $1 ELSE unit_code END,
		status = CASE WHEN id % 5 = 0 THEN 'open' WHEN id % 5 = 1 THEN 'done' ELSE status END,
		deadline_at = CASE WHEN id % 7 = 0 THEN deadline_at + 3600000 ELSE deadline_at END,
		result_note = 'x' WHERE id % 3 = $2`, taskUnits[m.Rng.Intn(len(taskUnits))], m.Rng.Intn(3))
}

func (m *taskMix) rawDelete() {
	m.Exec("DELETE FROM push_tasks WHERE id % 9 = $1", m.Rng.Intn(9))
}

func (m *taskMix) rolledBack() {
	boom := errors.New("boom")
	err := m.D.InTx(m.Ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE push_tasks SET unit_code = $1, status = 'done'", dbtest.VillageB); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM push_tasks WHERE id % 2 = 0"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		m.T.Fatalf("rolled back: %v", err)
	}
}

// tick moves the clock on, so some deadlines pass.
func (m *taskMix) tick() { m.clk.t = m.clk.t.Add(time.Duration(m.Rng.Intn(10)) * time.Hour) }

func (m *taskMix) rows(query string) []string {
	m.T.Helper()
	rows, err := m.D.R().QueryContext(m.Ctx, query)
	if err != nil {
		m.T.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var lvl, list, deadline, n int64
		var unit, status, outcome string
		if err := rows.Scan(&lvl, &unit, &list, &status, &outcome, &deadline, &n); err != nil {
			m.T.Fatal(err)
		}
		out = append(out, fmt.Sprint(lvl, unit, list, status, outcome, deadline, n))
	}
	if err := rows.Err(); err != nil {
		m.T.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func (m *taskMix) compare() string {
	got := m.rows("SELECT lvl, unit_code, list_id, status, outcome, deadline_at, n FROM push_task_counts")
	want := m.rows(`SELECT l.lvl, SUBSTR(unit_code, 1, l.lvl), list_id, status, outcome, deadline_at, COUNT(*)
		FROM push_tasks, (SELECT 9 AS lvl UNION ALL SELECT 12) l GROUP BY l.lvl, SUBSTR(unit_code, 1, l.lvl), list_id, status, outcome, deadline_at`)
	if slices.Equal(got, want) {
		return ""
	}
	return fmt.Sprintf("  counters %v\n  recount  %v", got, want)
}

// checkFigures compares every unit's task totals (each filter), card,
// 今日待办 and statistics with the same figures counted from the rows.
func (m *taskMix) checkFigures() {
	now := m.clk.t.UnixMilli()
	type task struct {
		unit, status, outcome string
		list, deadline, took  int64
	}
	rows, err := m.D.R().QueryContext(m.Ctx, "SELECT unit_code, status, outcome, list_id, deadline_at, answered_at - created_at FROM push_tasks")
	if err != nil {
		m.T.Fatal(err)
	}
	var all []task
	for rows.Next() {
		var x task
		if err := rows.Scan(&x.unit, &x.status, &x.outcome, &x.list, &x.deadline, &x.took); err != nil {
			m.T.Fatal(err)
		}
		all = append(all, x)
	}
	rows.Close()
	for _, u := range taskUnits {
		scope := jurisdiction.Grant(u)
		for _, f := range []pushlist.TaskFilter{{}, {Status: pushlist.StatusOpen}, {Status: pushlist.StatusDone}, {Status: "overdue"},
			{Status: "queue"}, {Status: pushlist.StatusDuplicate}, {Outcome: pushlist.OutcomeCreated}, {ListID: 1, Status: pushlist.StatusOpen}} {
			want := 0
			for _, x := range all {
				if !strings.HasPrefix(x.unit, u) || (f.ListID != 0 && x.list != f.ListID) || (f.Outcome != "" && x.outcome != f.Outcome) {
					continue
				}
				switch f.Status {
				case "":
				case "overdue":
					if x.status != pushlist.StatusOpen || x.deadline >= now {
						continue
					}
				case "queue":
					if x.status != pushlist.StatusOpen || len(x.unit) >= 12 {
						continue
					}
				default:
					if x.status != f.Status {
						continue
					}
				}
				want++
			}
			ts, n, err := m.s.Tasks(m.Ctx, scope, f)
			if err != nil || n != want || len(ts) != min(want, pushlist.PageSize) {
				m.T.Errorf("tasks of %s %+v: total %d, %d listed, %v; the rows give %d", u, f, n, len(ts), err, want)
			}
		}
		st, err := m.s.Stats(m.Ctx, scope)
		if err != nil {
			m.T.Fatal(err)
		}
		n := 12
		if len(u) < 9 {
			n = 9
		}
		var total pushlist.UnitStats
		for _, g := range st {
			total.Pushed += g.Pushed
			total.Verified += g.Verified
			total.Open += g.Open
			total.Overdue += g.Overdue
			var took []int64
			var open, overdue int
			for _, x := range all {
				if !strings.HasPrefix(x.unit, u) || x.unit[:min(len(x.unit), n)] != g.Code {
					continue
				}
				switch {
				case x.status == pushlist.StatusDone:
					took = append(took, x.took)
				case x.status == pushlist.StatusOpen:
					open++
					if x.deadline < now {
						overdue++
					}
				}
			}
			median := -1.0
			if len(took) > 0 {
				slices.Sort(took)
				median = float64(took[len(took)/2])
				if len(took)%2 == 0 {
					median = float64(took[len(took)/2-1]+took[len(took)/2]) / 2
				}
				median /= 60000
			}
			if g.Verified != len(took) || g.Open != open || g.Overdue != overdue || g.MedianMinutes != median || g.Queue != (len(g.Code) < n) {
				m.T.Errorf("stats of %s, row %s: %+v; the rows give %d verified, %d open, %d overdue, median %v", u, g.Code, g, len(took), open, overdue, median)
			}
		}
		card, err := m.s.Summary(m.Ctx, county, u, "")
		if err != nil {
			m.T.Fatal(err)
		}
		for _, fig := range card.Figures {
			want := map[string]int{"push.pushed": total.Pushed, "push.verified": total.Verified, "push.open": total.Open, "push.overdue": total.Overdue}[fig.Key]
			if fig.Value != want {
				m.T.Errorf("card of %s: %s = %d, the statistics give %d", u, fig.Key, fig.Value, want)
			}
		}
		todo, err := m.s.Todo(m.Ctx, county, u, "")
		if err != nil {
			m.T.Fatal(err)
		}
		for _, fig := range todo {
			want := map[string]int{"todo.push.open": total.Open, "todo.push.overdue": total.Overdue}[fig.Key]
			if fig.Value != want {
				m.T.Errorf("今日待办 of %s: %s = %d, the statistics give %d", u, fig.Key, fig.Value, want)
			}
		}
	}
}
