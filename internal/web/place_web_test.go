package web_test

// Places typed as names (地名解析) through the whole app: the returnee form
// and API, the 您是指… step, the 地点待核实 queue, the public self-report
// page, the risk-area form and the suggestion endpoints. They need the
// national division codes (../shared/data) and skip without them.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/riskarea"
)

var placeSeed = audit.Actor{Username: "seed", Role: string(auth.RoleAdmin), Unit: dbtest.County}

// placeWorld starts the app on the fixture tree with the national place
// names, 410105 (金水区) 高风险 from 2021-12-20 and 610113 (雁塔区) 中风险.
func placeWorld(t *testing.T, d *db.DB) *apptest.Env {
	t.Helper()
	apptest.NeedPlaces(t)
	e := apptest.Start(t, d)
	dbtest.Tree(t, d)
	for _, en := range []riskarea.Entry{
		{Code: "410105", Level: "高", EffectiveFrom: "2021-12-20"},
		{Code: "610113", Level: "中", EffectiveFrom: "2021-12-20"},
	} {
		if _, err := e.App.RiskAreas.Add(context.Background(), placeSeed, en); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

type originRow struct {
	id                                 int64
	code, level, status, text, measure string
}

// originOf reads the arrival of a person named name and the category of
// the measure they came under ("" = none).
func originOf(t *testing.T, d *db.DB, name string) originRow {
	t.Helper()
	var o originRow
	var person int64
	err := d.R().QueryRow(`SELECT id, person_id, origin_code, origin_level, origin_status, origin_text FROM returnees WHERE name = $1`, name).
		Scan(&o.id, &person, &o.code, &o.level, &o.status, &o.text)
	if err != nil {
		t.Fatalf("arrival of %s: %v", name, err)
	}
	d.R().QueryRow("SELECT category FROM measures WHERE person_id = $1", person).Scan(&o.measure)
	return o
}

func arrivalForm(name, origin string) url.Values {
	return url.Values{"village_code": {dbtest.VillageA}, "name": {name}, "sex": {"男"}, "birth_date": {"1990-01-01"},
		"origin": {origin}, "departed_on": {"2021-12-24"}, "arrived_on": {"2021-12-26"}, "source": {"敲门排查"}}
}

// TestReturneeOriginByName: the grid worker types 河南省郑州市金水区 and the
// arrival is from 410105, 高风险 that day, under a control measure; 朝阳区
// asks 您是指… with both places and loses nothing typed; an unknown place
// is saved pending, shows in the queue and is settled there.
func TestReturneeOriginByName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := placeWorld(t, d)
		e.AddUser(t, "wg-place", auth.RoleVillage, dbtest.VillageA)
		c := e.Login(t, "wg-place", apptest.Password)

		if st, body := c.Get("/returnees/new"); st != 200 || !strings.Contains(body, `data-places="/api/v1/places"`) || !strings.Contains(body, `name="origin"`) {
			t.Fatalf("form: %d, no place field with suggestions", st)
		}
		if st, _ := c.Post("/returnees", arrivalForm("金水返乡", "河南省郑州市金水区")); st != http.StatusSeeOther {
			t.Fatalf("record: %d", st)
		}
		if o := originOf(t, d, "金水返乡"); o.code != "410105" || o.level != riskarea.High || o.status != "" || o.measure != "high_risk_area" {
			t.Errorf("河南省郑州市金水区: %+v, want 410105 高风险 under high_risk_area", o)
		}

		// 您是指…: the form again, everything typed kept, both places offered.
		form := arrivalForm("朝阳返乡", "朝阳区")
		form.Set("transport_no", "K1234")
		st, body := c.Post("/returnees", form)
		for _, want := range []string{"您是指", `value="110105"`, `value="220104"`, "北京市 朝阳区", "吉林省 长春市 朝阳区",
			`value="朝阳返乡"`, `value="K1234"`, `value="朝阳区"`, `name="origin_asked" value="朝阳区"`} {
			if !strings.Contains(body, want) {
				t.Errorf("您是指 step (%d) lacks %q", st, want)
			}
		}
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM returnees WHERE name = $1", "朝阳返乡").Scan(&n)
		if st != 200 || n != 0 {
			t.Errorf("asking stored %d arrivals (status %d)", n, st)
		}
		form.Set("origin_code", "220104")
		if st, _ := c.Post("/returnees", form); st != http.StatusSeeOther {
			t.Fatalf("picked 220104: %d", st)
		}
		if o := originOf(t, d, "朝阳返乡"); o.code != "220104" || o.status != "" || o.text != "朝阳区" {
			t.Errorf("picked: %+v", o)
		}

		// The correction form keeps the picked place while its text is unchanged.
		picked := originOf(t, d, "朝阳返乡")
		if st, body := c.Get(fmt.Sprintf("/returnees/%d/edit", picked.id)); st != 200 || !strings.Contains(body, `name="origin_code_was" value="220104"`) {
			t.Fatalf("edit form: %d", st)
		}
		var version int64
		d.R().QueryRow("SELECT version FROM returnees WHERE id = $1", picked.id).Scan(&version)
		edit := url.Values{"origin": {"朝阳区"}, "origin_was": {"朝阳区"}, "origin_code_was": {"220104"}, "arrived_on": {"2021-12-26"},
			"departed_on": {"2021-12-24"}, "note": {"更正备注"}, "version": {fmt.Sprint(version)}}
		if st, _ := c.Post(fmt.Sprintf("/returnees/%d", picked.id), edit); st != http.StatusSeeOther {
			t.Fatalf("edit: %d", st)
		}
		if o := originOf(t, d, "朝阳返乡"); o.code != "220104" || o.status != "" {
			t.Errorf("after an edit that kept the text: %+v", o)
		}
		edit.Set("origin", "新城区") // changed to another ambiguous name: asked again
		edit.Set("version", fmt.Sprint(version+1))
		if st, body := c.Post(fmt.Sprintf("/returnees/%d", picked.id), edit); st != 200 || !strings.Contains(body, `value="610102"`) {
			t.Errorf("edit to 新城区 not asked: %d", st)
		}

		// Not found, asked, then saved as typed: pending, level unknown.
		form = arrivalForm("远方返乡", "火星基地")
		if st, body := c.Post("/returnees", form); st != 200 || !strings.Contains(body, "没有找到“火星基地”") {
			t.Errorf("unknown place not asked: %d", st)
		}
		form.Set("origin_asked", "火星基地")
		if st, _ := c.Post("/returnees", form); st != http.StatusSeeOther {
			t.Fatalf("save as typed: %d", st)
		}
		far := originOf(t, d, "远方返乡")
		if far.status != "待核实" || far.code != "" || far.level != "" || far.measure != "" {
			t.Errorf("unknown place: %+v", far)
		}
		if _, body := c.Get(fmt.Sprintf("/returnees/%d", far.id)); !strings.Contains(body, "地点待核实") || strings.Contains(body, "非风险地区") {
			t.Error("the record page calls a pending place 非风险 or hides that it is pending")
		}
		for _, path := range []string{"/returnees/places", "/returnees?place=" + url.QueryEscape("待核实")} {
			if _, body := c.Get(path); !strings.Contains(body, "远方返乡") || strings.Contains(body, "金水返乡") {
				t.Errorf("%s: the pending arrival is not listed alone", path)
			}
		}
		// The village settles it with new text: 郑州金水, 高风险, under a measure.
		if st, body := c.Post(fmt.Sprintf("/returnees/%d/origin", far.id), url.Values{"origin": {"郑州金水"}}); st != http.StatusSeeOther {
			t.Fatalf("settle: %d %.200s", st, body)
		}
		if o := originOf(t, d, "远方返乡"); o.code != "410105" || o.status != "" || o.level != riskarea.High || o.measure != "high_risk_area" {
			t.Errorf("settled: %+v", o)
		}
		if _, body := c.Get("/returnees/places"); !strings.Contains(body, `id="no-pending"`) {
			t.Error("the queue still lists a settled arrival")
		}

		// The API never asks: ambiguous is pending with its candidates.
		tok := e.TokenClient(t, e.AddUser(t, "wg-place-api", auth.RoleVillage, dbtest.VillageA))
		st, body = tok.API("POST", "/api/v1/returnees", map[string]any{"village_code": dbtest.VillageA, "name": "接口返乡", "sex": "女",
			"birth_date": "1991-01-01", "origin": "朝阳区", "arrived_on": "2021-12-26", "source": "单位报送"})
		var out struct {
			Returnee struct {
				ID               int64
				OriginStatus     string                  `json:"origin_status"`
				OriginLevel      string                  `json:"origin_level"`
				OriginCandidates []struct{ Code string } `json:"origin_candidates"`
				Version          int64
			}
		}
		if err := json.Unmarshal([]byte(body), &out); st != 201 || err != nil || out.Returnee.OriginStatus != "待核实" ||
			len(out.Returnee.OriginCandidates) != 2 || out.Returnee.OriginLevel != "" {
			t.Fatalf("API ambiguous: %d %v %.300s", st, err, body)
		}
		st, body = tok.API("POST", fmt.Sprintf("/api/v1/returnees/%d/origin", out.Returnee.ID), map[string]any{"origin_code": "110105",
			"version": out.Returnee.Version})
		if st != 200 || !strings.Contains(body, `"origin_code":"110105"`) || strings.Contains(body, `"origin_status"`) {
			t.Errorf("API settle: %d %.300s", st, body)
		}
	})
}

