package pushlist_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/place"
	"fangkong/internal/pushlist"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
	"fangkong/internal/sheet"
)

var (
	centre  = audit.Actor{UserID: 1, Username: "centre", Role: "command", Unit: dbtest.County}
	worker  = audit.Actor{UserID: 2, Username: "worker", Role: "village", Unit: dbtest.VillageA}
	county  = jurisdiction.Grant(dbtest.County)
	townA   = jurisdiction.Grant(dbtest.TownshipA)
	villA   = jurisdiction.Grant(dbtest.VillageA)
	villB   = jurisdiction.Grant(dbtest.VillageB)
	baseDay = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
)

// clockAt is a settable clock for deadlines.
type clockAt struct{ t time.Time }

func (c *clockAt) now() time.Time { return c.t }

// setup builds the push-list service alone: answers 在村 record no arrival.
func setup(t *testing.T, d *db.DB) (*pushlist.Service, *clockAt) {
	return setupWith(t, d, func(*jurisdiction.Store) pushlist.ArrivalRecorder { return pushlist.NoArrivals })
}

func setupWith(t *testing.T, d *db.DB, arrivals func(*jurisdiction.Store) pushlist.ArrivalRecorder) (*pushlist.Service, *clockAt) {
	t.Helper()
	dbtest.Tree(t, d)
	c := &clockAt{t: baseDay}
	units := jurisdiction.NewStore(d, c.now)
	return pushlist.NewService(d, units, arrivals(units), place.CodesOnly(), c.now), c
}

// ledger is the returnee ledger without control measures.
func ledger(d *db.DB) func(*jurisdiction.Store) pushlist.ArrivalRecorder {
	return func(units *jurisdiction.Store) pushlist.ArrivalRecorder {
		return returnee.NewService(d, registry.NewService(d, units, time.Now), units, riskarea.NewLookup(d, riskarea.NoNames),
			returnee.NoAssign, time.Now)
	}
}

