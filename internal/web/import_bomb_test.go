package web_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// sstBomb is an XLSX of about 100 KB whose shared string table expands to
// 100 MB.
func sstBomb(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) { return flate.NewWriter(out, flate.BestCompression) })
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	io.WriteString(w, `<worksheet><sheetData><row><c t="s"><v>0</v></c></row><row><c t="s"><v>1</v></c></row></sheetData></worksheet>`)
	w, _ = zw.Create("xl/sharedStrings.xml")
	io.WriteString(w, "<sst><si><t>姓名</t></si>")
	item := "<si><t>" + strings.Repeat("a", 30000) + "</t></si>"
	for range 3400 {
		io.WriteString(w, item)
	}
	io.WriteString(w, "</sst>")
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImportBombRefused: every importer refuses a small XLSX that expands
// enormously with a 400 naming the limit, and the server's memory stays
// bounded while it does.
func TestImportBombRefused(t *testing.T) {
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
		bomb := sstBomb(t)
		for _, tt := range []struct {
			c      *apptest.Client
			path   string
			fields map[string]string
		}{
			{wgy, "/ledger/import", map[string]string{"mode": "all"}},
			{wgy, "/api/v1/ledger/import", map[string]string{"mode": "all"}},
			{boss, "/riskareas/import", map[string]string{"mode": "all"}},
			{boss, "/pushlists/upload", map[string]string{"source": "公安"}},
			{boss, "/api/v1/pushlists", map[string]string{"source": "公安"}},
			{lab, fmt.Sprintf("/sampling/campaigns/%d/results?lab_id=%d", c.ID, l.ID), map[string]string{"mode": "all"}},
		} {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			st, body := tt.c.Upload(tt.path, "bomb.xlsx", bomb, tt.fields)
			runtime.ReadMemStats(&after)
			if st != 400 || !strings.Contains(body, "共享字符串表超过64MB") {
				t.Errorf("%s: %d %.300s", tt.path, st, body)
			}
			if grown := after.TotalAlloc - before.TotalAlloc; grown > 200<<20 {
				t.Errorf("%s: the server allocated %d MB for a %d KB upload", tt.path, grown>>20, len(bomb)>>10)
			}
		}
	})
}
