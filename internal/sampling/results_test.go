package sampling_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sampling"
)

type assigned struct{ people []int64 }

func (a *assigned) AssignCategory(ctx context.Context, actor audit.Actor, personID int64, category, dayZero, source, note string) error {
	if category != sampling.CategoryPoolPositive {
		return fmt.Errorf("category %s", category)
	}
	a.people = append(a.people, personID)
	return nil
}

func TestResultsCoverageBoxes(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, 7, 5)
		hook := f.hook
		// Township A samples its 14 people: tubes T1 (5), T2 (5), T3 (4, closed by hand).
		n := 0
		for _, v := range []string{dbtest.VillageA, dbtest.VillageA2} {
			for _, p := range f.people[v] {
				tube := fmt.Sprintf("T%d", 1001+n/5)
				if _, err := f.svc.Scan(ctx, sampler, townA, sampling.ScanRequest{ScanID: fmt.Sprint("s", n), CampaignID: f.campaign.ID,
					PointID: f.point.ID, Tube: tube, Code: p.IDNumber}); err != nil {
					t.Fatal(err)
				}
				n++
			}
		}
		if _, err := f.svc.CloseTube(ctx, sampler, townA, f.campaign.ID, "T1003"); err != nil {
			t.Fatal(err)
		}
		lab, err := f.svc.AddLab(ctx, manager, county, sampling.Lab{CampaignID: f.campaign.ID, Name: "区疾控实验室", CapacityPerHour: 2000})
		if err != nil {
			t.Fatal(err)
		}
		// Boxes: pack, hand over, receive.
		box, err := f.svc.PackBox(ctx, sampler, townA, f.campaign.ID, f.point.ID, "", []string{"T1001, T1002", "T1003"})
		if err != nil || box.Tubes != 3 {
			t.Fatalf("pack: %+v %v", box, err)
		}
		if _, err := f.svc.PackBox(ctx, sampler, townA, f.campaign.ID, f.point.ID, "", []string{"T1001"}); !errs.IsInvalid(err) {
			t.Fatalf("packing a boxed tube again: %v", err)
		}
		if _, err := f.svc.HandOver(ctx, sampler, townA, box.ID, lab.ID); err != nil {
			t.Fatal(err)
		}
		if b, err := f.svc.Receive(ctx, sampler, townA, box.ID); err != nil || b.ReceivedAt == 0 || b.LabName != "区疾控实验室" {
			t.Fatalf("receive: %+v %v", b, err)
		}
		// A lab's sheet as sent: a title above the header, a 合计 row and
		// a signature row below the data, which are no tubes.
		sent := []byte("区疾控实验室检测结果汇总表,\n试管条码,检测结果\nT1001,阳性\nT9999,阴性\n合计：2管,\n检测人：某某,审核人：某某\n")
		rep, err := f.svc.ImportResults(ctx, sampler, townA, f.campaign.ID, lab.ID, bytes.NewReader(sent), int64(len(sent)), false)
		if err != nil || rep.Applied || rep.BadRows != 1 || len(rep.Errors) != 1 || rep.Errors[0].Row != 4 {
			t.Fatalf("titled upload with a footer: %+v %v", rep, err)
		}
		// A bad upload applies nothing; good rows only applies the rest.
		csv := []byte("试管条码,检测结果\nT1001,阳性\nT1002,阴性\nT1003,待定\nT9999,阴性\n")
		rep, err = f.svc.ImportResults(ctx, sampler, townA, f.campaign.ID, lab.ID, bytes.NewReader(csv), int64(len(csv)), false)
		if err != nil || rep.Applied || rep.BadRows != 2 || rep.Errors[0].Row != 4 {
			t.Fatalf("all-or-nothing upload: %+v %v", rep, err)
		}
		rep, err = f.svc.ImportResults(ctx, sampler, townA, f.campaign.ID, lab.ID, bytes.NewReader(csv), int64(len(csv)), true)
		if err != nil || !rep.Applied || rep.Positive != 1 || rep.Negative != 1 || rep.Retests != 5 {
			t.Fatalf("good-rows upload: %+v %v", rep, err)
		}
		if len(hook.people) != 5 {
			t.Errorf("assigner got %d people, want 5", len(hook.people))
		}
		rep, err = f.svc.RecordResults(ctx, sampler, townA, f.campaign.ID, lab.ID, []sampling.ResultRow{{Tube: "T1003", Result: "无效"}}, false)
		if err != nil || rep.Retests != 4 {
			t.Fatalf("invalid pool: %+v %v", rep, err)
		}
		// Coverage from the county: A 7/7, A2 7/7, B 0/7.
		cov, err := f.svc.Coverage(ctx, county, f.campaign.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if cov.Total.Target != 21 || cov.Total.Tested != 14 || cov.Total.Retests != 9 || cov.Tubes != 3 || cov.PosTubes != 2 {
			t.Fatalf("coverage: %+v", cov)
		}
		for _, c := range cov.Children {
			want := map[string]int{dbtest.TownshipA: 14, dbtest.TownshipB: 0}[c.Code]
			if c.Tested != want || c.Target != 14-7*map[bool]int{true: 1}[c.Code == dbtest.TownshipB] {
				t.Errorf("township %s: %+v", c.Code, c)
			}
		}
		// The untested list from the county: VillageB's 7; from township A: none.
		list, total, err := f.svc.Untested(ctx, county, f.campaign.ID, "", 5, 0)
		if err != nil || total != 7 || len(list) != 5 || list[0].UnitCode != dbtest.VillageB || list[0].IDMasked == f.people[dbtest.VillageB][0].IDNumber {
			t.Fatalf("untested: %d %+v %v", total, list, err)
		}
		if _, total, _ := f.svc.Untested(ctx, townA, f.campaign.ID, "", 50, 0); total != 0 {
			t.Errorf("township A untested %d", total)
		}
		if _, _, err := f.svc.Untested(ctx, townA, f.campaign.ID, dbtest.VillageB, 50, 0); err == nil {
			t.Errorf("township A reading VillageB's untested list")
		}
		var buf bytes.Buffer
		if n, err := f.svc.ExportUntested(ctx, manager, county, f.campaign.ID, dbtest.TownshipB, &buf); err != nil || n != 7 {
			t.Fatalf("export: %d %v", n, err)
		}
		var summary string // the export is audited with how many it names
		if err := d.R().QueryRow("SELECT summary FROM audit_log WHERE entity = 'untested' ORDER BY id DESC LIMIT 1").Scan(&summary); err != nil ||
			!strings.Contains(summary, "（7人）") {
			t.Errorf("untested export audited as %q (%v)", summary, err)
		}
		// Retests: 9 in township A, none visible from VillageB.
		rt, total, err := f.svc.Retests(ctx, townA, f.campaign.ID, "", 100, 0)
		if err != nil || total != 9 || len(rt) != 9 {
			t.Fatalf("retests: %d %v", total, err)
		}
		if _, total, _ := f.svc.Retests(ctx, jurisdiction.Grant(dbtest.VillageB), f.campaign.ID, "", 100, 0); total != 0 {
			t.Errorf("VillageB sees %d retests", total)
		}
		if err := f.svc.RecordRetest(ctx, sampler, townA, f.campaign.ID, rt[0].PersonID, "S0001", "阴性"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RecordRetest(ctx, sampler, jurisdiction.Grant(dbtest.VillageB), f.campaign.ID, rt[0].PersonID, "S0002", "阴性"); err == nil {
			t.Errorf("retest recorded from outside")
		}
		ta, err := f.svc.Turnarounds(ctx, county, f.campaign.ID)
		if err != nil || len(ta) != 1 || ta[0].Samples != 14 || ta[0].Within != 14 {
			t.Fatalf("turnaround: %+v %v", ta, err)
		}
		// Planning: 7 untested, 1 table of 360/day: well within a day.
		p, err := f.svc.Plan(ctx, county, f.campaign.ID, sampling.PlanInput{Days: 1})
		if err != nil || !p.Feasible || p.People != 7 || p.Tubes != 2 {
			t.Fatalf("plan: %+v %v", p, err)
		}
		p, err = f.svc.Plan(ctx, county, 0, sampling.PlanInput{UnitCode: dbtest.County, Days: 0.01, Samplers: 1, LabPerHour: 10})
		if err != nil || p.Feasible || p.People != 21 {
			t.Fatalf("plan without campaign: %+v %v", p, err)
		}
		// Without a campaign the people are the present residents: one away
		// (外出务工) and one deregistered do not count, one at home does.
		for _, x := range []struct {
			res    string
			active int
		}{{"外出务工", 1}, {"常住", 0}, {"常住", 1}} {
			if _, err := d.W().ExecContext(ctx, `INSERT INTO people (name, unit_code, residence, active, created_at, updated_at) VALUES ('居民', $1, $2, $3, 0, 0)`,
				dbtest.VillageB, x.res, x.active); err != nil {
				t.Fatal(err)
			}
		}
		if p, err = f.svc.Plan(ctx, county, 0, sampling.PlanInput{UnitCode: dbtest.County, Days: 1}); err != nil || p.People != 22 {
			t.Fatalf("plan without campaign after 3 more people (one present): %+v %v", p, err)
		}
	})
}

