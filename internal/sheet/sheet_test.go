package sheet

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var ledgerHeader = []string{"序号", "姓名", "身份证号", "编号", "联系电话", "村（社区）代码", "现住址", "备注"}

// ledgerRow returns a row of ledgerHeader with an X-ended ID number, a
// leading-zero code and empty cells in the middle and at the end.
func ledgerRow(i int) []string {
	return []string{
		strconv.Itoa(i + 1),
		"张三" + strconv.Itoa(i),
		"11010519491231002X",
		"0012",
		"13812345678",
		"", // empty in the middle
		"北京市朝阳区幸福路 " + strconv.Itoa(i) + " 号",
		"", // empty at the end
	}
}

func writeXLSX(t testing.TB, rows int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "人员台账", ledgerHeader, []float64{6, 10, 22, 8, 14, 16, 40, 20})
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if err := w.WriteRow(ledgerRow(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readAll(t *testing.T, rd *Reader) (rows [][]string, nums []int) {
	t.Helper()
	for rd.Next() {
		rows = append(rows, rd.Row())
		nums = append(nums, rd.RowNumber())
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	return rows, nums
}

func TestXLSXRoundTrip(t *testing.T) {
	const n = 1000
	data := writeXLSX(t, n)

	// Read from memory and from a file on disk.
	path := filepath.Join(t.TempDir(), "台账.xlsx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()

	for name, in := range map[string]io.ReaderAt{"bytes": bytes.NewReader(data), "file": file} {
		t.Run(name, func(t *testing.T) {
			rd, err := Open(in, int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			if !slices.Equal(rd.Header(), ledgerHeader) {
				t.Fatalf("header = %q, want %q", rd.Header(), ledgerHeader)
			}
			rows, nums := readAll(t, rd)
			if len(rows) != n {
				t.Fatalf("read %d rows, want %d", len(rows), n)
			}
			for i, row := range rows {
				if want := ledgerRow(i); !slices.Equal(row, want) {
					t.Fatalf("row %d = %q, want %q", i, row, want)
				}
				if nums[i] != i+2 {
					t.Fatalf("row %d has number %d, want %d", i, nums[i], i+2)
				}
			}
		})
	}
}

func TestWriterLayout(t *testing.T) {
	data := writeXLSX(t, 3)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"人员台账"}) {
		t.Fatalf("sheets = %q", got)
	}
	panes, err := f.GetPanes("人员台账")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v, want the first row frozen", panes)
	}
	styleID, err := f.GetCellStyle("人员台账", "B1")
	if err != nil {
		t.Fatal(err)
	}
	style, err := f.GetStyle(styleID)
	if err != nil {
		t.Fatal(err)
	}
	if style.Font == nil || !style.Font.Bold || len(style.Fill.Color) == 0 {
		t.Errorf("header style = %+v, want bold with a fill", style)
	}
	if width, _ := f.GetColWidth("人员台账", "G"); width != 40 {
		t.Errorf("width of G = %v, want 40", width)
	}
	// The ID is a string cell, not a number.
	if typ, _ := f.GetCellType("人员台账", "C2"); typ != excelize.CellTypeInlineString {
		t.Errorf("C2 type = %v, want inline string", typ)
	}
}

func TestXLSXBlankRowsAndNumbers(t *testing.T) {
	f := excelize.NewFile()
	set := func(cell string, v any) {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	// Rows 1-2 are blank, the header is row 3; rows 5-6 are blank and row 7
	// holds only spaces.
	set("A3", " 姓名 ")
	set("B3", "联系电话")
	set("C3", "年龄")
	set("D3", "身份证号")
	set("A4", "李四")
	set("B4", int64(13812345678))
	set("C4", 36)
	// An ID typed into a numeric cell has lost its last digits for good: it
	// comes back as the 15 digits Excel kept, in scientific notation, so
	// that its zeros never pass for digits (IDNumberCell refuses it).
	set("D4", 110105194912310021.0)
	set("A7", "   ")
	set("A8", "王五")
	set("B8", int64(13912345678))
	set("C8", 2.5)
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle("Sheet1", "B8", "B8", bold); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}

	rd, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if want := []string{"姓名", "联系电话", "年龄", "身份证号"}; !slices.Equal(rd.Header(), want) {
		t.Fatalf("header = %q, want %q", rd.Header(), want)
	}
	rows, nums := readAll(t, rd)
	want := [][]string{
		{"李四", "13812345678", "36", "1.1010519491231E+17"},
		{"王五", "13912345678", "2.5", ""},
	}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("rows = %q, want %q", rows, want)
	}
	if !slices.Equal(nums, []int{4, 8}) {
		t.Errorf("row numbers = %v, want [4 8]", nums)
	}
}

// TestXLSXNumberIDRefused: an ID number typed into a number cell keeps 15
// digits; when the zeros Excel put in place of the last three happen to
// make a valid check digit (610118198805028000), it is still refused, not
// read as someone's ID number.
func TestXLSXNumberIDRefused(t *testing.T) {
	f := excelize.NewFile()
	for cell, v := range map[string]any{"A1": "姓名", "B1": "身份证号", "A2": "李秀英", "B2": 610118198805028000.0} {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rd, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if !rd.Next() {
		t.Fatal("no data row")
	}
	if id, damaged := IDNumberCell(rd.Row()[1]); !damaged {
		t.Errorf("number-typed ID %q read as %q, not refused", rd.Row()[1], id)
	}
}

func TestCSVEncodings(t *testing.T) {
	const text = "姓名,身份证号,现住址 ,备注\r\n" +
		" 张三 ,11010519491231002X,\"北京市朝阳区, 幸福路\",\r\n" +
		"\r\n" +
		",,,\r\n" +
		"李四,0012,\"多行\n地址\",备注\r\n" +
		"王五,,,\r\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string]string{
		"utf8":     text,
		"utf8-bom": "\xEF\xBB\xBF" + text,
		"gb18030":  gb,
		"gbk":      gbk,
	}
	wantRows := [][]string{
		{"张三", "11010519491231002X", "北京市朝阳区, 幸福路", ""},
		{"李四", "0012", "多行\n地址", "备注"},
		{"王五", "", "", ""},
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			rd, err := Open(strings.NewReader(in), int64(len(in)))
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			if want := []string{"姓名", "身份证号", "现住址", "备注"}; !slices.Equal(rd.Header(), want) {
				t.Fatalf("header = %q, want %q", rd.Header(), want)
			}
			rows, nums := readAll(t, rd)
			if !slices.EqualFunc(rows, wantRows, slices.Equal) {
				t.Errorf("rows = %q, want %q", rows, wantRows)
			}
			if !slices.Equal(nums, []int{2, 5, 6}) {
				t.Errorf("row numbers = %v, want [2 5 6]", nums)
			}
		})
	}
}

