package pushlist_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/pushlist"
)

// TestLongCells: a row with a cell over sheet.FreeTextChars is refused with
// "单元格内容过长" and nothing of it is kept beyond the limit; a cell over
// Excel's own limit refuses the file.
func TestLongCells(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := setup(t, d)
		headers := []string{"姓名", "身份证号", "手机号", "现住址", "备注"}
		long := strings.Repeat("长", 5000)
		b := xlsx(t, headers, [][]string{
			{"甲一", dbtest.ID(id17A), "", "西街1号", ""},
			{"乙二", "", "13900000002", "西街2号", long},
		})
		l := importBytes(t, s, b, pushlist.ImportOptions{Source: "公安"})
		if l.Rows != 2 || l.Rejected != 1 {
			t.Fatalf("list %+v", l)
		}
		rows := byRow(t, s, l.ID)
		bad := rows[3]
		if bad.Outcome != pushlist.OutcomeRejected || !strings.Contains(bad.Reason, "单元格内容过长") || !strings.Contains(bad.Reason, "备注") {
			t.Errorf("row 3: outcome %q, reason %q", bad.Outcome, bad.Reason)
		}
		var raw string
		if err := d.R().QueryRow("SELECT raw FROM push_tasks WHERE list_id = $1 AND row_no = 3", l.ID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if len([]rune(raw)) > 1100 || strings.Contains(raw, long) {
			t.Errorf("kept %d characters of the refused row", len([]rune(raw)))
		}

		// A cell of 1 MB is no spreadsheet Excel makes: the file is refused.
		huge := []byte(strings.Join(headers, ",") + "\n丙三,,13900000003,西街3号," + strings.Repeat("a", 1<<20) + "\n")
		_, err := s.Import(context.Background(), centre, county, bytes.NewReader(huge), int64(len(huge)), pushlist.ImportOptions{Source: "公安"})
		if !errs.IsInvalid(err) || !strings.Contains(err.Error(), "单元格内容超过32767字") {
			t.Errorf("a 1 MB cell: %v", err)
		}
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM push_lists").Scan(&n)
		if n != 1 {
			t.Errorf("%d lists, want 1", n)
		}
	})
}
