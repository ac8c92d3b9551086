package tracing_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
)

// TestImportScanLogHeaderNames: platforms name the columns 身份证号码,
// 手机号码, 场所代码 and 扫码日期; the log is read as sent. A log without a
// time column says what is missing and what its header row holds.
func TestImportScanLogHeaderNames(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		p := e.person("扫码丙", dbtest.VillageA, 0)
		market := e.place("东街超市", dbtest.VillageA)
		csv := "序号,名字,身份证号码,手机号码,场所代码,扫码日期\n" +
			"1,扫码丙," + p.IDNumber + ",," + market.Code + ",2026年3月6日12时05分\n" +
			"2,某丁,,139 0000 3333," + market.Code + ",2026/3/6 12:10\n"
		res, err := e.svc.ImportScans(ctx, who, e.county, bytes.NewReader([]byte(csv)), int64(len(csv)), 2026)
		if err != nil || res.Inserted != 2 || res.Matched != 1 || res.Failed != 0 {
			t.Fatalf("log with 身份证号码/手机号码/场所代码/扫码日期: %+v %v", res, err)
		}
		bad := "姓名,身份证号码,场所代码\n扫码丙," + p.IDNumber + "," + market.Code + "\n"
		_, err = e.svc.ImportScans(ctx, who, e.county, bytes.NewReader([]byte(bad)), int64(len(bad)), 2026)
		if !errs.IsInvalid(err) || !strings.Contains(err.Error(), "扫码时间") || strings.Contains(err.Error(), "场所码或场所名称") ||
			!strings.Contains(err.Error(), "姓名、身份证号码、场所代码") {
			t.Fatalf("no time column: %v", err)
		}
	})
}
