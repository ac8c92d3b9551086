package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/checkpoint"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
)

// TestCheckpointPages: the check log form re-renders with what was typed
// and the message beside the field; an API resend is not a second record;
// the village receives a hand-over from its list; the command centre
// copies the rules into a new version that is in force from its date.
func TestCheckpointPages(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		ctx, all := context.Background(), jurisdiction.System("test")
		cp, err := e.App.Checkpoints.CreateCheckpoint(ctx, seedActor, all, checkpoint.Checkpoint{UnitCode: dbtest.TownshipA, Name: "甘亭东卡口",
			Kind: "国省道", StaffPerShift: 2})
		if err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "kakou9", auth.RoleCheckpoint, dbtest.TownshipA)
		c := e.Login(t, "kakou9", apptest.Password)
		form := url.Values{"checkpoint_id": {fmt.Sprint(cp.ID)}, "client_id": {"form1"}, "plate": {"陕a 55555"}, "vehicle_type": {"小客车"},
			"people.0.name": {"钱一"}, "people.0.health_code": {"green"},
			"people.1.name": {"孙二"}, "people.1.from": {"西安雁塔"}, "people.1.temp": {"45"}, "people.1.health_code": {"green"}}
		status, body := c.Post("/checks", form)
		if status != http.StatusBadRequest || !strings.Contains(body, "第2人") || !strings.Contains(body, `value="孙二"`) ||
			!strings.Contains(body, `value="陕a 55555"`) || strings.Count(body, "体温“45”无效") != 2 {
			t.Fatalf("bad temperature: %d %s", status, body)
		}
		form.Set("people.1.temp", "36.8")
		form.Set("people.1.to", "西街社区")
		form.Set("people.1.star", "1")
		form.Set("people.1.id_number", dbtest.ID("61011819800101077"))
		if status, _ := c.Post("/checks", form); status != http.StatusSeeOther || c.Location != fmt.Sprintf("/checks?checkpoint_id=%d", cp.ID) {
			t.Fatalf("post: %d → %s", status, c.Location)
		}
		if _, body := c.Get(c.Location); !strings.Contains(body, "已登记 陕A55555：钱一 放行") || !strings.Contains(body, "孙二 移交属地") {
			t.Errorf("flash after logging: %s", body)
		}
		// The record says which rule decided, in words, not its key.
		var checkID int64
		var key string
		d.R().QueryRow("SELECT id, rule_key FROM checkpoint_checks WHERE name = '孙二'").Scan(&checkID, &key)
		if st, body := c.Get(fmt.Sprintf("/checks/%d", checkID)); st != 200 || !strings.Contains(body, "移交属地") || key == "" ||
			strings.Contains(body, " · "+key+" ") {
			t.Errorf("check detail (rule %q): %d %s", key, st, body)
		}
		rec := map[string]any{"checkpoint_id": cp.ID, "client_id": "api1", "plate": "陕A6",
			"people": []map[string]any{{"name": "李三", "health_code": "red"}}}
		if status, body := c.API("POST", "/api/v1/checks", rec); status != http.StatusCreated || !strings.Contains(body, `"outcome":"就地管控"`) {
			t.Errorf("API log: %d %s", status, body)
		}
		if status, body := c.API("POST", "/api/v1/checks", rec); status != http.StatusOK || !strings.Contains(body, `"replayed":true`) {
			t.Errorf("API resend: %d %s", status, body)
		}
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM checkpoint_checks").Scan(&n)
		if n != 3 {
			t.Errorf("%d checks, want 3", n)
		}
		// The village receives 孙二.
		e.AddUser(t, "cunwei9", auth.RoleVillage, dbtest.VillageA)
		v := e.Login(t, "cunwei9", apptest.Password)
		_, body = v.Get("/today")
		if !strings.Contains(body, `id="n-todo.checkpoint.handovers">1<`) {
			t.Errorf("the village's day lacks the hand-over")
		}
		hs, _ := e.App.Checkpoints.Handovers(ctx, all, checkpoint.HandoverFilter{})
		if len(hs) != 1 {
			t.Fatalf("hand-overs: %+v", hs)
		}
		if status, _ := v.Post(fmt.Sprintf("/handovers/%d/receive", hs[0].ID), url.Values{"note": {"已签接收承诺书"}}); status != http.StatusSeeOther {
			t.Errorf("receive: %d", status)
		}
		if status, body := v.Post(fmt.Sprintf("/handovers/%d/receive", hs[0].ID), url.Values{}); status != http.StatusConflict || !strings.Contains(body, "已接收") {
			t.Errorf("second receipt: %d", status)
		}
		// The receipt carries the cadre's name, not the login.
		if _, err := d.W().Exec("UPDATE users SET display_name = '村干部九' WHERE username = 'cunwei9'"); err != nil {
			t.Fatal(err)
		}
		if _, body := v.Get("/handovers?status=" + url.QueryEscape("已接收")); !strings.Contains(body, "村干部九 已签接收承诺书") {
			t.Errorf("the receipt does not name the cadre: %s", body)
		}
		if _, body := v.Get("/returnees?source=" + url.QueryEscape("卡口移交")); !strings.Contains(body, "孙二") {
			t.Errorf("the ledger lacks the arrival")
		}
		// The command centre: yellow codes turned back from 2099.
		e.AddUser(t, "zhihui9", auth.RoleCommand, dbtest.County)
		z := e.Login(t, "zhihui9", apptest.Password)
		newRules := url.Values{"based_on": {"1"}, "name": {"2022 黄码劝返"}, "effective_from": {""}, "outcome.yellow": {"劝返"}}
		if status, body := z.Post("/checkpoint-rules", newRules); status != http.StatusBadRequest || !strings.Contains(body, "施行日期") ||
			!strings.Contains(body, `value="2022 黄码劝返"`) {
			t.Errorf("no date: %d", status)
		}
		newRules.Set("effective_from", "2099-01-01")
		newRules.Set("name", "2099 黄码劝返")
		newRules.Set("fever", "41")
		if status, body := z.Post("/checkpoint-rules", newRules); status != http.StatusBadRequest || !strings.Contains(body, "发热标准") {
			t.Errorf("a fever line of 41 ℃: %d", status)
		}
		newRules.Set("fever", "37.5")
		if status, _ := z.Post("/checkpoint-rules", newRules); status != http.StatusSeeOther {
			t.Errorf("new version: %d", status)
		}
		var fever string
		d.R().QueryRow("SELECT rules FROM checkpoint_rule_versions WHERE name = '2099 黄码劝返'").Scan(&fever)
		if !strings.Contains(fever, `"fever_tenths":375`) {
			t.Errorf("the fever line typed was not kept: %s", fever)
		}
		if _, body := z.Get("/checkpoint-rules"); !strings.Contains(body, "黄码：劝返") || !strings.Contains(body, "2099-01-01起施行") {
			t.Errorf("rules page lacks the new version")
		}
		if status, _ := c.Post("/checkpoint-rules", newRules); status != http.StatusForbidden {
			t.Errorf("a checkpoint account made rules: %d", status)
		}
	})
}
