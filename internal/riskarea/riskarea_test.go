package riskarea_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/place/placetest"
	"fangkong/internal/registry"
	"fangkong/internal/riskarea"
)

var who = audit.Actor{UserID: 1, Username: "centre", Role: "command", Unit: dbtest.County}

func TestLevelOnFromHistory(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := riskarea.NewService(d, riskarea.NewLookup(d, riskarea.NoNames), riskarea.NoRelevel,
			func() time.Time { return time.Date(2022, 2, 1, 12, 0, 0, 0, time.UTC) })
		add := func(e riskarea.Entry) riskarea.Entry {
			t.Helper()
			out, err := s.Add(ctx, who, e)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		// 雁塔区 medium from 12-20; a 小区 in it high from 12-22 to 01-10;
		// the whole of 西安 low from 12-23; 长安区 high 12-27 closed on 01-15.
		add(riskarea.Entry{Code: "610113", Level: "中", EffectiveFrom: "2021-12-20"})
		add(riskarea.Entry{Code: "610113", Detail: "明德门 北区（东）", Level: "高风险", EffectiveFrom: "2021-12-22", EffectiveTo: "2022-01-10"})
		add(riskarea.Entry{Code: "6101", Level: "低", EffectiveFrom: "2021-12-23"})
		ca := add(riskarea.Entry{Code: "610116", PlaceName: "长安区", Level: "封控区", EffectiveFrom: "2021-12-27"})
		if _, err := s.Close(ctx, who, ca.ID, "2022-01-15"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Close(ctx, who, ca.ID, "2022-01-20"); err == nil {
			t.Error("closing a closed entry later succeeded")
		}
		cases := []struct {
			code, detail, day, want string
		}{
			{"610113", "", "2021-12-19", ""},
			{"610113", "", "2021-12-20", riskarea.Medium},
			{"610113001001", "", "2021-12-21", riskarea.Medium},   // a village under the district
			{"610113", "明德门北区东", "2021-12-22", riskarea.High},     // detail equal after normalisation
			{"610113", "明德门北区", "2021-12-22", riskarea.Medium},    // other detail: the district's entry
			{"610113", "明德门北区(东)", "2022-01-11", riskarea.Medium}, // the 小区's entry ended
			{"610112", "", "2021-12-24", riskarea.Low},            // 未央区 only under 西安's low
			{"610116", "", "2022-01-15", riskarea.Sealed},         // last day in force
			{"610116", "", "2022-01-16", riskarea.Low},            // closed; 西安 low remains
			{"610118", "", "2021-12-22", ""},                      // 鄠邑区 before 西安's entry
			{"4201", "", "2021-12-24", ""},
		}
		for _, c := range cases {
			m, err := s.LevelOn(ctx, c.code, c.detail, c.day)
			if err != nil {
				t.Fatal(err)
			}
			if m.Level != c.want {
				t.Errorf("LevelOn(%s, %q, %s) = %q (entry %d), want %q", c.code, c.detail, c.day, m.Level, m.Entry.ID, c.want)
			}
		}
		// History: nothing was overwritten, and each change is audited.
		all, err := s.List(ctx, riskarea.Filter{})
		if err != nil || len(all) != 4 {
			t.Fatalf("list: %d entries, %v", len(all), err)
		}
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM audit_log WHERE entity = 'risk_area'").Scan(&n)
		if n != 5 {
			t.Errorf("audit entries %d, want 5", n)
		}
		on, _ := s.List(ctx, riskarea.Filter{On: "2022-01-16", Code: "610116"})
		if len(on) != 1 || on[0].Code != "6101" {
			t.Errorf("in force on 01-16 for 610116: %+v", on)
		}
		if _, err := s.Add(ctx, who, riskarea.Entry{Code: "61011", Level: "高", EffectiveFrom: "2021-12-01"}); !errs.IsInvalid(err) {
			t.Errorf("5-digit code: %v", err)
		}
		if _, err := s.Add(ctx, who, riskarea.Entry{Code: "610113", Level: "很高", EffectiveFrom: "2021-12-01"}); !errs.IsInvalid(err) {
			t.Errorf("bad level: %v", err)
		}
	})
}

// TestAddByName: the place of an entry may be typed as a name; only a
// clear reading is taken, with the rest of the text as the detail.
func TestAddByName(t *testing.T) {
	t.Parallel()
	r := placetest.National(t)
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := riskarea.NewService(d, riskarea.NewLookup(d, r), riskarea.NoRelevel, time.Now)
		e, err := s.Add(ctx, who, riskarea.Entry{Code: "西安雁塔明德门小区", Level: "高", EffectiveFrom: "2021-12-22"})
		if err != nil || e.Code != "610113" || e.Detail != "明德门小区" || e.PlaceName != "陕西省西安市雁塔区" {
			t.Fatalf("added %+v, %v", e, err)
		}
		m, err := s.LevelOn(ctx, "610113", "明德门小区", "2021-12-23")
		if err != nil || m.Level != riskarea.High {
			t.Errorf("level of the 小区: %+v %v", m, err)
		}
		e, err = s.Add(ctx, who, riskarea.Entry{Code: "河南省郑州市金水区", Detail: "某小区", Level: "中", EffectiveFrom: "2021-12-22"})
		if err != nil || e.Code != "410105" || e.Detail != "某小区" {
			t.Errorf("added %+v, %v", e, err)
		}
		_, err = s.Add(ctx, who, riskarea.Entry{Code: "朝阳区", Level: "高", EffectiveFrom: "2021-12-22"})
		if !errs.IsInvalid(err) || !strings.Contains(err.Error(), "110105") || !strings.Contains(err.Error(), "220104") {
			t.Errorf("朝阳区: %v, want both candidates", err)
		}
		for _, bad := range []string{"火星", "北京朝杨区"} {
			if _, err := s.Add(ctx, who, riskarea.Entry{Code: bad, Level: "高", EffectiveFrom: "2021-12-22"}); !errs.IsInvalid(err) {
				t.Errorf("%s: %v, want refused", bad, err)
			}
		}
		if list, _ := s.List(ctx, riskarea.Filter{}); len(list) != 2 {
			t.Errorf("%d entries, want 2", len(list))
		}
	})
}

