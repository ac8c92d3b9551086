package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// TestResultsUploadKeepsChoices: a lab's sheet as labs send it (the sign in
// brackets, a signature line under the data) is read row by row: only the
// unknown tube is an error, not the result's wording nor the signature; and
// the page that reports it keeps the lab and the mode the user chose, so
// the corrected file is not recorded under the first lab.
func TestResultsUploadKeepsChoices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "boss", auth.RoleCommand, dbtest.County)
		e.AddUser(t, "lab", auth.RoleSampling, dbtest.County)
		boss, lab := e.Login(t, "boss", apptest.Password), e.Login(t, "lab", apptest.Password)
		_, body := boss.API("POST", "/api/v1/sampling/campaigns", map[string]any{"unit_code": dbtest.County, "name": "测试轮", "starts_on": "2026-11-25", "pool_size": 5})
		var c struct{ ID int64 }
		json.Unmarshal([]byte(body), &c)
		var labs [2]struct{ ID int64 }
		for i, name := range []string{"区实验室", "第三方检测机构"} {
			st, body := boss.API("POST", fmt.Sprintf("/api/v1/sampling/campaigns/%d/labs", c.ID), map[string]any{"name": name, "capacity_per_hour": 100})
			if st != 201 {
				t.Fatalf("lab %s: %d %s", name, st, body)
			}
			json.Unmarshal([]byte(body), &labs[i])
		}
		file := "试管条码,检测结果\r\nNOPE0001,阴性（-）\r\n检验者：,审核者：,报告日期：2026年12月7日\r\n"
		st, page := lab.Upload(fmt.Sprintf("/sampling/campaigns/%d/results", c.ID), "results.csv", []byte(file),
			map[string]string{"mode": "good", "lab_id": fmt.Sprint(labs[1].ID)})
		if st != 422 || !strings.Contains(page, "错误 1 行") || strings.Contains(page, "检测结果应为") {
			t.Errorf("upload: %d, want 422 with one bad row (the unknown tube):\n%.3000s", st, page[strings.Index(page, "<main>"):])
		}
		if !strings.Contains(page, fmt.Sprintf(`<option value="%d" selected>`, labs[1].ID)) {
			t.Errorf("the lab chosen is not kept")
		}
		if !strings.Contains(page, `value="good" checked`) {
			t.Errorf("the mode chosen is not kept")
		}
	})
}