// The rounds' read side gives the measures module a person's negative
// pooled results by sampling day; a positive pool is not the person's.
func TestResultReaderNegativeOn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, 2, 5)
		lab, err := f.svc.AddLab(ctx, manager, county, sampling.Lab{CampaignID: f.campaign.ID, Name: "区疾控实验室"})
		if err != nil {
			t.Fatal(err)
		}
		a, b := f.people[dbtest.VillageA][0], f.people[dbtest.VillageA][1]
		for i, p := range []int64{a.ID, b.ID} {
			code, _ := f.svc.PersonCode(ctx, townA, p)
			tube := fmt.Sprint("RT000", i)
			if _, err := f.svc.Scan(ctx, sampler, townA, sampling.ScanRequest{ScanID: tube, CampaignID: f.campaign.ID, PointID: f.point.ID,
				Tube: tube, Code: code}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.CloseTube(ctx, sampler, townA, f.campaign.ID, tube); err != nil {
				t.Fatal(err)
			}
			res := map[int]string{0: "阴性", 1: "阳性"}[i]
			if _, err := f.svc.RecordResults(ctx, manager, county, f.campaign.ID, lab.ID, []sampling.ResultRow{{Tube: tube, Result: res}}, false); err != nil {
				t.Fatal(err)
			}
		}
		today := clock.Day(time.Now())
		r := sampling.NewResultReader(d)
		got, err := r.NegativeOn(ctx, a.ID, []string{"2022-01-01", today})
		if x, ok := got[today]; err != nil || len(got) != 1 || !ok || x.SampledAt == 0 || x.ResultAt == 0 || x.Where != "全员核酸 第一轮全员核酸（管 RT0000）" {
			t.Errorf("negative pool: %+v %v", got, err)
		}
		if got, err := r.NegativeOn(ctx, b.ID, []string{today}); err != nil || len(got) != 0 {
			t.Errorf("positive pool counted: %+v %v", got, err)
		}
		if got, _ := r.NegativeOn(ctx, a.ID, []string{"2022-01-01"}); len(got) != 0 {
			t.Errorf("another day: %+v", got)
		}
	})
}

// Labs write results their own way; each of these is read, and nothing
// else is guessed.
func TestParseResultWordings(t *testing.T) {
	for in, want := range map[string]string{
		"阴性": sampling.ResultNegative, "阴性（-）": sampling.ResultNegative, "阴性(-)": sampling.ResultNegative, "未检出": sampling.ResultNegative,
		"阴 性": sampling.ResultNegative, "－": sampling.ResultNegative, "Negative": sampling.ResultNegative,
		"阳性（+）": sampling.ResultPositive, "＋": sampling.ResultPositive, "无效": sampling.ResultInvalid,
		"可疑": "", "阴性阳性": "", "(-)": "",
	} {
		got, ok := sampling.ParseResult(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParseResult(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
