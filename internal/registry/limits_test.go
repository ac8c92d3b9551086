package registry_test

import (
	"context"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// TestLedgerLongCells: a row with a cell over sheet.FreeTextChars is a row
// error "单元格内容过长", even in a column the ledger does not read; a cell
// over Excel's limit refuses the file; echoed values are clipped.
func TestLedgerLongCells(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		v := dbtest.VillageA
		header := "村(社区)代码,姓名,性别,出生日期,特殊群体,说明\n"
		csv := header +
			v + ",周一,男,1990-01-01,,\n" +
			v + ",周二,男,1990-01-01,," + strings.Repeat("长", 1001) + "\n" +
			v + ",周三,男,1990-01-01," + strings.Repeat("神仙、", 300) + ",\n"
		rep, err := s.ImportLedger(ctx, who, jurisdiction.Grant(v), strings.NewReader(csv), int64(len(csv)), registry.ImportGoodRows)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 3 || rep.PeopleCreated != 1 || rep.BadRows != 2 {
			t.Fatalf("report %+v", rep)
		}
		if e := rep.Errors[0]; e.Row != 3 || e.Column != "说明" || !strings.Contains(e.Reason, "单元格内容过长") {
			t.Errorf("long cell: %+v", e)
		}
		if e := rep.Errors[1]; e.Row != 4 || len([]rune(e.Reason)) > 100 {
			t.Errorf("echo of %d characters: %.80s…", len([]rune(e.Reason)), e.Reason)
		}

		huge := header + v + ",周四,男,1990-01-01,," + strings.Repeat("a", 40000) + "\n"
		_, err = s.ImportLedger(ctx, who, jurisdiction.Grant(v), strings.NewReader(huge), int64(len(huge)), registry.ImportGoodRows)
		if !errs.IsInvalid(err) || !strings.Contains(err.Error(), "单元格内容超过32767字") {
			t.Errorf("a cell of 40,000 characters: %v", err)
		}
	})
}
