package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// trickyRows are cells that break a careless XLSX writer, each beside what
// must come back.
var trickyRows = []struct{ in, want []string }{
	{[]string{`<&>"'`, "a<b>c&amp;", "]]>"}, []string{`<&>"'`, "a<b>c&amp;", "]]>"}},
	{[]string{"张三", "西安市鄠邑区甘亭街道", "𠀀𝄞😀"}, []string{"张三", "西安市鄠邑区甘亭街道", "𠀀𝄞😀"}},
	{[]string{"0012", "110105194912310021", "11010519491231002X", "1e5", "=1+1", "TRUE", "00"},
		[]string{"0012", "110105194912310021", "11010519491231002X", "1e5", "=1+1", "TRUE", "00"}},
	// XML 1.0 cannot hold most C0 controls, U+FFFE, U+FFFF: they are dropped.
	{[]string{"a\x00b\x01c\x0bd\x1fe", "x\uFFFEy\uFFFFz", "\x07"}, []string{"abcde", "xyz"}},
	{[]string{"一\r\n二", "tab\there", "line\nbreak", "\r"}, []string{"一\r\n二", "tab\there", "line\nbreak", "\r"}},
	{[]string{" 前后空格 ", "\n开头换行", "结尾制表\t"}, []string{" 前后空格 ", "\n开头换行", "结尾制表\t"}},
	// Excel's own escapes are text here, not escapes.
	{[]string{"_x000D_", "a_x005F_b", "_x00e9_", "_xZZZZ_", "__x0041__"}, []string{"_x000D_", "a_x005F_b", "_x00e9_", "_xZZZZ_", "__x0041__"}},
	{[]string{"", "中间", "", "", "末尾", ""}, []string{"", "中间", "", "", "末尾"}},
	{[]string{"bad\xffutf8"}, []string{"bad\uFFFDutf8"}},
	{[]string{strings.Repeat("长", MaxCellChars)}, []string{strings.Repeat("长", MaxCellChars)}},
	// Over Excel's limit: cut at 32,767 UTF-16 units, never inside a pair.
	{[]string{strings.Repeat("x", 40000)}, []string{strings.Repeat("x", MaxCellChars)}},
	{[]string{"a" + strings.Repeat("😀", 20000)}, []string{"a" + strings.Repeat("😀", 16383)}},
	{[]string{}, nil},
}

var trickyHeader = []string{"甲", "", "丙 & 丁", "<戊>"}

func writeTricky(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "测试 & <表>", trickyHeader, []float64{10, 0, 30.5, 300})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range trickyRows {
		if err := w.WriteRow(r.in); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := w.WriteRow([]string{"late"}); err == nil {
		t.Error("WriteRow after Close succeeded")
	}
	return buf.Bytes()
}

func TestWriterTrickyTextOwnReader(t *testing.T) {
	data := writeTricky(t)
	rd, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if !slices.Equal(rd.Header(), trickyHeader) {
		t.Fatalf("header = %q, want %q", rd.Header(), trickyHeader)
	}
	// The raw cells, before Reader trims them: exactly what was written.
	var rows [][]string
	var nums []int
	for {
		cells, num, err := rd.src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows, nums = append(rows, slices.Clone(cells)), append(nums, num)
	}
	if len(rows) != len(trickyRows) {
		t.Fatalf("read %d rows, want %d", len(rows), len(trickyRows))
	}
	for i, r := range trickyRows {
		if !slices.Equal(rows[i], r.want) {
			t.Errorf("row %d = %.80q, want %.80q", i, rows[i], r.want)
		}
		if nums[i] != i+2 {
			t.Errorf("row %d read as number %d", i, nums[i])
		}
	}
}

func TestWriterTrickyTextExcelize(t *testing.T) {
	data := writeTricky(t)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const name = "测试 & <表>"
	if got := f.GetSheetList(); !slices.Equal(got, []string{name}) {
		t.Fatalf("sheets = %q", got)
	}
	rows, err := f.GetRows(name)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], trickyHeader) {
		t.Errorf("header = %q", rows[0])
	}
	for i, r := range trickyRows {
		var got []string
		if i+1 < len(rows) {
			got = rows[i+1]
		}
		if !slices.Equal(got, r.want) {
			t.Errorf("row %d = %.80q, want %.80q", i, got, r.want)
		}
	}
	for col, want := range map[string]float64{"A": 10, "C": 30.5, "D": 255} {
		if got, _ := f.GetColWidth(name, col); got != want {
			t.Errorf("width of %s = %v, want %v", col, got, want)
		}
	}
}