// seedPerson registers a person in a new household of unit.
func seedPerson(t testing.TB, d *db.DB, unit, name, idn, birth, phone string) int64 {
	t.Helper()
	ctx := context.Background()
	var hh, id int64
	if err := d.W().QueryRowContext(ctx, `INSERT INTO households (no, unit_code, address, created_at, updated_at)
		VALUES ($1, $2, '', 0, 0) RETURNING id`, fmt.Sprintf("%s%06d", unit[:12], time.Now().UnixNano()%1000000), unit).Scan(&hh); err != nil {
		t.Fatal(err)
	}
	var idv any
	if idn != "" {
		idv = idn
	}
	if err := d.W().QueryRowContext(ctx, `INSERT INTO people (id_number, name, birth_date, phone, household_id, unit_code, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, 0, 0) RETURNING id`, idv, name, birth, phone, hh, unit).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func xlsx(t testing.TB, headers []string, rows [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := sheet.NewWriter(&b, "名单", headers, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.WriteRow(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func importBytes(t *testing.T, s *pushlist.Service, b []byte, opt pushlist.ImportOptions) pushlist.List {
	t.Helper()
	l, err := s.Import(context.Background(), centre, county, bytes.NewReader(b), int64(len(b)), opt)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func byRow(t *testing.T, s *pushlist.Service, listID int64) map[int]pushlist.Task {
	t.Helper()
	out := map[int]pushlist.Task{}
	for page := 0; ; page++ {
		ts, _, err := s.Tasks(context.Background(), county, pushlist.TaskFilter{ListID: listID, Page: page})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ts {
			out[x.RowNo] = x
		}
		if len(ts) < pushlist.PageSize {
			return out
		}
	}
}

const id17A = "61011819800101123" // 鄠邑区, born 1980-01-01
const id17B = "61011819900202456"

func TestImportMatchRouteAndAccount(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, clk := setup(t, d)
		zhang := seedPerson(t, d, dbtest.GroupA1, "张三", dbtest.ID(id17A), "1980-01-01", "13800000001")
		li := seedPerson(t, d, dbtest.VillageB, "李四", dbtest.ID(id17B), "1990-02-02", "13900000002")
		wang := seedPerson(t, d, dbtest.VillageA2, "王五", "", "1975-05-05", "")
		headers := []string{"序号", "人员姓名", "证件号码", "联系电话", "出发地", "到达时间", "现住址"}
		rows := [][]string{
			{"1", "张三", dbtest.ID(id17A), "", "北京市朝阳区", "2026-11-19", ""},            // 2 ID
			{"2", "李 四", "", "+86 139-0000-0002", "上海", "2026/11/18", ""},            // 3 phone
			{"3", "王五", "", "", "广州", "", "余下镇东街社区居委会"},                              // 4 unmatched, address
			{"4", "王五", "610118197505050000", "", "", "", ""},                        // 5 rounded by Excel → name+birth
			{"5", "赵六", "", "13700000003", "", "", "甘亭街道西街社区居委会5号"},                  // 6 created by address
			{"6", "钱七", "", "13700000004", "", "", "余下镇某地"},                          // 7 township queue
			{"7", "孙八", dbtest.ID("61011219850101001"), "", "", "", ""},              // 8 county queue (unknown place)
			{"8", "", "", "", "武汉", "", ""},                                          // 9 rejected
			{"9", "张三", "６１０１１８１９８００１０１１２３" + dbtest.ID(id17A)[17:], "", "", "", ""}, // 10 full-width: duplicate of row 2
			{"10", "李四", "610118900202456", "", "", "", ""},                          // 11 15-digit ID: duplicate of row 3
			{"11", "吴十", dbtest.ID("11010119800101003"), "", "", "", "东街社区居委会"},      // 12 created, A2
		}
		l := importBytes(t, s, xlsx(t, headers, rows), pushlist.ImportOptions{Source: "公安", DeadlineHours: 12})
		if l.Rows != len(rows) || l.Accounted() != l.Rows {
			t.Fatalf("rows %d, accounted %d: %+v", l.Rows, l.Accounted(), l)
		}
		tk := byRow(t, s, l.ID)
		check := func(row int, outcome, unit string, person int64, match string) {
			t.Helper()
			x, ok := tk[row]
			if !ok {
				t.Fatalf("row %d missing", row)
			}
			if x.Outcome != outcome || x.UnitCode != unit || x.PersonID != person || (match != "" && x.MatchMethod != match) {
				t.Errorf("row %d: got %s %s person %d %q (%s; %s), want %s %s %d %q", row, x.Outcome, x.UnitCode, x.PersonID,
					x.MatchMethod, x.RouteMethod, x.Reason, outcome, unit, person, match)
			}
		}
		check(2, pushlist.OutcomeMatched, dbtest.GroupA1, zhang, "身份证号")
		check(3, pushlist.OutcomeMatched, dbtest.VillageB, li, "手机号")
		check(4, pushlist.OutcomeCreated, dbtest.VillageA2, 0, "")
		check(5, pushlist.OutcomeMatched, dbtest.VillageA2, wang, "姓名+出生日期")
		check(6, pushlist.OutcomeCreated, dbtest.VillageA, 0, "")
		check(7, pushlist.OutcomeQueued, dbtest.TownshipB, 0, "")
		check(8, pushlist.OutcomeQueued, dbtest.County, 0, "")
		check(9, pushlist.OutcomeRejected, dbtest.County, 0, "")
		check(10, pushlist.OutcomeDuplicate, dbtest.GroupA1, zhang, "身份证号")
		check(11, pushlist.OutcomeDuplicate, dbtest.VillageB, li, "身份证号")
		check(12, pushlist.OutcomeCreated, dbtest.VillageA2, 0, "")
		if !strings.Contains(tk[5].Reason, "被表格软件改写") {
			t.Errorf("an ID number Excel rounded not noted: %q", tk[5].Reason)
		}
		if tk[10].DupOf != tk[2].ID || !strings.Contains(tk[10].Reason, "第2行") {
			t.Errorf("duplicate not linked: %+v", tk[10])
		}
		if tk[9].Reason == "" {
			t.Error("rejected row without reason")
		}
		if tk[4].ArrivalDate != "" || tk[3].ArrivalDate != "2026-11-18" || tk[3].Phone != "13900000002" || tk[3].Name != "李四" {
			t.Errorf("normalisation: %+v", tk[3])
		}
		if want := baseDay.Add(12 * time.Hour).UnixMilli(); tk[2].DeadlineAt != want {
			t.Errorf("deadline %d, want %d", tk[2].DeadlineAt, want)
		}

		// A repeat push of the same person links to the open task.
		l2 := importBytes(t, s, xlsx(t, []string{"姓名", "身份证号"}, [][]string{{"张三", dbtest.ID(id17A)}, {"新人", ""}}), pushlist.ImportOptions{Source: "电信运营商"})
		tk2 := byRow(t, s, l2.ID)
		if tk2[2].Outcome != pushlist.OutcomeDuplicate || tk2[2].DupOf != tk[2].ID {
			t.Errorf("repeat push: %+v", tk2[2])
		}
		if tk2[3].Outcome != pushlist.OutcomeQueued || l2.Accounted() != 2 {
			t.Errorf("second list: %+v / %+v", tk2[3], l2)
		}

		// Scope: village A sees its group's task, not village B's.
		if _, err := s.ViewTask(ctx, worker, villA, tk[3].ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("village A viewing village B's task: %v", err)
		}
		if _, err := s.ViewTask(ctx, worker, villA, tk[7].ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("village A viewing a township queue: %v", err)
		}
		ts, _, err := s.Tasks(ctx, villA, pushlist.TaskFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ts {
			if !villA.Contains(x.UnitCode) {
				t.Errorf("village A lists %s", x.UnitCode)
			}
		}
		if _, _, err := s.Tasks(ctx, villA, pushlist.TaskFilter{Unit: dbtest.VillageB}); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("village A filtering village B: %v", err)
		}

		// Answer, with version check; queued tasks need routing first.
		got, err := s.AnswerTask(ctx, worker, villA, tk[2].ID, pushlist.Answer{Result: pushlist.ResultReturned, Version: tk[2].Version})
		if err != nil || got.Status != pushlist.StatusDone || got.Result != pushlist.ResultReturned {
			t.Fatalf("answer: %v %+v", err, got)
		}
		if _, err := s.AnswerTask(ctx, worker, villA, tk[2].ID, pushlist.Answer{Result: pushlist.ResultLeft, Version: tk[2].Version}); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("stale answer: %v", err)
		}
		if _, err := s.AnswerTask(ctx, worker, villA, tk[2].ID, pushlist.Answer{Result: "不知道"}); !errs.IsInvalid(err) {
			t.Errorf("bad result: %v", err)
		}
		if _, err := s.AnswerTask(ctx, centre, county, tk[7].ID, pushlist.Answer{Result: pushlist.ResultNotFound}); !errs.IsInvalid(err) {
			t.Errorf("answering a queued task: %v", err)
		}
		if _, err := s.RouteTask(ctx, centre, townA, tk[7].ID, dbtest.VillageA, 0); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("township A routing township B's queue: %v", err)
		}
		if _, err := s.RouteTask(ctx, centre, jurisdiction.Grant(dbtest.TownshipB), tk[7].ID, dbtest.VillageA, 0); !errs.IsInvalid(err) {
			t.Errorf("routing outside scope: %v", err)
		}
		r, err := s.RouteTask(ctx, centre, jurisdiction.Grant(dbtest.TownshipB), tk[7].ID, dbtest.VillageB, 0)
		if err != nil || r.UnitCode != dbtest.VillageB || r.Queued() {
			t.Fatalf("route: %v %+v", err, r)
		}
		if _, err := s.AnswerTask(ctx, worker, villB, r.ID, pushlist.Answer{Result: pushlist.ResultNotFound}); err != nil {
			t.Fatal(err)
		}

		// Overdue after the deadline; stats per township.
		clk.t = baseDay.Add(13 * time.Hour)
		od, n, err := s.Tasks(ctx, county, pushlist.TaskFilter{Status: "overdue", ListID: l.ID})
		if err != nil || n == 0 || len(od) != n {
			t.Fatalf("overdue: %v %d", err, n)
		}
		st, err := s.Stats(ctx, county)
		if err != nil {
			t.Fatal(err)
		}
		sum := map[string]pushlist.UnitStats{}
		for _, u := range st {
			sum[u.Code] = u
		}
		if a := sum[dbtest.TownshipA]; a.Verified != 1 || a.Overdue == 0 || a.MedianMinutes < 0 || a.Name != "甘亭街道" {
			t.Errorf("township A stats: %+v", a)
		}
		if c := sum[dbtest.County]; !c.Queue || c.Open == 0 {
			t.Errorf("county queue stats: %+v", c)
		}
		lst, err := s.GetList(ctx, county, l.ID)
		if err != nil || lst.Done != 2 || lst.Overdue == 0 {
			t.Errorf("list counts: %v %+v", err, lst)
		}
		if _, err := s.GetList(ctx, townA, l.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("township viewing the county's list: %v", err)
		}

		// Feedback: same rows in the same order with the result columns.
		var fb bytes.Buffer
		n, err = s.Feedback(ctx, centre, county, l.ID, &fb)
		if err != nil || n != l.Rows {
			t.Fatalf("feedback: %v %d", err, n)
		}
		rd, err := sheet.Open(bytes.NewReader(fb.Bytes()), int64(fb.Len()))
		if err != nil {
			t.Fatal(err)
		}
		if h := rd.Header(); len(h) != len(headers)+len(pushlist.FeedbackHeaders) || h[len(headers)] != "核查结果" {
			t.Fatalf("feedback header %v", h)
		}
		i := 0
		for rd.Next() {
			row := rd.Row()
			if row[0] != rows[i][0] {
				t.Errorf("feedback row %d is %v", i, row)
			}
			if i == 0 && row[len(headers)] != pushlist.ResultReturned {
				t.Errorf("feedback result %v", row)
			}
			i++
		}
		if i != len(rows) {
			t.Errorf("feedback has %d rows", i)
		}
		var audits int
		d.R().QueryRow("SELECT COUNT(*) FROM audit_log WHERE entity = 'pushlist'").Scan(&audits)
		if audits != 3 {
			t.Errorf("pushlist audits %d", audits)
		}
		_ = sql.ErrNoRows
	})
}

func TestMappingRememberedPerSource(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := setup(t, d)
		headers := []string{"XM", "SFZH", "SJ"}
		if _, err := s.Import(ctx, centre, county, bytes.NewReader(xlsx(t, headers, nil)), 0, pushlist.ImportOptions{Source: "交通运输"}); err == nil {
			t.Fatal("unguessable headers imported")
		}
		b := xlsx(t, headers, [][]string{{"张三", "", "13800000009"}})
		m := map[string]string{pushlist.FieldName: "XM", pushlist.FieldIDNumber: "SFZH", pushlist.FieldPhone: "SJ"}
		importBytes(t, s, b, pushlist.ImportOptions{Source: "交通运输", Mapping: m})
		got, saved, err := s.SuggestMapping(ctx, "交通运输", headers)
		if err != nil || !saved || got[pushlist.FieldIDNumber] != "SFZH" {
			t.Fatalf("saved mapping: %v %v %v", err, saved, got)
		}
		l := importBytes(t, s, b, pushlist.ImportOptions{Source: "交通运输"})
		if l.Rows != 1 || l.Duplicates != 1 {
			t.Errorf("second import with the saved mapping: %+v", l)
		}
		g := pushlist.GuessMapping([]string{"姓名", "身份证号码", "手机号码", "到达时间", "现住址"})
		if g[pushlist.FieldIDNumber] != "身份证号码" || g[pushlist.FieldAddress] != "现住址" || g[pushlist.FieldArrival] != "到达时间" {
			t.Errorf("guess %v", g)
		}
	})
}

