package retention_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/pushlist"
	"fangkong/internal/retention"
	"fangkong/internal/returnee"
	"fangkong/internal/site"
	"fangkong/internal/summary"
)

var (
	cadre  = audit.Actor{UserID: 1, Username: "cadre", Role: "command", Unit: dbtest.County}
	county = jurisdiction.Grant(dbtest.County)
)

// world is an app on a settable clock with, of each kind, one record past
// its period (in VillageA), one inside it, and one still in use.
type world struct {
	t   *testing.T
	d   *db.DB
	a   *app.App
	now time.Time
	old map[string]int64 // kind → id of the record past its period
	new map[string]int64 // kind → id of the record inside it
	use map[string]int64 // kind → id of the record still in use (open, pending)
	tok string           // the purged measure's personal link
}

func (w *world) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) person(unit, name string) int64 {
	var id int64
	w.must(w.d.W().QueryRow(`INSERT INTO people (name, unit_code, phone, created_at, updated_at) VALUES ($1, $2, '13912345678', 0, 0) RETURNING id`,
		name, unit).Scan(&id))
	return id
}

// measure assigns a close-contact measure, records a feverish check (an
// alert) and, unless open, marks it released today.
func (w *world) measure(unit, name string, open bool) int64 {
	ctx := context.Background()
	p := w.person(unit, name)
	m, err := w.a.Measures.Assign(ctx, cadre, county, measure.AssignInput{PersonID: p, Category: "close_contact",
		DayZero: clock.Day(w.now.AddDate(0, 0, -2)), Place: "某市某区", Note: "流调：某餐馆"})
	w.must(err)
	_, err = w.a.Measures.RecordCheck(ctx, cadre, county, m.ID, measure.CheckInput{Temp: "38.5", Symptoms: []string{"发热"}})
	w.must(err)
	if !open {
		_, err = w.d.W().Exec(`UPDATE measures SET status = 'released', released_on = $1, released_at = $2 WHERE id = $3`,
			clock.Day(w.now), w.now.UnixMilli(), m.ID)
		w.must(err)
	}
	return m.ID
}

// list imports a two-row list and answers the first row.
func (w *world) list() (answered, open int64) {
	ctx := context.Background()
	csv := []byte("姓名,身份证号,手机号,地址\n张推送,,13800001111,西街社区\n李推送,,13800002222,西街社区\n")
	l, err := w.a.PushLists.Import(ctx, cadre, county, bytes.NewReader(csv), int64(len(csv)), pushlist.ImportOptions{Source: "公安",
		Mapping: map[string]string{"name": "姓名", "id_number": "身份证号", "phone": "手机号", "address": "地址"}})
	w.must(err)
	tasks, _, err := w.a.PushLists.Tasks(ctx, county, pushlist.TaskFilter{ListID: l.ID})
	w.must(err)
	if len(tasks) != 2 {
		w.t.Fatalf("%d tasks", len(tasks))
	}
	_, err = w.a.PushLists.AnswerTask(ctx, cadre, county, tasks[0].ID, pushlist.Answer{Result: pushlist.ResultLeft, Note: "电话核实已离开"})
	w.must(err)
	return tasks[0].ID, tasks[1].ID
}

// report submits a self-report; unless open, it is rejected now.
func (w *world) report(name string, open bool) int64 {
	ctx := context.Background()
	p, err := w.a.Returnees.Poster(ctx, county, dbtest.VillageA)
	w.must(err)
	id, err := w.a.Returnees.SubmitSelfReport(ctx, p.Token, returnee.SelfReport{Name: name, IDNumber: dbtest.ID(fmt.Sprintf("61011819900101%03d", w.now.Day()*10+len(name))),
		Phone: "13800003333", Address: "西街1号", OriginCode: "610113", ArrivedOn: clock.Day(w.now), IP: "10.0.0.1"})
	w.must(err)
	if !open {
		w.must(w.a.Returnees.RejectSelfReport(ctx, cadre, county, id))
	}
	return id
}

// stay records a stay at the site, closed now unless open.
func (w *world) stay(siteID int64, name string, open bool) int64 {
	p := w.person(dbtest.VillageA, name)
	status, isOpen, checkout := "checked_out", 0, w.now.UnixMilli()
	if open {
		status, isOpen, checkout = "checked_in", 1, 0
	}
	var id int64
	w.must(w.d.W().QueryRow(`INSERT INTO site_stays (site_id, person_id, status, open, reason, from_place, vehicle, checkin_at, checkout_at,
		outcome, outcome_to, note, created_at, updated_at) VALUES ($1, $2, $3, $4, '密切接触者', '某市某区', '陕A12345', $5, $6, '解除隔离', '居家', '随行家属', $5, $5)
		RETURNING id`, siteID, p, status, isOpen, w.now.UnixMilli(), checkout).Scan(&id))
	return id
}

