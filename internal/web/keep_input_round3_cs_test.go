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
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sentinel"
)

// The third round of "an error keeps the input" on the checkpoint,
// sentinel and duty forms: each bad post comes back (400) with every field
// as typed and the message beside the field it concerns.

// paste is 2,000 characters pasted into a field.
var paste = strings.Repeat("三十六度五", 400)

// besideField reports whether the message (id err-<name>) follows the
// field with that id, before the next field.
func besideField(body, id, errID, next string) bool {
	i, j := strings.Index(body, `id="`+id+`"`), strings.Index(body, `id="`+errID+`"`)
	k := strings.Index(body, `id="`+next+`"`)
	return i >= 0 && j > i && (next == "" || k > j)
}

// TestKeepInputSentinelReturnSecondTry: a sentinel's 发热人数 "三" or a
// 2,000-character paste comes back on the home page — also on a second try
// from the page the first error answered (its address /sentinel/returns is
// then the Referer), or with no Referer at all — never the bare error page.
func TestKeepInputSentinelReturnSecondTry(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		ctx, all := context.Background(), jurisdiction.System("test")
		for _, k := range []struct{ user, kind string }{{"shaodian-r3a", sentinel.KindVillageClinic}, {"shaodian-r3b", sentinel.KindSchool}} {
			x, err := e.App.Sentinels.CreateSentinel(ctx, seedActor, all, sentinel.Sentinel{UnitCode: dbtest.VillageA, Name: k.kind + "哨点",
				Kind: k.kind})
			if err != nil {
				t.Fatal(err)
			}
			u := e.AddUser(t, k.user, auth.RoleSentinel, dbtest.VillageA)
			if err := e.App.Sentinels.Bind(ctx, seedActor, all, x.ID, sentinel.Account{ID: u.ID, Username: u.Username, Role: string(u.Role),
				UnitCode: u.UnitCode}); err != nil {
				t.Fatal(err)
			}
			c := e.Login(t, k.user, apptest.Password)
			for _, from := range []string{"/sentinel", "/sentinel/returns", ""} {
				for _, typed := range []string{"三", paste} {
					var st int
					var body string
					if from == "" {
						st, body = c.Post("/sentinel/returns", url.Values{"fevers": {typed}})
					} else {
						st, body = c.PostFrom(from, "/sentinel/returns", url.Values{"fevers": {typed}})
					}
					if st != http.StatusBadRequest || !strings.Contains(body, `name="fevers" inputmode="numeric" autocomplete="off" maxlength="20" value="`+typed+`"`) ||
						!besideField(body, "fevers", "err-fevers", "submit-return") || strings.Contains(body, "err-check-fevers") {
						t.Errorf("%s from %q, fevers %.20q: %d %.3000s", k.kind, from, typed, st, body)
					}
				}
			}
		}
		if n := countRows(t, d, "sentinel_returns"); n != 0 {
			t.Errorf("%d returns written by refused posts", n)
		}
	})
}

// TestKeepInputCheckpointStatus: 起始日期 typed wrong or a 2,000-character
// 说明 comes back in the 变更状态 form with the status chosen.
func TestKeepInputCheckpointStatus(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		cp, err := e.App.Checkpoints.CreateCheckpoint(context.Background(), seedActor, jurisdiction.System("test"), checkpoint.Checkpoint{
			UnitCode: dbtest.TownshipA, Name: "状态卡口", Kind: "国省道", StaffPerShift: 2, StatusSince: "2021-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "zhenjie-r3s", auth.RoleTownship, dbtest.TownshipA)
		c := e.Login(t, "zhenjie-r3s", apptest.Password)
		page := fmt.Sprintf("/checkpoints/%d", cp.ID)
		st, body := c.PostFrom(page, page+"/status", url.Values{"status": {"封堵"}, "since": {"2021年13月40日"}, "note": {"夜间封堵"}})
		if st != http.StatusBadRequest || !strings.Contains(body, `id="since" name="since" type="text"`) ||
			!strings.Contains(body, `value="2021年13月40日"`) || !strings.Contains(body, `value="夜间封堵"`) ||
			!regexp.MustCompile(`<option selected(="")?>封堵</option>`).MatchString(body) || !strings.Contains(body, "日期应在") {
			t.Errorf("unreadable date: %d %s", st, body)
		}
		st, body = c.PostFrom(page, page+"/status", url.Values{"status": {"封堵"}, "since": {"2022-03-01"}, "note": {paste}})
		if st != http.StatusBadRequest || !strings.Contains(body, `type="date" value="2022-03-01"`) ||
			!strings.Contains(body, `value="`+paste+`"`) || !besideField(body, "s-note", "err-note", "") {
			t.Errorf("a long note: %d %.3000s", st, body)
		}
		// A date typed the Chinese way is read.
		if st, _ := c.PostFrom(page, page+"/status", url.Values{"status": {"封堵"}, "since": {"2022年3月1日"}, "note": {"夜间封堵"}}); st != http.StatusSeeOther {
			t.Errorf("2022年3月1日: %d", st)
		}
	})
}