func TestImport(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := riskarea.NewService(d, riskarea.NewLookup(d, placetest.National(t)), riskarea.NoRelevel, time.Now)
		// As a province sends it: a title row, dates the Chinese way, a
		// signature row below.
		csv := "风险地区清单（截至12月20日）,,,,,,\n" +
			"区划代码,地名,具体地点,风险等级,生效日期,截止日期,备注\n" +
			"610113,,,中风险,2021年12月20日,,\n" +
			"610113,,某小区,高,2021.12.22,2022/1/10 0:00,\n" +
			"61011,,,高,2021-12-22,,\n" + // bad code
			"610116,,,极高,2021-12-22,,\n" + // bad level
			"610112,,,低,2021-12-25,2021-12-24,\n" + // ends before it starts
			"朝阳区,,,高,2021-12-25,,\n" + // two places of that name
			"西安长安,,,低,2021-12-25,,\n" + // a name: 610116
			",西安市碑林区,,低,2021-12-25,,\n" + // no code, the name under 地名: 610103
			"610104.0,,,低,2021-12-25,,\n" + // a code the spreadsheet kept as a number
			"制表人：某某,,,,,,\n"
		rep, err := s.Import(ctx, who, bytes.NewReader([]byte(csv)), int64(len(csv)), registry.ImportAllOrNothing)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Applied || rep.Rows != 9 || rep.BadRows != 4 || len(rep.Errors) != 4 || rep.Errors[0].Row != 5 ||
			!strings.Contains(rep.Errors[3].Reason, "220104") {
			t.Fatalf("all-or-nothing report %+v", rep)
		}
		rep, err = s.Import(ctx, who, bytes.NewReader([]byte(csv)), int64(len(csv)), registry.ImportGoodRows)
		if err != nil || !rep.Applied || rep.Added != 5 {
			t.Fatalf("good rows: %+v %v", rep, err)
		}
		for _, code := range []string{"610103", "610104"} {
			if l, _ := s.List(ctx, riskarea.Filter{Code: code}); len(l) != 1 {
				t.Errorf("%s: %+v", code, l)
			}
		}
		list, _ := s.List(ctx, riskarea.Filter{Code: "610113"})
		if len(list) != 2 || list[0].PlaceName != "陕西省西安市雁塔区" || list[0].EffectiveFrom+list[1].EffectiveFrom != "2021-12-222021-12-20" &&
			list[0].EffectiveFrom+list[1].EffectiveFrom != "2021-12-202021-12-22" {
			t.Errorf("imported %+v", list)
		}
	})
}

// relevelStub checks that the Releveler sees the change inside its
// transaction, then fails when told to.
type relevelStub struct {
	levels *riskarea.Lookup
	fail   error
	saw    []string
}

func (r *relevelStub) Relevel(ctx context.Context, _ audit.Actor, codes []string) error {
	m, err := r.levels.LevelOn(ctx, codes[0], "", "2021-12-25")
	if err != nil {
		return err
	}
	r.saw = append(r.saw, m.Level)
	return r.fail
}

// TestRelevelInSameTransaction: the Releveler runs inside the change's
// transaction and sees it; its failure undoes the change (Add, Close,
// Import).
func TestRelevelInSameTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		levels := riskarea.NewLookup(d, riskarea.NoNames)
		stub := &relevelStub{levels: levels}
		s := riskarea.NewService(d, levels, stub, time.Now)
		e, err := s.Add(ctx, who, riskarea.Entry{Code: "610113", Level: "中", EffectiveFrom: "2021-12-20"})
		if err != nil || len(stub.saw) != 1 || stub.saw[0] != riskarea.Medium {
			t.Fatalf("add: %v, releveler saw %q", err, stub.saw)
		}
		stub.fail = errors.New("relevel failed")
		if _, err := s.Add(ctx, who, riskarea.Entry{Code: "610112", Level: "高", EffectiveFrom: "2021-12-20"}); !errors.Is(err, stub.fail) {
			t.Fatalf("add with a failing releveler: %v", err)
		}
		if _, err := s.Close(ctx, who, e.ID, "2021-12-21"); !errors.Is(err, stub.fail) {
			t.Fatalf("close with a failing releveler: %v", err)
		}
		csv := "区划代码,风险等级,生效日期\n6101,低,2021-12-01\n"
		if _, err := s.Import(ctx, who, strings.NewReader(csv), int64(len(csv)), registry.ImportAllOrNothing); !errors.Is(err, stub.fail) {
			t.Fatalf("import with a failing releveler: %v", err)
		}
		list, err := s.List(ctx, riskarea.Filter{})
		if err != nil || len(list) != 1 || list[0].EffectiveTo != "" {
			t.Fatalf("after failed changes: %+v %v", list, err)
		}
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM audit_log WHERE entity = 'risk_area'").Scan(&n)
		if n != 1 {
			t.Errorf("audit entries %d, want 1", n)
		}
	})
}