func TestWriterStyles(t *testing.T) {
	data := writeXLSX(t, 3)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const name = "人员台账"
	for cell, bold := range map[string]bool{"A1": true, "H1": true, "A2": false, "C3": false, "Z9": false} {
		id, err := f.GetCellStyle(name, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.NumFmt != 49 {
			t.Errorf("%s number format = %d, want 49 (text)", cell, st.NumFmt)
		}
		isBold := st.Font != nil && st.Font.Bold
		if isBold != bold || (len(st.Fill.Color) > 0) != bold {
			t.Errorf("%s bold %v fill %v, want both %v", cell, isBold, st.Fill.Color, bold)
		}
	}
	if v, _ := f.GetCellValue(name, "C2"); v != "11010519491231002X" {
		t.Errorf("C2 = %q", v)
	}
	if v, _ := f.GetCellValue(name, "D4"); v != "0012" {
		t.Errorf("D4 = %q", v)
	}
	if v, _ := f.GetCellValue(name, "F2"); v != "" {
		t.Errorf("F2 = %q, want empty", v)
	}
}

func TestWriterParts(t *testing.T) {
	data := writeXLSX(t, 1)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Method != zip.Deflate {
			t.Errorf("%s stored with method %d", f.Name, f.Method)
		}
	}
	want := []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
		"xl/styles.xml", "xl/worksheets/sheet1.xml"}
	if !slices.Equal(names, want) {
		t.Errorf("parts = %q, want %q", names, want)
	}
}

func TestWriterSheetNames(t *testing.T) {
	for _, name := range []string{"a/b", "[x]", "'q'", strings.Repeat("长", 32), "a\x01"} {
		if _, err := NewWriter(io.Discard, name, nil, nil); err == nil {
			t.Errorf("sheet name %q accepted", name)
		}
	}
	for _, name := range []string{"", "台账", strings.Repeat("长", 31), "a'b & c"} {
		if _, err := NewWriter(io.Discard, name, nil, nil); err != nil {
			t.Errorf("sheet name %q: %v", name, err)
		}
	}
}

func TestWriterRowLimit(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "", []string{"a"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.row = maxRows - 1 // as if all but one row had been written
	if err := w.WriteRow([]string{"last"}); err != nil {
		t.Fatalf("row %d: %v", maxRows, err)
	}
	if err := w.WriteRow([]string{"one too many"}); err == nil || !strings.Contains(err.Error(), "1048576") {
		t.Fatalf("row %d: err = %v, want the Excel limit", maxRows+1, err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("Sheet1", "A1048576"); v != "last" {
		t.Errorf("A1048576 = %q", v)
	}
}

// failAfter accepts n bytes, then fails.
type failAfter struct{ n int }

var errFull = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, errFull
	}
	f.n -= len(p)
	return len(p), nil
}

func TestWriterStopsOnWriteError(t *testing.T) {
	w, err := NewWriter(&failAfter{n: 100 << 10}, "", ledgerHeader, nil)
	if err != nil {
		t.Fatal(err)
	}
	var werr error
	rows := 0
	for ; rows < 1_000_000 && werr == nil; rows++ {
		werr = w.WriteRow(ledgerRow(rows))
	}
	if !errors.Is(werr, errFull) {
		t.Fatalf("after %d rows: err = %v, want the destination's error", rows, werr)
	}
	if err := w.WriteRow(ledgerRow(0)); !errors.Is(err, errFull) {
		t.Errorf("next WriteRow: %v", err)
	}
	if err := w.Close(); !errors.Is(err, errFull) {
		t.Errorf("Close: %v", err)
	}
}

// TestWriterMemoryBounded writes 200,000 rows and checks that the writer
// allocates next to nothing per row: nothing grows with the rows.
func TestWriterMemoryBounded(t *testing.T) {
	row := ledgerRow(123)
	w, err := NewWriter(io.Discard, "", ledgerHeader, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 1000 { // warm up: buffers and column letters
		w.WriteRow(row)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const n = 200_000
	for range n {
		if err := w.WriteRow(row); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("%d rows allocated %d bytes, want under 1 MiB in all", n, alloc)
	}
}