// TestInVillageRecordsArrival: the answer 在村 records the arrival in the
// returnee ledger with the source 大数据推送, for a registered person and for
// one the registry does not know yet.
func TestInVillageRecordsArrival(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := setupWith(t, d, ledger(d))
		zhang := seedPerson(t, d, dbtest.VillageA, "张三", dbtest.ID(id17A), "1980-01-01", "13800000001")
		l := importBytes(t, s, xlsx(t, []string{"姓名", "身份证号", "手机号", "出发地", "到达日期", "地址"}, [][]string{
			{"张三", dbtest.ID(id17A), "", "北京市朝阳区", "2026-11-19", ""},
			{"新来", "", "13700000011", "上海", "2026-11-18", "西街社区"},
		}), pushlist.ImportOptions{Source: "公安"})
		tk := byRow(t, s, l.ID)
		got, err := s.AnswerTask(ctx, worker, villA, tk[2].ID, pushlist.Answer{Result: pushlist.ResultInVillage})
		if err != nil || got.ArrivalID == 0 {
			t.Fatalf("answer 在村: %v %+v", err, got)
		}
		var pid int64
		var src, arrived string
		if err := d.R().QueryRow("SELECT person_id, arrived_on FROM returnees WHERE id = $1", got.ArrivalID).Scan(&pid, &arrived); err != nil {
			t.Fatal(err)
		}
		d.R().QueryRow("SELECT sources FROM returnees WHERE id = $1", got.ArrivalID).Scan(&src)
		if pid != zhang || arrived != "2026-11-19" || !strings.Contains(src, returnee.SourcePush) {
			t.Errorf("arrival: person %d arrived %s source %q", pid, arrived, src)
		}
		if _, err := s.AnswerTask(ctx, worker, villA, tk[3].ID, pushlist.Answer{Result: pushlist.ResultInVillage}); err == nil {
			t.Error("an unknown person without ID number registered without sex and birth date")
		}
		got, err = s.AnswerTask(ctx, worker, villA, tk[3].ID, pushlist.Answer{Result: pushlist.ResultInVillage, Sex: "女", BirthDate: "1995-03-04"})
		if err != nil || got.ArrivalID == 0 {
			t.Fatalf("answer 在村 for a new person: %v %+v", err, got)
		}
	})
}

