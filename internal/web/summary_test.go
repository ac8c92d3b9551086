package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sampling"
	"fangkong/internal/web"
)

// Every domain's summary card on the unit page: one key per figure across
// all cards, and every figure's link is a page the route table serves.
func TestSummaryCardsLinkToTheirLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		routes := http.NewServeMux()
		for _, rt := range e.App.Web.Routes() {
			if rt.Kind == web.KindPage {
				routes.HandleFunc(rt.Pattern, func(http.ResponseWriter, *http.Request) {})
			}
		}
		e.AddUser(t, "zhb", auth.RoleCommand, dbtest.County)
		c := e.Login(t, "zhb", apptest.Password)
		// A testing round in progress, so that its card is there too.
		round, err := e.App.Sampling.CreateCampaign(t.Context(), audit.Actor{Username: "seed", Role: "admin"}, jurisdiction.Grant(dbtest.County),
			sampling.CampaignInput{UnitCode: dbtest.County, Name: "第一轮全员核酸", StartsOn: "2026-12-06", PoolSize: 10})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Sampling.StartCampaign(t.Context(), audit.Actor{Username: "seed", Role: "admin"}, jurisdiction.Grant(dbtest.County), round.ID); err != nil {
			t.Fatal(err)
		}
		status, page := c.Get("/units/" + dbtest.County)
		if status != http.StatusOK {
			t.Fatalf("county page: %d", status)
		}
		seen := map[string]bool{}
		for _, src := range e.App.Summaries {
			card, err := src.Source.Summary(t.Context(), jurisdiction.Grant(dbtest.County), dbtest.County, "2026-12-06")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(page, `id="card-`+card.Domain+`"`) {
				t.Errorf("the unit page lacks the %s card", card.Domain)
			}
			for _, f := range card.Figures {
				if seen[f.Key] {
					t.Errorf("figure key %q defined twice", f.Key)
				}
				seen[f.Key] = true
				if !strings.Contains(page, `id="fig-`+f.Key+`"`) {
					t.Errorf("the unit page lacks figure %s", f.Key)
				}
				if f.Link == "" {
					continue
				}
				if _, pattern := routes.Handler(httptest.NewRequest("GET", f.Link, nil)); pattern == "" {
					t.Errorf("figure %s links to %s, which no page serves", f.Key, f.Link)
				}
				if s, _ := c.Get(f.Link); s != http.StatusOK {
					t.Errorf("figure %s: %s answers %d", f.Key, f.Link, s)
				}
			}
		}
		if len(seen) < 8 {
			t.Errorf("only %d figures on the unit page", len(seen))
		}
	})
}
