package riskarea

import (
	"bytes"
	"errors"
	"testing"
	"time"
	"unicode/utf8"

	"fangkong/internal/errs"
	"fangkong/internal/sheet"
)

// FuzzRiskAreaRow: a list read and parsed row by row as Import does,
// without the database. A row is an entry within the limits, or an
// *errs.Invalid with a bounded message.
func FuzzRiskAreaRow(f *testing.F) {
	f.Add([]byte("区划代码,地名,具体地点,风险等级,生效日期,截止日期,备注\n610113,陕西省西安市雁塔区,明德门小区,高风险,2021-12-22,,\n" +
		"６１０１１６,,,封控区,2021-12-27,2022-01-15,长安区\n61011,,,中,2021-13-01,,\n610113,,,很高,2021-12-22,2021-12-01,\n"))
	f.Add([]byte("区划代码,风险等级,生效日期\n6101,低,2021-12-23\n"))
	s := &Service{levels: &Lookup{names: NoNames}, now: time.Now}
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := sheet.Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		defer rd.Close()
		cols := findImportCols(rd.Columns())
		for rd.Next() {
			if sheet.LongCell(rd.Row()) >= 0 {
				continue
			}
			e, err := s.parseRow(cols, rd.Row())
			if err != nil {
				var iv *errs.Invalid
				if !errors.As(err, &iv) || utf8.RuneCountInString(iv.Message) > 150 {
					t.Fatalf("row %d: %v", rd.RowNumber(), err)
				}
				continue
			}
			if !validCode(e.Code) || Rank(e.Level) == 0 || !validDay(e.EffectiveFrom) || utf8.RuneCountInString(e.Detail) > 100 ||
				utf8.RuneCountInString(e.PlaceName) > 60 || utf8.RuneCountInString(e.Note) > 200 ||
				(e.EffectiveTo != "" && e.EffectiveTo < e.EffectiveFrom) {
				t.Fatalf("row %d: entry %+v", rd.RowNumber(), e)
			}
		}
	})
}
