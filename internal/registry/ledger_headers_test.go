package registry_test

import (
	"context"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// TestLedgerVillageHeaders: a village's own sheet names its columns 名字,
// 公民身份号码, 手机号码 and 现住址, in its own order; an ID number typed
// with a quote mark after it to keep it as text is read.
func TestLedgerVillageHeaders(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		v := dbtest.VillageA
		id := dbtest.ID("61011819900101021")
		csv := "西街社区人员花名册,,,,\n" +
			"序号,名字,手机号码,公民身份号码,现住址,村(社区)代码\n" +
			"1,吴四,138-0013-8000," + id + "',新村3号," + v + "\n"
		rep, err := s.ImportLedger(ctx, who, jurisdiction.Grant(v), strings.NewReader(csv), int64(len(csv)), registry.ImportAllOrNothing)
		if err != nil || !rep.Applied || rep.PeopleCreated != 1 || rep.BadRows != 0 {
			t.Fatalf("report %+v %v", rep, err)
		}
		var name, phone string
		if err := d.R().QueryRow("SELECT name, phone FROM people WHERE id_number = $1", id).Scan(&name, &phone); err != nil ||
			name != "吴四" || phone != "13800138000" {
			t.Errorf("stored %q %q (%v)", name, phone, err)
		}
	})
}
