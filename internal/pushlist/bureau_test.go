package pushlist_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/pushlist"
	"fangkong/internal/sheet"
)

// bureauRows is a list as public security sends it: a title and a remarks
// row, the header on row 3, seven people, a 合计 row and signature rows.
// Numbers are number-typed cells in the XLSX.
var bureauRows = [][]any{
	{"返乡人员核查名单（第12批）"},
	{"请于24小时内反馈"},
	{"序号", "姓名", "身份证号", "联系电话", "到达时间", "现住址"},
	{1, "张三", "6.10118E+17", "13800000001.0", "2021年12月10日5时34分", "西街社区"},
	{2, "李四", 610118199002020000.0, "1.39E+10", "2021/12/10 5:34", "余下镇"},
	{3, "王五", "610118197505051234", "", "44540.23", "南涝村3组"},
	{4, "赵六", "", 13700000003, "2021.12.10", "西街社区12号"},
	{5, "钱七", "", "1.3700000004E+10", "12月10日", "甘亭镇韩村"},
	{6, "孙八", "", "13700000005", "20211210", "曹村"},
	{7, "周九", "", "13700000006", "2021年12月10日", "韩村"},
	{"合计：共7人"},
	{"制表人：刘某", "", "审核人：陈某"},
	{"填报日期：2021年12月10日"},
}

