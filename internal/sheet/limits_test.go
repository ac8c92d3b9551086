package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"

	"fangkong/internal/errs"
)

// bombPart is a zip entry whose content is head, then body repeated n
// times, then tail: a few megabytes of zip for hundreds uncompressed.
type bombPart struct {
	name             string
	head, body, tail string
	n                int
}

// zipBomb writes the parts (deflated at the best ratio) into a zip.
func zipBomb(t testing.TB, parts ...bombPart) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestCompression)
	})
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.head)
		chunk := strings.Repeat(p.body, max(1, (64<<10)/max(1, len(p.body))))
		per := len(chunk) / max(1, len(p.body))
		for left := p.n; left > 0; left -= per {
			if left < per {
				chunk = strings.Repeat(p.body, left)
			}
			if _, err := io.WriteString(w, chunk); err != nil {
				t.Fatal(err)
			}
		}
		io.WriteString(w, p.tail)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	bombSheetHead = `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>`
	bombSheetTail = `</sheetData></worksheet>`
	plainSheet    = bombSheetHead + `<row r="2"><c r="A2" t="s"><v>0</v></c></row>` + bombSheetTail
)

// readAllocated opens and reads data to the end and returns the error, and
// how many bytes were allocated meanwhile: an upper bound of how much the
// heap grew, whatever the garbage collector did.
func readAllocated(t *testing.T, data []byte) (error, uint64) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rd, err := Open(bytes.NewReader(data), int64(len(data)))
	if err == nil {
		for rd.Next() {
		}
		err = rd.Err()
		rd.Close()
	}
	runtime.ReadMemStats(&after)
	return err, after.TotalAlloc - before.TotalAlloc
}

// TestBombs: files that expand enormously are refused with a message
// naming the limit, and reading them allocates a bounded amount.
func TestBombs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds files of hundreds of megabytes uncompressed")
	}
	bigString := strings.Repeat("a", 30000) // under the cell limit: only the table's size is wrong
	tests := []struct {
		name  string
		parts []bombPart
		want  string
	}{
		{"shared strings of 300 MB", []bombPart{
			{name: "xl/worksheets/sheet1.xml", head: plainSheet},
			{name: "xl/sharedStrings.xml", head: "<sst>", body: "<si><t>" + bigString + "</t></si>", n: 10000, tail: "</sst>"},
		}, "文件解压后超过256MB"},
		{"shared strings of 100 MB", []bombPart{
			{name: "xl/worksheets/sheet1.xml", head: plainSheet},
			{name: "xl/sharedStrings.xml", head: "<sst>", body: "<si><t>" + bigString + "</t></si>", n: 3400, tail: "</sst>"},
		}, "共享字符串表超过64MB"},
		{"ten million shared strings", []bombPart{
			{name: "xl/worksheets/sheet1.xml", head: plainSheet},
			{name: "xl/sharedStrings.xml", head: `<sst uniqueCount="16777216">`, body: "<si><t>a</t></si>", n: 10_000_000, tail: "</sst>"},
		}, "共享字符串表超过4000000条"},
		{"a shared string of 10 MB", []bombPart{
			{name: "xl/worksheets/sheet1.xml", head: plainSheet},
			{name: "xl/sharedStrings.xml", head: "<sst><si><t>", body: "a", n: 10 << 20, tail: "</t></si></sst>"},
		}, "单元格内容超过32767字"},
		{"an inline cell of 10 MB", []bombPart{
			{name: "xl/worksheets/sheet1.xml", head: bombSheetHead + `<row r="2"><c r="A2" t="inlineStr"><is><t>`, body: "a", n: 10 << 20,
				tail: `</t></is></c></row>` + bombSheetTail},
		}, "单元格内容超过32767字"},
		{"a cell of 10 MB in CDATA pieces", []bombPart{
			{name: "xl/worksheets/sheet1.xml", head: bombSheetHead + `<row r="2"><c r="A2" t="inlineStr"><is><t>`, body: "<![CDATA[" + bigString + "]]>",
				n: 350, tail: `</t></is></c></row>` + bombSheetTail},
		}, "单元格内容超过32767字"},
		{"rows referencing a long shared string", []bombPart{
			{name: "xl/worksheets/sheet1.xml", head: bombSheetHead,
				body: `<row>` + strings.Repeat(`<c t="s"><v>0</v></c>`, 1000) + `</row>`, n: 5000, tail: bombSheetTail},
			{name: "xl/sharedStrings.xml", head: "<sst><si><t>" + bigString + "</t></si></sst>"},
		}, "一行内容超过128KB"},
		{"a sheet of 300 MB", []bombPart{
			{name: "xl/worksheets/sheet1.xml", head: bombSheetHead, body: `<row><c><v>1</v></c></row>   `, n: 10_000_000, tail: bombSheetTail},
		}, "文件解压后超过256MB"},
		{"too many columns", []bombPart{
			{name: "xl/worksheets/sheet1.xml", head: bombSheetHead + `<row r="2">`, body: `<c t="inlineStr"><is><t>x</t></is></c>`, n: 2000,
				tail: `</row>` + bombSheetTail},
		}, "每行最多1024列"},
		{"too many rows", []bombPart{
			{name: "xl/worksheets/sheet1.xml", head: bombSheetHead, body: `<row><c><v>1</v></c></row>`, n: MaxRows + 1, tail: bombSheetTail},
		}, "表格超过1048576行"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := zipBomb(t, tt.parts...)
			err, allocated := readAllocated(t, data)
			t.Logf("%d KB of zip: %v; %d MB allocated", len(data)>>10, err, allocated>>20)
			var iv *errs.Invalid
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.As(err, &iv) {
				t.Errorf("error = %v, want an errs.Invalid saying %s", err, tt.want)
			}
			if allocated > 200<<20 {
				t.Errorf("allocated %d MB reading a %d KB file", allocated>>20, len(data)>>10)
			}
		})
	}
}

