package web_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
)

// nextLink is the href of a page's 下一页 link, unescaped ("" when none).
func nextLink(body string) string {
	m := regexp.MustCompile(`<a href="(\?[^"]*)">下一页</a>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// TestCaseContactsPaged: a case with more contacts than a page shows one
// page of them, the 待判定 first, with the total and the pager; the
// hand-over and add-contact forms come before the table; the status filter
// narrows the list; a judgment comes back to the page and filter it was
// made on; the hand-over's "全部" takes the judged contacts not listed too.
func TestCaseContactsPaged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "liudiao", auth.RoleTracing, dbtest.County)
		c := e.Login(t, "liudiao", apptest.Password)
		kase, err := e.App.Registry.CreatePerson(ctx, seedActor, jurisdiction.System("test"), registry.Person{Name: "病例分页",
			IDNumber: dbtest.ID("61011819800101561"), Phone: "13800005561", UnitCode: dbtest.VillageA})
		if err != nil {
			t.Fatal(err)
		}
		if st, body := c.Post("/tracing/cases", url.Values{"id_number": {kase.IDNumber}, "classification": {"确诊"}, "found_via": {"哨点"}}); st != 303 {
			t.Fatalf("new case: %d %.400s", st, body)
		}
		var cid int64
		if err := d.R().QueryRow("SELECT id FROM tracing_cases").Scan(&cid); err != nil {
			t.Fatal(err)
		}
		// 60 judged close contacts (the older exposures) and 60 to judge.
		const judged, pending = 60, 60
		for i := range judged + pending {
			status, cat := "待判定", ""
			if i < judged {
				status, cat = "已判定", "close"
			}
			if _, err := d.W().Exec(`INSERT INTO tracing_contacts (case_id, person_key, name, unit_code, last_exposure, category, status,
				created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0)`,
				cid, fmt.Sprintf("k%d", i), fmt.Sprintf("接触者%03d", i), dbtest.VillageA, int64(i)*60000, cat, status); err != nil {
				t.Fatal(err)
			}
		}
		casePath := fmt.Sprintf("/tracing/cases/%d", cid)
		rowRe := regexp.MustCompile(`<input type="checkbox" name="contact" value="\d+" form="judge"`)
		statusRe := regexp.MustCompile(`<td data-l="状态">([^<· ]+)`)
		get := func(path string) string {
			t.Helper()
			st, body := c.Get(path)
			if st != 200 {
				t.Fatalf("GET %s: %d\n%.600s", path, st, body)
			}
			return body
		}

		body := get(casePath)
		if n := len(rowRe.FindAllString(body, -1)); n != 50 {
			t.Errorf("first page: %d contacts, want 50", n)
		}
		for _, m := range statusRe.FindAllStringSubmatch(body, -1) {
			if m[1] != "待判定" {
				t.Fatalf("first page lists %q before the 待判定 ones", m[1])
			}
		}
		if !strings.Contains(body, fmt.Sprintf("共%d人", judged+pending)) {
			t.Errorf("first page: no total 共%d人", judged+pending)
		}
		if next := nextLink(body); !strings.Contains(next, "page=2") {
			t.Errorf("first page: next link %q", next)
		}
		table := strings.Index(body, `id="contact-table"`)
		for _, form := range []string{`action="` + casePath + `/handoff"`, `action="` + casePath + `/contacts"`, "移交管控", "录入接触者"} {
			if i := strings.Index(body, form); i < 0 || i > table {
				t.Errorf("%s at %d, want before the table at %d", form, i, table)
			}
		}
		// The hand-over lists a page of the judged close contacts and offers all of them.
		handoff := body[strings.Index(body, `id="handoff"`):table]
		if n := strings.Count(handoff, `name="contact"`); n != 50 {
			t.Errorf("hand-over lists %d contacts, want 50", n)
		}
		if !strings.Contains(handoff, fmt.Sprintf("全部%d人", judged)) {
			t.Errorf("hand-over offers no 全部%d人", judged)
		}

		// Page 3: the last 20, the judged ones; a way back, none further.
		body = get(casePath + "?page=3")
		if n := len(rowRe.FindAllString(body, -1)); n != 20 {
			t.Errorf("page 3: %d contacts, want 20", n)
		}
		if nextLink(body) != "" || !strings.Contains(body, "上一页") {
			t.Errorf("page 3: pager wrong")
		}
		for _, m := range statusRe.FindAllStringSubmatch(body, -1) {
			if m[1] != "已判定" {
				t.Errorf("page 3 lists %q", m[1])
			}
		}

		// The filter: the judged only, 60 of them over two pages.
		body = get(casePath + "?status=" + url.QueryEscape("已判定"))
		if n := len(rowRe.FindAllString(body, -1)); n != 50 || !strings.Contains(body, "已判定共60人") {
			t.Errorf("filter 已判定: %d rows, total shown %v", n, strings.Contains(body, "已判定共60人"))
		}
		next := nextLink(body)
		if !strings.Contains(next, "page=2") || !strings.Contains(next, "status=") {
			t.Fatalf("filter 已判定: next link %q keeps no filter", next)
		}
		body = get(casePath + next)
		if n := len(rowRe.FindAllString(body, -1)); n != 10 {
			t.Errorf("filter 已判定 page 2: %d rows, want 10", n)
		}
		if !strings.Contains(body, `name="back_page" value="2"`) || !strings.Contains(body, `name="back_status" value="已判定"`) {
			t.Errorf("filter 已判定 page 2: the forms do not come back here")
		}

		// A judgment on page 2 of 待判定 comes back there.
		var kid int64
		if err := d.R().QueryRow("SELECT MIN(id) FROM tracing_contacts WHERE status = '待判定'").Scan(&kid); err != nil {
			t.Fatal(err)
		}
		st, _ := c.Post(casePath+"/judge", url.Values{"contact": {fmt.Sprint(kid)}, "category": {"general"},
			"back_status": {"待判定"}, "back_page": {"2"}})
		if want := casePath + "?page=2&status=" + url.QueryEscape("待判定"); st != 303 || c.Location != want {
			t.Errorf("judge: %d to %q, want %q", st, c.Location, want)
		}

		// 全部: every judged close contact is handed over, not the listed 50 only.
		if st, body := c.Post(casePath+"/handoff", url.Values{"all": {"1"}, "site_id": {"0"}}); st != 303 {
			t.Fatalf("hand-over all: %d %.400s", st, body)
		}
		var left int
		if err := d.R().QueryRow("SELECT COUNT(*) FROM tracing_contacts WHERE case_id = $1 AND status = '已判定' AND category = 'close'", cid).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left != 0 {
			t.Errorf("after hand-over of all: %d still 已判定", left)
		}
	})
}

// TestSweepTodoPaged: a grid worker's list of households to visit shows 30
// a page under the village's name (not its code), with the total and a
// visible label on each row's number box; a visit recorded on page 2 comes
// back to page 2 of the same unit and filter.
func TestSweepTodoPaged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		all := jurisdiction.Grant(dbtest.County)
		const n = 65
		var hhs []registry.Household
		for i := range n {
			h, err := e.App.Registry.CreateHousehold(ctx, seedActor, all, registry.Household{UnitCode: dbtest.VillageA, Address: fmt.Sprintf("西街%d号", i+1)})
			if err != nil {
				t.Fatal(err)
			}
			hhs = append(hhs, h)
		}
		sw, err := e.App.Returnees.OpenSweep(ctx, seedActor, all, returnee.Sweep{Name: "分页排查", UnitCode: dbtest.County, StartsOn: "2021-12-20"})
		if err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "wgy_page", auth.RoleVillage, dbtest.VillageA)
		c := e.Login(t, "wgy_page", apptest.Password)
		path := fmt.Sprintf("/sweeps/%d?show=todo&unit=%s", sw.ID, dbtest.VillageA)
		rowRe := regexp.MustCompile(fmt.Sprintf(`<form method="post" action="/sweeps/%d/visits"`, sw.ID))
		get := func(path string) string {
			t.Helper()
			st, body := c.Get(path)
			if st != 200 {
				t.Fatalf("GET %s: %d\n%.600s", path, st, body)
			}
			return body
		}

		body := get(path)
		if got := len(rowRe.FindAllString(body, -1)); got != 30 {
			t.Errorf("first page: %d households, want 30", got)
		}
		if !strings.Contains(body, "未走访户（甘亭街道西街社区居委会）") || strings.Contains(body, "（"+dbtest.VillageA+"）") {
			t.Errorf("heading names no unit: %.300s", body[strings.Index(body, "未走访户"):])
		}
		if !strings.Contains(body, fmt.Sprintf("共%d户未走访", n)) {
			t.Errorf("first page: no total 共%d户未走访", n)
		}
		if got := strings.Count(body, `<label class="check">返乡人数 <input name="returnees"`); got != 30 {
			t.Errorf("visible 返乡人数 labels: %d, want 30", got)
		}
		next := nextLink(body)
		if !strings.Contains(next, "page=2") || !strings.Contains(next, "unit="+dbtest.VillageA) || !strings.Contains(next, "show=todo") {
			t.Fatalf("first page: next link %q", next)
		}
		base, _, _ := strings.Cut(path, "?")
		body = get(base + next)
		if got := len(rowRe.FindAllString(body, -1)); got != 30 {
			t.Errorf("page 2: %d households, want 30", got)
		}
		if !strings.Contains(body, fmt.Sprintf(`id="hh-%d"`, hhs[30].ID)) || strings.Contains(body, fmt.Sprintf(`id="hh-%d"`, hhs[29].ID)) {
			t.Errorf("page 2 does not start at the 31st household")
		}
		if body = get(path + "&page=3"); len(rowRe.FindAllString(body, -1)) != 5 || nextLink(body) != "" {
			t.Errorf("page 3: want the last 5 and no next page")
		}

		// A visit on page 2 comes back to page 2 at the next household.
		st, _ := c.Post(fmt.Sprintf("/sweeps/%d/visits", sw.ID), url.Values{"household_id": {fmt.Sprint(hhs[30].ID)}, "returnees": {"1"},
			"back_unit": {dbtest.VillageA}, "back_show": {"todo"}, "back_page": {"2"}, "next": {fmt.Sprint(hhs[31].ID)}})
		want := fmt.Sprintf("/sweeps/%d?page=2&show=todo&unit=%s#hh-%d", sw.ID, dbtest.VillageA, hhs[31].ID)
		if st != 303 || c.Location != want {
			t.Errorf("visit: %d to %q, want %q", st, c.Location, want)
		}
		body = get(path + "&page=2")
		if !strings.Contains(body, fmt.Sprintf(`id="hh-%d"`, hhs[31].ID)) || strings.Contains(body, fmt.Sprintf(`id="hh-%d"`, hhs[30].ID)) {
			t.Errorf("page 2 after the visit: the visited household is still listed, or the next one is not")
		}
		if !strings.Contains(body, fmt.Sprintf("共%d户未走访", n-1)) {
			t.Errorf("after the visit: no total 共%d户未走访", n-1)
		}
	})
}