func (w *world) cards() []summary.Card {
	var out []summary.Card
	for _, src := range w.a.Summaries {
		c, err := src.Source.Summary(context.Background(), county, dbtest.County, clock.Day(w.now))
		w.must(err)
		out = append(out, c)
	}
	return out
}

// personal is every personal column the purge may clear, as one string.
func (w *world) personal() string {
	var parts []string
	for _, q := range []string{
		"SELECT COALESCE(STRING_AGG(CAST(temp_tenths AS TEXT) || symptoms, ','), '') FROM measure_checks",
		"SELECT COALESCE(STRING_AGG(detail || handling, ','), '') FROM measure_alerts",
		"SELECT COALESCE(STRING_AGG(token || note || place || explanation, ','), '') FROM measures",
		"SELECT COALESCE(STRING_AGG(raw || name || phone || address || result_note, ','), '') FROM push_tasks",
		"SELECT COALESCE(STRING_AGG(name || id_number || phone || address, ','), '') FROM self_reports",
		"SELECT COALESCE(STRING_AGG(from_place || vehicle || note || outcome_to, ','), '') FROM site_stays",
	} {
		if w.d.Dialect == db.SQLite {
			q = strings.ReplaceAll(q, "STRING_AGG(", "GROUP_CONCAT(")
		}
		var s string
		w.must(w.d.R().QueryRow(q).Scan(&s))
		parts = append(parts, s)
	}
	return strings.Join(parts, "|")
}

func (w *world) rows() string {
	var n [6]int
	w.must(w.d.R().QueryRow(`SELECT (SELECT COUNT(*) FROM measures), (SELECT COUNT(*) FROM measure_checks), (SELECT COUNT(*) FROM measure_alerts),
		(SELECT COUNT(*) FROM push_tasks), (SELECT COUNT(*) FROM self_reports), (SELECT COUNT(*) FROM site_stays)`).Scan(&n[0], &n[1], &n[2], &n[3], &n[4], &n[5]))
	return fmt.Sprint(n)
}

