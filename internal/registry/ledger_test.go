package registry_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/sheet"
)

// fill registers two households with members in VillageA and one person in VillageB.
func fill(t *testing.T, s *registry.Service) {
	ctx := context.Background()
	county := jurisdiction.Grant(dbtest.County)
	h1, err := s.CreateHousehold(ctx, who, county, registry.Household{UnitCode: dbtest.GroupA1, Address: "滨河花园1号楼101室", Phone: "13900000001",
		CadreName: "刘村干", CadrePhone: "13900000009"})
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := s.CreateHousehold(ctx, who, county, registry.Household{UnitCode: dbtest.VillageA, Address: "西街8号"})
	s.CreateHousehold(ctx, who, county, registry.Household{UnitCode: dbtest.VillageA, Address: "西街9号（空户）"})
	people := []registry.Person{
		{Name: "张建华", IDNumber: dbtest.ID("61011819700101001"), Phone: "13900000001", HouseholdID: h1.ID, Relation: "户主", Groups: registry.GroupChronic},
		{Name: "李秀英", IDNumber: dbtest.ID("61011819720202002"), HouseholdID: h1.ID, Relation: "配偶", Residence: registry.ResidentWorking},
		{Name: "张子涵", Sex: "女", BirthDate: "2015-06-01", HouseholdID: h1.ID, Relation: "子女", Groups: registry.GroupLeftBehind, Note: "无身份证"},
		{Name: "王桂兰", IDNumber: dbtest.ID("61011819450303002"), HouseholdID: h2.ID, Relation: "户主", Groups: registry.GroupElderlyAlone | registry.GroupChronic},
		{Name: "赵刚", IDNumber: dbtest.ID("61011819880404001"), UnitCode: dbtest.VillageB},
	}
	for _, p := range people {
		if _, err := s.CreatePerson(ctx, who, county, p); err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
	}
}

func export(t *testing.T, s *registry.Service, unit string) []byte {
	var buf bytes.Buffer
	if _, err := s.ExportLedger(context.Background(), who, jurisdiction.Grant(dbtest.County), unit, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readAll(t *testing.T, b []byte) [][]string {
	rd, err := sheet.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var out [][]string
	for rd.Next() {
		out = append(out, append([]string(nil), rd.Row()...))
	}
	return out
}

func TestLedgerRoundTrip(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		fill(t, s)
		exports := auditCount(t, d, audit.ActionExport)
		file := export(t, s, dbtest.VillageA)
		if n := auditCount(t, d, audit.ActionExport); n != exports+1 {
			t.Errorf("export wrote %d audit entries, want 1", n-exports)
		}
		rows := readAll(t, file)
		if len(rows) != 5 { // 4 people of VillageA + the empty household
			t.Fatalf("exported %d rows: %v", len(rows), rows)
		}
		for _, r := range rows {
			if r[0] == dbtest.VillageB[:12] || strings.Contains(strings.Join(r, ","), "赵刚") {
				t.Fatal("export leaked another village")
			}
		}
		// Into an empty database (same division codes, no people, no groups).
		d2 := dbtest.SQLite(t)
		if d.Dialect == db.Postgres {
			d2 = dbtest.Postgres(t)
		}
		dbtest.Tree(t, d2)
		d2.W().Exec("DELETE FROM units WHERE level = 6") // the group must be recreated from the file
		s2 := registry.NewService(d2, jurisdiction.NewStore(d2, time.Now), time.Now)
		rep, err := s2.ImportLedger(ctx, who, jurisdiction.Grant(dbtest.VillageA), bytes.NewReader(file), int64(len(file)), registry.ImportAllOrNothing)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Applied || rep.BadRows != 0 || rep.PeopleCreated != 4 || rep.HouseholdsCreated != 3 || rep.GroupsCreated != 1 {
			t.Fatalf("report %+v", rep)
		}
		again := export(t, s2, dbtest.VillageA)
		if !strings.Contains(fmt.Sprint(rows), "刘村干 13900000009") {
			t.Errorf("export lacks the 包户干部 columns: %v", rows)
		}
		if got := readAll(t, again); !reflect.DeepEqual(got, rows) {
			t.Errorf("round trip differs:\nfirst  %v\nsecond %v", rows, got)
		}
		// Importing the same file again changes nothing but updates in place.
		rep, err = s2.ImportLedger(ctx, who, jurisdiction.Grant(dbtest.VillageA), bytes.NewReader(file), int64(len(file)), registry.ImportAllOrNothing)
		if err != nil || rep.PeopleCreated != 0 || rep.HouseholdsCreated != 0 || rep.PeopleUpdated != 4 {
			t.Fatalf("re-import %+v %v", rep, err)
		}
		var n int
		d2.R().QueryRow("SELECT COUNT(*) FROM people").Scan(&n)
		if n != 4 {
			t.Errorf("%d people after re-import", n)
		}
	})
}

