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
	"fangkong/internal/registry"
	"fangkong/internal/sampling"
)

// TestSamplingOverHTTP walks a round through the pages and the API: a
// manager sets it up, a sampler of township A scans (replays and repeats
// are answered, people of township B refused with nothing written), a lab
// uploads results with a bad row, and the lists and export agree.
func TestSamplingOverHTTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		county := jurisdiction.Grant(dbtest.County)
		var people []registry.Person
		for i, v := range []string{dbtest.VillageA, dbtest.VillageA, dbtest.VillageA, dbtest.VillageB} {
			h, err := e.App.Registry.CreateHousehold(ctx, seedActor, county, registry.Household{UnitCode: v, Address: fmt.Sprintf("测试街%d号", i)})
			if err != nil {
				t.Fatal(err)
			}
			p, err := e.App.Registry.CreatePerson(ctx, seedActor, county, registry.Person{Name: fmt.Sprintf("采样人%c", 'A'+i),
				IDNumber: dbtest.ID(fmt.Sprintf("6101181990010100%d", i)), HouseholdID: h.ID, Relation: "户主", Phone: "1390000000" + fmt.Sprint(i)})
			if err != nil {
				t.Fatal(err)
			}
			people = append(people, p)
		}
		e.AddUser(t, "boss", auth.RoleCommand, dbtest.County)
		e.AddUser(t, "caiyang", auth.RoleSampling, dbtest.TownshipA)
		boss, samp := e.Login(t, "boss", apptest.Password), e.Login(t, "caiyang", apptest.Password)

		st, body := boss.API("POST", "/api/v1/sampling/campaigns", map[string]any{"unit_code": dbtest.County, "name": "测试轮", "starts_on": "2026-11-25", "pool_size": 5})
		if st != 201 {
			t.Fatalf("create: %d %s", st, body)
		}
		var c struct{ ID int64 }
		json.Unmarshal([]byte(body), &c)
		base := fmt.Sprintf("/api/v1/sampling/campaigns/%d", c.ID)
		st, body = boss.API("POST", base+"/points", map[string]any{"unit_code": dbtest.VillageA, "name": "西街点", "tables": 2})
		var pt struct{ ID int64 }
		json.Unmarshal([]byte(body), &pt)
		if st != 201 {
			t.Fatalf("point: %d %s", st, body)
		}
		st, body = boss.API("POST", base+"/labs", map[string]any{"name": "区实验室", "capacity_per_hour": 100})
		var lab struct{ ID int64 }
		json.Unmarshal([]byte(body), &lab)
		if st, body = boss.API("POST", base+"/start", nil); st != 200 || !strings.Contains(body, `"target_count":4`) {
			t.Fatalf("start: %d %s", st, body)
		}
		scan := func(id, tube, code string) (int, map[string]any) {
			st, body := samp.API("POST", "/api/v1/sampling/scans", map[string]any{"scan_id": id, "campaign_id": c.ID, "point_id": pt.ID, "tube": tube, "code": code})
			var out map[string]any
			json.Unmarshal([]byte(body), &out)
			return st, out
		}
		if st, r := scan("s1", "TB01", people[0].IDNumber); st != 201 || r["result"] != "added" || r["pool_count"] != 1.0 {
			t.Fatalf("scan: %d %v", st, r)
		}
		if st, r := scan("s1", "TB01", people[0].IDNumber); st != 200 || r["result"] != "replayed" {
			t.Fatalf("replay: %d %v", st, r)
		}
		if st, r := scan("s2", "TB02", people[0].IDNumber); st != 200 || r["result"] != "already_sampled" || r["tube"] != "TB01" {
			t.Fatalf("again: %d %v", st, r)
		}
		before := countRows(t, d, "test_samples") + countRows(t, d, "test_tubes")
		if st, r := scan("s3", "TB03", people[3].IDNumber); st != 400 || r["result"] != "refused" || !strings.Contains(fmt.Sprint(r["error"]), "不在本辖区") {
			t.Fatalf("outside: %d %v", st, r)
		}
		if countRows(t, d, "test_samples")+countRows(t, d, "test_tubes") != before {
			t.Fatal("a refused scan wrote something")
		}
		// The household (一户一码) flow without JS: the page lists members, the post samples them.
		hcode, err := e.App.Sampling.HouseholdCode(ctx, county, people[1].HouseholdID)
		if err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/sampling/campaigns/%d/household", c.ID)
		if st, body := samp.Get(page + "?code=" + hcode); st != 200 || !strings.Contains(body, sampling.MaskName(people[1].Name)) {
			t.Fatalf("household page: %d", st)
		}
		// A handheld scanner typing the household code into the scan form lands on that list.
		st, _ = samp.Post(fmt.Sprintf("/sampling/campaigns/%d/scan", c.ID), url.Values{"scan_id": {"x"}, "point_id": {fmt.Sprint(pt.ID)},
			"tube": {"TB01"}, "code": {strings.ToLower(hcode)}})
		if st != 303 {
			t.Fatalf("household code in the scan form: %d", st)
		}
		code1, _ := e.App.Sampling.PersonCode(ctx, county, people[1].ID)
		if st, _ := samp.Post(page, url.Values{"scan_id": {"hh1"}, "point_id": {fmt.Sprint(pt.ID)}, "tube": {"TB01"}, "member": {code1}}); st != 303 {
			t.Fatalf("household post: %d", st)
		}
		// The tester's home starts with the round under way and its work.
		if st, body := samp.Get("/sampling"); st != 200 || !strings.Contains(body, fmt.Sprintf(`id="round-%d"`, c.ID)) ||
			!strings.Contains(body, fmt.Sprintf(`href="/sampling/campaigns/%d/scan"`, c.ID)) {
			t.Errorf("the tester's home: %d %s", st, body)
		}
		// Close TB01 by hand; results: a bad row refuses the whole file, then TB01 positive.
		if st, body := samp.API("POST", base+"/tubes/TB01/close", nil); st != 200 {
			t.Fatalf("close: %d %s", st, body)
		}
		up := fmt.Sprintf("/sampling/campaigns/%d/results?lab_id=%d", c.ID, lab.ID)
		csv := []byte("试管条码,检测结果\nTB01,阳性\nTB09,阴性\n")
		if st, body := samp.Upload(up, "r.csv", csv, map[string]string{"mode": "all"}); st != 422 || !strings.Contains(body, "TB09") || !strings.Contains(body, "未登记任何结果") {
			t.Fatalf("bad upload: %d", st)
		}
		if st, body := samp.Upload(up, "r.csv", csv, map[string]string{"mode": "good"}); st != 422 || !strings.Contains(body, "新增单采单检 2 人") {
			t.Fatalf("good rows: %d %s", st, body)
		}
		st, body = boss.API("GET", base+"/retests", nil)
		if st != 200 || !strings.Contains(body, `"total":2`) || strings.Contains(body, people[0].IDNumber) {
			t.Fatalf("retests: %d %s", st, body)
		}
		st, body = boss.API("GET", base+"/untested", nil)
		if st != 200 || !strings.Contains(body, `"total":2`) || !strings.Contains(body, people[3].Name) {
			t.Fatalf("untested: %d %s", st, body)
		}
		st, body = boss.Get(fmt.Sprintf("/sampling/campaigns/%d/untested.xlsx?unit=%s", c.ID, dbtest.VillageB))
		if text, err := sheetText([]byte(body)); st != 200 || err != nil || !strings.Contains(text, people[3].IDNumber) {
			t.Fatalf("export: %d %v", st, err)
		}
		if n := countRows(t, d, "audit_log WHERE action = 'export' AND entity = 'untested'"); n != 1 {
			t.Errorf("%d export audit entries", n)
		}
		st, body = boss.Get(fmt.Sprintf("/sampling/campaigns/%d", c.ID))
		if st != 200 || !strings.Contains(body, "已检 2 / 应检 4") {
			t.Fatalf("campaign page: %d", st)
		}
	})
}

func countRows(t *testing.T, d *db.DB, from string) int {
	t.Helper()
	var n int
	if err := d.R().QueryRow("SELECT COUNT(*) FROM " + from).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