// TestKeepInputCheckpointForm: 每班人数 "三" keeps itself, 带班岗位 and 备注
// (new and edit), in a text input a browser does not empty.
func TestKeepInputCheckpointForm(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "zhenjie-r3f", auth.RoleTownship, dbtest.TownshipA)
		c := e.Login(t, "zhenjie-r3f", apptest.Password)
		form := url.Values{"name": {"三班卡口"}, "unit_code": {dbtest.TownshipA}, "kind": {"国省道"}, "status": {"值守"}, "status_since": {""},
			"address": {"东口"}, "place_code": {""}, "staff_per_shift": {"三"}, "leader_post": {"镇包村干部"}, "note": {"夜间加岗"}, "version": {"0"}}
		check := func(what, page, path string) {
			t.Helper()
			st, body := c.PostFrom(page, path, form)
			if st != http.StatusBadRequest || !strings.Contains(body, `id="staff_per_shift" name="staff_per_shift" inputmode="numeric" autocomplete="off" maxlength="20" value="三"`) ||
				!strings.Contains(body, `value="镇包村干部"`) || !strings.Contains(body, ">夜间加岗</textarea>") || !strings.Contains(body, `value="三班卡口"`) ||
				!strings.Contains(body, "每班人数应为1到50") {
				t.Errorf("%s: %d %s", what, st, body)
			}
		}
		check("new", "/checkpoints/new", "/checkpoints")
		form.Set("staff_per_shift", "３")
		if st, _ := c.PostFrom("/checkpoints/new", "/checkpoints", form); st != http.StatusSeeOther {
			t.Fatalf("full-width 3: %d", st)
		}
		var id int64
		d.R().QueryRow("SELECT id FROM checkpoints WHERE name = '三班卡口'").Scan(&id)
		form.Set("staff_per_shift", "三")
		form.Set("version", "1")
		check("edit", fmt.Sprintf("/checkpoints/%d/edit", id), fmt.Sprintf("/checkpoints/%d", id))
	})
}

// TestKeepInputIncidentPlate: a 2,000-character 车牌 is answered beside 车牌,
// not beside 警情编号.
func TestKeepInputIncidentPlate(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		cp, err := e.App.Checkpoints.CreateCheckpoint(context.Background(), seedActor, jurisdiction.System("test"), checkpoint.Checkpoint{
			UnitCode: dbtest.TownshipA, Name: "车牌卡口", Kind: "国省道", StaffPerShift: 2})
		if err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "kakou-r3p", auth.RoleCheckpoint, dbtest.TownshipA)
		c := e.Login(t, "kakou-r3p", apptest.Password)
		st, body := c.PostFrom("/incidents", "/incidents", url.Values{"checkpoint_id": {fmt.Sprint(cp.ID)}, "kind": {"强行冲卡"},
			"description": {"冲卡逃逸"}, "plate": {paste}, "police_case": {"J2022"}})
		if st != http.StatusBadRequest || !besideField(body, "plate", "err-plate", "description") || strings.Contains(body, "err-police_case") ||
			!strings.Contains(body, "车牌请在12字以内") || !strings.Contains(body, `value="J2022"`) {
			t.Errorf("a long plate: %d %.3000s", st, body)
		}
	})
}

// TestKeepInputSentinelClocks: 时长 "三" keeps the other fields of the new
// clock version.
func TestKeepInputSentinelClocks(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "zhihui-r3c", auth.RoleCommand, dbtest.County)
		c := e.Login(t, "zhihui-r3c", apptest.Password)
		for _, field := range []string{"ack_hours", "buyer_test_hours"} {
			form := url.Values{"effective_from": {"2026-12-01"}, "ack_hours": {"3"}, "return_cutoff": {"17:00"}, "buyer_test_hours": {"48"},
				"note": {"县指挥部通知"}}
			form.Set(field, "三")
			st, body := c.PostFrom("/sentinel-clocks", "/sentinel-clocks", form)
			if st != http.StatusBadRequest || !strings.Contains(body, `id="`+field+`" name="`+field+`" inputmode="numeric" autocomplete="off" maxlength="20" value="三"`) ||
				!strings.Contains(body, `value="2026-12-01"`) || !strings.Contains(body, `value="17:00"`) || !strings.Contains(body, `value="县指挥部通知"`) ||
				!strings.Contains(body, `value="`+form.Get(map[string]string{"ack_hours": "buyer_test_hours", "buyer_test_hours": "ack_hours"}[field])+`"`) {
				t.Errorf("%s 三: %d %s", field, st, body)
			}
		}
		st, body := c.PostFrom("/sentinel-clocks", "/sentinel-clocks", url.Values{"effective_from": {"2021年13月40日"}, "ack_hours": {"3"},
			"return_cutoff": {"17:00"}, "buyer_test_hours": {"48"}})
		if st != http.StatusBadRequest || !strings.Contains(body, `type="text" placeholder="如 2022-03-01" value="2021年13月40日"`) {
			t.Errorf("unreadable date: %d %s", st, body)
		}
	})
}