func TestLedgerBadRows(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		fill(t, s)
		// An older layout without the 包户干部 columns: columns are found by name.
		header := strings.Join([]string{registry.ColVillageCode, registry.ColVillage, registry.ColGroupCode, registry.ColGroup,
			registry.ColHouseholdNo, registry.ColAddress, registry.ColHHPhone, registry.ColGrid, registry.ColName, registry.ColIDNumber,
			registry.ColSex, registry.ColBirthDate, registry.ColPhone, registry.ColRelation, registry.ColResidence, registry.ColGroups,
			registry.ColNote}, ",")
		v := dbtest.VillageA
		csv := header + "\n" +
			v + ",,,," + v + "-0100,新村1号,,,周一," + dbtest.ID("61011819900101001") + ",,,13700000000,户主,常住,,\n" + // good
			v + ",,,," + v + "-0100,,,,周二," + dbtest.BadID("61011819900101002") + ",,,,配偶,常住,,\n" + // bad check digit
			v + ",,,," + v + "-0100,,,,周三,,男,1990-13-01,,子女,常住,,\n" + // bad date
			v + ",,,," + v + "-0100,,,,周四," + dbtest.ID("61011819900101003") + ",,,12345,子女,常住,,\n" + // bad phone
			dbtest.VillageB + ",,,,,,,,周五," + dbtest.ID("61011819900101004") + ",,,,,常住,,\n" + // other village
			v + ",,,,,,,,赵刚," + dbtest.ID("61011819880404001") + ",,,,,常住,,\n" + // ID registered in VillageB
			v + ",,,," + v + "-0100,,,,周六," + dbtest.ID("61011819900101005") + ",,,,儿媳,外星,,\n" + // bad residence
			v + ",,,," + v + "-0100,,,,周日," + dbtest.ID("61011819900101006") + ",,,,孙子女,常住,神仙,\n" + // bad group
			v + ",,,," + v + "-0100,,,,周一," + dbtest.ID("61011819900101001") + ",,,,户主,常住,,\n" // duplicate in file
		var before int
		d.R().QueryRow("SELECT COUNT(*) FROM people").Scan(&before)
		scope := jurisdiction.Grant(v)
		rep, err := s.ImportLedger(ctx, who, scope, strings.NewReader(csv), int64(len(csv)), registry.ImportAllOrNothing)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]string{3: "身份证号", 4: "出生日期", 5: "手机号", 6: "村(社区)代码", 7: "身份证号", 8: "居住状态", 9: "特殊群体", 10: "身份证号"}
		got := map[int]string{}
		for _, e := range rep.Errors {
			got[e.Row] = e.Column
			if e.Reason == "" {
				t.Errorf("row %d without a reason", e.Row)
			}
		}
		if !reflect.DeepEqual(got, want) || rep.Applied || rep.Rows != 9 || rep.BadRows != 8 {
			t.Fatalf("all-or-nothing report %+v\nerrors %v", rep, fmt.Sprint(rep.Errors))
		}
		var after int
		d.R().QueryRow("SELECT COUNT(*) FROM people").Scan(&after)
		if after != before {
			t.Fatalf("all-or-nothing import changed people: %d → %d", before, after)
		}
		rep, err = s.ImportLedger(ctx, who, scope, strings.NewReader(csv), int64(len(csv)), registry.ImportGoodRows)
		if err != nil || !rep.Applied || rep.PeopleCreated != 1 || rep.HouseholdsCreated != 1 || rep.BadRows != 8 {
			t.Fatalf("good-rows report %+v %v", rep, err)
		}
		d.R().QueryRow("SELECT COUNT(*) FROM people").Scan(&after)
		if after != before+1 {
			t.Errorf("good rows: %d → %d", before, after)
		}
	})
}

// TestLedgerTitleAndFooter: a ledger with a title row above its header and
// 合计/制表人 rows below its data imports its people only, with the row
// numbers of the file; an ID number Excel rewrote is refused as such.
func TestLedgerTitleAndFooter(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		v := dbtest.VillageA
		csv := "西街社区人口台账（2021年12月）,,,,,,\n" +
			strings.Join([]string{registry.ColVillageCode, registry.ColHouseholdNo, registry.ColAddress, registry.ColName, registry.ColIDNumber, registry.ColRelation, registry.ColResidence}, ",") + "\n" +
			v + "," + v + "-0200,新村2号,吴一," + dbtest.ID("61011819900101011") + ",户主,常住\n" +
			v + "," + v + "-0200,,吴二," + dbtest.BadID("61011819900101012") + ",配偶,常住\n" +
			v + "," + v + "-0200,,吴三,6.10118E+17,子女,常住\n" +
			"合计：共2人,,,,,,\n制表人：郑某,,审核人：冯某,,,,\n填报日期：2021年12月10日,,,,,,\n"
		rep, err := s.ImportLedger(ctx, who, jurisdiction.Grant(v), strings.NewReader(csv), int64(len(csv)), registry.ImportGoodRows)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 3 || rep.BadRows != 2 || rep.PeopleCreated != 1 || len(rep.Errors) != 2 || rep.Errors[0].Row != 4 ||
			rep.Errors[1].Row != 5 || !strings.Contains(rep.Errors[1].Reason, "被表格软件改写") {
			t.Fatalf("rows %d, bad %d, people %d, errors %v", rep.Rows, rep.BadRows, rep.PeopleCreated, rep.Errors)
		}
	})
}

