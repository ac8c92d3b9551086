package riskarea_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/place/placetest"
	"fangkong/internal/registry"
	"fangkong/internal/riskarea"
)

// TestImportListAsPassedOn: a list with its own column names (地区, 风险级别,
// 生效时间, 解除时间) or with the province, city and county apart is read as
// sent; a row repeated in the list is reported, and the same list imported
// again adds nothing twice.
func TestImportListAsPassedOn(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := riskarea.NewService(d, riskarea.NewLookup(d, placetest.National(t)), riskarea.NoRelevel, time.Now)
		words := "全国疫情中高风险地区清单（截至2021年12月10日24时）,,,,,\n" +
			"序号,地区,具体地点,风险级别,生效时间,解除时间\n" +
			"1,西安市雁塔区,明德门小区,高风险,2021年12月10日,\n" +
			"2,西安市碑林区,,中风险,2021/12/10,2021/12/24\n" +
			"3,西安市雁塔区,明德门小区,高风险,2021年12月10日,\n" +
			"合计,,,,,共3个\n"
		rep, err := s.Import(ctx, who, strings.NewReader(words), int64(len(words)), registry.ImportAllOrNothing)
		if err != nil || rep.Applied || rep.Rows != 3 || rep.BadRows != 1 || rep.Errors[0].Row != 5 || !strings.Contains(rep.Errors[0].Reason, "第3行") {
			t.Fatalf("list with its own column names, a row repeated: %+v %v", rep, err)
		}
		rep, err = s.Import(ctx, who, strings.NewReader(words), int64(len(words)), registry.ImportGoodRows)
		if err != nil || !rep.Applied || rep.Added != 2 {
			t.Fatalf("good rows: %+v %v", rep, err)
		}
		if l, _ := s.List(ctx, riskarea.Filter{Code: "610103"}); len(l) != 1 || l[0].EffectiveTo != "2021-12-24" || l[0].Level != "中风险" {
			t.Errorf("碑林区: %+v", l)
		}
		split := "省份,城市,区县,具体地点,风险等级,公布日期\n" +
			"陕西省,西安市,雁塔区,明德门小区,高风险,2021-12-10\n" +
			"陕西省,西安市,长安区,,中风险,2021-12-10\n"
		rep, err = s.Import(ctx, who, strings.NewReader(split), int64(len(split)), registry.ImportAllOrNothing)
		if err != nil || !rep.Applied || rep.Added != 1 || rep.Existing != 1 || rep.BadRows != 0 {
			t.Fatalf("province, city and county apart, one entry already listed: %+v %v", rep, err)
		}
		if l, _ := s.List(ctx, riskarea.Filter{Code: "610116"}); len(l) != 1 {
			t.Errorf("长安区: %+v", l)
		}
		if l, _ := s.List(ctx, riskarea.Filter{Code: "610113"}); len(l) != 1 {
			t.Errorf("明德门小区 listed %d times, want once: %+v", len(l), l)
		}
	})
}
