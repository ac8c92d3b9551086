package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/checkpoint"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/policy"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
	"fangkong/internal/summary"
)

// figureOf is the figure with key of unit's summaries.
func figureOf(t *testing.T, e *apptest.Env, unit, key string) summary.Figure {
	t.Helper()
	for _, src := range e.App.Summaries {
		c, err := src.Source.Summary(t.Context(), jurisdiction.Grant(dbtest.County), unit, clock.Day(e.App.Config.Now()))
		if err != nil {
			t.Fatal(err)
		}
		if f, ok := c.Get(key); ok {
			return f
		}
	}
	t.Fatalf("no figure %s for %s", key, unit)
	return summary.Figure{}
}

// The command centre's home: what is late names its domain (已逾期 alone
// does not say what is overdue), a count of entrances that are fine is not
// among 逾期与未办 (本班缺岗 is the late one), and the 本级 row of the
// townships' table leaves out 未达标项, a count of the unit's own standards
// that its townships' do not add up to (it showed 8 − 16 = −8 as 本级资源抵减).
func TestRound4PictureLateAndRest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		ctx, all := context.Background(), jurisdiction.System("test")
		if _, err := e.App.Checkpoints.CreateCheckpoint(ctx, seedActor, all, checkpoint.Checkpoint{UnitCode: dbtest.TownshipA, Name: "甘亭东卡口",
			Kind: "国省道", StaffPerShift: 2}); err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "zhb", auth.RoleCommand, dbtest.County)
		c := e.Login(t, "zhb", apptest.Password)
		st, page := c.Get("/command")
		if st != http.StatusOK {
			t.Fatalf("picture: %d %s", st, page)
		}
		if !strings.Contains(page, `id="late-checkpoint.unfilled">1<`) {
			t.Errorf("the unfilled shift is not among 逾期与未办")
		}
		if strings.Contains(page, `id="late-checkpoint.manned_now"`) {
			t.Errorf("此刻有人值守 (entrances that are fine) is listed as late")
		}
		late := page[strings.Index(page, `<section id="late">`):]
		late = late[:strings.Index(late, "</section>")]
		if !regexp.MustCompile(`卡口</small>\s*<span class="todo-label">本班缺岗`).MatchString(late) {
			t.Errorf("a late item does not name its domain: %s", late)
		}
		unmet := figureOf(t, e, dbtest.County, "readiness.unmet")
		if !unmet.NoSum {
			t.Fatalf("未达标项 is not marked as the unit's own measure")
		}
		if row := rowOf(page, `id="child-rest"`); row != "" {
			cell := regexp.MustCompile(`data-key="readiness.unmet">(.*?)</td>`).FindStringSubmatch(row)
			if cell == nil || regexp.MustCompile(`\d`).MatchString(cell[1]) {
				t.Errorf("the 本级 row has a remainder of 未达标项: %q", row)
			}
		}
	})
}

// 来自中风险地区 is the count of arrivals from a medium-risk place; the
// page it links to must not list the high-risk ones too (the ledger's
// rank=2 is 中风险及以上).
func TestRound4ReturneeMediumLink(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		ctx, all := context.Background(), jurisdiction.System("test")
		today := clock.Day(e.App.Config.Now())
		for _, en := range []riskarea.Entry{{Code: "610113", PlaceName: "雁塔区", Level: "中", EffectiveFrom: "2021-12-20"},
			{Code: "410105", PlaceName: "金水区", Level: "高", EffectiveFrom: "2021-12-20"}} {
			if _, err := e.App.RiskAreas.Add(ctx, seedActor, en); err != nil {
				t.Fatal(err)
			}
		}
		for i, x := range []struct{ name, origin string }{{"中风险甲", "610113"}, {"高风险乙", "410105"}} {
			hh, err := e.App.Registry.CreateHousehold(ctx, seedActor, all, registry.Household{UnitCode: dbtest.VillageA, Address: fmt.Sprintf("西街%d号", i+1)})
			if err != nil {
				t.Fatal(err)
			}
			p, err := e.App.Registry.CreatePerson(ctx, seedActor, all, registry.Person{Name: x.name, IDNumber: dbtest.ID(fmt.Sprintf("6101181980010109%d", i)),
				HouseholdID: hh.ID, Relation: "户主"})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := e.App.Returnees.Record(ctx, seedActor, all, returnee.Arrival{PersonID: p.ID, OriginCode: x.origin,
				DepartedOn: policy.AddDays(today, -1), ArrivedOn: today, Source: returnee.SourceSweep}); err != nil {
				t.Fatal(err)
			}
		}
		e.AddUser(t, "zhen", auth.RoleTownship, dbtest.TownshipA)
		c := e.Login(t, "zhen", apptest.Password)
		f := figureOf(t, e, dbtest.TownshipA, "returnee.medium")
		if f.Value != 1 {
			t.Fatalf("来自中风险地区 = %d, want 1", f.Value)
		}
		st, body := c.Get(f.Link)
		if st != http.StatusOK {
			t.Fatalf("%s: %d", f.Link, st)
		}
		if strings.Contains(body, "高风险乙") {
			t.Errorf("来自中风险地区 = 1 links to %s, which lists the high-risk arrival too", f.Link)
		}
		if !strings.Contains(body, ">1<") {
			t.Errorf("%s does not show 1", f.Link)
		}
	})
}

