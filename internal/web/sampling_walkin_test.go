package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sampling"
)

// TestSamplingWalkinOverHTTP: a scan of an unknown ID number offers the
// walk-in form prefilled; the form and the API register walk-ins (流动人员);
// a mistyped ID number stays in the field with its error, nothing written;
// the round's page counts them apart and the retest page lists them.
func TestSamplingWalkinOverHTTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		county := jurisdiction.Grant(dbtest.County)
		c, err := e.App.Sampling.CreateCampaign(ctx, seedActor, county, sampling.CampaignInput{UnitCode: dbtest.County, Name: "流动测试轮",
			StartsOn: "2026-11-25", PoolSize: 5})
		if err != nil {
			t.Fatal(err)
		}
		pt, err := e.App.Sampling.AddPoint(ctx, seedActor, county, sampling.Point{CampaignID: c.ID, UnitCode: dbtest.VillageA, Name: "西街点"})
		if err != nil {
			t.Fatal(err)
		}
		lab, err := e.App.Sampling.AddLab(ctx, seedActor, county, sampling.Lab{CampaignID: c.ID, Name: "区实验室"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Sampling.StartCampaign(ctx, seedActor, county, c.ID); err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "boss", auth.RoleCommand, dbtest.County)
		e.AddUser(t, "caiyang", auth.RoleSampling, dbtest.TownshipA)
		boss, samp := e.Login(t, "boss", apptest.Password), e.Login(t, "caiyang", apptest.Password)
		visitor, bad := dbtest.ID("41010219900101123"), dbtest.BadID("41010219900101123")
		pid := fmt.Sprint(pt.ID)
		scanPage := fmt.Sprintf("/sampling/campaigns/%d/scan", c.ID)
		walkPage := fmt.Sprintf("/sampling/campaigns/%d/walkins", c.ID)

		// The scan form refuses the unknown ID number and opens the walk-in form with it.
		st, body := samp.Post(scanPage, url.Values{"scan_id": {"s1"}, "point_id": {pid}, "tube": {"WT01"}, "code": {visitor}})
		if st != 400 || !strings.Contains(body, "未找到此人") || !strings.Contains(body, `id="walkin-box" open`) ||
			!strings.Contains(body, `name="id_number" value="`+visitor+`"`) {
			t.Fatalf("scan of an unknown ID: %d %s", st, body)
		}
		// The form: a bad check digit comes back in the field with its error, nothing written.
		st, body = samp.Post(walkPage, url.Values{"scan_id": {"w0"}, "point_id": {pid}, "tube": {"WT01"}, "id_number": {bad}, "name": {"张三丰"}})
		if st != 400 || !strings.Contains(body, `value="`+bad+`"`) || !strings.Contains(body, `id="w_id_err">身份证号校验位错误`) ||
			!strings.Contains(body, `value="张三丰"`) {
			t.Fatalf("bad ID in the form: %d %s", st, body)
		}
		if countRows(t, d, "test_walkins")+countRows(t, d, "test_tubes") != 0 {
			t.Fatal("a refused walk-in wrote something")
		}
		st, body = samp.Post(walkPage, url.Values{"scan_id": {"w1"}, "point_id": {pid}, "tube": {"WT01"}, "id_number": {visitor},
			"name": {"张三丰"}, "phone": {"13912340000"}})
		if st != 200 || !strings.Contains(body, "流动人员 张*丰 已登记，试管 WT01：1/5") {
			t.Fatalf("walk-in form: %d %s", st, body)
		}
		// The API: a field error is 400 with its field; a walk-in is 201, its replay 200.
		walk := func(id, idNumber string) (int, map[string]any) {
			st, body := samp.API("POST", "/api/v1/sampling/walkins", map[string]any{"scan_id": id, "campaign_id": c.ID, "point_id": pt.ID,
				"tube": "WT01", "id_number": idNumber, "name": "李四", "phone": ""})
			var out map[string]any
			json.Unmarshal([]byte(body), &out)
			return st, out
		}
		if st, r := walk("a0", dbtest.BadID("41010219900101124")); st != 400 || r["field"] != "id_number" {
			t.Fatalf("bad ID over the API: %d %v", st, r)
		}
		other := dbtest.ID("41010219900101124")
		if st, r := walk("a1", other); st != 201 || r["result"] != "added" || r["walkin"] != true || r["pool_count"] != 2.0 {
			t.Fatalf("walk-in API: %d %v", st, r)
		}
		if st, r := walk("a1", other); st != 200 || r["result"] != "replayed" || r["pool_count"] != 2.0 {
			t.Fatalf("replay: %d %v", st, r)
		}
		if st, r := walk("a2", visitor); st != 200 || r["result"] != "already_sampled" {
			t.Fatalf("same ID again: %d %v", st, r)
		}
		if n := countRows(t, d, "test_walkins"); n != 2 {
			t.Fatalf("%d walk-ins, want 2", n)
		}
		// The round's page counts them apart.
		if st, body := boss.Get(fmt.Sprintf("/sampling/campaigns/%d", c.ID)); st != 200 || !strings.Contains(body, "流动人员 <strong>2</strong> 人") ||
			!strings.Contains(body, "已检 0 / 应检") {
			t.Fatalf("round page: %d %s", st, body)
		}
		// A positive pool: the walk-ins are listed on the retest page with their phones.
		if _, err := e.App.Sampling.RecordResults(ctx, seedActor, county, c.ID, lab.ID, []sampling.ResultRow{{Tube: "WT01", Result: "阳性"}}, false); err != nil {
			t.Fatal(err)
		}
		if st, body := boss.Get(fmt.Sprintf("/sampling/campaigns/%d/retests", c.ID)); st != 200 || !strings.Contains(body, "流动人员（2 人）") ||
			!strings.Contains(body, "13912340000") || !strings.Contains(body, "混管阳性") {
			t.Fatalf("retest page: %d %s", st, body)
		}
		if st, body := boss.API("GET", fmt.Sprintf("/api/v1/sampling/campaigns/%d/retests", c.ID), nil); st != 200 || !strings.Contains(body, `"walkins_total":2`) {
			t.Fatalf("retests API: %d %s", st, body)
		}
	})
}
