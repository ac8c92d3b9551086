package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// TestSupervisionCycleTellsEachSide: a finding reaches the responsible
// village's cadre (inbox, and 今日待办's 督查问题待整改); the village's
// report of the work done reaches the inspector (inbox, and 整改待复核 on
// the inspector's home); a 退回 reaches the village again with the reason.
func TestSupervisionCycleTellsEachSide(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "ducha7", auth.RoleInspector, dbtest.County)
		e.AddUser(t, "cun7", auth.RoleVillage, dbtest.VillageA)
		du, cun := e.Login(t, "ducha7", apptest.Password), e.Login(t, "cun7", apptest.Password)
		today := clock.Day(time.Now())
		if st, body := du.Post("/inspections", url.Values{"unit_code": {dbtest.VillageA}, "object_type": {"checkpoint"},
			"object_name": {"西街村口"}, "team": {"第一组"}, "visited_on": {today}}); st != 303 {
			t.Fatalf("inspection: %d %.300s", st, body)
		}
		var insp, finding int64
		d.R().QueryRow("SELECT id FROM inspections WHERE object_name = '西街村口'").Scan(&insp)
		if st, body := du.Post(fmt.Sprintf("/inspections/%d/findings", insp), url.Values{"problem": {"夜班无人值守"}, "leader": {"王书记"},
			"person": {"李主任"}, "measure": {"排班到人"}, "deadline": {today}}); st != 303 {
			t.Fatalf("finding: %d %.300s", st, body)
		}
		d.R().QueryRow("SELECT id FROM findings WHERE problem = '夜班无人值守'").Scan(&finding)
		inbox := func(c *apptest.Client, want string) bool {
			_, body := c.Get("/inbox")
			return strings.Contains(body, want)
		}
		if !inbox(cun, "夜班无人值守") {
			t.Errorf("the village cadre was not told of the finding")
		}
		if _, body := cun.Get("/today"); !strings.Contains(body, "督查问题待整改") {
			t.Errorf("今日待办 lacks the rectification")
		}
		if st, _ := cun.Post(fmt.Sprintf("/findings/%d/progress", finding), url.Values{"status": {"待复核"}, "note": {"已排班到人"}, "version": {"1"}}); st != 303 {
			t.Fatalf("report done: %d", st)
		}
		if !inbox(du, "已报告整改完成") {
			t.Errorf("the inspector was not told the rectification waits for review")
		}
		if _, body := du.Get("/inspections"); !strings.Contains(body, `id="to-review"`) {
			t.Errorf("the inspector's home does not say what waits for review")
		}
		if st, _ := du.Post(fmt.Sprintf("/findings/%d/review", finding), url.Values{"note": {"登记簿照片未上传"}, "version": {"2"}}); st != 303 {
			t.Fatalf("退回: %d", st)
		}
		if !inbox(cun, "登记簿照片未上传") {
			t.Errorf("the village was not told of the 退回 and its reason")
		}
		// The record keeps every step: the report of the work done and the
		// 退回 with its reason, with who acted.
		if _, page := cun.Get(fmt.Sprintf("/findings/%d", finding)); !strings.Contains(page, "已排班到人") || !strings.Contains(page, "<b>退回</b>") ||
			!strings.Contains(page, "登记簿照片未上传") {
			t.Errorf("the finding's record lost a step")
		}
	})
}
