package sheet

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
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
