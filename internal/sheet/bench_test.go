package sheet

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

const benchRows = 100_000

var benchHeader = []string{
	"序号", "姓名", "性别", "身份证号", "联系电话", "县（区）", "乡镇（街道）", "村（社区）",
	"村（社区）代码", "现住址", "人员类别", "登记日期", "核酸结果", "疫苗接种", "管控措施", "备注",
}

// benchRow fills row with 16 ledger cells for row i.
func benchRow(row []string, i int) []string {
	n := strconv.Itoa(i)
	return append(row[:0],
		n, "张"+n, "男", "11010519491231"+strconv.Itoa(1000+i%9000), "138"+strconv.Itoa(10000000+i),
		"朝阳区", "幸福街道", "幸福村", "110105001001", "北京市朝阳区幸福街道幸福村 "+n+" 号",
		"常住人口", "2022-05-01", "阴性", "已接种 3 针", "居家健康监测", "")
}

func writeBench(b *testing.B, w io.Writer) {
	sw, err := NewWriter(w, "台账", benchHeader, nil)
	if err != nil {
		b.Fatal(err)
	}
	row := make([]string, 0, len(benchHeader))
	for i := range benchRows {
		row = benchRow(row, i)
		if err := sw.WriteRow(row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Close(); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkWrite(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		writeBench(b, io.Discard)
		n++
	}
	b.ReportMetric(float64(n*benchRows)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkRead(b *testing.B) {
	benchRead(b, "bench.xlsx", writeBench)
}

// BenchmarkReadSharedStrings reads a workbook laid out the way Excel saves
// it, with text in a shared string table.
func BenchmarkReadSharedStrings(b *testing.B) {
	benchRead(b, "shared.xlsx", writeBenchShared)
}

// writeBenchShared writes benchRows rows of benchRow as Excel would: the
// serial number as a number, every text cell as an index into the shared
// string table (so the unique names, IDs, phones and addresses make 400,000
// strings) and each row with Excel's usual attributes.
func writeBenchShared(b *testing.B, w io.Writer) {
	index := map[string]int{}
	var sst, data bytes.Buffer
	data.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ` +
		`xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" ` +
		`xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">` +
		`<dimension ref="A1:P100001"/><sheetFormatPr defaultRowHeight="13.5" x14ac:dyDescent="0.15"/><sheetData>`)
	row := slices.Clone(benchHeader)
	for i := range benchRows + 1 {
		n := strconv.Itoa(i + 1)
		if i > 0 {
			row = benchRow(row, i-1)
		}
		data.WriteString(`<row r="` + n + `" spans="1:16" x14ac:dyDescent="0.15">`)
		for j, v := range row {
			ref := string(rune('A'+j)) + n
			switch {
			case v == "":
			case i > 0 && j == 0:
				data.WriteString(`<c r="` + ref + `"><v>` + v + `</v></c>`)
			default:
				k, ok := index[v]
				if !ok {
					k = len(index)
					index[v] = k
					sst.WriteString("<si><t>" + v + "</t></si>")
				}
				data.WriteString(`<c r="` + ref + `" t="s"><v>` + strconv.Itoa(k) + `</v></c>`)
			}
		}
		data.WriteString("</row>")
	}
	data.WriteString(`</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`)
	count := strconv.Itoa(len(index))
	parts := map[string]string{
		"xl/workbook.xml": `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/sharedStrings.xml": `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="` + count +
			`" uniqueCount="` + count + `">` + sst.String() + `</sst>`,
		"xl/worksheets/sheet1.xml": data.String(),
	}
	if _, err := w.Write(zipParts(b, parts)); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkReadCSV(b *testing.B) {
	benchRead(b, "bench.csv", func(b *testing.B, w io.Writer) {
		cw := csv.NewWriter(w)
		_ = cw.Write(benchHeader)
		row := make([]string, 0, len(benchHeader))
		for i := range benchRows {
			row = benchRow(row, i)
			_ = cw.Write(row)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			b.Fatal(err)
		}
	})
}

// benchRead measures reading back, from a file on disk, benchRows rows
// written by write.
func benchRead(b *testing.B, name string, write func(*testing.B, io.Writer)) {
	var buf bytes.Buffer
	write(b, &buf)
	path := filepath.Join(b.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		file, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		info, _ := file.Stat()
		rd, err := Open(file, info.Size())
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		for rd.Next() {
			rows++
		}
		if rd.Err() != nil || rows != benchRows {
			b.Fatalf("read %d rows, err %v", rows, rd.Err())
		}
		_ = rd.Close()
		_ = file.Close()
		n++
	}
	b.ReportMetric(float64(n*benchRows)/b.Elapsed().Seconds(), "rows/s")
}
