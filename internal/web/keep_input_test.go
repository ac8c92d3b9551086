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
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/policy"
	"fangkong/internal/registry"
	"fangkong/internal/sampling"
	"fangkong/internal/sentinel"
)

// TestErrorsKeepTheInput: "an error keeps the input" on forms a tester
// found losing it — the form comes back (400) with what was typed and the
// message beside the field, never a redirect that drops it or a bare
// error page.
func TestErrorsKeepTheInput(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		ctx, all := context.Background(), jurisdiction.System("test")

		t.Run("incident time", func(t *testing.T) {
			cp, err := e.App.Checkpoints.CreateCheckpoint(ctx, seedActor, all, checkpoint.Checkpoint{UnitCode: dbtest.TownshipA, Name: "事件卡口",
				Kind: "国省道", StaffPerShift: 2})
			if err != nil {
				t.Fatal(err)
			}
			e.AddUser(t, "kakou-keep", auth.RoleCheckpoint, dbtest.TownshipA)
			c := e.Login(t, "kakou-keep", apptest.Password)
			form := url.Values{"checkpoint_id": {fmt.Sprint(cp.ID)}, "occurred_at": {"明天"}, "kind": {"强行冲卡"}, "description": {"冲卡逃逸"}}
			st, body := c.PostFrom("/incidents", "/incidents", form)
			if st != http.StatusBadRequest || !strings.Contains(body, "时间“明天”无法识别") ||
				!strings.Contains(body, `type="text"`) || !strings.Contains(body, `value="明天"`) || !strings.Contains(body, "冲卡逃逸") {
				t.Fatalf("unreadable time: %d %s", st, body)
			}
			if i, j := strings.Index(body, `id="occurred_at"`), strings.Index(body, `id="err-occurred_at"`); i < 0 || j < i {
				t.Errorf("the message is not beside 发生时间: %s", body)
			}
			// A readable time kept through another field's error goes back
			// into the date picker.
			form.Set("occurred_at", "2022-03-01 08:30")
			form.Set("description", "")
			if st, body := c.PostFrom("/incidents", "/incidents", form); st != http.StatusBadRequest ||
				!strings.Contains(body, `type="datetime-local" value="2022-03-01T08:30"`) {
				t.Errorf("a readable time with another error: %d %s", st, body)
			}
		})

		t.Run("sentinel fevers", func(t *testing.T) {
			x, err := e.App.Sentinels.CreateSentinel(ctx, seedActor, all, sentinel.Sentinel{UnitCode: dbtest.VillageA, Name: "留值卫生室",
				Kind: sentinel.KindVillageClinic})
			if err != nil {
				t.Fatal(err)
			}
			u := e.AddUser(t, "shaodian-keep", auth.RoleSentinel, dbtest.VillageA)
			if err := e.App.Sentinels.Bind(ctx, seedActor, all, x.ID, sentinel.Account{ID: u.ID, Username: u.Username, Role: string(u.Role),
				UnitCode: u.UnitCode}); err != nil {
				t.Fatal(err)
			}
			c := e.Login(t, "shaodian-keep", apptest.Password)
			for _, typed := range []string{"三", "abc", "", "-1"} {
				st, body := c.PostFrom("/sentinel", "/sentinel/returns", url.Values{"fevers": {typed}})
				if st != http.StatusBadRequest || !strings.Contains(body, `id="err-fevers"`) ||
					!strings.Contains(body, `name="fevers" inputmode="numeric" autocomplete="off" maxlength="20" value="`+typed+`"`) {
					t.Errorf("fevers %q: %d %s", typed, st, body)
				}
			}
			if n := countRows(t, d, "sentinel_returns"); n != 0 {
				t.Errorf("%d returns written by refused posts", n)
			}
			if st, _ := c.Post("/sentinel/returns", url.Values{"fevers": {"２"}}); st != http.StatusSeeOther {
				t.Errorf("full-width 2: %d", st)
			}
		})

		t.Run("sampling code", func(t *testing.T) {
			county := jurisdiction.Grant(dbtest.County)
			cmp, err := e.App.Sampling.CreateCampaign(ctx, seedActor, county, sampling.CampaignInput{UnitCode: dbtest.County, Name: "留值轮",
				StartsOn: "2026-11-25", PoolSize: 5})
			if err != nil {
				t.Fatal(err)
			}
			pt, err := e.App.Sampling.AddPoint(ctx, seedActor, county, sampling.Point{CampaignID: cmp.ID, UnitCode: dbtest.VillageA, Name: "留值点"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.App.Sampling.StartCampaign(ctx, seedActor, county, cmp.ID); err != nil {
				t.Fatal(err)
			}
			e.AddUser(t, "caiyang-keep", auth.RoleSampling, dbtest.TownshipA)
			c := e.Login(t, "caiyang-keep", apptest.Password)
			scan := fmt.Sprintf("/sampling/campaigns/%d/scan", cmp.ID)
			pid := fmt.Sprint(pt.ID)
			st, body := c.Post(scan, url.Values{"scan_id": {"k1"}, "point_id": {pid}, "tube": {"KT01"}, "code": {"6.10118E+17"}})
			if st != http.StatusBadRequest || !strings.Contains(body, `id="code" name="code" value="6.10118E&#43;17"`) ||
				!strings.Contains(body, `value="KT01"`) || !strings.Contains(body, `id="err-code"`) || !strings.Contains(body, "科学计数法") {
				t.Errorf("Excel's number: %d %s", st, body)
			}
			st, body = c.Post(scan, url.Values{"scan_id": {"k2"}, "point_id": {pid}, "tube": {""}, "code": {"张三"}})
			if st != http.StatusBadRequest || !strings.Contains(body, `id="code" name="code" value="张三"`) {
				t.Errorf("no tube: %d %s", st, body)
			}
			if countRows(t, d, "test_tubes") != 0 {
				t.Error("a refused scan wrote a tube")
			}
		})

		t.Run("merge other", func(t *testing.T) {
			mk := func(name, unit, idNumber string) int64 {
				p, err := e.App.Registry.CreatePerson(ctx, seedActor, all, registry.Person{Name: name, Sex: "男", BirthDate: "1980-01-01",
					UnitCode: unit, IDNumber: idNumber})
				if err != nil {
					t.Fatal(err)
				}
				return p.ID
			}
			keep := mk("合并甲", dbtest.VillageA, "")
			twin := dbtest.ID("61011819800101051")
			drop := mk("合并甲乙", dbtest.VillageA, twin)
			outside := dbtest.ID("61011819800101093")
			mk("外辖区甲", dbtest.VillageB, outside)
			e.AddUser(t, "wangge-keep", auth.RoleVillage, dbtest.VillageA)
			c := e.Login(t, "wangge-keep", apptest.Password)
			page := fmt.Sprintf("/people/%d", keep)
			for typed, msg := range map[string]string{
				"99999999": "本辖区没有人员编号为 99999999 的记录", outside: "本辖区在册人员中没有这个身份证号",
				"张三": "请填写另一条记录的人员编号（人员页地址中的数字）", dbtest.BadID("61011819800101051"): "身份证号校验位错误",
			} {
				st, body := c.PostFrom(page, page+"/merge", url.Values{"other": {typed}})
				if st != http.StatusBadRequest || !strings.Contains(body, msg) || !strings.Contains(body, `value="`+typed+`"`) ||
					!strings.Contains(body, `aria-describedby="err-other"`) {
					t.Errorf("other %q: %d %s", typed, st, body)
				}
			}
			// The kept record out of reach stays a 404.
			far := mk("外辖区乙", dbtest.VillageB, "")
			if st, _ := c.PostFrom(page, fmt.Sprintf("/people/%d/merge", far), url.Values{"other": {fmt.Sprint(drop)}}); st != http.StatusNotFound {
				t.Errorf("merge into an outside record: %d", st)
			}
			// The other record's ID number names it.
			if st, _ := c.PostFrom(page, page+"/merge", url.Values{"other": {strings.ToLower(twin)}}); st != http.StatusSeeOther {
				t.Fatalf("merge by ID number: %d", st)
			}
			var into int64
			d.R().QueryRow("SELECT COALESCE(merged_into, 0) FROM people WHERE id = $1", drop).Scan(&into)
			if into != keep {
				t.Errorf("%d merged into %d, want %d", drop, into, keep)
			}
		})

		t.Run("measure messages", func(t *testing.T) {
			u := e.AddUser(t, "zhihui-keep", auth.RoleCommand, dbtest.County)
			c, api := e.Login(t, "zhihui-keep", apptest.Password), e.TokenClient(t, u)
			var pid int64
			d.W().QueryRow(`INSERT INTO people (name, unit_code, phone, created_at, updated_at) VALUES ('类别测试', $1, '13912345670', 0, 0) RETURNING id`,
				dbtest.VillageA).Scan(&pid)
			page := fmt.Sprintf("/people/%d/measure", pid)
			st, body := c.PostFrom(page, page, url.Values{"category": {""}, "place": {"某市某区"}})
			if st != http.StatusBadRequest || !strings.Contains(body, "请选择人员类别") || strings.Contains(body, "未知人员类别") {
				t.Errorf("no category: %d %s", st, body)
			}
			st, body = api.API("POST", "/api/v1"+page, map[string]any{"category": "密切接触者", "place": "某市某区", "risk_level": "高",
				"day_zero": policy.AddDays(clock.Day(e.App.Config.Now()), -2)})
			if st != http.StatusCreated {
				t.Fatalf("assign: %d %s", st, body)
			}
			var tok string
			d.R().QueryRow("SELECT token FROM measures WHERE person_id = $1", pid).Scan(&tok)
			paste := strings.Repeat("三十六度五", 400) // 2,000 characters
			st, body = e.Anonymous(t).PostFrom("/m/"+tok, "/m/"+tok, url.Values{"temp": {paste}})
			if st != http.StatusBadRequest || !strings.Contains(body, "体温“"+string([]rune(paste)[:20])+"…”无效") ||
				strings.Count(body, paste) != 1 {
				t.Errorf("a long paste: %d %.2000s", st, body)
			}
		})
	})
}
