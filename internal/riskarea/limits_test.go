package riskarea_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/registry"
	"fangkong/internal/riskarea"
)

// TestImportLongCells: a row with a cell over sheet.FreeTextChars is a row
// error "单元格内容过长"; a value echoed in a message is clipped.
func TestImportLongCells(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := riskarea.NewService(d, riskarea.NewLookup(d, riskarea.NoNames), riskarea.NoRelevel, time.Now)
		csv := "区划代码,地名,具体地点,风险等级,生效日期,截止日期,备注,说明\n" +
			"610113,,,高,2022-01-01,,,\n" +
			"610113,,,高,2022-01-01,,," + strings.Repeat("长", 1500) + "\n" +
			strings.Repeat("9", 900) + ",,,高,2022-01-01,,,\n" +
			"610113,,," + strings.Repeat("很高", 400) + ",2022-01-01,,,\n"
		rep, err := s.Import(context.Background(), who, strings.NewReader(csv), int64(len(csv)), registry.ImportGoodRows)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 4 || rep.Added != 1 || rep.BadRows != 3 || len(rep.Errors) != 3 {
			t.Fatalf("report %+v", rep)
		}
		if e := rep.Errors[0]; e.Row != 3 || e.Column != "说明" || !strings.Contains(e.Reason, "单元格内容过长") {
			t.Errorf("long cell: %+v", e)
		}
		for _, e := range rep.Errors[1:] {
			if n := len([]rune(e.Reason)); n > 120 {
				t.Errorf("row %d: a reason of %d characters: %.80s…", e.Row, n, e.Reason)
			}
		}
	})
}
