package registry

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"fangkong/internal/sheet"
)

// FuzzLedgerRow: a ledger file read and parsed row by row as ImportLedger
// does, without the database. A row is good or gives one error with a
// bounded reason; a good person's fields are within their limits.
func FuzzLedgerRow(f *testing.F) {
	const v = "610118001001"
	f.Add([]byte("村(社区)代码,组/小区代码,组/小区,户编号,住址,户联系电话,网格,姓名,身份证号,性别,出生日期,手机号,与户主关系,居住状态,特殊群体,备注\n" +
		v + ",,," + v + "-0001,西街1号,13900000000,第一网格,张三,11010519491231002x,,,13900000001,户主,常住,独居老人、慢性病,\n" +
		v + "," + v + "001,一组,,,,,李四,,女,1990-1-2,,,外出务工,,备注\n" +
		v + ",,," + v + "-0002,,,,,,,,,,,,\n" +
		"610118001002,,,,,,,王五,,男,19900102,,,,神仙,\n"))
	f.Add([]byte("\xEF\xBB\xBF*村（社区）代码,姓名 \n" + v + ",赵六\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := sheet.Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		defer rd.Close()
		cols, _ := ledgerColumns(rd.Columns(), rd.Header())
		cols[ColVillage] = -1 // names are looked up in the database, which this fuzzer has not
		rep := &ImportReport{}
		defer rep.finishErrors(false)
		im := &importer{rep: rep, units: map[string]int{v: 5, v + "001": 6}, seenIDs: map[string]int{}}
		for rd.Next() {
			rep.Rows++
			if i := sheet.LongCell(rd.Row()); i >= 0 {
				rep.fail(rd.RowNumber(), rd.ColumnName(i), sheet.LongCellReason)
				continue
			}
			bad := rep.BadRows
			lr, ok := im.parse(rd.RowNumber(), rd.Row(), cols)
			if ok == (rep.BadRows != bad) || rep.BadRows-bad > 1 {
				t.Fatalf("row %d: ok %v, %d new errors", rd.RowNumber(), ok, rep.BadRows-bad)
			}
			if !ok {
				continue
			}
			if _, in := im.units[lr.unit]; !in && lr.groupName == "" {
				t.Fatalf("row %d in unit %q", rd.RowNumber(), lr.unit)
			}
			p := lr.p
			if p.Name != "" && (utf8.RuneCountInString(p.Name) > 30 || utf8.RuneCountInString(p.Note) > 200 ||
				(p.IDNumber != "" && len(p.IDNumber) != 18) || (p.Sex != "男" && p.Sex != "女")) {
				t.Fatalf("row %d: person %+v", rd.RowNumber(), p)
			}
		}
		for _, e := range rep.Errors {
			if utf8.RuneCountInString(e.Reason) > 150 {
				t.Fatalf("row %d: a reason of %d characters", e.Row, utf8.RuneCountInString(e.Reason))
			}
		}
	})
}
