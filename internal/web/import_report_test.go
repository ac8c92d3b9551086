package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/sheet"
)

// sharedXLSX builds the XLSX an Excel user (or an attacker) would: a shared
// string table, and n data rows after the header that all refer to the
// same strings, so a file of kilobytes holds any number of rows with long
// cells.
func sharedXLSX(t *testing.T, header, row []string, n int) []byte {
	t.Helper()
	strs := append(append([]string(nil), header...), row...)
	var sst, sheetXML strings.Builder
	sst.WriteString("<sst>")
	for _, s := range strs {
		sst.WriteString("<si><t>" + html.EscapeString(s) + "</t></si>")
	}
	sst.WriteString("</sst>")
	cells := func(from, count int) string {
		var b strings.Builder
		for i := range count {
			fmt.Fprintf(&b, `<c t="s"><v>%d</v></c>`, from+i)
		}
		return b.String()
	}
	sheetXML.WriteString("<worksheet><sheetData><row>" + cells(0, len(header)) + "</row>")
	data := "<row>" + cells(len(header), len(row)) + "</row>"
	for range n {
		sheetXML.WriteString(data)
	}
	sheetXML.WriteString("</sheetData></worksheet>")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{"xl/worksheets/sheet1.xml": sheetXML.String(), "xl/sharedStrings.xml": sst.String()} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var downloadRE = regexp.MustCompile(`href="(/downloads/[0-9a-f]{32})"`)

// checkReport asserts a result page lists a bounded part of the errors with
// clipped values, and that its download holds all of them.
func checkReport(t *testing.T, c, other *apptest.Client, what string, status int, page string, bad int, long string) {
	t.Helper()
	if status != http.StatusUnprocessableEntity {
		t.Errorf("%s: status %d", what, status)
	}
	if len(page) > 200<<10 {
		t.Errorf("%s: a result page of %d KB for %d bad rows", what, len(page)>>10, bad)
	}
	if strings.Contains(page, long[:300]) {
		t.Errorf("%s: the page echoes a long value", what)
	}
	if want := fmt.Sprintf("共 %s 条错误，下表列出前 200 条", thousands(bad)); !strings.Contains(page, want) {
		t.Errorf("%s: the page does not say %q", what, want)
	}
	m := downloadRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("%s: no download of the full report", what)
	}
	st, body := c.Get(m[1])
	if st != http.StatusOK {
		t.Fatalf("%s: download %d", what, st)
	}
	rd, err := sheet.Open(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("%s: download: %v", what, err)
	}
	defer rd.Close()
	rows := 0
	for rd.Next() {
		rows++
		if rows == 1 && (len(rd.Row()) < 3 || rd.Row()[0] == "" || !strings.Contains(rd.Row()[2], "…")) {
			t.Errorf("%s: first row of the report %.200q", what, rd.Row())
		}
	}
	if rd.Err() != nil || rows != bad {
		t.Errorf("%s: the report has %d rows, want %d (%v)", what, rows, bad, rd.Err())
	}
	if st, _ := other.Get(m[1]); st != http.StatusNotFound {
		t.Errorf("%s: another user fetches the report: %d", what, st)
	}
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// TestImportErrorReports: an upload with 100,000 bad rows, each with a long
// value the error repeats, gives a result page of bounded size listing the
// first 200 errors with the values clipped, and a download of all of them
// (to the uploader only). Push lists page their rejected rows and clip
// them too.
func TestImportErrorReports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "boss", auth.RoleCommand, dbtest.County)
		e.AddUser(t, "lab", auth.RoleSampling, dbtest.County)
		e.AddUser(t, "nosy", auth.RoleCommand, dbtest.County)
		boss, lab, nosy := e.Login(t, "boss", apptest.Password), e.Login(t, "lab", apptest.Password), e.Login(t, "nosy", apptest.Password)
		const n = 100_000
		long := strings.Repeat("很长的值", 200) // 800 characters: under the 1,000 of a cell, over what a page repeats

		t.Run("ledger", func(t *testing.T) {
			file := sharedXLSX(t, []string{"村(社区)代码", "姓名", "性别", "出生日期", "特殊群体"},
				[]string{dbtest.VillageA, "张三", "男", "1990-01-01", long}, n)
			st, page := boss.Upload("/ledger/import", "ledger.xlsx", file, map[string]string{"mode": "all"})
			checkReport(t, boss, nosy, "ledger", st, page, n, long)
		})
		t.Run("risk areas", func(t *testing.T) {
			const rows = 50_000 // the most one import takes
			file := sharedXLSX(t, []string{"区划代码", "风险等级", "生效日期"}, []string{"610113", long, "2022-01-01"}, rows)
			st, page := boss.Upload("/riskareas/import", "riskareas.xlsx", file, map[string]string{"mode": "all"})
			checkReport(t, boss, nosy, "risk areas", st, page, rows, long)
		})
		t.Run("lab results", func(t *testing.T) {
			st, body := boss.API("POST", "/api/v1/sampling/campaigns", map[string]any{"unit_code": dbtest.County, "name": "测试轮", "starts_on": "2026-11-25", "pool_size": 5})
			var c struct{ ID int64 }
			json.Unmarshal([]byte(body), &c)
			st2, body := boss.API("POST", fmt.Sprintf("/api/v1/sampling/campaigns/%d/labs", c.ID), map[string]any{"name": "区实验室", "capacity_per_hour": 100})
			var l struct{ ID int64 }
			json.Unmarshal([]byte(body), &l)
			if st != 201 || st2 != 201 {
				t.Fatalf("campaign %d, lab %d", st, st2)
			}
			file := sharedXLSX(t, []string{"试管条码", "检测结果"}, []string{"TB01", long}, n)
			st, page := lab.Upload(fmt.Sprintf("/sampling/campaigns/%d/results?lab_id=%d", c.ID, l.ID), "results.xlsx", file, map[string]string{"mode": "all"})
			checkReport(t, lab, nosy, "lab results", st, page, n, long)
		})
		t.Run("push list", func(t *testing.T) {
			const rows = 3000 // rejected rows are kept as tasks, paged
			file := sharedXLSX(t, []string{"姓名", "身份证号", "手机号", "来源地"}, []string{"", "", "", long}, rows)
			st, body := boss.Upload("/pushlists/upload", "list.xlsx", file, map[string]string{"source": "公安", "deadline_hours": "12"})
			token := regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`).FindStringSubmatch(body)
			if st != 200 || token == nil || strings.Contains(body, long[:300]) {
				t.Fatalf("mapping screen: %d, %d KB", st, len(body)>>10)
			}
			if st, _ := boss.Post("/pushlists", map[string][]string{"token": {token[1]}, "source": {"公安"}, "deadline_hours": {"12"}, "name": {"长值名单"},
				"map_name": {"姓名"}, "map_id_number": {"身份证号"}, "map_phone": {"手机号"}, "map_origin": {"来源地"}}); st != 303 {
				t.Fatalf("import: %d", st)
			}
			var id int64
			d.R().QueryRow("SELECT id FROM push_lists WHERE name = '长值名单'").Scan(&id)
			st, page := boss.Get(fmt.Sprintf("/pushtasks?list=%d&status=all&outcome=rejected", id))
			if st != 200 || len(page) > 200<<10 || strings.Contains(page, long[:300]) || !strings.Contains(page, "共 3,000 条") {
				t.Errorf("rejected rows: %d, %d KB", st, len(page)>>10)
			}
			st, body = boss.Get(fmt.Sprintf("/pushlists/%d/feedback", id))
			rd, err := sheet.Open(strings.NewReader(body), int64(len(body)))
			if st != 200 || err != nil {
				t.Fatalf("feedback: %d %v", st, err)
			}
			defer rd.Close()
			got := 0
			for rd.Next() {
				got++
			}
			if got != rows {
				t.Errorf("feedback file: %d rows, want %d", got, rows)
			}
		})
	})
}
