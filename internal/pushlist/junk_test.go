package pushlist_test

import (
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/pushlist"
)

// A pushed row is never refused for junk in it, but the junk is not
// stored: control characters, direction overrides and zero-width
// characters leave the name (a name of nothing else is no name), and an ID
// number born after today is not a valid one.
func TestPushedJunkScrubbed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := setup(t, d)
		csv := "姓名,身份证号,手机号,地址\n" +
			"\u202e王五\u200b,,13800001111,西街\x1b社区\n" +
			"\x1b\u200b\u2066,,,\n" +
			"李四," + dbtest.ID("61011829990101006") + ",,西街社区\n"
		l := importBytes(t, s, []byte(csv), pushlist.ImportOptions{Source: "公安", Mapping: map[string]string{
			"name": "姓名", "id_number": "身份证号", "phone": "手机号", "address": "地址"}})
		if l.Rows != 3 || l.Rejected != 1 {
			t.Errorf("rows %d, rejected %d; want 3 and 1 (the row with nothing visible)", l.Rows, l.Rejected)
		}
		tasks := byRow(t, s, l.ID)
		if tasks[2].Name != "王五" {
			t.Errorf("row 2 name %q, want 王五", tasks[2].Name)
		}
		if !strings.Contains(tasks[4].Reason, "出生日期") {
			t.Errorf("row 4 (born in 2999): reason %q", tasks[4].Reason)
		}
		var junk int
		d.R().QueryRow(`SELECT COUNT(*) FROM push_tasks WHERE name LIKE '%' || $1 || '%' OR address LIKE '%' || $2 || '%'`, "\u202e", "\x1b").Scan(&junk)
		if junk != 0 {
			t.Errorf("%d tasks keep control characters", junk)
		}
	})
}