// TestKeepInputDutyShift: 时长 "三" stays "三"; a wrong 日期 is answered
// beside 日期; a phone a digit short is refused beside 值班电话, a
// landline with its area code taken.
func TestKeepInputDutyShift(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "zhenjie-r3d", auth.RoleTownship, dbtest.TownshipA)
		c := e.Login(t, "zhenjie-r3d", apptest.Password)
		shift := func() url.Values {
			return url.Values{"unit_code": {dbtest.TownshipA}, "day": {"2026-12-08"}, "start": {"08:00"}, "hours": {"24"}, "leader": {"带班甲"},
				"person": {"值班乙"}, "phone": {"13900000021"}}
		}
		f := shift()
		f.Set("hours", "三")
		st, body := c.PostFrom("/duty", "/duty", f)
		if st != http.StatusBadRequest || !strings.Contains(body, `id="hours" name="hours" inputmode="numeric" autocomplete="off" maxlength="20" value="三"`) ||
			!strings.Contains(body, `value="带班甲"`) || !strings.Contains(body, `value="值班乙"`) || !strings.Contains(body, `value="2026-12-08"`) ||
			!strings.Contains(body, "班次时长为1至24小时") {
			t.Errorf("hours 三: %d %s", st, body)
		}
		f = shift()
		f.Set("day", "2021年13月40日")
		st, body = c.PostFrom("/duty", "/duty", f)
		if st != http.StatusBadRequest || !strings.Contains(body, `type="text" placeholder="如 2022-03-01" value="2021年13月40日"`) ||
			!besideField(body, "day", "err-day", "start") && !regionHas(body, `id="day"`, `id="start"`, "请填写日期") {
			t.Errorf("unreadable day: %d %s", st, body)
		}
		f = shift()
		f.Set("phone", "1391234567")
		st, body = c.PostFrom("/duty", "/duty", f)
		if st != http.StatusBadRequest || !strings.Contains(body, `value="1391234567"`) || !regionHas(body, `id="phone"`, "<button>排班", "值班电话应为11位手机号") {
			t.Errorf("10-digit phone: %d %s", st, body)
		}
		for _, ok := range []string{"029-84812345", "139 0000 0021", ""} {
			f = shift()
			f.Set("phone", ok)
			if st, body := c.PostFrom("/duty", "/duty", f); st != http.StatusSeeOther {
				t.Errorf("phone %q: %d %s", ok, st, body)
			}
		}
		if n := countRows(t, d, "duty_shifts"); n != 3 {
			t.Errorf("%d shifts, want 3", n)
		}
	})
}

// regionHas reports whether text lies between the first from and the
// first to after it.
func regionHas(body, from, to, text string) bool {
	i := strings.Index(body, from)
	if i < 0 {
		return false
	}
	j := strings.Index(body[i:], to)
	if j < 0 {
		return false
	}
	return strings.Contains(body[i:i+j], text)
}

// TestKeepInputCheckOrigin: an origin that names no place (火星市) would
// leave the check without a risk level — the rules would let the person
// through as from nowhere risky — so it is refused beside 从哪里来, with
// everything typed kept.
func TestKeepInputCheckOrigin(t *testing.T) {
	apptest.NeedPlaces(t)
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		cp, err := e.App.Checkpoints.CreateCheckpoint(context.Background(), seedActor, jurisdiction.System("test"), checkpoint.Checkpoint{
			UnitCode: dbtest.TownshipA, Name: "来处卡口", Kind: "国省道", StaffPerShift: 2})
		if err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "kakou-r3o", auth.RoleCheckpoint, dbtest.TownshipA)
		c := e.Login(t, "kakou-r3o", apptest.Password)
		form := url.Values{"checkpoint_id": {fmt.Sprint(cp.ID)}, "client_id": {"r3o"}, "plate": {"陕A12345"}, "vehicle_type": {"小客车"},
			"people.0.name": {"钱一"}, "people.0.from": {"火星市"}, "people.0.to": {"火星市"}, "people.0.health_code": {"green"}}
		st, body := c.PostFrom("/checks", "/checks", form)
		if st != http.StatusBadRequest || !strings.Contains(body, `value="火星市"`) || !strings.Contains(body, `value="钱一"`) ||
			!regionHas(body, `id="p0-from"`, `id="p0-to"`, "没有找到地名“火星市”") {
			t.Errorf("火星市: %d %s", st, body)
		}
		if n := countRows(t, d, "checkpoint_checks"); n != 0 {
			t.Errorf("%d checks stored", n)
		}
		// A place that is one, the destination as any text outside the county.
		form.Set("people.0.from", "郑州金水")
		if st, body := c.PostFrom("/checks", "/checks", form); st != http.StatusSeeOther {
			t.Errorf("郑州金水: %d %s", st, body)
		}
	})
}
