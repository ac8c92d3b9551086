package tracing_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/tracing"
)

// TestClocksConversionChain: a case found at 06:00 with its report done in
// time and no trajectory by 09:00 (fixed now) has a missed 4 h clock and is
// escalated; a close contact converted to a case is linked to it (an edge
// of the chain), counted as a known contact, and the SVG links both.
func TestClocksConversionChain(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		a, b := e.person("甲病例", dbtest.VillageA, 0), e.person("乙密接", dbtest.VillageB, 0)
		market := e.place("集市", dbtest.VillageA)
		e.scan(market, a.ID, a.IDNumber, a.Name, at("2026-03-09 10:00"))
		e.scan(market, b.ID, b.IDNumber, b.Name, at("2026-03-09 10:10"))
		c, err := e.svc.CreateCase(ctx, who, e.county, tracing.CaseInput{PersonID: a.ID, Classification: "确诊", FoundVia: "哨点",
			FoundAt: at("2026-03-10 04:30"), ReportedAt: at("2026-03-10 05:00"), OnsetDate: "2026-03-09"})
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]string{}
		for _, k := range c.Clocks {
			states[k.Key] = k.State
		}
		if states["report"] != "按时完成" || states["trajectory"] != "已超时" || states["preliminary"] != "进行中" || !c.Late() {
			t.Fatalf("clocks %v", states)
		}
		if n, err := e.svc.Escalate(ctx); err != nil || n != 1 {
			t.Fatalf("escalate: %d %v", n, err)
		}
		if n, _ := e.svc.Escalate(ctx); n != 0 {
			t.Fatalf("escalated twice")
		}
		if err := e.svc.Reclassify(ctx, who, e.county, c.ID, "无症状感染者", "订正"); err != nil {
			t.Fatal(err)
		}
		h, _ := e.svc.History(ctx, e.county, c.ID)
		if len(h) != 2 || h[1].Classification != "无症状感染者" {
			t.Fatalf("history %+v", h)
		}
		if _, err := e.svc.Refresh(ctx, who, e.county, c.ID); err != nil {
			t.Fatal(err)
		}
		list, _ := e.svc.Contacts(ctx, e.county, tracing.ContactFilter{CaseID: c.ID})
		if len(list) != 1 {
			t.Fatalf("contacts %+v", list)
		}
		if _, err := e.svc.Judge(ctx, who, e.county, c.ID, tracing.JudgeInput{ContactIDs: []int64{list[0].ID}, Category: tracing.CatClose}); err != nil {
			t.Fatal(err)
		}
		k, err := e.svc.CreateCluster(ctx, who, e.county, dbtest.TownshipA, "集市聚集性疫情", "")
		if err != nil {
			t.Fatal(err)
		}
		c2, err := e.svc.ConvertContact(ctx, who, e.county, list[0].ID, tracing.CaseInput{Classification: "确诊", FoundAt: at("2026-03-10 08:00")})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{c.ID, c2.ID} {
			if err := e.svc.SetCluster(ctx, who, e.county, id, k.ID); err != nil {
				t.Fatal(err)
			}
		}
		g, err := e.svc.Chain(ctx, e.county, tracing.GraphFilter{ClusterID: k.ID})
		if err != nil || len(g.Nodes) != 2 || len(g.Edges) != 1 || g.Edges[0] != [2]int64{c.ID, c2.ID} {
			t.Fatalf("chain %+v %v", g, err)
		}
		svg := g.SVG(func(id int64) string { return "/tracing/cases/" + string(rune('0'+id)) })
		if !bytes.Contains(svg, []byte("甲* 无症状感染者")) || strings.Contains(string(svg), "甲病例") {
			t.Fatalf("svg labels: %s", svg)
		}
		// Township B sees only its case, and no edge to the unseen one.
		gb, _ := e.svc.Chain(ctx, dbtestScope(dbtest.TownshipB), tracing.GraphFilter{})
		if len(gb.Nodes) != 1 || len(gb.Edges) != 0 {
			t.Fatalf("township B chain %+v", gb)
		}
		ind, err := e.svc.IndicatorsFor(ctx, e.county)
		if err != nil {
			t.Fatal(err)
		}
		tot := ind[len(ind)-1]
		if tot.NewCases != 2 || tot.KnownContact != 1 || tot.Close != 1 || tot.Lost != 0 {
			t.Fatalf("indicators %+v", tot)
		}
		card, err := e.svc.Summary(ctx, e.county, dbtest.County, "2026-03-10")
		if err != nil {
			t.Fatal(err)
		}
		if f, _ := card.Get("tracing.new"); f.Value != 2 {
			t.Fatalf("card %+v", card)
		}
	})
}