// TestClaimedSize: a part that claims to expand beyond the limit is refused
// before any of it is read.
func TestClaimedSize(t *testing.T) {
	for _, name := range []string{"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"} {
		t.Run(name, func(t *testing.T) {
			content := map[string]string{"xl/worksheets/sheet1.xml": plainSheet, "xl/sharedStrings.xml": "<sst><si><t>甲</t></si></sst>"}
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for _, part := range []string{"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"} {
				var comp bytes.Buffer
				fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
				io.WriteString(fw, content[part])
				fw.Close()
				h := &zip.FileHeader{Name: part, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE([]byte(content[part])),
					CompressedSize64: uint64(comp.Len()), UncompressedSize64: uint64(len(content[part]))}
				if part == name {
					h.UncompressedSize64 = 10 << 30 // a lie
				}
				w, err := zw.CreateRaw(h)
				if err != nil {
					t.Fatal(err)
				}
				w.Write(comp.Bytes())
			}
			zw.Close()
			err, allocated := readAllocated(t, buf.Bytes())
			if err == nil || !strings.Contains(err.Error(), "文件解压后超过256MB") {
				t.Errorf("error = %v, want 文件解压后超过256MB", err)
			}
			if allocated > 16<<20 {
				t.Errorf("allocated %d MB", allocated>>20)
			}
		})
	}
}

// TestCSVLimits: a CSV (not compressed, but up to the upload limit) is held
// to the same limits on cells, rows and columns.
func TestCSVLimits(t *testing.T) {
	tests := map[string]struct {
		data string
		want string
	}{
		"a field of 10 MB":         {"姓名,备注\n张三," + strings.Repeat("a", 10<<20) + "\n", "一行内容超过2MB"},
		"a quoted field of 10 MB":  {"姓名,备注\n张三,\"" + strings.Repeat("a\n", 5<<20) + "\"\n", "一行内容超过2MB"},
		"many long fields":         {"姓名,备注\n" + strings.Repeat(strings.Repeat("b", 30000)+",", 5) + "\n", "一行内容超过128KB"},
		"too many columns":         {"姓名\n" + strings.Repeat("x,", 5000) + "\n", "每行最多1024列"},
		"a cell of 32768 chinese ": {"姓名\n" + strings.Repeat("中", MaxCellChars+1) + "\n", "单元格内容超过32767字"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err, allocated := readAllocated(t, []byte(tt.data))
			var iv *errs.Invalid
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.As(err, &iv) {
				t.Errorf("error = %v, want an errs.Invalid saying %s", err, tt.want)
			}
			if allocated > 100<<20 {
				t.Errorf("allocated %d MB reading %d KB", allocated>>20, len(tt.data)>>10)
			}
		})
	}
	// At the limit is fine.
	data := "姓名\n" + strings.Repeat("中", MaxCellChars) + "\n"
	rd, err := Open(strings.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if !rd.Next() || len([]rune(rd.Row()[0])) != MaxCellChars {
		t.Errorf("a cell of %d characters: %v", MaxCellChars, rd.Err())
	}
}

func TestLongCell(t *testing.T) {
	ok := []string{"张三", strings.Repeat("中", FreeTextChars), ""}
	if i := LongCell(ok); i != -1 {
		t.Errorf("LongCell(ok) = %d", i)
	}
	bad := []string{"张三", "", strings.Repeat("a", FreeTextChars+1)}
	if i := LongCell(bad); i != 2 {
		t.Errorf("LongCell(bad) = %d, want 2", i)
	}
	if got := Clip(strings.Repeat("中", 100), 60); len([]rune(got)) != 61 || !strings.HasSuffix(got, "…") {
		t.Errorf("Clip = %q", got)
	}
	if got := Clip("短", 60); got != "短" {
		t.Errorf("Clip = %q", got)
	}
}
