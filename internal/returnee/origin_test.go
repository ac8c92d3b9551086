package returnee_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/place/placetest"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
)

// TestOriginByName: an origin typed as a name lands on its division code,
// so the risk level of the day and the control measure follow; a name that
// is ambiguous or unknown is kept as typed, pending (地点待核实), with its
// level unknown rather than 非风险, until someone picks the place.
func TestOriginByName(t *testing.T) {
	t.Parallel()
	r := placetest.National(t)
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setupWith(t, d, r)
		for _, en := range []riskarea.Entry{
			{Code: "410105", Level: "高", EffectiveFrom: "2021-12-20"},
			{Code: "110105", Level: "高", EffectiveFrom: "2021-12-20"},
		} {
			if _, err := e.risk.Add(ctx, who, en); err != nil {
				t.Fatal(err)
			}
		}
		village := jurisdiction.Grant(dbtest.VillageA)
		n := 0
		record := func(origin string) returnee.Arrival {
			t.Helper()
			n++
			a, _, err := e.svc.Record(ctx, who, village, returnee.Arrival{Name: "返乡" + string(rune('甲'+n)), Sex: "男",
				BirthDate: "1990-01-01", VillageCode: dbtest.VillageA, OriginText: origin, DepartedOn: "2021-12-24",
				ArrivedOn: "2021-12-26", Source: returnee.SourceSweep})
			if err != nil {
				t.Fatalf("record %s: %v", origin, err)
			}
			return a
		}
		measured := func(a returnee.Arrival) bool {
			return slices.ContainsFunc(e.rec.got, func(x assigned) bool { return x.person == a.PersonID && x.cat == returnee.CategoryHighRisk })
		}

		a := record("河南省郑州市金水区")
		if a.OriginCode != "410105" || a.OriginName != "河南省郑州市金水区" || a.OriginLevel != riskarea.High || a.PlacePending() {
			t.Errorf("河南省郑州市金水区: %s %s %q pending=%v", a.OriginCode, a.OriginName, a.OriginLevel, a.PlacePending())
		}
		if !measured(a) {
			t.Errorf("no control measure for an arrival from 410105 (高): %+v", e.rec.got)
		}
		if b := record("西安雁塔明德门小区"); b.OriginCode != "610113" || b.OriginDetail != "明德门小区" || b.OriginLevel != riskarea.High {
			t.Errorf("西安雁塔明德门小区: %s %q %q", b.OriginCode, b.OriginDetail, b.OriginLevel)
		}
		if c := record("郑州金水"); c.OriginCode != "410105" || c.OriginText != "郑州金水" || c.OriginLevel != riskarea.High {
			t.Errorf("郑州金水: %+v", c)
		}

		amb := record("朝阳区")
		if !amb.PlacePending() || amb.OriginCode != "" || amb.OriginLevel != "" || !strings.Contains(amb.LevelText(), "待核实") || measured(amb) {
			t.Errorf("朝阳区 is in 北京 and 长春: %+v %q", amb, amb.LevelText())
		}
		part := record("陕西城关镇") // several 城关镇, all in 陕西
		if !part.PlacePending() || part.OriginCode != "61" || part.OriginName != "陕西省" {
			t.Errorf("陕西城关镇: %+v", part)
		}
		unknown := record("火星基地")
		if !unknown.PlacePending() || unknown.OriginCode != "" || unknown.OriginText != "火星基地" || unknown.Origin() != "火星基地" {
			t.Errorf("火星基地: %+v", unknown)
		}

		queue, err := e.svc.List(ctx, village, returnee.Filter{Place: returnee.PlacePending})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, x := range queue {
			ids = append(ids, x.ID)
		}
		slices.Sort(ids)
		if !slices.Equal(ids, []int64{amb.ID, part.ID, unknown.ID}) {
			t.Errorf("queue %v, want %d %d %d", ids, amb.ID, part.ID, unknown.ID)
		}
		tally, err := e.svc.Tally(ctx, village, dbtest.VillageA)
		if err != nil || tally.PlacePending != 3 || tally.ByRank[0] != 0 || tally.ByRank[3] != 3 || tally.Total != 6 {
			t.Errorf("tally %+v %v: pending places are not 其他地区", tally, err)
		}

		// The village picks 北京朝阳区: level and measure follow.
		set, err := e.svc.SetOrigin(ctx, who, village, amb.ID, returnee.PlaceChoice{Code: "110105"}, 0)
		if err != nil || set.PlacePending() || set.OriginCode != "110105" || set.OriginLevel != riskarea.High || set.OriginText != "朝阳区" {
			t.Fatalf("set origin: %+v %v", set, err)
		}
		if !measured(set) {
			t.Error("no control measure once the place was picked")
		}
		// New text for the unknown one, resolved; a stale version is a conflict.
		if _, err := e.svc.SetOrigin(ctx, who, village, unknown.ID, returnee.PlaceChoice{Text: "长春朝阳"}, unknown.Version+5); err == nil {
			t.Error("stale version accepted")
		}
		set, err = e.svc.SetOrigin(ctx, who, village, unknown.ID, returnee.PlaceChoice{Text: "长春朝阳", Detail: "某小区"}, unknown.Version)
		if err != nil || set.OriginCode != "220104" || set.OriginDetail != "某小区" || set.PlacePending() {
			t.Errorf("retyped: %+v %v", set, err)
		}
		// A code the national files do not know stays pending, its code kept.
		odd, _, err := e.svc.Record(ctx, who, village, returnee.Arrival{Name: "返乡代码", Sex: "女", BirthDate: "1991-01-01",
			VillageCode: dbtest.VillageA, OriginCode: "610199", ArrivedOn: "2021-12-26", Source: returnee.SourceSweep})
		if err != nil || !odd.PlacePending() || odd.OriginCode != "610199" {
			t.Errorf("unknown code: %+v %v", odd, err)
		}
	})
}

