package sheet

import (
	"archive/zip"
	"bytes"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// zipParts builds a zip archive holding the given parts.
func zipParts(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(parts)) {
		w, err := zw.Create(name)
		if err == nil {
			_, err = io.WriteString(w, parts[name])
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sourceRows returns the raw rows of the first sheet of an XLSX file that
// have cells, by row number.
func sourceRows(t *testing.T, data []byte) map[int][]string {
	t.Helper()
	src, err := openXLSX(bytes.NewReader(data), int64(len(data)), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer src.close()
	rows := map[int][]string{}
	for {
		cells, num, err := src.next()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(cells) > 0 {
			rows[num] = slices.Clone(cells)
		}
	}
}

// checkAgainstExcelize asserts that the raw rows of data equal what
// excelize's GetRows returns, except for the cells in want (by reference,
// such as "B3"), which must hold the given text instead.
func checkAgainstExcelize(t *testing.T, data []byte, want map[string]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ref, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	expected := map[int][]string{}
	for i, row := range ref {
		if len(row) > 0 {
			expected[i+1] = row
		}
	}
	for cell, text := range want {
		col, num, err := excelize.CellNameToCoordinates(cell)
		if err != nil {
			t.Fatal(err)
		}
		row := expected[num]
		for len(row) < col {
			row = append(row, "")
		}
		row[col-1] = text
		expected[num] = row
	}
	got := sourceRows(t, data)
	for _, num := range slices.Sorted(maps.Keys(expected)) {
		if !slices.Equal(got[num], expected[num]) {
			t.Errorf("row %d = %q, want %q", num, got[num], expected[num])
		}
	}
	if len(got) != len(expected) {
		t.Errorf("got rows %v, want rows %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(expected)))
	}
}

const tricky = "A & B <c> \"d\" 'e'\n第二行"

func TestXLSXMatchesExcelize(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		must(err)
		return id
	}
	must(f.SetSheetRow("Sheet1", "A1", &[]any{"姓名", "身份证号", "电话", "年龄", "在册", "备注"}))
	must(f.SetSheetRow("Sheet1", "A2", &[]any{"张三", "11010519491231002X", int64(13812345678), 36, true, tricky}))
	// Row 3 is blank.
	must(f.SetSheetRow("Sheet1", "A4", &[]any{" 李四 ", nil, 2.5, 0.1 + 0.2, false, "a\r\nb\tc"}))
	must(f.SetCellRichText("Sheet1", "B4", []excelize.RichTextRun{
		{Text: "富"}, {Text: "文本", Font: &excelize.Font{Bold: true}},
	}))
	must(f.SetCellValue("Sheet1", "A6", "王五"))
	must(f.SetCellValue("Sheet1", "D6", -7))
	// excelize stores this unescaped, so both readers decode it to "\r 字面".
	must(f.SetCellValue("Sheet1", "H6", "_x000D_ 字面"))
	must(f.SetCellFormula("Sheet1", "C6", "D6*2"))
	// Dates and formatted numbers, which excelize formats its own way.
	must(f.SetCellValue("Sheet1", "A8", time.Date(2022, 5, 1, 8, 30, 0, 0, time.UTC)))
	must(f.SetCellValue("Sheet1", "B8", 44682))
	must(f.SetCellStyle("Sheet1", "B8", "B8", style(&excelize.Style{NumFmt: 14})))
	must(f.SetCellValue("Sheet1", "C8", 44682))
	ymd := `yyyy"年"m"月"d"日"`
	must(f.SetCellStyle("Sheet1", "C8", "C8", style(&excelize.Style{CustomNumFmt: &ymd})))
	must(f.SetCellValue("Sheet1", "D8", 0.75))
	must(f.SetCellStyle("Sheet1", "D8", "D8", style(&excelize.Style{NumFmt: 20})))
	must(f.SetCellValue("Sheet1", "E8", 3.14159))
	must(f.SetCellStyle("Sheet1", "E8", "E8", style(&excelize.Style{NumFmt: 2})))
	var buf bytes.Buffer
	must(f.Write(&buf))

	checkAgainstExcelize(t, buf.Bytes(), map[string]string{
		"A8": "2022-05-01 08:30:00",
		"B8": "2022-05-01",
		"C8": "2022-05-01",
		"D8": "18:00:00",
		"E8": "3.14159",
	})
	rows := sourceRows(t, buf.Bytes())
	for cell, want := range map[string]string{
		"B4": "富文本", "D4": "0.3", "F4": "a\r\nb\tc", "F2": tricky,
		"C2": "13812345678", "E2": "TRUE", "E4": "FALSE", "C6": "",
	} {
		col, num, _ := excelize.CellNameToCoordinates(cell)
		if got := rows[num][col-1]; got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
}

func TestXLSXMatchesExcelizeStream(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]any{
		"A1": {"编号", "姓名", "分数", "通过"},
		"A2": {"0012", "张三", 98.5, true},
		"A3": {"0013", []excelize.RichTextRun{{Text: "李"}, {Text: "四"}}, 60, false},
		"A6": {nil, tricky, nil, nil, "额外"},
		"B7": {"  ", "  前后空格  "},
	}
	for _, cell := range slices.Sorted(maps.Keys(rows)) {
		if err := sw.SetRow(cell, rows[cell]); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	checkAgainstExcelize(t, buf.Bytes(), nil)

	rd, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	got, nums := readAll(t, rd)
	want := [][]string{
		{"0012", "张三", "98.5", "TRUE"},
		{"0013", "李四", "60", "FALSE"},
		{"", tricky, "", "", "额外"},
		{"", "", "前后空格", ""},
	}
	if !slices.EqualFunc(got, want, slices.Equal) || !slices.Equal(nums, []int{2, 3, 6, 7}) {
		t.Errorf("rows = %q at %v, want %q at [2 3 6 7]", got, nums, want)
	}
}

const mainNS = `xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`

// namespacedParts is a workbook as some .NET libraries write it: every
// element has an x: prefix, relationship targets are absolute and the first
// sheet is neither sheet1.xml nor the first relationship.
var namespacedParts = map[string]string{
	"_rels/.rels": `<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/xl/workbook.xml" Id="R0"/></Relationships>`,
	"xl/workbook.xml": `<?xml version="1.0" encoding="utf-8"?><x:workbook ` + mainNS + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<x:workbookPr/><x:sheets><x:sheet name="名单" sheetId="2" r:id="R7f"/><x:sheet name="Other" sheetId="1" r:id="R1a"/></x:sheets></x:workbook>`,
	"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml" Id="R1a"/>` +
		`<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml" Id="R7f"/>` +
		`<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/strings.xml" Id="R9"/>` +
		`<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="/xl/styles.xml" Id="R10"/></Relationships>`,
	"xl/worksheets/sheet1.xml": `<x:worksheet ` + mainNS + `><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>wrong sheet</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`,
	"xl/strings.xml": `<?xml version="1.0" encoding="utf-8"?><x:sst ` + mainNS + ` count="7" uniqueCount="7">` +
		`<x:si><x:t>姓名</x:t></x:si>` +
		`<x:si><x:t xml:space="preserve"> 身份证号 </x:t></x:si>` +
		`<x:si><x:r><x:rPr><x:b/></x:rPr><x:t>张</x:t></x:r><x:r><x:t>三</x:t></x:r><x:rPh sb="0" eb="1"><x:t>ちょう</x:t></x:rPh></x:si>` +
		`<x:si><x:t>A &amp; B &lt;1&gt; &quot;q&quot; &apos;s&apos; &#20013;&#x6587;</x:t></x:si>` +
		"<x:si><x:t>line1_x000D_\nline2_x005F_x0008_</x:t></x:si>" +
		`<x:si/>` +
		`<x:si><x:t>日期</x:t></x:si></x:sst>`,
	"xl/styles.xml": `<?xml version="1.0" encoding="utf-8"?><x:styleSheet ` + mainNS + `>` +
		`<x:numFmts count="1"><x:numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></x:numFmts>` +
		`<x:cellStyleXfs count="1"><x:xf numFmtId="14"/></x:cellStyleXfs>` +
		`<x:cellXfs count="3"><x:xf numFmtId="0"/><x:xf numFmtId="164" applyNumberFormat="1"/><x:xf numFmtId="14"/></x:cellXfs></x:styleSheet>`,
	"xl/worksheets/data.xml": `<?xml version="1.0" encoding="utf-8"?><x:worksheet ` + mainNS + `><x:sheetData>` +
		`<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c><x:c r="C1" t="s"><x:v>6</x:v></x:c></x:row>` +
		"\n<x:row r=\"2\" spans=\"1:3\">\n  <x:c r=\"A2\" t=\"s\"><x:v>2</x:v></x:c>\n" +
		`  <x:c r="B2" t="inlineStr"><x:is><x:t>11010519491231002X</x:t></x:is></x:c><x:c r="C2" s="1"><x:v>44682</x:v></x:c></x:row>` +
		`<x:row r="3"/>` +
		`<x:row r="4"><x:c r="A4" s="0"/><x:c r="B4" t="s"><x:v>5</x:v></x:c></x:row>` +
		`<x:row r="5"><x:c t="s"><x:v>3</x:v></x:c><x:c><x:v>1.3812345678E10</x:v></x:c><x:c s="2"><x:v>44682.5</x:v></x:c><x:c r="E5" t="b"><x:v>1</x:v></x:c></x:row>` +
		`<x:row><x:c r="B6" t="s"><x:v>4</x:v></x:c><!-- a comment <x:c> --><x:c r="C6" t="str"><x:f>A1&amp;"x"</x:f><x:v>x</x:v></x:c></x:row>` +
		`<x:row r="8"><x:c r="A8" t="inlineStr"><x:is><x:t><![CDATA[<CDATA> & co]]></x:t></x:is></x:c><x:c r="C8" t="e"><x:v>#N/A</x:v></x:c></x:row>` +
		`</x:sheetData></x:worksheet>`,
}

func TestXLSXNamespacedParts(t *testing.T) {
	data := zipParts(t, namespacedParts)
	rd, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if want := []string{"姓名", "身份证号", "日期"}; !slices.Equal(rd.Header(), want) {
		t.Fatalf("header = %q, want %q", rd.Header(), want)
	}
	rows, nums := readAll(t, rd)
	want := [][]string{
		{"张三", "11010519491231002X", "2022-05-01"},
		{`A & B <1> "q" 's' 中文`, "13812345678", "2022-05-01 12:00:00", "", "TRUE"},
		{"", "line1\r\nline2_x0008_", "x"},
		{"<CDATA> & co", "", "#N/A"},
	}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("rows = %q, want %q", rows, want)
	}
	if !slices.Equal(nums, []int{2, 5, 6, 8}) {
		t.Errorf("row numbers = %v, want [2 5 6 8]", nums)
	}
}

func TestXLSXFallbackAndErrors(t *testing.T) {
	sheet := `<worksheet><sheetData><row r="2"><c r="B2" t="inlineStr"><is><t>表头</t></is></c></row>` +
		`<row r="3"><c r="B3"><v>1</v></c></row></sheetData></worksheet>`
	workbook := func(sheets string) string {
		return `<workbook xmlns:r="r"><sheets>` + sheets + `</sheets></workbook>`
	}
	t.Run("no workbook part", func(t *testing.T) {
		data := zipParts(t, map[string]string{"xl/worksheets/sheet1.xml": sheet})
		rd, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		defer rd.Close()
		rows, nums := readAll(t, rd)
		if !slices.Equal(rd.Header(), []string{"", "表头"}) || len(rows) != 1 || rows[0][1] != "1" || nums[0] != 3 {
			t.Errorf("header %q, rows %q at %v", rd.Header(), rows, nums)
		}
	})
	tests := map[string]struct {
		parts map[string]string
		want  string
	}{
		"not a workbook":  {map[string]string{"word/document.xml": "<w/>"}, errBadXLSX + "（找不到工作表）"},
		"no sheets":       {map[string]string{"xl/workbook.xml": workbook("")}, "无法读取表格文件：工作簿中没有工作表"},
		"missing sheet":   {map[string]string{"xl/workbook.xml": workbook(`<sheet name="甲" r:id="rId1"/>`)}, "无法读取表格文件：无法读取工作表“甲”（找不到工作表内容）"},
		"bad workbook":    {map[string]string{"xl/workbook.xml": "<workbook><sheets>"}, errBadXLSX + "（XML syntax error on line 1: unexpected EOF）"},
		"truncated sheet": {map[string]string{"xl/worksheets/sheet1.xml": sheet[:len(sheet)-40]}, "读取表格第 3 行出错：文件已损坏（工作表不完整）"},
		"bad reference":   {map[string]string{"xl/worksheets/sheet1.xml": strings.Replace(sheet, "B3", "3B", 1)}, "读取表格第 3 行出错：单元格坐标“3B”无效"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			data := zipParts(t, tt.parts)
			rd, err := Open(bytes.NewReader(data), int64(len(data)))
			if err == nil {
				for rd.Next() {
				}
				err = rd.Err()
				rd.Close()
			}
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %s", err, tt.want)
			}
		})
	}
}

func TestXLSXLarge(t *testing.T) {
	const n = 20000 // a worksheet of several megabytes
	data := writeXLSX(t, n)
	rd, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rows, nums := readAll(t, rd)
	rd.Close()
	if len(rows) != n || !slices.Equal(rows[n-1], ledgerRow(n-1)) || nums[n-1] != n+1 {
		t.Fatalf("read %d rows, the last %q at %d", len(rows), rows[len(rows)-1], nums[len(nums)-1])
	}
	// Closing before the end stops the decompressing goroutine.
	for range 3 {
		rd, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		if !rd.Next() {
			t.Fatal(rd.Err())
		}
		if err := rd.Close(); err != nil {
			t.Fatal(err)
		}
		if rd.Next() {
			t.Fatal("Next after Close succeeded")
		}
	}
}