func (w *world) purges() int {
	var n int
	w.must(w.d.R().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'purge'").Scan(&n))
	return n
}

func due(lines []retention.Line) map[string]int {
	out := map[string]int{}
	for _, l := range lines {
		if l.Rows > 0 {
			out[l.Key] = l.Rows
		}
	}
	return out
}

// A purge clears what is past its period, keeps what is inside it or still
// in use, changes no count, and is audited by count; its dry run writes
// nothing and predicts it exactly.
func TestRetentionPurge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		w := &world{t: t, d: d, now: time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC), old: map[string]int64{}, new: map[string]int64{}, use: map[string]int64{}}
		var err error
		w.a, err = app.WithDB(app.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return w.now }}, d)
		w.must(err)
		x, err := w.a.Sites.CreateSite(ctx, cadre, county, site.Site{UnitCode: dbtest.County, Name: "一号隔离点"})
		w.must(err)

		// Day 0: the records that will be past their period.
		w.old["measure_details"] = w.measure(dbtest.VillageA, "解除甲", false)
		w.must(d.R().QueryRow("SELECT token FROM measures WHERE id = $1", w.old["measure_details"]).Scan(&w.tok))
		w.old["push_rows"], w.use["push_rows"] = w.list()
		w.old["self_reports"] = w.report("自报甲", false)
		w.use["self_reports"] = w.report("自报乙", true)
		w.old["site_stays"] = w.stay(x.ID, "隔离甲", false)
		w.use["site_stays"] = w.stay(x.ID, "隔离乙", true)
		w.use["measure_details"] = w.measure(dbtest.VillageA, "管控中", true)
		// Day 20: records inside their period on day 31.
		w.now = w.now.AddDate(0, 0, 20)
		w.new["measure_details"] = w.measure(dbtest.VillageB, "解除乙", false)
		w.new["push_rows"], _ = w.list()
		w.new["self_reports"] = w.report("自报丙", false)
		w.new["site_stays"] = w.stay(x.ID, "隔离丙", false)
		// Day 31.
		w.now = w.now.AddDate(0, 0, 11)

		beforeCards, beforeRows, beforePersonal := w.cards(), w.rows(), w.personal()
		report, err := w.a.Retention.Report(ctx, county)
		w.must(err)
		want := map[string]int{"measure_details": 1, "push_rows": 1, "self_reports": 1, "site_stays": 1}
		if got := due(report); !reflect.DeepEqual(got, want) {
			t.Errorf("dry run: %v, want %v", got, want)
		}
		if w.personal() != beforePersonal || w.rows() != beforeRows || w.purges() != 0 {
			t.Fatal("the dry run changed data or wrote the audit log")
		}
		// The dry run is scoped: VillageB has nothing due.
		inB, err := w.a.Retention.Report(ctx, jurisdiction.Grant(dbtest.VillageB))
		w.must(err)
		if got := due(inB); got["measure_details"]+got["push_rows"]+got["self_reports"] != 0 {
			t.Errorf("dry run in VillageB: %v", got)
		}

		done, err := w.a.Retention.Run(ctx)
		w.must(err)
		if got := due(done); !reflect.DeepEqual(got, want) {
			t.Errorf("run: %v, want %v", got, want)
		}
		if w.rows() != beforeRows {
			t.Errorf("rows %s, were %s: a purge anonymises, it does not delete", w.rows(), beforeRows)
		}
		if after := w.cards(); !reflect.DeepEqual(after, beforeCards) {
			t.Errorf("summary cards changed:\nbefore %+v\nafter  %+v", beforeCards, after)
		}
		if n := w.purges(); n != 4 {
			t.Errorf("%d audit entries of the purge, want 4 (one per kind, all in one county)", n)
		}
		var summaryText string
		d.R().QueryRow("SELECT summary FROM audit_log WHERE action = 'purge' AND entity_id = 'measure_details'").Scan(&summaryText)
		if !strings.Contains(summaryText, " 1 条") || strings.Contains(summaryText, "解除甲") {
			t.Errorf("audit summary %q: want the count, not the contents", summaryText)
		}

		// What was cleared, and what was kept.
		cleared := map[string]string{
			"measure_details": "SELECT CAST(temp_tenths AS TEXT) || symptoms FROM measure_checks WHERE measure_id = $1",
			"push_rows":       "SELECT raw || name || phone || address || result_note FROM push_tasks WHERE id = $1",
			"self_reports":    "SELECT name || id_number || phone || address FROM self_reports WHERE id = $1",
			"site_stays":      "SELECT from_place || vehicle || note || outcome_to FROM site_stays WHERE id = $1",
		}
		for kind, q := range cleared {
			var got string
			w.must(d.R().QueryRow(q, w.old[kind]).Scan(&got))
			if got != "0" && got != "" {
				t.Errorf("%s past its period: still %q", kind, got)
			}
			for _, id := range []int64{w.new[kind], w.use[kind]} {
				if id == 0 {
					continue
				}
				w.must(d.R().QueryRow(q, id).Scan(&got))
				if got == "0" || got == "" {
					t.Errorf("%s %d inside its period or in use was cleared", kind, id)
				}
			}
		}
		var detail, token, place, expl string
		d.R().QueryRow("SELECT detail FROM measure_alerts WHERE measure_id = $1", w.old["measure_details"]).Scan(&detail)
		d.R().QueryRow("SELECT token, place, explanation FROM measures WHERE id = $1", w.old["measure_details"]).Scan(&token, &place, &expl)
		if detail != "" || token == w.tok || place != "" || strings.Contains(expl, "某市某区") {
			t.Errorf("measure past its period: alert %q, token %q, place %q, explanation %q", detail, token, place, expl)
		}
		if _, err := w.a.Measures.ByToken(ctx, w.tok); err == nil {
			t.Error("the purged personal link still opens")
		}
		// Nothing more to do: a second run clears nothing and writes nothing.
		again, err := w.a.Retention.Run(ctx)
		w.must(err)
		if got := due(again); got["measure_details"]+got["push_rows"]+got["self_reports"]+got["site_stays"] != 0 || w.purges() != 4 {
			t.Errorf("second run: %v, %d audit entries", got, w.purges())
		}
	})
}

func TestParseAndConfigureDays(t *testing.T) {
	kinds := []retention.Kind{{Key: "a", Days: 30}, {Key: "b", Days: 30}}
	for in, want := range map[string][2]int{"": {30, 30}, "7": {7, 7}, "b=0": {30, 0}, "a=14, b=60": {14, 60}} {
		days, err := retention.ParseDays(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		got, err := retention.Configure(kinds, days)
		if err != nil || got[0].Days != want[0] || got[1].Days != want[1] {
			t.Errorf("%q: %+v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"-1", "a", "a=x", "a=-3", "=5"} {
		if _, err := retention.ParseDays(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := retention.Configure(kinds, map[string]int{"c": 3}); err == nil {
		t.Error("an unknown kind accepted")
	}
}
