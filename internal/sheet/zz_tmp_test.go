package sheet

import (
	"os"
	"testing"
)

func BenchmarkZZRead(b *testing.B) {
	for b.Loop() {
		file, _ := os.Open("/tmp/bench.xlsx")
		info, _ := file.Stat()
		rd, err := Open(file, info.Size())
		if err != nil {
			b.Fatal(err)
		}
		for rd.Next() {
		}
		rd.Close()
		file.Close()
	}
	b.ReportMetric(float64(b.N*100000)/b.Elapsed().Seconds(), "rows/s")
}
