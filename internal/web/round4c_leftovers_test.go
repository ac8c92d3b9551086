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
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/policy"
	"fangkong/internal/pushlist"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
	"fangkong/internal/sampling"
)

var ledgerTotalRE = regexp.MustCompile(`id="returnees-total">共 <b>([\d,]+)</b> 条`)

// ledgerTotal is the 共 N 条 of a returnee ledger page.
func ledgerTotal(t *testing.T, c *apptest.Client, path string) (int, string) {
	t.Helper()
	st, body := c.Get(path)
	if st != http.StatusOK {
		t.Fatalf("%s: %d %s", path, st, body)
	}
	m := ledgerTotalRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s shows no 共 N 条", path)
	}
	var n int
	fmt.Sscan(strings.ReplaceAll(m[1], ",", ""), &n)
	return n, body
}

// 来自中风险地区 and 来自高风险地区 link to the ledger of exactly those
// people, and the ledger says how many it lists (共 N 条): the figure and
// the list's count are one number. The ledger counts any filter as it lists.
func TestRound4cReturneeFiguresCountTheirList(t *testing.T) {
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
		for i, x := range []struct{ name, origin, unit string }{{"中风险甲", "610113", dbtest.VillageA}, {"中风险丙", "610113", dbtest.VillageA2},
			{"中风险丁", "610113", dbtest.VillageB}, {"高风险乙", "410105", dbtest.VillageA}, {"无风险戊", "110101", dbtest.VillageA}} {
			hh, err := e.App.Registry.CreateHousehold(ctx, seedActor, all, registry.Household{UnitCode: x.unit, Address: fmt.Sprintf("西街%d号", i+1)})
			if err != nil {
				t.Fatal(err)
			}
			p, err := e.App.Registry.CreatePerson(ctx, seedActor, all, registry.Person{Name: x.name, IDNumber: dbtest.ID(fmt.Sprintf("6101181980010119%d", i)),
				HouseholdID: hh.ID, Relation: "户主"})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := e.App.Returnees.Record(ctx, seedActor, all, returnee.Arrival{PersonID: p.ID, OriginCode: x.origin,
				DepartedOn: policy.AddDays(today, -1), ArrivedOn: today, Source: returnee.SourceSweep}); err != nil {
				t.Fatal(err)
			}
		}
		e.AddUser(t, "zhb", auth.RoleCommand, dbtest.County)
		c := e.Login(t, "zhb", apptest.Password)
		for _, tt := range []struct {
			unit, key string
			want      int
			not       string
		}{{dbtest.TownshipA, "returnee.medium", 2, "高风险乙"}, {dbtest.County, "returnee.medium", 3, "高风险乙"},
			{dbtest.TownshipA, "returnee.high", 1, "中风险甲"}, {dbtest.VillageA, "returnee.medium", 1, "中风险丙"}} {
			f := figureOf(t, e, tt.unit, tt.key)
			if f.Value != tt.want {
				t.Fatalf("%s of %s = %d, want %d", tt.key, tt.unit, f.Value, tt.want)
			}
			if !strings.HasPrefix(f.Link, "/returnees?") {
				t.Errorf("%s of %s links to %s, not to the ledger", tt.key, tt.unit, f.Link)
				continue
			}
			n, body := ledgerTotal(t, c, f.Link)
			if n != f.Value {
				t.Errorf("%s of %s = %d, its list %s says 共 %d 条", tt.key, tt.unit, f.Value, f.Link, n)
			}
			if strings.Contains(body, tt.not) {
				t.Errorf("%s lists %s", f.Link, tt.not)
			}
		}
		// The minimum is still there (中风险及以上), and other filters count as they list.
		for path, want := range map[string]int{
			"/returnees?rank=2&unit=" + dbtest.TownshipA:                                3,
			"/returnees?unit=" + dbtest.County:                                          5,
			"/returnees?rank_eq=2&from=" + today + "&to=" + today:                       3,
			"/returnees?rank_eq=2&from=" + policy.AddDays(today, 1):                     0,
			"/returnees?q=" + url.QueryEscape("中风险") + "&unit=" + dbtest.TownshipA:      2,
			"/returnees?source=" + url.QueryEscape(returnee.SourceSweep) + "&rank_eq=3": 1,
		} {
			if n, _ := ledgerTotal(t, c, path); n != want {
				t.Errorf("%s: 共 %d 条, want %d", path, n, want)
			}
		}
		if _, body := ledgerTotal(t, c, "/returnees?rank_eq=2"); !strings.Contains(body, `<strong aria-current="true">中风险</strong>`) {
			t.Errorf("the ledger has no tab 中风险 marked as chosen")
		}
		if st, body := c.Get("/api/v1/returnees?rank_eq=2&unit=" + dbtest.TownshipA); st != http.StatusOK || !strings.Contains(body, `"total":2`) {
			t.Errorf("API rank_eq=2: %d %s", st, body)
		}
	})
}

