package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/checkpoint"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/pushlist"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/sampling"
	"fangkong/internal/site"
	"fangkong/internal/tracing"
)

// r3FormOf is the forms of body that post to action, one after the
// other; "" when none.
func r3FormOf(body, action string) string {
	var out strings.Builder
	for rest := body; ; {
		i := strings.Index(rest, `action="`+action+`"`)
		if i < 0 {
			return out.String()
		}
		start := strings.LastIndex(rest[:i], "<form")
		j := strings.Index(rest[i:], "</form>")
		if j < 0 {
			j = len(rest) - i
		}
		out.WriteString(rest[start : i+j])
		rest = rest[i+j:]
	}
}

// r3Beside reports whether, in the form of body posting to action, the
// control named name is marked as described by a message that follows it
// and reads msg.
func r3Beside(body, action, name, msg string) bool {
	form := r3FormOf(body, action)
	tag := regexp.MustCompile(`<(?:input|select|textarea)[^>]*\bname="` + regexp.QuoteMeta(name) + `"[^>]*>`)
	for _, loc := range tag.FindAllStringIndex(form, -1) {
		m := regexp.MustCompile(`aria-describedby="([^"]+)"`).FindStringSubmatch(form[loc[0]:loc[1]])
		if m == nil {
			continue
		}
		rest := form[loc[1]:]
		k := strings.Index(rest, `id="`+m[1]+`"`)
		if k < 0 {
			continue
		}
		end := strings.Index(rest[k:], "</")
		if end > 0 && strings.Contains(rest[k:k+end], msg) {
			return true
		}
	}
	return false
}

