package tracing_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/tracing"
)

// TestImportMessyScanLog: a platform export with a title row, a 合计 footer,
// an ID number Excel damaged, Chinese dates, a place by name and one
// unknown place.
func TestImportMessyScanLog(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		p := e.person("扫码甲", dbtest.VillageA, 0)
		market := e.place("西街农贸市场", dbtest.VillageA)
		csv := strings.Join([]string{
			"鄠邑区场所码扫码记录导出,,,,",
			"姓名,证件号码,联系电话,场所编码,场所名称,扫码时间",
			"扫码甲," + p.IDNumber + ",," + market.Code + ",,2026年3月6日12时05分",
			"某乙,,13900001111,,西街农贸市场,2026-03-06 12:10",
			"损坏,6.10118E+17,,," + "西街农贸市场,2026/3/6 12:20",
			"无场所,," + "13900002222,ZZZ,不存在的店,2026-03-06 12:30",
			"扫码甲手机,," + p.Phone + ",,西街农贸市场,2026-03-06 12:40", // matched by the phone only 扫码甲 has
			"合计,4,,,,",
		}, "\n")
		res, err := e.svc.ImportScans(ctx, who, e.county, bytes.NewReader([]byte(csv)), int64(len(csv)), 2026)
		if err != nil {
			t.Fatal(err)
		}
		if res.Inserted != 3 || res.Matched != 2 || res.Failed != 2 || len(res.Footers) != 1 {
			t.Fatalf("import %+v", res)
		}
		var n int
		if err := d.R().QueryRow(`SELECT COUNT(*) FROM tracing_scans WHERE person_id = $1 AND scanned_at = $2`, p.ID, at("2026-03-06 12:05")).Scan(&n); err != nil || n != 1 {
			t.Fatalf("matched scan at 12:05: %d %v", n, err)
		}
		// The same log again adds nothing: each of its scans is there.
		if res, err := e.svc.ImportScans(ctx, who, e.county, bytes.NewReader([]byte(csv)), int64(len(csv)), 2026); err != nil ||
			res.Inserted != 0 || res.Repeated != 3 {
			t.Fatalf("the same log again: %+v %v", res, err)
		}
		if err := d.R().QueryRow(`SELECT COUNT(*) FROM tracing_scans`).Scan(&n); err != nil || n != 3 {
			t.Fatalf("%d scans stored after importing the log twice, want 3 (%v)", n, err)
		}
		// A village importer cannot name another village's place.
		res, err = e.svc.ImportScans(ctx, who, dbtestScope(dbtest.VillageB), bytes.NewReader([]byte(csv)), int64(len(csv)), 2026)
		if err != nil || res.Inserted != 0 {
			t.Fatalf("outside import %+v %v", res, err)
		}
		// The public page: the place only; a bad phone is refused.
		if _, err := e.svc.PublicScan(ctx, market.Token, tracing.ScanInput{Name: "赶集人", Phone: "123"}); !errs.IsInvalid(err) {
			t.Fatalf("bad phone: %v", err)
		}
		got, err := e.svc.PublicScan(ctx, market.Token, tracing.ScanInput{Name: "扫码甲", Phone: p.Phone})
		if err != nil || got.Name != market.Name {
			t.Fatalf("public scan: %+v %v", got, err)
		}
		if err := d.R().QueryRow(`SELECT COUNT(*) FROM tracing_scans WHERE person_id = $1 AND source = 'page'`, p.ID).Scan(&n); err != nil || n != 1 {
			t.Fatalf("public scan matched by phone and name: %d", n)
		}
		if _, err := e.svc.PublicScan(ctx, "nosuchtoken", tracing.ScanInput{Name: "x", Phone: p.Phone}); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("unknown token: %v", err)
		}
	})
}

// All or nothing: a log with a bad row imports nothing and reports the row;
// the same log without it imports every row.
func TestImportScansAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		market := e.place("西街农贸市场", dbtest.VillageA)
		good := "姓名,手机号,场所编码,扫码时间\n某甲,13900001111," + market.Code + ",2026-03-06 12:10\n"
		bad := good + "某乙,13900002222,ZZZ,2026-03-06 12:20\n"
		res, err := e.svc.ImportScansAllOrNothing(ctx, who, e.county, strings.NewReader(bad), int64(len(bad)), 2026)
		if err != nil || res.Applied || res.Inserted != 0 || res.Failed != 1 || len(res.Errors) != 1 || res.Errors[0].Row != 3 {
			t.Fatalf("a bad row: %+v %v", res, err)
		}
		var n int
		if d.R().QueryRow(`SELECT COUNT(*) FROM tracing_scans`).Scan(&n); n != 0 {
			t.Fatalf("%d scans stored by an all-or-nothing import with a bad row", n)
		}
		if res, err = e.svc.ImportScansAllOrNothing(ctx, who, e.county, strings.NewReader(good), int64(len(good)), 2026); err != nil || !res.Applied || res.Inserted != 1 {
			t.Fatalf("a clean log: %+v %v", res, err)
		}
	})
}