// TestOriginMergeAndSelfReport: a later report with a clear origin settles
// a pending one when they merge; a self-report typed as a name lands with
// its code, and an ambiguous one keeps the text until it is confirmed.
func TestOriginMergeAndSelfReport(t *testing.T) {
	t.Parallel()
	r := placetest.National(t)
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setupWith(t, d, r)
		village := jurisdiction.Grant(dbtest.VillageA)
		id := dbtest.ID("61011819900101555")
		first, _, err := e.svc.Record(ctx, who, village, returnee.Arrival{Name: "合并甲", IDNumber: id, VillageCode: dbtest.VillageA,
			OriginText: "新城区", ArrivedOn: "2021-12-26", Source: returnee.SourceSweep})
		if err != nil || !first.PlacePending() {
			t.Fatalf("first: %+v %v", first, err)
		}
		second, merged, err := e.svc.Record(ctx, who, village, returnee.Arrival{Name: "合并甲", IDNumber: id, VillageCode: dbtest.VillageA,
			OriginText: "西安新城", DepartedOn: "2021-12-25", ArrivedOn: "2021-12-27", Source: returnee.SourcePush})
		if err != nil || !merged || second.ID != first.ID || second.PlacePending() || second.OriginCode != "610102" {
			t.Errorf("merged: %+v merged=%v %v", second, merged, err)
		}

		p, err := e.svc.Poster(ctx, village, dbtest.VillageA)
		if err != nil {
			t.Fatal(err)
		}
		clear, err := e.svc.SubmitSelfReport(ctx, p.Token, returnee.SelfReport{Name: "自报甲", IDNumber: dbtest.ID("61011819900101666"),
			Address: "西街1号", OriginText: "西安雁塔电子城", ArrivedOn: "2021-12-26", IP: "192.0.2.1"})
		if err != nil {
			t.Fatal(err)
		}
		amb, err := e.svc.SubmitSelfReport(ctx, p.Token, returnee.SelfReport{Name: "自报乙", IDNumber: dbtest.ID("61011819900101777"),
			Address: "西街2号", OriginText: "朝阳区", ArrivedOn: "2021-12-26", IP: "192.0.2.2"})
		if err != nil {
			t.Fatal(err)
		}
		var code, detail, text string
		if err := d.R().QueryRow("SELECT origin_code, origin_detail, origin_text FROM self_reports WHERE id = $1", clear).Scan(&code, &detail, &text); err != nil ||
			code != "610113004" || detail != "电子城" || text != "西安雁塔电子城" {
			t.Errorf("self-report by name: %q %q %q %v", code, detail, text, err)
		}
		if err := d.R().QueryRow("SELECT origin_code, origin_text FROM self_reports WHERE id = $1", amb).Scan(&code, &text); err != nil ||
			code != "" || text != "朝阳区" {
			t.Errorf("ambiguous self-report: %q %q %v", code, text, err)
		}
		a, _, err := e.svc.ConfirmSelfReport(ctx, who, village, clear, 0)
		if err != nil || a.OriginCode != "610113004" || a.OriginLevel != riskarea.Medium || a.PlacePending() {
			t.Errorf("confirmed: %+v %v", a, err)
		}
		b, _, err := e.svc.ConfirmSelfReport(ctx, who, village, amb, 0)
		if err != nil || !b.PlacePending() || b.OriginText != "朝阳区" {
			t.Errorf("confirmed ambiguous: %+v %v", b, err)
		}
	})
}

// TestOriginCodesOnly: without the national files a code still works, and
// a name is kept pending rather than taken for 非风险.
func TestOriginCodesOnly(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		village := jurisdiction.Grant(dbtest.VillageA)
		a, _, err := e.svc.Record(ctx, who, village, returnee.Arrival{Name: "代码甲", Sex: "男", BirthDate: "1990-01-01",
			VillageCode: dbtest.VillageA, OriginText: "610113", DepartedOn: "2021-12-24", ArrivedOn: "2021-12-26", Source: returnee.SourceSweep})
		if err != nil || a.OriginCode != "610113" || a.OriginLevel != riskarea.Medium || a.PlacePending() {
			t.Errorf("code as text: %+v %v", a, err)
		}
		b, _, err := e.svc.Record(ctx, who, village, returnee.Arrival{Name: "地名乙", Sex: "男", BirthDate: "1990-01-01",
			VillageCode: dbtest.VillageA, OriginName: "雁塔区", ArrivedOn: "2021-12-26", Source: returnee.SourceSweep})
		if err != nil || !b.PlacePending() || b.OriginText != "雁塔区" || b.LevelText() == "非风险地区" {
			t.Errorf("name without the national files: %+v %v", b, err)
		}
	})
}