// TestKeepInputRound3SR: the third round of "an error keeps the input" on
// the sites', villages', tracing and sampling forms — the page comes back
// (4xx) with what was typed and the message beside the field it concerns,
// not above the form.
func TestKeepInputRound3SR(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		ctx, all := context.Background(), jurisdiction.System("test")
		long := strings.Repeat("很长的说明", 400) // 2,000 characters
		check := func(t *testing.T, st int, body string, want int, action, name, msg string, typed ...string) {
			t.Helper()
			if st != want {
				t.Fatalf("status %d, want %d: %.3000s", st, want, body)
			}
			form := r3FormOf(body, action)
			if form == "" {
				t.Fatalf("no form posting to %s: %.3000s", action, body)
			}
			for _, v := range typed {
				if !strings.Contains(form, v) {
					t.Errorf("%q typed is not in the form: %.3000s", v, form)
				}
			}
			if !r3Beside(body, action, name, msg) {
				t.Errorf("%q is not beside %s: %s", msg, name, form)
			}
			if strings.Contains(form, `id="form-error"`) {
				t.Errorf("the message stands above the form: %s", form)
			}
		}

		e.AddUser(t, "gld-r3", auth.RoleSite, dbtest.TownshipA)
		sc := e.Login(t, "gld-r3", apptest.Password)
		x, err := e.App.Sites.CreateSite(ctx, seedActor, all, site.Site{Name: "留值宾馆", UnitCode: dbtest.TownshipA, StaffTestEvery: 2})
		if err != nil {
			t.Fatal(err)
		}
		staffPage := fmt.Sprintf("/sites/%d/staff", x.ID)

		t.Run("1 staff row", func(t *testing.T) {
			today := time.Now().Format("2006-01-02")
			st, err := e.App.Sites.AddStaff(ctx, seedActor, all, x.ID, site.Staff{Name: "护士乙", Post: "医护", LastTestOn: "2021-03-01",
				Doses: 2, LastDoseOn: "2021-05-01"})
			if err != nil {
				t.Fatal(err)
			}
			action := fmt.Sprintf("/site-staff/%d", st.ID)
			for _, c := range []struct{ test, doses, dose, name, msg string }{
				{"2021年13月40日", "2", "2021-05-01", "last_test_on", "最近检测日期：日期格式应为"},
				{today, "2", "明天", "last_dose_on", "末次接种日期：日期格式应为"},
				{today, "三", "2021-05-01", "doses", "请填写数字"},
			} {
				form := url.Values{"version": {fmt.Sprint(st.Version)}, "last_test_on": {c.test}, "doses": {c.doses}, "last_dose_on": {c.dose}}
				code, body := sc.PostFrom(staffPage, action, form)
				check(t, code, body, http.StatusBadRequest, action, c.name, c.msg)
				// The row's form has what was typed, not what is stored.
				f := r3FormOf(body[strings.Index(body, "<details"):], action)
				for name, v := range map[string]string{"last_test_on": c.test, "doses": c.doses, "last_dose_on": c.dose} {
					if !regexp.MustCompile(`name="` + name + `"[^>]*value="` + regexp.QuoteMeta(v) + `"`).MatchString(f) {
						t.Errorf("%s: %q is not kept: %s", name, v, f)
					}
				}
			}
		})

		t.Run("2 staff add", func(t *testing.T) {
			code, body := sc.PostFrom(staffPage, staffPage, url.Values{"name": {"护士丙"}, "post": {"医护"}, "last_test_on": {"2021年13月40日"},
				"doses": {"0"}})
			check(t, code, body, http.StatusBadRequest, staffPage, "last_test_on", "日期格式应为", `value="护士丙"`, `value="2021年13月40日"`)
			if !strings.Contains(body, `aria-describedby="err-last_test_on"`) {
				t.Errorf("the message does not name the date input: %s", r3FormOf(body, staffPage))
			}
		})

		t.Run("3 checkout", func(t *testing.T) {
			p, err := e.App.Registry.CreatePerson(ctx, seedActor, all, r3Person("转出甲", dbtest.ID("61011819900101071"), dbtest.TownshipA+"001"))
			if err != nil {
				t.Fatal(err)
			}
			if err := e.App.Measures.AssignCategory(ctx, seedActor, p.ID, "密切接触者", time.Now().Format("2006-01-02"), "流调", ""); err != nil {
				t.Fatal(err)
			}
			stay, err := e.App.Sites.Transfer(ctx, seedActor, all, x.ID, site.TransferInput{IDNumber: p.IDNumber, Reason: "密切接触者"})
			if err != nil {
				t.Fatal(err)
			}
			page, action := fmt.Sprintf("/site-stays/%d", stay.ID), fmt.Sprintf("/site-stays/%d/checkout", stay.ID)
			code, body := sc.PostFrom(page, action, url.Values{"outcome": {"转出医院"}, "to": {long}, "note": {"随车"}, "version": {fmt.Sprint(stay.Version)}})
			check(t, code, body, http.StatusBadRequest, action, "to", "100字", long, `value="随车"`)
			if r3Beside(body, action, "note", "100字") || strings.Contains(body, `name="note" maxlength="200" value="随车" aria-invalid`) {
				t.Errorf("备注 is marked for 转往: %s", r3FormOf(body, action))
			}
			code, body = sc.PostFrom(page, action, url.Values{"outcome": {"转出医院"}, "to": {"人民医院"}, "note": {long}, "version": {fmt.Sprint(stay.Version)}})
			check(t, code, body, http.StatusBadRequest, action, "note", "200字", long, `value="人民医院"`)
		})

		t.Run("4 checklist", func(t *testing.T) {
			page := fmt.Sprintf("/sites/%d/checklist", x.ID)
			code, body := sc.PostFrom(page, page, url.Values{"result_0": {"pass"}, "date_0": {"2021年13月40日"}, "note_0": {"隔断完好"}})
			check(t, code, body, http.StatusBadRequest, page, "date_0", "生活区：检查日期格式应为", `value="2021年13月40日"`, `value="隔断完好"`)
			code, body = sc.PostFrom(page, page, url.Values{"result_2": {"fail"}, "date_2": {"2022-03-01"}, "note_2": {long}})
			check(t, code, body, http.StatusBadRequest, page, "note_2", "物资保障区：备注请在200字以内", long)
		})

		t.Run("5 rooms", func(t *testing.T) {
			page, action := fmt.Sprintf("/sites/%d", x.ID), fmt.Sprintf("/sites/%d/rooms", x.ID)
			code, body := sc.PostFrom(page, action, url.Values{"floor_from": {""}, "floor_to": {""}, "room_from": {"1"}, "room_to": {"12"},
				"beds": {"2"}, "bathroom": {"1"}})
			check(t, code, body, http.StatusBadRequest, action, "floor_from", "请填写起止楼层", `value="12"`, `value="2"`)
		})

		e.AddUser(t, "cun-r3", auth.RoleVillage, dbtest.VillageA)
		vc := e.Login(t, "cun-r3", apptest.Password)

		t.Run("6 returnee edit", func(t *testing.T) {
			p, err := e.App.Registry.CreatePerson(ctx, seedActor, all, r3Person("返乡甲", dbtest.ID("61011819900101098"), dbtest.VillageA))
			if err != nil {
				t.Fatal(err)
			}
			a, _, err := e.App.Returnees.Record(ctx, seedActor, all, returnee.Arrival{PersonID: p.ID, OriginCode: "610113",
				DepartedOn: "2021-12-24", ArrivedOn: "2021-12-25", Transport: "火车", TransportNo: "G1", Source: returnee.SourcePush})
			if err != nil {
				t.Fatal(err)
			}
			page, action := fmt.Sprintf("/returnees/%d/edit", a.ID), fmt.Sprintf("/returnees/%d", a.ID)
			_, edit := vc.Get(page)
			was := regexp.MustCompile(`name="origin_was" value="([^"]*)"`).FindStringSubmatch(edit)
			codeWas := regexp.MustCompile(`name="origin_code_was" value="([^"]*)"`).FindStringSubmatch(edit)
			if was == nil || codeWas == nil {
				t.Fatalf("edit page: %s", edit)
			}
			base := func() url.Values {
				return url.Values{"version": {fmt.Sprint(a.Version)}, "origin": {was[1]}, "origin_was": {was[1]}, "origin_code_was": {codeWas[1]},
					"origin_detail": {"某小区"}, "departed_on": {"2021-12-24"}, "arrived_on": {"2021-12-25"}, "transport": {"火车"},
					"transport_no": {"G1"}, "note": {"电话核实"}}
			}
			f := base()
			f.Set("departed_on", "明天")
			code, body := vc.PostFrom(page, action, f)
			check(t, code, body, http.StatusBadRequest, action, "departed_on", "离开来源地日期须为", `value="明天"`, `value="电话核实"`)
			f = base()
			f.Set("test_sampled_at", "昨天下午")
			code, body = vc.PostFrom(page, action, f)
			check(t, code, body, http.StatusBadRequest, action, "test_sampled_at", "采样时间", `value="昨天下午"`)
			f = base()
			f.Set("origin_detail", long)
			code, body = vc.PostFrom(page, action, f)
			check(t, code, body, http.StatusBadRequest, action, "origin_detail", "具体地点", long)
		})

		t.Run("7 push answer", func(t *testing.T) {
			p, err := e.App.Registry.CreatePerson(ctx, seedActor, all, r3Person("推送甲", dbtest.ID("61011819900101101"), dbtest.VillageA))
			if err != nil {
				t.Fatal(err)
			}
			b := []byte("姓名,身份证号,现住址\n推送甲," + p.IDNumber + ",")
			l, err := e.App.PushLists.Import(ctx, seedActor, jurisdiction.Grant(dbtest.County), bytes.NewReader(b), int64(len(b)),
				pushlist.ImportOptions{Source: "公安", Name: "留值名单"})
			if err != nil {
				t.Fatal(err)
			}
			var id int64
			d.R().QueryRow("SELECT id FROM push_tasks WHERE list_id = $1", l.ID).Scan(&id)
			page, action := fmt.Sprintf("/pushtasks/%d", id), fmt.Sprintf("/pushtasks/%d/answer", id)
			code, body := vc.PostFrom(page, action, url.Values{"version": {"1"}, "note": {"电话未接通"}})
			check(t, code, body, http.StatusBadRequest, action, "result", "请选择核查结果", `value="电话未接通"`)
		})

		t.Run("8 unit forms", func(t *testing.T) {
			page := "/units/" + dbtest.VillageA
			for _, c := range []struct {
				path string
				form url.Values
				name string
				msg  string
				kept string
			}{
				{"/groups", url.Values{"name": {""}}, "name", "组或小区名称", ""},
				{"/groups", url.Values{"name": {long}}, "name", "组或小区名称", long},
				{"/grids", url.Values{"name": {long}}, "name", "网格名称", long},
				{"/grids", url.Values{"name": {" "}}, "name", "网格名称", ""},
				{"/responsibles", url.Values{"duty": {"村干部包户"}, "name": {""}, "phone": {"13912345678"}}, "name", "责任人姓名", `value="13912345678"`},
				{"/responsibles", url.Values{"duty": {"村干部包户"}, "name": {long}, "phone": {"13912345678"}}, "name", "责任人姓名", long},
				{"/responsibles", url.Values{"duty": {"村干部包户"}, "name": {"王五"}, "phone": {"1391234567"}}, "phone", "手机号", `value="王五"`},
			} {
				action := page + c.path
				code, body := vc.PostFrom(page, action, c.form)
				if c.kept != "" {
					check(t, code, body, http.StatusBadRequest, action, c.name, c.msg, c.kept)
				} else {
					check(t, code, body, http.StatusBadRequest, action, c.name, c.msg)
				}
			}
		})

		t.Run("9 handover note", func(t *testing.T) {
			cp, err := e.App.Checkpoints.CreateCheckpoint(ctx, seedActor, all, checkpoint.Checkpoint{UnitCode: dbtest.VillageA, Name: "留值卡口",
				Kind: "村口主路", StaffPerShift: 2})
			if err != nil {
				t.Fatal(err)
			}
			res, err := e.App.Checkpoints.Log(ctx, seedActor, all, checkpoint.VehicleIn{CheckpointID: cp.ID, ClientID: "r3", Plate: "陕A12345",
				People: []checkpoint.PersonIn{{Name: "移交甲", IDNumber: dbtest.ID("61011819900101128"), Phone: "13712345678", HealthCode: "green"}}})
			if err != nil {
				t.Fatal(err)
			}
			var hid int64
			if err := d.W().QueryRow(`INSERT INTO checkpoint_handovers (check_id, checkpoint_id, from_unit, village_code, status, due_at, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, res.Checks[0].ID, cp.ID, cp.UnitCode, dbtest.VillageA, checkpoint.AwaitReceipt,
				time.Now().UnixMilli()).Scan(&hid); err != nil {
				t.Fatal(err)
			}
			action := fmt.Sprintf("/handovers/%d/receive", hid)
			code, body := vc.PostFrom("/handovers?status=待接收", action, url.Values{"note": {long}})
			check(t, code, body, http.StatusBadRequest, action, "note", "说明请在200字以内", `value="`+long+`"`)
		})

		e.AddUser(t, "liudiao-r3", auth.RoleTracing, dbtest.County)
		tc := e.Login(t, "liudiao-r3", apptest.Password)

		t.Run("10 tracing case", func(t *testing.T) {
			code, body := tc.PostFrom("/tracing/cases/new", "/tracing/cases", url.Values{"id_number": {dbtest.ID("61011819900101136")},
				"name": {"病例甲"}, "phone": {"13812345678"}, "unit_code": {"火星市"}, "classification": {"无症状感染者"}, "found_via": {"筛查"},
				"note": {"首诊"}})
			check(t, code, body, http.StatusBadRequest, "/tracing/cases", "unit_code", "火星市", `value="火星市"`, `value="病例甲"`, `value="首诊"`)
		})

		t.Run("11 public scan", func(t *testing.T) {
			pl, err := e.App.Tracing.CreatePlace(ctx, seedActor, all, tracing.Place{Name: "留值集市", UnitCode: dbtest.VillageA, Kind: "农贸市场"})
			if err != nil {
				t.Fatal(err)
			}
			anon := e.Anonymous(t)
			path := "/s/" + pl.Token
			for _, c := range []struct {
				form url.Values
				name string
				msg  string
				kept string
			}{
				{url.Values{"name": {""}, "phone": {"13812345678"}}, "name", "请填写姓名", `value="13812345678"`},
				{url.Values{"name": {"扫码甲"}, "phone": {"1381234567"}}, "phone", "手机号", `value="1381234567"`},
				{url.Values{"name": {"扫码甲"}, "phone": {"13812345678"}, "id_number": {"61011819900101136"}}, "id_number", "身份证号",
					`value="61011819900101136"`},
			} {
				code, body := anon.PostFrom(path, path, c.form)
				check(t, code, body, http.StatusBadRequest, path, c.name, c.msg, c.kept)
			}
		})

		e.AddUser(t, "caiyang-r3", auth.RoleSampling, dbtest.TownshipA)
		cy := e.Login(t, "caiyang-r3", apptest.Password)

		t.Run("12 sampling tubes", func(t *testing.T) {
			county := jurisdiction.Grant(dbtest.County)
			cmp, err := e.App.Sampling.CreateCampaign(ctx, seedActor, county, sampling.CampaignInput{UnitCode: dbtest.County, Name: "留值检测轮",
				StartsOn: "2026-11-25", PoolSize: 5})
			if err != nil {
				t.Fatal(err)
			}
			pt, err := e.App.Sampling.AddPoint(ctx, seedActor, county, sampling.Point{CampaignID: cmp.ID, UnitCode: dbtest.VillageA, Name: "留值采样点"})
			if err != nil {
				t.Fatal(err)
			}
			lab, err := e.App.Sampling.AddLab(ctx, seedActor, county, sampling.Lab{CampaignID: cmp.ID, Name: "留值实验室", CapacityPerHour: 100})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.App.Sampling.StartCampaign(ctx, seedActor, county, cmp.ID); err != nil {
				t.Fatal(err)
			}
			scan := fmt.Sprintf("/sampling/campaigns/%d/scan?point_id=%d", cmp.ID, pt.ID)
			action := fmt.Sprintf("/sampling/campaigns/%d/walkins", cmp.ID)
			code, body := cy.PostFrom(scan, action, url.Values{"scan_id": {"r3-w1"}, "point_id": {fmt.Sprint(pt.ID)}, "tube": {""},
				"id_number": {dbtest.ID("61011819900101144")}, "name": {"流动甲"}, "phone": {"13812345678"}})
			check(t, code, body, http.StatusBadRequest, action, "tube", "试管", `value="流动甲"`, `value="13812345678"`)

			// A positive pool's member awaits a single-tube retest.
			p, err := e.App.Registry.CreatePerson(ctx, seedActor, all, r3Person("复检甲", dbtest.ID("61011819900101152"), dbtest.VillageA))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.App.Sampling.Scan(ctx, seedActor, all, sampling.ScanRequest{ScanID: "r3-s1", CampaignID: cmp.ID, PointID: pt.ID,
				Tube: "R3T0001", Code: p.IDNumber}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.App.Sampling.CloseTube(ctx, seedActor, all, cmp.ID, "R3T0001"); err != nil {
				t.Fatal(err)
			}
			if _, err := e.App.Sampling.RecordResults(ctx, seedActor, all, cmp.ID, lab.ID, []sampling.ResultRow{{Tube: "R3T0001", Result: "阳性"}},
				false); err != nil {
				t.Fatal(err)
			}
			page, raction := fmt.Sprintf("/sampling/campaigns/%d/retests", cmp.ID), fmt.Sprintf("/sampling/campaigns/%d/retests/%d", cmp.ID, p.ID)
			for _, tube := range []string{"", long} {
				code, body := cy.PostFrom(page, raction, url.Values{"tube": {tube}, "result": {"阳性"}})
				check(t, code, body, http.StatusBadRequest, raction, "tube", "试管条码", `value="`+tube+`"`)
			}
		})
	})
}

func r3Person(name, idNumber, unit string) registry.Person {
	return registry.Person{Name: name, IDNumber: idNumber, UnitCode: unit}
}