// importPushCSV imports a push list (GBK CSV columns XM, ZJHM, DZ) as c and
// returns the list page's path.
func importPushCSV(t *testing.T, c *apptest.Client, csv string) string {
	t.Helper()
	st, body := c.Upload("/pushlists/upload", "list.csv", []byte(csv), map[string]string{"source": "省级平台", "deadline_hours": "12"})
	token := regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`).FindStringSubmatch(body)
	if st != http.StatusOK || token == nil {
		t.Fatalf("upload: %d %s", st, body)
	}
	st, body = c.Post("/pushlists", url.Values{"token": {token[1]}, "source": {"省级平台"}, "deadline_hours": {"12"}, "name": {"第1批"},
		"map_name": {"XM"}, "map_id_number": {"ZJHM"}, "map_address": {"DZ"}})
	if st != http.StatusSeeOther {
		t.Fatalf("import: %d %s", st, body)
	}
	return c.Location
}

// The task statistics of a unit end in its 合计 row, which is the unit's
// summary figures, under the summary's labels; the list's own page uses
// the same labels.
func TestRound4cPushStatsTotal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "centre", auth.RoleCommand, dbtest.County)
		centre := e.Login(t, "centre", apptest.Password)
		for i, unit := range []string{dbtest.VillageA, dbtest.VillageA2, dbtest.VillageB} {
			if _, err := e.App.Registry.CreatePerson(t.Context(), seedActor, jurisdiction.System("test"), registry.Person{Name: "王大" + fmt.Sprint(i),
				IDNumber: dbtest.ID(fmt.Sprintf("6101181980010102%d", i)), Sex: "男", UnitCode: unit}); err != nil {
				t.Fatal(err)
			}
		}
		// GBK names are plain ASCII here: the three people by ID number.
		csv := "XM,ZJHM,DZ\n"
		for i := range 3 {
			csv += fmt.Sprintf("W%d,%s,\n", i, dbtest.ID(fmt.Sprintf("6101181980010102%d", i)))
		}
		listPage := importPushCSV(t, centre, csv)
		for _, unit := range []string{dbtest.TownshipA, dbtest.County} {
			st, body := centre.Get("/pushtasks/stats?unit=" + unit)
			if st != http.StatusOK {
				t.Fatalf("stats of %s: %d", unit, st)
			}
			for _, key := range []string{"push.pushed", "push.verified", "push.open", "push.overdue"} {
				f := figureOf(t, e, unit, key)
				id := map[string]string{"push.pushed": "total-pushed", "push.verified": "total-verified", "push.open": "total-open",
					"push.overdue": "total-overdue"}[key]
				m := regexp.MustCompile(`id="` + id + `">(?:<a [^>]*>)?([\d,]+)<`).FindStringSubmatch(body)
				if m == nil || m[1] != fmt.Sprint(f.Value) {
					t.Errorf("stats of %s: 合计 %s = %v, figure %s = %d", unit, id, m, f.Label, f.Value)
				}
				if !strings.Contains(body, "<th>"+f.Label+"</th>") {
					t.Errorf("stats of %s: no column %s", unit, f.Label)
				}
			}
			if want := map[string]int{dbtest.TownshipA: 2, dbtest.County: 3}[unit]; figureOf(t, e, unit, "push.open").Value != want {
				t.Errorf("push.open of %s != %d", unit, want)
			}
		}
		_, body := centre.Get(listPage)
		for _, label := range []string{pushlist.LabelOpen, pushlist.LabelOverdue} {
			if !strings.Contains(body, label+" <a") {
				t.Errorf("the list's page does not say %s", label)
			}
		}
	})
}

// A push-list row matched by ID number whose name is not the ledger's, and a
// row whose address lies in another county, are flagged (and still sent to
// be verified); the list's page counts and lists them.
func TestRound4cPushRowsFlagged(t *testing.T) {
	apptest.NeedPlaces(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "centre", auth.RoleCommand, dbtest.County)
		centre := e.Login(t, "centre", apptest.Password)
		all := jurisdiction.System("test")
		for i, name := range []string{"李秀英", "张三"} {
			if _, err := e.App.Registry.CreatePerson(t.Context(), seedActor, all, registry.Person{Name: name,
				IDNumber: dbtest.ID(fmt.Sprintf("6101181980010103%d", i)), Sex: "女", UnitCode: dbtest.VillageA}); err != nil {
				t.Fatal(err)
			}
		}
		// UTF-8 with BOM: 孙新 with 李秀英's ID; 张三 as registered; 赵六, of
		// this county by ID, living in 长安区韦曲街道; 钱七 at 西街社区 (here).
		csv := "\ufeffXM,ZJHM,DZ\n孙新," + dbtest.ID("61011819800101030") + ",\n张三," + dbtest.ID("61011819800101031") + ",\n" +
			"赵六," + dbtest.ID("61011819900101032") + ",陕西省西安市长安区韦曲街道\n钱七,,西街社区\n"
		listPage := importPushCSV(t, centre, csv)
		st, body := centre.Get(listPage)
		if st != http.StatusOK {
			t.Fatalf("%s: %d", listPage, st)
		}
		if !strings.Contains(body, `id="flag-outside">1<`) || !strings.Contains(body, `id="flag-name">1<`) {
			t.Fatalf("the list's page does not count the flagged rows: %s", body)
		}
		flagged := body[strings.Index(body, `id="flagged"`):]
		flagged = flagged[:strings.Index(flagged, "</table>")]
		for _, want := range []string{"孙新", "李秀英", pushlist.ReasonNameDiffers, "赵六", pushlist.ReasonOutside, "长安区"} {
			if !strings.Contains(flagged, want) {
				t.Errorf("flagged rows lack %q: %s", want, flagged)
			}
		}
		for _, not := range []string{"张三", "钱七"} {
			if strings.Contains(flagged, not) {
				t.Errorf("row %s flagged: %s", not, flagged)
			}
		}
		var n int
		if err := d.R().QueryRow("SELECT COUNT(*) FROM push_tasks WHERE status = 'open'").Scan(&n); err != nil || n != 4 {
			t.Errorf("open tasks = %d (%v), want 4: a flag does not refuse the row", n, err)
		}
	})
}

// Lab results uploaded again say which tubes already had them: the same
// result is left as it was, a changed one is listed, and a positive is not
// turned negative by an upload.
func TestRound4cResultsUploadedAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		ctx, all, svc := context.Background(), jurisdiction.System("test"), e.App.Sampling
		c, err := svc.CreateCampaign(ctx, seedActor, all, sampling.CampaignInput{UnitCode: dbtest.VillageA, Name: "西街检测",
			StartsOn: "2026-11-20", EndsOn: "2026-11-21", PoolSize: 5})
		if err != nil {
			t.Fatal(err)
		}
		p, err := svc.AddPoint(ctx, seedActor, all, sampling.Point{CampaignID: c.ID, UnitCode: dbtest.VillageA, Name: "广场点", Address: "广场"})
		if err != nil {
			t.Fatal(err)
		}
		lab, err := svc.AddLab(ctx, seedActor, all, sampling.Lab{CampaignID: c.ID, Name: "区疾控", CapacityPerHour: 100})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.StartCampaign(ctx, seedActor, all, c.ID); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			per, err := e.App.Registry.CreatePerson(ctx, seedActor, all, registry.Person{Name: fmt.Sprint("受检", i),
				IDNumber: dbtest.ID(fmt.Sprintf("6101181980010104%d", i)), Sex: "男", UnitCode: dbtest.VillageA})
			if err != nil {
				t.Fatal(err)
			}
			code, err := svc.PersonCode(ctx, all, per.ID)
			if err != nil {
				t.Fatal(err)
			}
			tube := fmt.Sprintf("RA%04d", i)
			if _, err := svc.Scan(ctx, seedActor, all, sampling.ScanRequest{ScanID: "s" + tube, CampaignID: c.ID, PointID: p.ID, Tube: tube, Code: code}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.CloseTube(ctx, seedActor, all, c.ID, tube); err != nil {
				t.Fatal(err)
			}
		}
		e.AddUser(t, "hesuan", auth.RoleSampling, dbtest.County)
		hs := e.Login(t, "hesuan", apptest.Password)
		path := fmt.Sprintf("/sampling/campaigns/%d/results", c.ID)
		upload := func(csv string) (int, string) {
			return hs.Upload(path, "结果.csv", []byte(csv), map[string]string{"lab_id": fmt.Sprint(lab.ID), "mode": "all"})
		}
		first := "试管条码,检测结果\nRA0000,阴性\nRA0001,阴性\nRA0002,阳性\n"
		if st, body := upload(first); st != http.StatusOK || !strings.Contains(body, "已登记 3 管") {
			t.Fatalf("first upload: %d %s", st, body)
		}
		// An hour ago, so that a second write would show.
		if _, err := d.W().Exec("UPDATE test_tubes SET result_at = result_at - 3600000"); err != nil {
			t.Fatal(err)
		}
		var at1 int64
		d.R().QueryRow("SELECT result_at FROM test_tubes WHERE barcode = 'RA0000'").Scan(&at1)
		st, body := upload(first)
		if st != http.StatusOK || !strings.Contains(body, `id="repeated">另有 <b>3</b> 管此前已有相同结果`) || !strings.Contains(body, "已登记 0 管") {
			t.Errorf("the same file again: %d %s", st, body)
		}
		var at2 int64
		d.R().QueryRow("SELECT result_at FROM test_tubes WHERE barcode = 'RA0000'").Scan(&at2)
		if at1 != at2 {
			t.Errorf("the repeated result moved the result time %d → %d", at1, at2)
		}
		// 阴性 → 阳性 is applied and called out.
		st, body = upload("试管条码,检测结果\nRA0000,阴性\nRA0001,阳性\n")
		if st != http.StatusOK || !strings.Contains(body, `id="changed">已更改 <b>1</b> 管`) ||
			!regexp.MustCompile(`<td>RA0001</td><td>阴性</td><td>阳性</td>`).MatchString(body) {
			t.Errorf("a changed result: %d %s", st, body)
		}
		// 阳性 → 阴性 is refused: the pool's people are on the retest list.
		st, body = upload("试管条码,检测结果\nRA0002,阴性\n")
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "已登记为阳性") {
			t.Errorf("a positive turned negative: %d %s", st, body)
		}
		var res string
		d.R().QueryRow("SELECT result FROM test_tubes WHERE barcode = 'RA0002'").Scan(&res)
		if res != sampling.ResultPositive {
			t.Errorf("RA0002 is %q, want positive", res)
		}
	})
}
