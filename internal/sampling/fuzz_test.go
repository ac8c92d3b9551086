package sampling

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"fangkong/internal/sheet"
)

// FuzzResultRows: a lab's sheet read and each line checked as
// ImportResults and RecordResults do before the database. A line keeps at
// most a clipped copy of its cells; a good line has a tube and a known
// result, a bad one a bounded message.
func FuzzResultRows(f *testing.F) {
	f.Add([]byte("试管条码,检测结果\nTB01,阴性\ntb02 ,阳\nTB03,待定\n,阴性\nTB04,+\n"))
	f.Add([]byte("条码,结果\nT1,negative\n"))
	f.Add([]byte("tube,result\nT1,\"无效\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := sheet.Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		defer rd.Close()
		rows, err := readResultRows(rd)
		if err != nil {
			return
		}
		for _, row := range rows {
			if utf8.RuneCountInString(row.Tube) > echoChars+1 || utf8.RuneCountInString(row.Result) > echoChars+1 {
				t.Fatalf("row %d keeps %q, %q", row.Row, row.Tube, row.Result)
			}
			tube, res, problem := checkRow(row)
			switch {
			case problem != "":
				if utf8.RuneCountInString(problem) > 150 {
					t.Fatalf("row %d: a message of %d characters", row.Row, utf8.RuneCountInString(problem))
				}
			case tube == "" || (res != ResultNegative && res != ResultPositive && res != ResultInvalid):
				t.Fatalf("row %d: tube %q, result %q", row.Row, tube, res)
			}
		}
	})
}