func bureauXLSX(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range bureauRows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bureauCSV is the same list as a GBK CSV, number cells as Excel writes
// them in the General format.
func bureauCSV(t *testing.T) []byte {
	t.Helper()
	var lines []string
	for _, r := range bureauRows {
		var cells []string
		for _, c := range r {
			switch v := c.(type) {
			case string:
				cells = append(cells, v)
			case float64: // a wide column shows all the digits the float kept
				cells = append(cells, strconv.FormatFloat(v, 'f', -1, 64))
			case int:
				cells = append(cells, strconv.Itoa(v))
			}
		}
		for len(cells) < 6 {
			cells = append(cells, "")
		}
		lines = append(lines, strings.Join(cells, ","))
	}
	out, err := simplifiedchinese.GBK.NewEncoder().String(strings.Join(lines, "\r\n") + "\r\n")
	if err != nil {
		t.Fatal(err)
	}
	return []byte(out)
}

// TestBureauListImportsAsSent: the list imports without editing, every
// data row is accounted for, the footer rows are listed apart and not
// counted, damaged numbers are flagged and never matched on, dates read
// and addresses by village short names routed — on both databases, from
// XLSX and from a GBK CSV.
func TestBureauListImportsAsSent(t *testing.T) {
	t.Parallel()
	for name, file := range map[string]func(*testing.T) []byte{"xlsx": bureauXLSX, "csv-gbk": bureauCSV} {
		t.Run(name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				s, _ := setup(t, d)
				for _, u := range [][4]any{
					{"610118011", dbtest.County, 4, "涝店街道"}, {"610118013", dbtest.County, 4, "蒋村街道"},
					{"610118011211", "610118011", 5, "南涝村村委会"}, {"610118013233", "610118013", 5, "曹村委会"},
					{"610118001258", dbtest.TownshipA, 5, "韩村村委会"}, {"610118013215", "610118013", 5, "韩村村委会"},
				} {
					if _, err := d.W().Exec(`INSERT INTO units (code, parent_code, level, name, kind, created_at)
						VALUES ($1, $2, $3, $4, '', 0)`, u[0], u[1], u[2], u[3]); err != nil {
						t.Fatal(err)
					}
				}
				zhang := seedPerson(t, d, dbtest.GroupA1, "张三", dbtest.ID("61011819800101123"), "1980-01-01", "13800000001")
				li := seedPerson(t, d, dbtest.VillageB, "李四", dbtest.ID("61011819900202456"), "1990-02-02", "")
				l := importBytes(t, s, file(t), pushlist.ImportOptions{Source: "公安"})
				if l.Rows != 7 || l.Accounted() != 7 || l.HeaderRow != 3 {
					t.Fatalf("rows %d, accounted %d, header row %d; want 7, 7, 3", l.Rows, l.Accounted(), l.HeaderRow)
				}
				if len(l.Skipped) != 3 || l.Skipped[0].Row != 11 || !strings.Contains(l.Skipped[0].Text, "合计") ||
					l.Skipped[2].Row != 13 || l.Skipped[0].Reason == "" {
					t.Fatalf("footers %+v", l.Skipped)
				}
				tk := byRow(t, s, l.ID)
				if len(tk) != 7 {
					t.Fatalf("%d tasks, want 7", len(tk))
				}
				want := []struct {
					row     int
					unit    string
					person  int64
					match   string
					reason  string
					outcome string
					arrival string
				}{
					{4, dbtest.GroupA1, zhang, "手机号", "身份证号被表格软件改写", pushlist.OutcomeMatched, "2021-12-10"},
					{5, dbtest.VillageB, li, "姓名+出生日期", "手机号被表格软件改写", pushlist.OutcomeMatched, "2021-12-10"},
					{6, "610118011211", 0, "", "", pushlist.OutcomeCreated, "2021-12-10"},
					{7, dbtest.VillageA, 0, "", "", pushlist.OutcomeCreated, "2021-12-10"},
					{8, "610118001258", 0, "", "", pushlist.OutcomeCreated, "2026-12-10"}, // 12月10日 in the import's year
					{9, "610118013233", 0, "", "", pushlist.OutcomeCreated, "2021-12-10"},
					{10, dbtest.County, 0, "", "", pushlist.OutcomeQueued, "2021-12-10"}, // 韩村: two townships
				}
				for _, w := range want {
					x := tk[w.row]
					if x.UnitCode != w.unit || x.PersonID != w.person || x.Outcome != w.outcome || x.ArrivalDate != w.arrival ||
						w.match != "" && x.MatchMethod != w.match || !strings.Contains(x.Reason, w.reason) {
						t.Errorf("row %d: unit %s person %d outcome %s match %q arrival %q reason %q; want %+v", w.row, x.UnitCode,
							x.PersonID, x.Outcome, x.MatchMethod, x.ArrivalDate, x.Reason, w)
					}
				}
				if tk[5].Phone != "" || tk[6].IDNumber != "610118197505051234" && !strings.Contains(tk[6].Reason, "校验") {
					t.Errorf("a damaged phone kept (%q), or row 6's ID %q", tk[5].Phone, tk[6].IDNumber)
				}
				if tk[7].Phone != "13700000003" || tk[8].Phone != "13700000004" {
					t.Errorf("number-typed phones %q, %q", tk[7].Phone, tk[8].Phone)
				}
				var fb bytes.Buffer
				n, err := s.Feedback(context.Background(), centre, county, l.ID, &fb)
				if err != nil || n != 7 {
					t.Fatalf("feedback: %d rows, %v", n, err)
				}
				rd, err := sheet.Open(bytes.NewReader(fb.Bytes()), int64(fb.Len()))
				if err != nil {
					t.Fatal(err)
				}
				defer rd.Close()
				cols := rd.Columns()
				for rd.Next() {
					r := rd.Row()
					for _, c := range r {
						if strings.HasPrefix(c, "；") || strings.HasSuffix(c, "；") {
							t.Errorf("stray separator in %q", r)
						}
					}
					if r[cols.Index("原文件行号")] == "4" &&
						(r[cols.Index("所属村")] != "西街社区居委会" || r[cols.Index("所属组")] != "滨河花园" || r[1] != "张三") {
						t.Errorf("feedback of row 4: %q", r)
					}
					if r[1] == "王五" && (r[cols.Index("原文件行号")] != "6" || r[cols.Index("所属村")] != "南涝村村委会") {
						t.Errorf("feedback of 王五: %q", r)
					}
				}
			})
		})
	}
}