// TestLedgerRowsAndEmptyExport: the rows LedgerRows hands out are the rows
// of the exported file, ID numbers and all, as text; a unit with no one
// exports its header row alone.
func TestLedgerRowsAndEmptyExport(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		fill(t, s)
		var streamed [][]string
		unit, people, err := s.LedgerRows(ctx, jurisdiction.Grant(dbtest.County), dbtest.County, func(cells []string) error {
			if len(cells) != len(registry.LedgerHeaders) {
				t.Fatalf("%d cells, want %d", len(cells), len(registry.LedgerHeaders))
			}
			streamed = append(streamed, append([]string(nil), cells...))
			return nil
		})
		if err != nil || unit.Code != dbtest.County || people != 5 || len(streamed) != 6 {
			t.Fatalf("LedgerRows: unit %q, %d people, %d rows, %v", unit.Code, people, len(streamed), err)
		}
		if got := readAll(t, export(t, s, dbtest.County)); !reflect.DeepEqual(got, streamed) {
			t.Errorf("file differs from the rows:\nfile %q\nrows %q", got, streamed)
		}
		ids := 0
		for _, r := range streamed {
			if id := r[11]; id != "" && len(id) == 18 {
				ids++
			}
		}
		if ids != 4 {
			t.Errorf("%d 18-digit ID numbers in %q", ids, streamed)
		}
		// A village outside the caller's scope is not found; nothing is handed out.
		if _, _, err := s.LedgerRows(ctx, jurisdiction.Grant(dbtest.VillageA), dbtest.VillageB, func([]string) error {
			t.Fatal("a row outside the scope")
			return nil
		}); err == nil {
			t.Error("LedgerRows of a village outside the scope succeeded")
		}
		empty := export(t, s, dbtest.VillageA2)
		rd, err := sheet.Open(bytes.NewReader(empty), int64(len(empty)))
		if err != nil {
			t.Fatal(err)
		}
		defer rd.Close()
		if !reflect.DeepEqual(rd.Header(), registry.LedgerHeaders) || rd.Next() {
			t.Errorf("empty ledger: header %q, rows %v", rd.Header(), rd.Row())
		}
	})
}

// failingWriter accepts limit bytes and then fails, as a client that went
// away mid-download.
type failingWriter struct{ limit int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.limit {
		n := w.limit
		w.limit = 0
		return n, errors.New("broken pipe")
	}
	w.limit -= len(p)
	return len(p), nil
}

// TestLedgerExportCutOffIsAudited: a download that fails once rows have
// started to leave (the client went away, its request cancelled) is still
// recorded as an export, saying it was cut off.
func TestLedgerExportCutOffIsAudited(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		fill(t, s)
		before := auditCount(t, d, audit.ActionExport)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		w := &failingWriter{limit: 100}
		if _, err := s.ExportLedger(ctx, who, jurisdiction.Grant(dbtest.County), dbtest.VillageA, w); err == nil {
			t.Fatal("export to a failing writer succeeded")
		}
		cancel()
		if n := auditCount(t, d, audit.ActionExport); n != before+1 {
			t.Fatalf("a cut-off export wrote %d audit entries, want 1", n-before)
		}
		var summary string
		if err := d.R().QueryRow("SELECT summary FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1", audit.ActionExport).Scan(&summary); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(summary, "中断") {
			t.Errorf("summary %q does not say the export was cut off", summary)
		}
	})
}

// TestSearchByIDNumberIsAudited: a people search by a full ID number or
// phone is written to the audit log (masked); one by name is not.
func TestSearchByIDNumberIsAudited(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		fill(t, s)
		ctx, county := context.Background(), jurisdiction.Grant(dbtest.County)
		before := auditCount(t, d, audit.ActionLookup)
		for _, q := range []string{"张建华", dbtest.ID("61011819700101001"), "139 0000 0001"} {
			rows, err := s.SearchPeople(ctx, who, county, registry.PersonFilter{Q: q})
			if err != nil || len(rows) != 1 {
				t.Fatalf("search %q: %d rows, %v", q, len(rows), err)
			}
		}
		if n := auditCount(t, d, audit.ActionLookup); n != before+2 {
			t.Errorf("searches wrote %d look-up entries, want 2 (ID number and phone, not the name)", n-before)
		}
	})
}