// TestPlaceSuggestions: the suggestion API needs a login and answers the
// places being typed; the public page's variant needs its poster's token.
func TestPlaceSuggestions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := placeWorld(t, d)
		e.AddUser(t, "sg-place", auth.RoleCheckpoint, dbtest.VillageA)
		c := e.Login(t, "sg-place", apptest.Password)
		st, body := c.Get("/api/v1/places?q=" + url.QueryEscape("郑州金"))
		var out struct {
			Places []struct {
				Code, Path string
				Level      int
			}
		}
		if err := json.Unmarshal([]byte(body), &out); st != 200 || err != nil || len(out.Places) == 0 || len(out.Places) > 10 ||
			out.Places[0].Code != "410105" || out.Places[0].Path != "河南省 郑州市 金水区" || out.Places[0].Level != 3 {
			t.Errorf("郑州金: %d %v %+v", st, err, out.Places)
		}
		if st, body := c.Get("/api/v1/places?q=" + url.QueryEscape("朝阳区")); st != 200 || !strings.Contains(body, "110105") || !strings.Contains(body, "220104") {
			t.Errorf("朝阳区: %d %.300s", st, body)
		}
		if st, body := c.Get("/api/v1/places?q="); st != 200 || !strings.Contains(body, `"places":[]`) {
			t.Errorf("empty q: %d %s", st, body)
		}
		if st, _ := c.Get("/api/v1/places?q=" + strings.Repeat("长", 101)); st != 400 {
			t.Errorf("101 characters: %d", st)
		}
		if st, _ := e.Anonymous(t).Get("/api/v1/places?q=" + url.QueryEscape("郑州")); st != 401 {
			t.Errorf("anonymous: %d", st)
		}
		p, err := e.App.Returnees.Poster(context.Background(), jurisdiction.System("test"), dbtest.VillageA)
		if err != nil {
			t.Fatal(err)
		}
		anon := e.Anonymous(t)
		if st, body := anon.Get("/r/" + p.Token + "/places?q=" + url.QueryEscape("西安雁")); st != 200 || !strings.Contains(body, `"code":"610113"`) {
			t.Errorf("public suggestions: %d %.200s", st, body)
		}
		if st, _ := anon.Get("/r/not-a-token-at-all-00000/places?q=" + url.QueryEscape("西安")); st != 404 {
			t.Errorf("public suggestions with a bad token: %d", st)
		}
	})
}

