package web_test

import (
	"net/http"
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

// The ledger export, the sampling point form and the testing plan take the
// unit by name, show it by name, and the exported file is named after it.
func TestRound4cUnitFieldsByName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "zhen-r4c", auth.RoleTownship, dbtest.TownshipA)
		c := e.Login(t, "zhen-r4c", apptest.Password)
		village, err := e.App.Units.Get(t.Context(), jurisdiction.Grant(dbtest.County), dbtest.VillageA)
		if err != nil {
			t.Fatal(err)
		}
		township, err := e.App.Units.Get(t.Context(), jurisdiction.Grant(dbtest.County), dbtest.TownshipA)
		if err != nil {
			t.Fatal(err)
		}
		if st, body := c.Get("/ledger"); st != http.StatusOK || !strings.Contains(body, `value="`+township.Name+`"`) || strings.Contains(body, "单位代码") {
			t.Errorf("/ledger: %d, want the unit's name in the export field", st)
		}
		resp, _ := c.Fetch("/ledger/export?unit="+url.QueryEscape(village.Name), nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), url.PathEscape("台账-"+village.Name)) {
			t.Errorf("export by name: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}

		round, err := e.App.Sampling.CreateCampaign(t.Context(), seedActor, jurisdiction.Grant(dbtest.County),
			sampling.CampaignInput{UnitCode: dbtest.TownshipA, Name: "甘亭第一轮", StartsOn: "2026-12-06", PoolSize: 10})
		if err != nil {
			t.Fatal(err)
		}
		page := "/sampling/campaigns/" + itoa(round.ID)
		if st, body := c.Get(page); st != http.StatusOK || strings.Contains(body, "所在村(社区)代码") {
			t.Errorf("%s: %d, the point form still asks for a code", page, st)
		}
		st, body := c.PostFrom(page, page+"/points", url.Values{"unit_code": {village.Name}, "name": {"西街广场"}, "address": {"西街1号"}, "tables": {"2"}, "teams": {"1"}})
		if st >= 400 {
			t.Fatalf("point by name: %d %.300s", st, body)
		}
		pts, err := e.App.Sampling.Points(t.Context(), jurisdiction.Grant(dbtest.County), round.ID)
		if err != nil || len(pts) != 1 || pts[0].UnitCode != dbtest.VillageA {
			t.Fatalf("point by name: %+v %v", pts, err)
		}
		if st, body := c.Get("/sampling/plan?unit=" + url.QueryEscape(village.Name)); st != http.StatusOK || !strings.Contains(body, `value="`+village.Name+`"`) {
			t.Errorf("plan by name: %d", st)
		}
	})
}
