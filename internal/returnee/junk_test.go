package returnee_test

import (
	"context"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/returnee"
)

// Arrivals and self-reports refuse names with control characters or
// direction overrides, names of nothing visible, and ID numbers or birth
// dates born after today.
func TestJunkArrivalsRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		villageA := jurisdiction.Grant(dbtest.VillageA)
		arrival := func(name, id, birth, note string) returnee.Arrival {
			return returnee.Arrival{Name: name, IDNumber: id, Sex: "男", BirthDate: birth, VillageCode: dbtest.VillageA,
				OriginCode: "610113", ArrivedOn: "2022-01-05", Source: returnee.SourceSweep, Note: note}
		}
		for what, a := range map[string]returnee.Arrival{
			"NUL in the name":         arrival("返乡\x00甲", "", "1990-01-01", ""),
			"RLO in the name":         arrival("\u202e甲乡返", "", "1990-01-01", ""),
			"only zero-width":         arrival("\u200b\u2060", "", "1990-01-01", ""),
			"PDI in the note":         arrival("返乡乙", "", "1990-01-01", "备注\u2069"),
			"birth in 2999":           arrival("返乡丙", "", "2999-01-01", ""),
			"ID with a birth in 2999": arrival("返乡丁", dbtest.ID("61011829990101003"), "", ""),
		} {
			if _, _, err := e.svc.Record(ctx, who, villageA, a); !errs.IsInvalid(err) {
				t.Errorf("%s: %v", what, err)
			}
		}
		p, err := e.svc.Poster(ctx, villageA, dbtest.VillageA)
		if err != nil {
			t.Fatal(err)
		}
		report := func(name, id, address string) returnee.SelfReport {
			return returnee.SelfReport{Name: name, IDNumber: id, Address: address, OriginCode: "610113", ArrivedOn: "2022-01-05", IP: "10.0.0.9"}
		}
		for what, r := range map[string]returnee.SelfReport{
			"RLO in the name":         report("\u202e甲", dbtest.ID("61011819900101004"), "西街1号"),
			"NUL in the address":      report("自报甲", dbtest.ID("61011819900101004"), "西街\x001号"),
			"ID with a birth in 2999": report("自报乙", dbtest.ID("61011829990101005"), "西街1号"),
		} {
			if _, err := e.svc.SubmitSelfReport(ctx, p.Token, r); !errs.IsInvalid(err) {
				t.Errorf("self-report, %s: %v", what, err)
			}
		}
		var n int
		d.R().QueryRow("SELECT (SELECT COUNT(*) FROM returnees) + (SELECT COUNT(*) FROM self_reports) + (SELECT COUNT(*) FROM people)").Scan(&n)
		if n != 0 {
			t.Errorf("%d rows stored", n)
		}
	})
}
