package sentinel_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sentinel"
)

func TestBuyersBecomeVillageTasks(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		ph := e.mk(t, dbtest.VillageA, "西街大药房", sentinel.KindPharmacy)
		b, err := e.s.RegisterBuyer(ctx, who, e.townA, ph, sentinel.BuyerInput{Name: "买药王", Phone: "13912345678", DrugClass: "退热药",
			DrugName: "布洛芬缓释胶囊"})
		if err != nil {
			t.Fatal(err)
		}
		if b.DrugClass != "退烧" || b.VillageCode != dbtest.VillageA || b.TestDueAt != start.UnixMilli()+72*3600000 {
			t.Fatalf("buyer: %+v", b)
		}
		if _, err := e.s.RegisterBuyer(ctx, who, e.townA, ph, sentinel.BuyerInput{Name: "买药王", Phone: "13912345678", DrugClass: "退烧"}); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("the same purchase twice: %v", err)
		}
		if _, err := e.s.RegisterBuyer(ctx, who, e.townA, ph, sentinel.BuyerInput{Name: "买药李", Phone: "13912345679", DrugClass: "维生素"}); !errs.IsInvalid(err) {
			t.Errorf("not one of the four classes: %v", err)
		}
		if _, err := e.s.RegisterBuyer(ctx, who, e.townA, ph, sentinel.BuyerInput{Name: "买药李", Phone: "13912345679", DrugClass: "止咳",
			VillageCode: dbtest.VillageB}); !errs.IsInvalid(err) {
			t.Errorf("a village outside the scope: %v", err)
		}
		// A pharmacy system's export: a title row, a Chinese date, a village as people shorten it (东街), an ID
		// number Excel rewrote, a 合计 row; sent twice.
		file := "西街大药房四类药品销售登记\n" +
			"购买人,身份证号码,联系电话,药品分类,通用名,销售时间,所在村\n" +
			"张一," + dbtest.ID("61011819800101001") + ",13800000001,抗病毒,奥司他韦,2026年3月10日8时30分,西街社区\n" +
			"张二,6.10118E+17,13800000002,止咳,,2026-03-10,\n" +
			"张三,,13800000003,抗生素,阿莫西林,2026/3/9 15:00,东街\n" +
			"张四,,13800000004,抗菌,,2026-03-10,月球村\n" +
			"张五,,12345,退烧,,2026-03-10,西街社区\n" +
			"合计,,,,,,4人\n"
		rep, err := e.s.ImportBuyers(ctx, who, e.townA, ph, strings.NewReader(file), int64(len(file)))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 5 || rep.Added != 2 || len(rep.Errors) != 3 || rep.Errors[0].Column != "身份证号" || rep.Errors[1].Column != "所在村" ||
			rep.Errors[2].Column != "手机号" {
			t.Fatalf("import: %+v", rep)
		}
		again, err := e.s.ImportBuyers(ctx, who, e.townA, ph, strings.NewReader(file), int64(len(file)))
		if err != nil || again.Added != 0 || again.Duplicates != 2 {
			t.Fatalf("the same file again: %+v %v", again, err)
		}
		// VillageA sees its two buyers (form + 张一), VillageA2 its one (张三, due 2026-03-12 15:00).
		va := jurisdiction.Grant(dbtest.VillageA)
		if n, _ := e.s.CountBuyers(ctx, va, sentinel.BuyerFilter{Status: sentinel.BuyerOpen}); n != 2 {
			t.Errorf("VillageA open: %d", n)
		}
		a2, err := e.s.Buyers(ctx, jurisdiction.Grant(dbtest.VillageA2), sentinel.BuyerFilter{})
		if err != nil || len(a2) != 1 || a2[0].Name != "张三" || a2[0].DrugClass != "抗菌" {
			t.Fatalf("VillageA2: %+v %v", a2, err)
		}
		// Past the 72 hours the unverified ones are overdue, and in the day's work.
		e.clk.add(49 * time.Hour) // 2026-03-12 10:00: 张三's purchase of the 9th 15:00 is past due
		if n, _ := e.s.CountBuyers(ctx, jurisdiction.Grant(dbtest.TownshipA), sentinel.BuyerFilter{Status: "overdue"}); n != 0 {
			t.Errorf("overdue before 72 h: %d", n)
		}
		e.clk.add(6 * time.Hour)
		figs, err := e.s.Todo(ctx, e.townA, dbtest.VillageA2, "2026-03-12")
		if err != nil || len(figs) != 1 || figs[0].Value != 1 || !figs[0].Late {
			t.Fatalf("VillageA2's day: %+v %v", figs, err)
		}
		if err := e.s.AnswerBuyer(ctx, town, jurisdiction.Grant(dbtest.VillageA), a2[0].ID, "已检测", ""); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("VillageA answers VillageA2's buyer: %v", err)
		}
		if err := e.s.AnswerBuyer(ctx, town, jurisdiction.Grant(dbtest.VillageA2), a2[0].ID, "已检测", "3月10日阴性"); err != nil {
			t.Fatal(err)
		}
		if figs, _ := e.s.Todo(ctx, e.townA, dbtest.VillageA2, "2026-03-12"); figs[0].Value != 0 || figs[0].Late {
			t.Errorf("after the answer: %+v", figs)
		}
	})
}

// All or nothing: a pharmacy's file with a bad row registers no one and
// reports the row; with good rows chosen, the good rows are registered.
func TestImportBuyersAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		file := "姓名,手机号,药品类别,所在村\n购药甲,13912340001,退烧,西街社区居委会\n购药乙,13912340002,不明类,西街社区居委会\n"
		rep, err := e.s.ImportBuyersAllOrNothing(ctx, who, e.townA, e.clinic, strings.NewReader(file), int64(len(file)))
		if err != nil || rep.Applied || rep.Added != 0 || len(rep.Errors) != 1 {
			t.Fatalf("all or nothing with a bad row: %+v %v", rep, err)
		}
		rep, err = e.s.ImportBuyers(ctx, who, e.townA, e.clinic, strings.NewReader(file), int64(len(file)))
		if err != nil || !rep.Applied || rep.Added != 1 || len(rep.Errors) != 1 {
			t.Fatalf("good rows: %+v %v", rep, err)
		}
	})
}
