package pushlist_test

import (
	"context"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/place/placetest"
	"fangkong/internal/pushlist"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
)

// TestOriginResolved: a pushed row's 出发地 typed as a name gets its
// division code at import; answered 在村, the arrival carries the code and
// the level of the day, while an ambiguous 出发地 arrives pending
// (地点待核实), its level unknown.
func TestOriginResolved(t *testing.T) {
	t.Parallel()
	r := placetest.National(t)
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		c := &clockAt{t: baseDay}
		units := jurisdiction.NewStore(d, c.now)
		levels := riskarea.NewLookup(d, r)
		arrivals := returnee.NewService(d, registry.NewService(d, units, c.now), units, levels, returnee.NoAssign, c.now)
		if _, err := riskarea.NewService(d, levels, arrivals, time.Now).Add(ctx, centre,
			riskarea.Entry{Code: "410105", Level: "高", EffectiveFrom: "2026-11-01"}); err != nil {
			t.Fatal(err)
		}
		s := pushlist.NewService(d, units, arrivals, r, c.now)
		l := importBytes(t, s, xlsx(t, []string{"姓名", "手机号", "出发地", "到达日期", "地址"}, [][]string{
			{"金水人", "13700000021", "郑州金水", "2026-11-18", "西街社区"},
			{"朝阳人", "13700000022", "朝阳区", "2026-11-18", "西街社区"},
			{"无地人", "13700000023", "", "2026-11-18", "西街社区"},
		}), pushlist.ImportOptions{Source: "电信运营商"})
		tk := byRow(t, s, l.ID)
		if tk[2].OriginCode != "410105" || tk[3].OriginCode != "" || tk[4].OriginCode != "" || tk[2].Origin != "郑州金水" {
			t.Fatalf("origin codes %q %q %q", tk[2].OriginCode, tk[3].OriginCode, tk[4].OriginCode)
		}
		answer := pushlist.Answer{Result: pushlist.ResultInVillage, Sex: "男", BirthDate: "1990-02-03"}
		level := func(row int) (code, level, status string) {
			t.Helper()
			got, err := s.AnswerTask(ctx, worker, villA, tk[row].ID, answer)
			if err != nil || got.ArrivalID == 0 {
				t.Fatalf("answer row %d: %v", row, err)
			}
			if err := d.R().QueryRow("SELECT origin_code, origin_level, origin_status FROM returnees WHERE id = $1", got.ArrivalID).
				Scan(&code, &level, &status); err != nil {
				t.Fatal(err)
			}
			return
		}
		if code, lv, st := level(2); code != "410105" || lv != riskarea.High || st != "" {
			t.Errorf("郑州金水: %q %q %q", code, lv, st)
		}
		if code, lv, st := level(3); code != "" || lv != "" || st != returnee.PlacePending {
			t.Errorf("朝阳区: %q %q %q", code, lv, st)
		}
		if code, lv, st := level(4); code != "" || lv != "" || st != "" {
			t.Errorf("no 出发地: %q %q %q", code, lv, st)
		}
	})
}