// TestSelfReportPlaceName: the villager types where they came from; the
// report lands with the code, the village confirms it and the arrival has
// the day's level. An ambiguous name is asked about first, nothing stored.
func TestSelfReportPlaceName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := placeWorld(t, d)
		p, err := e.App.Returnees.Poster(context.Background(), jurisdiction.System("test"), dbtest.VillageA)
		if err != nil {
			t.Fatal(err)
		}
		anon := e.Anonymous(t)
		if _, body := anon.Get("/r/" + p.Token); !strings.Contains(body, `data-places="/r/`+p.Token+`/places"`) || strings.Contains(body, "区划代码") {
			t.Error("the public form asks for a code or has no place suggestions")
		}
		report := url.Values{"name": {"扫码返乡"}, "id_number": {dbtest.ID("61011819880808321")}, "address": {"西街3号"},
			"origin": {"朝阳区"}, "arrived_on": {"2021-12-26"}}
		st, body := anon.Post("/r/"+p.Token, report)
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM self_reports").Scan(&n)
		if st != 200 || !strings.Contains(body, "您是指") || !strings.Contains(body, `value="扫码返乡"`) || n != 0 {
			t.Errorf("ambiguous public report: %d, %d stored", st, n)
		}
		report.Set("origin", "西安雁塔")
		report.Set("origin_detail", "电子城小区")
		if st, body := anon.Post("/r/"+p.Token, report); st != 200 || !strings.Contains(body, "报备已提交") {
			t.Fatalf("report: %d %.300s", st, body)
		}
		var id int64
		var code, detail string
		if err := d.R().QueryRow("SELECT id, origin_code, origin_detail FROM self_reports WHERE name = $1", "扫码返乡").Scan(&id, &code, &detail); err != nil ||
			code != "610113" || detail != "电子城小区" {
			t.Fatalf("self-report landed with %q %q %v", code, detail, err)
		}
		e.AddUser(t, "wg-confirm", auth.RoleVillage, dbtest.VillageA)
		c := e.Login(t, "wg-confirm", apptest.Password)
		if st, _ := c.Post(fmt.Sprintf("/selfreports/%d/confirm", id), nil); st != http.StatusSeeOther {
			t.Fatalf("confirm: %d", st)
		}
		if o := originOf(t, d, "扫码返乡"); o.code != "610113" || o.level != riskarea.Medium || o.measure != "medium_risk_area" {
			t.Errorf("confirmed arrival: %+v", o)
		}
	})
}

