package sheet

import (
	"archive/zip"
	"bytes"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz tests of the reader path every importer shares. Each input must be
// read to the end or refused, without a panic, within the limits (rows,
// cells) and with bounded memory. Run one with
//
//	go test -run '^$' -fuzz '^FuzzXLSX$' -fuzztime 10s -fuzzminimizetime 1s ./internal/sheet/

// readBounded reads data to the end and checks what the Reader returned
// against the limits, and how much it allocated.
func readBounded(t *testing.T, data []byte) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rd, err := Open(bytes.NewReader(data), int64(len(data)))
	if err == nil {
		if len(rd.Header()) > MaxColumns {
			t.Fatalf("header of %d cells", len(rd.Header()))
		}
		rd.Columns()
		for rd.Next() {
			row, size := rd.Row(), 0
			if len(row) > max(MaxColumns, len(rd.Header())) {
				t.Fatalf("row of %d cells", len(row))
			}
			for i, c := range row {
				size += len(c)
				if utf8.RuneCountInString(c) > MaxCellChars {
					t.Fatalf("cell of %d characters", utf8.RuneCountInString(c))
				}
				if c != strings.TrimSpace(c) {
					t.Fatalf("cell %d not trimmed: %q", i, c)
				}
				rd.ColumnName(i)
			}
			if size > MaxRowBytes {
				t.Fatalf("row of %d bytes", size)
			}
			LongCell(row)
		}
		rd.Close()
	}
	runtime.ReadMemStats(&after)
	// The scanner's buffer and the read-ahead chunks are a few MB; the
	// rest is bounded by the input's limits.
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 256<<20 {
		t.Fatalf("reading %d bytes allocated %d MB", len(data), grown>>20)
	}
}

func FuzzXLSX(f *testing.F) {
	f.Add(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>身份证号</t></is></c></row>`+
		`<row r="3"><c r="A3" t="s"><v>1</v></c><c r="C3" s="1"><v>44562</v></c><c r="D3" t="b"><v>1</v></c></row></sheetData></worksheet>`,
		`<sst uniqueCount="2"><si><t>姓名</t></si><si><r><t>张</t></r><r><t xml:space="preserve">三 </t></r><rPh><t>ZS</t></rPh></si></sst>`,
		`<styleSheet><numFmts><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>`)
	f.Add(`<x:worksheet><x:sheetData><x:row><x:c t="str"><x:f>A1</x:f><x:v>&amp;&#x4E2D;_x000D_</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
		`<sst><si/><si><t><![CDATA[<a>]]></t></si></sst>`, ``)
	f.Add(`<worksheet><sheetData><row><c t="e"><v>#N/A</v></c><c t="d"><v>2022-01-02T03:04:05</v></c><c><v>1.5E+3</v></c></row></sheetData></worksheet>`, ``, ``)
	f.Fuzz(func(t *testing.T, sheetXML, sst, styles string) {
		parts := map[string]string{"xl/worksheets/sheet1.xml": sheetXML}
		if sst != "" {
			parts["xl/sharedStrings.xml"] = sst
		}
		if styles != "" {
			parts["xl/styles.xml"] = styles
		}
		readBounded(t, storedParts(t, parts))
	})
}

// storedParts is zipParts without compression, which is cheaper to build.
func storedParts(t *testing.T, parts map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func FuzzZip(f *testing.F) {
	f.Add(writeXLSX(f, 3))
	f.Add(zipParts(f, map[string]string{"xl/workbook.xml": `<workbook><sheets><sheet name="甲" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Target="worksheets/a.xml"/></Relationships>`,
		"xl/worksheets/a.xml":        `<worksheet><sheetData><row><c t="inlineStr"><is><t>a</t></is></c></row></sheetData></worksheet>`}))
	f.Fuzz(func(t *testing.T, data []byte) { readBounded(t, data) })
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("姓名,身份证号,备注\n张三,110105194912310021,\"多行\n备注\"\n\n李四,,\n"))
	f.Add([]byte("\xEF\xBB\xBF村(社区)代码,姓名\r\n610118001001,王五\r\n"))
	f.Add([]byte("XM,ZJHM\n\xcd\xf5\xb4\xf3,1\n")) // GBK
	f.Add([]byte("a,\"b\"\"c\",d\"e\n,,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) { readBounded(t, data) })
}

// FuzzNames: the header folding and the lookups made with it.
func FuzzNames(f *testing.F) {
	f.Add("村（社区）代码 ", "*姓名", "ＡＢＣ　d")
	f.Add("", "*", "**")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		for _, s := range []string{a, b, c} {
			n := normalizeName(s)
			if normalizeName(n) != n {
				t.Fatalf("normalizeName(%q) = %q, not a fixed point", s, n)
			}
			if got := Clip(s, 10); utf8.RuneCountInString(got) > 11 || !strings.HasPrefix(s, strings.TrimSuffix(got, "…")) {
				t.Fatalf("Clip(%q, 10) = %q", s, got)
			}
			trimSpace(s)
		}
		cols := newColumns([]string{a, b, c})
		for i, h := range []string{a, b, c} {
			if normalizeName(h) == "" {
				continue
			}
			if j := cols.Index(h); j < 0 || j > i || normalizeName([]string{a, b, c}[j]) != normalizeName(h) {
				t.Fatalf("Index(%q) = %d in %q", h, j, []string{a, b, c})
			}
		}
		cols.Missing(a, b, c)
	})
}

// FuzzCellText: the decoding of a cell's text and the display of numbers
// and dates.
func FuzzCellText(f *testing.F) {
	f.Add([]byte("a&amp;b&#x4E2D;&#20013;_x000D__x005F_x0041_\r\n"), 44562.5, 14)
	f.Add([]byte("1.5E+3"), -1.0, 0)
	f.Fuzz(func(t *testing.T, text []byte, serial float64, numFmt int) {
		out := appendUnescaped(nil, text)
		if len(out) > len(text)*3 {
			t.Fatalf("unescaping %d bytes gave %d", len(text), len(out))
		}
		in := append([]byte(nil), text...)
		if got := unescapeOOXML(in); len(got) > len(text) {
			t.Fatalf("unescapeOOXML grew %d bytes to %d", len(text), len(got))
		}
		appendNumber(nil, text)
		parseNumber(text)
		isPlainInteger(text)
		appendISODate(nil, text)
		parseUint(text)
		refColumn(text)
		appendSerialDate(nil, serial, numFmtKind(numFmt%8), numFmt%2 == 0)
	})
}
