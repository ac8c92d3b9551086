package sheet

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// bureauXLSX is a list as an office sends it: a title and a remarks row
// above the header on row 3, data, a 合计 row and signature rows.
func bureauXLSX(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "名单", []string{"返乡人员核查名单（第12批）"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range [][]string{
		{"请于24小时内反馈"},
		{"序号", "姓名", "身份证号", "手机号", "地址"},
		{"1", "张三", "6.10118E+17", "1.38001E+10", "南涝村3组"},
		{"2", "李四", "610118199001010000", "13800138000.0", "曹村"},
		{"合计：共2人"},
		{"制表人：王五", "", "审核人：赵六"},
		{"2021年12月10日"},
	} {
		if err := w.WriteRow(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOpenTableHeaderAndFooter(t *testing.T) {
	known := []string{"姓名", "身份证号", "手机号", "地址", "出生日期"}
	for name, data := range map[string][]byte{
		"xlsx": bureauXLSX(t),
		"csv": []byte("返乡人员核查名单（第12批）,,,,\n请于24小时内反馈,,,,\n序号,姓名,身份证号,手机号,地址\n1,张三,6.10118E+17,1.38001E+10,南涝村3组\n" +
			"2,李四,610118199001010000,13800138000.0,曹村\n合计：共2人,,,,\n制表人：王五,,审核人：赵六,,\n2021年12月10日,,,,\n"),
	} {
		t.Run(name, func(t *testing.T) {
			rd, err := OpenTable(bytes.NewReader(data), int64(len(data)), Options{Known: known})
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			if rd.HeaderRow() != 3 || rd.Header()[1] != "姓名" {
				t.Fatalf("header row %d %q, want 3", rd.HeaderRow(), rd.Header())
			}
			rows, nums := readAll(t, rd)
			if len(rows) != 2 || !reflect.DeepEqual(nums, []int{4, 5}) || rows[1][1] != "李四" {
				t.Fatalf("rows %q at %v, want the 2 data rows at 4, 5", rows, nums)
			}
			f := rd.Footers()
			if len(f) != 3 || f[0].Row != 6 || f[1].Row != 7 || f[2].Row != 8 || !strings.Contains(f[0].Text, "合计") || f[0].Reason != FooterReason {
				t.Fatalf("footers %+v", f)
			}
			if len(rd.Top()) != 8 {
				t.Fatalf("top has %d rows, want 8", len(rd.Top()))
			}
		})
	}
	data := bureauXLSX(t)
	rd, err := OpenTable(bytes.NewReader(data), int64(len(data)), Options{Known: known, HeaderRow: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rd.Header()[0] != "请于24小时内反馈" {
		t.Fatalf("chosen header %q", rd.Header())
	}
	rd.Close()
	if _, err := OpenTable(bytes.NewReader(data), int64(len(data)), Options{HeaderRow: 40}); err == nil {
		t.Fatal("header row 40 accepted")
	}
	// No known name anywhere: the first row, as Open does.
	rd, err = OpenTable(bytes.NewReader(data), int64(len(data)), Options{Known: []string{"代码"}})
	if err != nil || rd.HeaderRow() != 1 {
		t.Fatalf("header row %d, %v", rd.HeaderRow(), err)
	}
	rd.Close()
}

func TestIsFooter(t *testing.T) {
	for _, c := range []struct {
		cells []string
		after bool
		want  bool
	}{
		{[]string{"合计：共100000人", "", "", ""}, false, true},
		{[]string{"", "总计", "100000", "", ""}, false, true},
		{[]string{"填报日期：2021-12-10", "", "", ""}, false, true},
		{[]string{"备注：以上人员请核实", "", "", ""}, false, true},
		{[]string{"1", "张三", "610118199001011234", "13800138000"}, false, false},
		{[]string{"合计", "a", "b", "c"}, false, false}, // a full row is data
		{[]string{"检验者：", "审核者：", "报告日期：2026年12月7日"}, false, true},
		{[]string{"检验者：", "T001", "阴性"}, false, false},
		{[]string{"张三", "", "", ""}, false, false},
		{[]string{"张三", "", "", ""}, true, true}, // under 制表人
		{[]string{"", "", "", ""}, true, false},
	} {
		if got := IsFooter(c.cells, len(c.cells), c.after); got != c.want {
			t.Errorf("IsFooter(%q, after %v) = %v", c.cells, c.after, got)
		}
	}
}

// FuzzTable: header detection and footer skipping on any CSV: the header
// is one of the top rows, data rows come after it in order, and no row is
// both data and footer.
func FuzzTable(f *testing.F) {
	f.Add([]byte("名单,,\n说明,,\n序号,姓名,手机号\n1,张三,1.38001E+10\n合计：1人,,\n制表人：某,,\n"), 0)
	f.Add([]byte("姓名\n张三\n"), 1)
	f.Add([]byte("a,b\n\n\nc,d\n"), 4)
	f.Fuzz(func(t *testing.T, data []byte, headerRow int) {
		rd, err := OpenTable(bytes.NewReader(data), int64(len(data)), Options{Known: []string{"姓名", "手机号", "序号"}, HeaderRow: headerRow})
		if err != nil {
			return
		}
		defer rd.Close()
		found := false
		for _, l := range rd.Top() {
			found = found || l.Number == rd.HeaderRow()
		}
		if !found || len(rd.Top()) > HeaderScan {
			t.Fatalf("header row %d not among the top %d rows", rd.HeaderRow(), len(rd.Top()))
		}
		last, seen := rd.HeaderRow(), map[int]bool{}
		for rd.Next() {
			if rd.RowNumber() <= last {
				t.Fatalf("row %d after row %d", rd.RowNumber(), last)
			}
			last = rd.RowNumber()
			seen[last] = true
		}
		for _, s := range rd.Footers() {
			if seen[s.Row] || s.Row <= rd.HeaderRow() {
				t.Fatalf("footer row %d is data or above the header", s.Row)
			}
		}
	})
}

// A workbook whose first sheet holds instructions (填报说明) has its table
// read from the sheet where the known headers are.
func TestOpenTableFindsTheDataSheet(t *testing.T) {
	cell := func(ref, v string) string { return `<c r="` + ref + `" t="inlineStr"><is><t>` + v + `</t></is></c>` }
	data := zipParts(t, map[string]string{
		"_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml" Id="R0"/></Relationships>`,
		"xl/workbook.xml": `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>` +
			`<sheet name="填报说明" sheetId="1" r:id="R1"/><sheet name="名单" sheetId="2" r:id="R2"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml" Id="R1"/>` +
			`<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml" Id="R2"/></Relationships>`,
		"xl/worksheets/sheet1.xml": `<worksheet><sheetData><row r="1">` + cell("A1", "填报说明：身份证号请设为文本格式") + `</row>` +
			`<row r="2">` + cell("A2", "姓名必填") + `</row></sheetData></worksheet>`,
		"xl/worksheets/sheet2.xml": `<worksheet><sheetData><row r="1">` + cell("A1", "姓名") + cell("B1", "身份证号") + `</row>` +
			`<row r="2">` + cell("A2", "张三") + cell("B2", "11010519491231002X") + `</row></sheetData></worksheet>`,
	})
	rd, err := OpenTable(bytes.NewReader(data), int64(len(data)), Options{Known: []string{"姓名", "身份证号"}})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if !reflect.DeepEqual(rd.Header(), []string{"姓名", "身份证号"}) || !rd.Next() || rd.Row()[0] != "张三" {
		t.Errorf("header %q, row %q: the data sheet was not found", rd.Header(), rd.Row())
	}
	// Without known headers the first sheet is the table, as before.
	rd2, err := OpenTable(bytes.NewReader(data), int64(len(data)), Options{})
	if err != nil || !strings.HasPrefix(rd2.Header()[0], "填报说明") {
		t.Errorf("no known headers: %v %q", err, rd2.Header())
	}
	rd2.Close()
}