func TestColumns(t *testing.T) {
	in := "序号, 村（社区）代码 ,姓名*,ＩＤ号,身份证 号\n1,2,3,4,5\n"
	rd, err := Open(strings.NewReader(in), int64(len(in)))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	c := rd.Columns()
	tests := []struct {
		name    string
		aliases []string
		want    int
	}{
		{"村(社区)代码", nil, 1},
		{"村（社区）代码", nil, 1},
		{" 村 (社区) 代码", nil, 1},
		{"姓名", nil, 2},
		{"id号", nil, 3},
		{"身份证号", nil, 4},
		{"公民身份号码", []string{"证件号码", "身份证号"}, 4},
		{"电话", []string{"联系电话"}, -1},
	}
	for _, tt := range tests {
		if got := c.Index(tt.name, tt.aliases...); got != tt.want {
			t.Errorf("Index(%q, %q) = %d, want %d", tt.name, tt.aliases, got, tt.want)
		}
	}
	if got := c.Missing("序号", "村(社区)代码", "电话", "姓名", "地址"); !slices.Equal(got, []string{"电话", "地址"}) {
		t.Errorf("Missing = %q, want [电话 地址]", got)
	}
	if got := c.Missing("序号"); got == nil || len(got) != 0 {
		t.Errorf("Missing = %#v, want an empty slice", got)
	}
}

func TestOpenErrors(t *testing.T) {
	random := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	zipLike := append([]byte("PK\x03\x04"), random...)
	xls := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, random...)
	binary := append([]byte("GIF89a\x00\x01"), random...)
	for name, in := range map[string][]byte{"zip": zipLike, "xls": xls, "binary": binary} {
		t.Run(name, func(t *testing.T) {
			rd, err := Open(bytes.NewReader(in), int64(len(in)))
			if err == nil {
				rd.Close()
				t.Fatal("Open succeeded on a file that is not a spreadsheet")
			}
			if !strings.HasPrefix(err.Error(), "无法读取表格文件：") {
				t.Errorf("error = %q, want a message starting with 无法读取表格文件：", err)
			}
		})
	}
	for _, in := range []string{"", "\xEF\xBB\xBF", "\n\n , ,\n"} {
		if _, err := Open(strings.NewReader(in), int64(len(in))); !errors.Is(err, ErrEmpty) {
			t.Errorf("Open(%q) error = %v, want ErrEmpty", in, err)
		}
	}
}
