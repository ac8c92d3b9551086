package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// besideFile matches the file input marked invalid with its message right
// after it.
var besideFile = regexp.MustCompile(`<input[^>]*name="file"[^>]*aria-invalid="true"[^>]*/><span class="error field-error" role="alert"[^>]*>([^<]*)</span>`)

// TestRound4FileErrorsBesideField: an upload refused as a whole (a file
// without the needed columns, an old .xls, an empty file) shows why beside
// the file input of the form it came from, the user's choices kept, on the
// ledger, push-list and lab-results pages.
func TestRound4FileErrorsBesideField(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "wgy", auth.RoleVillage, dbtest.VillageA)
		e.AddUser(t, "boss", auth.RoleCommand, dbtest.County)
		e.AddUser(t, "lab", auth.RoleSampling, dbtest.County)
		wgy, boss, lab := e.Login(t, "wgy", apptest.Password), e.Login(t, "boss", apptest.Password), e.Login(t, "lab", apptest.Password)
		st, body := boss.API("POST", "/api/v1/sampling/campaigns", map[string]any{"unit_code": dbtest.County, "name": "测试轮", "starts_on": "2026-11-25", "pool_size": 5})
		var c struct{ ID int64 }
		json.Unmarshal([]byte(body), &c)
		_, body = boss.API("POST", fmt.Sprintf("/api/v1/sampling/campaigns/%d/labs", c.ID), map[string]any{"name": "区实验室", "capacity_per_hour": 100})
		var l struct{ ID int64 }
		json.Unmarshal([]byte(body), &l)
		if st != 201 || l.ID == 0 {
			t.Fatalf("campaign %d, lab %d", st, l.ID)
		}
		xls := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
		for _, tt := range []struct {
			c      *apptest.Client
			path   string
			name   string
			file   []byte
			fields map[string]string
			want   string // in the message
			kept   string // the user's choice, still on the page
		}{
			{wgy, "/ledger/import", "名单.csv", []byte("姓名,电话\n张三,13800138000\n"), map[string]string{"mode": "good"}, "缺少必需的列",
				`value="good" checked`},
			{wgy, "/ledger/import", "台账.xls", xls, map[string]string{"mode": "good"}, "旧版 Excel", `value="good" checked`},
			{boss, "/pushlists/upload", "推送.csv", nil, map[string]string{"source": "省级平台", "deadline_hours": "12"}, "表格是空的",
				`value="省级平台"`},
			{lab, fmt.Sprintf("/sampling/campaigns/%d/results", c.ID), "结果.xls", xls, map[string]string{"mode": "good", "lab_id": fmt.Sprint(l.ID)},
				"旧版 Excel", `value="good" checked`},
		} {
			st, page := tt.c.Upload(tt.path, tt.name, tt.file, tt.fields)
			m := besideFile.FindStringSubmatch(page)
			if st != 400 || m == nil || !strings.Contains(m[1], tt.want) {
				t.Errorf("%s %s: %d, message beside the file input %q; want one saying %q", tt.path, tt.name, st, m, tt.want)
			}
			if !strings.Contains(page, tt.kept) {
				t.Errorf("%s %s: the choice %s is lost", tt.path, tt.name, tt.kept)
			}
		}
	})
}

// TestRound4LedgerNumberIDRefused: an ID number typed into a number cell
// of Excel keeps 15 digits; when the three zeros that replace the rest
// happen to make a valid check digit, the row is still refused, never
// stored as somebody's ID number.
func TestRound4LedgerNumberIDRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "wgy", auth.RoleVillage, dbtest.VillageA)
		wgy := e.Login(t, "wgy", apptest.Password)
		f := excelize.NewFile()
		defer f.Close()
		for i, row := range [][]any{
			{"村民台账（12月10日）"},
			{"村(社区)代码", "姓名", "身份证号", "手机号"},
			{dbtest.VillageA, "李秀英", 610118198805028000.0, "13800138001"}, // the check digit 0 fits
			{dbtest.VillageA, "张建国", dbtest.ID("61011819580214101") + "'", "13800138000"},
		} {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		st, page := wgy.Upload("/ledger/import", "台账.xlsx", buf.Bytes(), map[string]string{"mode": "good"})
		if st != 422 || !regexp.MustCompile(`<td[^>]*>3</td><td[^>]*>身份证号</td><td[^>]*>身份证号被表格软件改写`).MatchString(page) {
			t.Fatalf("number-typed ID: %d %s", st, page)
		}
		var n int
		if err := d.R().QueryRow("SELECT COUNT(*) FROM people WHERE id_number = '610118198805028000'").Scan(&n); err != nil || n != 0 {
			t.Errorf("the rounded ID stored for %d people (%v)", n, err)
		}
		// The ID with a trailing apostrophe (typed to keep it as text) is read.
		if err := d.R().QueryRow("SELECT COUNT(*) FROM people WHERE id_number = $1 AND name = '张建国'", dbtest.ID("61011819580214101")).Scan(&n); err != nil || n != 1 {
			t.Errorf("the ID typed with a trailing apostrophe: %d people (%v)", n, err)
		}
	})
}