// 推送核查任务 counts open and answered tasks (duplicates and rejected rows
// not): its link must not be the list of every row (共 3 条 for 2 tasks).
func TestRound4PushPushedLink(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "centre", auth.RoleCommand, dbtest.County)
		centre := e.Login(t, "centre", apptest.Password)
		if _, err := e.App.Registry.CreatePerson(t.Context(), seedActor, jurisdiction.System("test"), registry.Person{Name: "王大",
			IDNumber: dbtest.ID("61011819800101011"), Sex: "男", UnitCode: dbtest.VillageA}); err != nil {
			t.Fatal(err)
		}
		// GBK: 王大 (matched), 李二 (queued at 余下镇), a row with neither name nor ID (rejected).
		csv := "XM,ZJHM,DZ\n\xcd\xf5\xb4\xf3," + dbtest.ID("61011819800101011") + ",\n" + "\xc0\xee\xb6\xfe,,\xd3\xe0\xcf\xc2\xd5\xf2\n" + "," + "123,\n"
		st, body := centre.Upload("/pushlists/upload", "list.csv", []byte(csv), map[string]string{"source": "省级平台", "deadline_hours": "12"})
		token := regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`).FindStringSubmatch(body)
		if st != http.StatusOK || token == nil {
			t.Fatalf("upload: %d %s", st, body)
		}
		if st, body = centre.Post("/pushlists", url.Values{"token": {token[1]}, "source": {"省级平台"}, "deadline_hours": {"12"}, "name": {"第1批"},
			"map_name": {"XM"}, "map_id_number": {"ZJHM"}, "map_address": {"DZ"}}); st != http.StatusSeeOther {
			t.Fatalf("import: %d %s", st, body)
		}
		f := figureOf(t, e, dbtest.County, "push.pushed")
		if f.Value != 2 {
			t.Fatalf("推送核查任务 = %d, want 2", f.Value)
		}
		st, body = centre.Get(f.Link)
		if st != http.StatusOK {
			t.Fatalf("%s: %d", f.Link, st)
		}
		if m := regexp.MustCompile(`共 ([\d,]+) 条`).FindStringSubmatch(body); m != nil && m[1] != "2" {
			t.Errorf("推送核查任务 = 2 links to %s, which counts 共 %s 条", f.Link, m[1])
		}
		if !strings.Contains(body, "不含重复推送与退回") {
			t.Errorf("%s does not say what it counts", f.Link)
		}
	})
}

// The sentinels' daily report and the units' daily report are two facts:
// their labels must not read alike (日报未报 beside 日报告未报).
func TestRound4SentinelMissingLabel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		s, r := figureOf(t, e, dbtest.County, "sentinel.missing"), figureOf(t, e, dbtest.County, "report.missing")
		if !strings.Contains(s.Label, "哨点") || s.Label == r.Label {
			t.Errorf("sentinel.missing is labelled %q beside report.missing %q", s.Label, r.Label)
		}
	})
}
