package web_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/sampling"
)

// The probe's release: a close contact put under a measure with day zero 11
// days back has all six tests due before the assignment. It is not
// releasable; the one test day with a testing-round result is recorded from
// it, the other five are waived with a reason, and the notice says exactly
// that instead of "六次阴性".
func TestReleaseNoticeCertifiesTestsTaken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		var now atomic.Int64
		now.Store(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC).UnixMilli()) // 09:00 in Shanghai
		e := apptest.StartWith(t, d, func(c *app.Config) { c.Now = func() time.Time { return time.UnixMilli(now.Load()) } })
		ctx, all := context.Background(), jurisdiction.System("test")
		p, err := e.App.Registry.CreatePerson(ctx, seedActor, all, registry.Person{Name: "晚列管", IDNumber: dbtest.ID("61011819800101077"), UnitCode: dbtest.VillageA})
		if err != nil {
			t.Fatal(err)
		}
		// Day 1 (2026-03-02): the person is sampled in a round; the pool is negative.
		round := e.App.Sampling
		c, err := round.CreateCampaign(ctx, seedActor, all, sampling.CampaignInput{UnitCode: dbtest.VillageA, Name: "西街一轮", StartsOn: "2026-03-02", PoolSize: 5})
		if err != nil {
			t.Fatal(err)
		}
		pt, _ := round.AddPoint(ctx, seedActor, all, sampling.Point{CampaignID: c.ID, UnitCode: dbtest.VillageA, Name: "西街广场"})
		lab, _ := round.AddLab(ctx, seedActor, all, sampling.Lab{CampaignID: c.ID, Name: "区疾控"})
		if _, err := round.StartCampaign(ctx, seedActor, all, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := round.Scan(ctx, seedActor, all, sampling.ScanRequest{ScanID: "r1", CampaignID: c.ID, PointID: pt.ID, Tube: "TUBE0001", Code: p.IDNumber}); err != nil {
			t.Fatal(err)
		}
		round.CloseTube(ctx, seedActor, all, c.ID, "TUBE0001")
		if _, err := round.RecordResults(ctx, seedActor, all, c.ID, lab.ID, []sampling.ResultRow{{Tube: "TUBE0001", Result: "阴性"}}, false); err != nil {
			t.Fatal(err)
		}
		// Eleven days after day zero (2026-03-01) the person is traced.
		now.Store(now.Load() + 11*24*3600*1000 - 24*3600*1000)
		today := clock.Day(time.UnixMilli(now.Load()))
		if today != "2026-03-12" {
			t.Fatalf("today %s", today)
		}
		cunUser := e.AddUser(t, "cun", auth.RoleVillage, dbtest.VillageA)
		api := e.TokenClient(t, cunUser)
		st, body := api.API("POST", fmt.Sprintf("/api/v1/people/%d/measure", p.ID), map[string]any{"category": "close_contact", "day_zero": "2026-03-01"})
		if st != 201 {
			t.Fatalf("assign: %d %s", st, body)
		}
		var id int64
		fmt.Sscanf(body[strings.Index(body, `"id":`)+5:], "%d", &id)
		st, body = api.API("GET", fmt.Sprintf("/api/v1/measures/%d", id), nil)
		if st != 200 || !strings.Contains(body, `"eligible":false`) || !strings.Contains(body, "还有 5 次检测未出阴性结果（应检日 2026-03-03、2026-03-04、2026-03-06、2026-03-08、2026-03-11）") ||
			!strings.Contains(body, `"source":"全员核酸 西街一轮（管 TUBE0001）"`) {
			t.Fatalf("measure after assignment: %d %s", st, body)
		}
		if st, body := api.API("POST", fmt.Sprintf("/api/v1/measures/%d/release", id), map[string]any{}); st != 400 || !strings.Contains(body, "2026-03-11") {
			t.Fatalf("release with five tests missing: %d %s", st, body)
		}
		cun := e.Login(t, "cun", apptest.Password)
		if st, body := cun.Get(fmt.Sprintf("/measures/%d/waivers", id)); st != 200 || strings.Count(body, `name="test_id"`) != 5 || !strings.Contains(body, "全员核酸 西街一轮") {
			t.Fatalf("waivers page: %d %s", st, body)
		}
		st, body = api.API("POST", fmt.Sprintf("/api/v1/measures/%d/waivers", id), map[string]any{"reason": "列管时已过应检日，无法补检"})
		if st != 200 || !strings.Contains(body, `"recorded":0,"waived":5`) || !strings.Contains(body, `"eligible":true`) {
			t.Fatalf("waive: %d %s", st, body)
		}
		if st, body := api.API("POST", fmt.Sprintf("/api/v1/measures/%d/release", id), map[string]any{"note": "期满"}); st != 200 {
			t.Fatalf("release: %d %s", st, body)
		}
		st, body = cun.Get(fmt.Sprintf("/measures/%d/notice", id))
		want := "期间核酸检测1次（2026-03-02），结果均为阴性。另有5次应检日在列管之前（2026-03-03、2026-03-04、2026-03-06、2026-03-08、2026-03-11），未能检测，经核准免检（列管时已过应检日，无法补检）。"
		if st != 200 || !strings.Contains(body, want) || strings.Contains(body, "6次") {
			t.Errorf("notice: %d, want %q in\n%s", st, want, body)
		}
		// Issued by the community's committee, signed with the cadre's name
		// (not the username).
		if !strings.Contains(body, "西街社区居委会（盖章）") || !strings.Contains(body, `<span id="signer">`+cunUser.DisplayName+`</span>`) {
			t.Errorf("notice issuer or signer wrong:\n%s", body[strings.Index(body, `id="issuer"`):])
		}
	})
}