// thenFail records through the real ledger, checks it runs inside the
// answer's transaction, then fails as a later step would: by itself, or by
// a concurrent answer bumping the task's version (the answer's own UPDATE
// then conflicts).
type thenFail struct {
	d       *db.DB
	ledger  pushlist.ArrivalRecorder
	fail    error
	bump    int64
	outside bool
}

func (r *thenFail) Record(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, a returnee.Arrival) (returnee.Arrival, bool, error) {
	if !r.d.InTransaction(ctx) {
		r.outside = true
	}
	out, merged, err := r.ledger.Record(ctx, actor, scope, a)
	if err != nil {
		return out, merged, err
	}
	if r.bump != 0 {
		if _, err := r.d.Writer(ctx).ExecContext(ctx, "UPDATE push_tasks SET version = version + 1 WHERE id = $1", r.bump); err != nil {
			return out, merged, err
		}
	}
	return out, merged, r.fail
}

// TestInVillageIsOneTransaction: the answer 在村, the person it registers
// and the arrival it records commit together; when a step after the
// arrival fails, neither the person nor the arrival stays and the task is
// still open.
func TestInVillageIsOneTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		stub := &thenFail{d: d, fail: errors.New("later step failed")}
		s, _ := setupWith(t, d, func(units *jurisdiction.Store) pushlist.ArrivalRecorder {
			stub.ledger = ledger(d)(units)
			return stub
		})
		l := importBytes(t, s, xlsx(t, []string{"姓名", "手机号", "出发地", "到达日期", "地址"}, [][]string{
			{"新来", "13700000011", "上海", "2026-11-18", "西街社区"},
		}), pushlist.ImportOptions{Source: "公安"})
		tk := byRow(t, s, l.ID)[2]
		if tk.UnitCode == "" || tk.Queued() {
			t.Fatalf("task not routed to a village: %+v", tk)
		}
		count := func(q string) int {
			var n int
			if err := d.R().QueryRow(q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		people, arrivals := count("SELECT COUNT(*) FROM people"), count("SELECT COUNT(*) FROM returnees")
		answer := pushlist.Answer{Result: pushlist.ResultInVillage, Sex: "女", BirthDate: "1995-03-04"}
		check := func(step string, err, want error) {
			t.Helper()
			if !errors.Is(err, want) {
				t.Fatalf("%s: %v, want %v", step, err, want)
			}
			if p, a := count("SELECT COUNT(*) FROM people"), count("SELECT COUNT(*) FROM returnees"); p != people || a != arrivals {
				t.Errorf("%s: people %d→%d, arrivals %d→%d", step, people, p, arrivals, a)
			}
			got, err := byRow(t, s, l.ID)[2], error(nil)
			if err != nil || got.Status != pushlist.StatusOpen || got.ArrivalID != 0 || got.Version != tk.Version {
				t.Errorf("%s: task %+v %v", step, got, err)
			}
		}
		_, err := s.AnswerTask(ctx, worker, villA, tk.ID, answer)
		check("failing step after the arrival", err, stub.fail)
		stub.fail, stub.bump = nil, tk.ID
		_, err = s.AnswerTask(ctx, worker, villA, tk.ID, answer)
		check("concurrent answer", err, errs.ErrConflict)
		if stub.outside {
			t.Error("the ledger recorded outside the answer's transaction")
		}
		stub.bump = 0
		got, err := s.AnswerTask(ctx, worker, villA, tk.ID, answer)
		if err != nil || got.ArrivalID == 0 || got.Status != pushlist.StatusDone {
			t.Fatalf("answer: %+v %v", got, err)
		}
		if p, a := count("SELECT COUNT(*) FROM people"), count("SELECT COUNT(*) FROM returnees"); p != people+1 || a != arrivals+1 {
			t.Errorf("after the answer: people %d→%d, arrivals %d→%d", people, p, arrivals, a)
		}
	})
}