// TestRiskAreaByName: the command centre enters a risk area by name; a
// name that fits several places is asked about, never guessed.
func TestRiskAreaByName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := placeWorld(t, d)
		e.AddUser(t, "cmd-place", auth.RoleCommand, dbtest.County)
		c := e.Login(t, "cmd-place", apptest.Password)
		entry := func(code string) (code2, detail string, n int) {
			d.R().QueryRow("SELECT COUNT(*) FROM risk_areas WHERE note = $1", "按地名").Scan(&n)
			d.R().QueryRow("SELECT code, detail FROM risk_areas WHERE note = $1 ORDER BY id DESC LIMIT 1", "按地名").Scan(&code2, &detail)
			return
		}
		form := url.Values{"code": {"西安雁塔明德门小区"}, "level": {"高风险"}, "effective_from": {"2021-12-22"}, "note": {"按地名"}}
		if st, _ := c.Post("/riskareas", form); st != http.StatusSeeOther {
			t.Fatalf("add by name: %d", st)
		}
		if code, detail, n := entry(""); code != "610113" || detail != "明德门小区" || n != 1 {
			t.Errorf("entry %s %q (%d)", code, detail, n)
		}
		form.Set("code", "朝阳区")
		st, body := c.Post("/riskareas", form)
		if _, _, n := entry(""); st != 200 || !strings.Contains(body, "您是指") || !strings.Contains(body, `name="code_pick" value="220104"`) ||
			strings.Contains(body, "地点待核实") || n != 1 {
			t.Errorf("ambiguous: %d, %d entries", st, n)
		}
		form.Set("code_pick", "220104")
		if st, _ := c.Post("/riskareas", form); st != http.StatusSeeOther {
			t.Fatalf("picked: %d", st)
		}
		if code, _, n := entry(""); code != "220104" || n != 2 {
			t.Errorf("picked entry %s (%d)", code, n)
		}
		if st, body := c.API("POST", "/api/v1/riskareas", map[string]string{"code": "新城区", "level": "中", "effective_from": "2021-12-22"}); st != 400 ||
			!strings.Contains(body, "610102") || !strings.Contains(body, "150102") {
			t.Errorf("API ambiguous: %d %.300s", st, body)
		}
		if st, body := c.Get("/riskareas?lookup=" + url.QueryEscape("西安雁塔") + "&day=2021-12-23"); st != 200 || !strings.Contains(body, "<b>中风险</b>") {
			t.Errorf("lookup by name: %d", st)
		}
	})
}
