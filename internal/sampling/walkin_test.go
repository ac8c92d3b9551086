package sampling_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/sampling"
)

func countWhere(t *testing.T, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.R().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Walk-ins (流动人员) take places in the tube like scans, replay by scan_id,
// are sampled once a round, count apart in coverage and are listed with
// the pool's result.
func TestWalkin(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, 3, 5)
		visitor := dbtest.ID("41010219900101123")
		walk := func(scanID, tube, id, name string) (sampling.ScanResult, error) {
			return f.svc.Walkin(ctx, sampler, townA, sampling.WalkinRequest{ScanID: scanID, CampaignID: f.campaign.ID, PointID: f.point.ID,
				Tube: tube, IDNumber: id, Name: name, Phone: "139 1234 0000"})
		}
		// A scan of an unknown ID number is refused with the walk-in offered.
		r, err := f.svc.Scan(ctx, sampler, townA, sampling.ScanRequest{ScanID: "s0", CampaignID: f.campaign.ID, PointID: f.point.ID,
			Tube: "W0001", Code: visitor})
		if !errs.IsInvalid(err) || !r.OfferWalkin || !strings.Contains(r.Message, "流动人员") {
			t.Fatalf("unknown ID scanned: %+v %v", r, err)
		}
		// A bad check digit is an error of the id_number field; nothing written.
		tubes, audits := count(t, d, "test_tubes"), count(t, d, "audit_log")
		_, err = walk("bad", "W0001", dbtest.BadID("41010219900101123"), "张三")
		var iv *errs.Invalid
		if !errors.As(err, &iv) || iv.Field != "id_number" || !strings.Contains(iv.Message, "校验位") {
			t.Fatalf("bad check digit: %v", err)
		}
		if _, err := walk("noname", "W0001", visitor, " "); !errors.As(err, &iv) || iv.Field != "name" {
			t.Fatalf("no name: %v", err)
		}
		if count(t, d, "test_walkins") != 0 || count(t, d, "test_tubes") != tubes || count(t, d, "audit_log") != audits {
			t.Fatal("a refused walk-in wrote something")
		}
		// The walk-in takes the tube's first place.
		r, err = walk("w1", "W0001", visitor, "张三丰")
		if err != nil || r.Result != sampling.ResultAdded || !r.Walkin || r.PoolCount != 1 || r.PersonName != "张*丰" {
			t.Fatalf("walk-in: %+v %v", r, err)
		}
		// Replayed: answered once, no second place.
		r2, err := walk("w1", "W0001", visitor, "张三丰")
		if err != nil || r2.Result != sampling.ResultReplayed || r2.SampleID != r.SampleID || r2.PoolCount != 1 {
			t.Fatalf("replay: %+v %v", r2, err)
		}
		// The same ID number again in the round: already sampled, no new tube.
		r3, err := walk("w2", "W0002", visitor, "张三丰")
		if err != nil || r3.Result != sampling.ResultAlreadySampled || r3.Tube != "W0001" {
			t.Fatalf("same ID twice: %+v %v", r3, err)
		}
		if n := count(t, d, "test_walkins"); n != 1 {
			t.Fatalf("%d walk-ins, want 1", n)
		}
		// A registered person outside the sampler's township: a walk-in with their person_id.
		outsider := f.people[dbtest.VillageB][0]
		if r, err := walk("w3", "W0001", outsider.IDNumber, outsider.Name); err != nil || r.Result != sampling.ResultAdded || !r.Walkin || r.PoolCount != 2 {
			t.Fatalf("outsider: %+v %v", r, err)
		}
		if n := countWhere(t, d, "SELECT COUNT(*) FROM test_walkins WHERE person_id = $1", outsider.ID); n != 1 {
			t.Fatalf("outsider's walk-in has no person_id")
		}
		// A person registered in the area through the walk-in form: an
		// ordinary sample, and the last place closes the tube.
		local := f.people[dbtest.VillageA][0]
		r, err = walk("w4", "W0001", local.IDNumber, local.Name)
		if err != nil || r.Result != sampling.ResultAdded || r.Walkin || r.PoolCount != 3 {
			t.Fatalf("local person: %+v %v", r, err)
		}
		if count(t, d, "test_samples") != 1 {
			t.Fatal("local person not sampled")
		}
		// Walk-ins fill the tube; the last place closes it, the next is refused.
		for i, id := range []string{"41010219900101124", "41010219900101125"} {
			r, err := walk("f"+id, "W0001", dbtest.ID(id), "王五")
			if err != nil || r.PoolCount != 4+i || r.PoolFull != (i == 1) {
				t.Fatalf("walk-in %d: %+v %v", i, r, err)
			}
		}
		if n := countWhere(t, d, "SELECT COUNT(*) FROM test_tubes WHERE barcode = 'W0001' AND closed_at <> 0 AND count = 5"); n != 1 {
			t.Fatal("W0001 not closed full")
		}
		if r, err := walk("w5", "W0001", dbtest.ID("41010219900101126"), "李四"); !errs.IsInvalid(err) || r.Result != sampling.ResultRefused {
			t.Fatalf("walk-in into a full tube: %+v %v", r, err)
		}
		if n := countWhere(t, d, "SELECT COUNT(*) FROM audit_log WHERE entity = 'sample_walkin' AND action = 'create'"); n != 4 {
			t.Errorf("%d walk-in audit rows, want 4", n)
		}
		// Coverage counts the walk-ins apart, at the point's unit.
		cov, err := f.svc.Coverage(ctx, county, f.campaign.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if cov.Total.Walkins != 4 || cov.Total.Tested != 1 || cov.Total.Sampled != 1 || cov.Total.Target != 9 {
			t.Fatalf("coverage: %+v", cov.Total)
		}
		for _, ch := range cov.Children {
			if want := map[bool]int{true: 4}[ch.Code == dbtest.TownshipA]; ch.Walkins != want {
				t.Errorf("%s: %d walk-ins, want %d", ch.Code, ch.Walkins, want)
			}
		}
		// A positive pool: the member is on the retest list, the walk-ins
		// are listed with the result and their phones.
		lab, err := f.svc.AddLab(ctx, manager, county, sampling.Lab{CampaignID: f.campaign.ID, Name: "区疾控实验室"})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := f.svc.RecordResults(ctx, manager, county, f.campaign.ID, lab.ID, []sampling.ResultRow{{Tube: "W0001", Result: "阳性"}}, false)
		if err != nil || rep.Retests != 1 || rep.Walkins != 4 {
			t.Fatalf("results: %+v %v", rep, err)
		}
		rows, total, err := f.svc.Walkins(ctx, townA, f.campaign.ID, "", true, 50, 0)
		if err != nil || total != 4 || len(rows) != 4 {
			t.Fatalf("flagged walk-ins: %d %+v %v", total, rows, err)
		}
		for _, w := range rows {
			if w.Result != sampling.ResultPositive || w.Phone != "13912340000" || w.Tube != "W0001" || w.Point != f.point.Name {
				t.Errorf("walk-in row %+v", w)
			}
		}
		if !rows[1].Registered || rows[0].Registered || rows[2].Registered {
			t.Errorf("registered flags: %+v", rows)
		}
		if _, total, _ := f.svc.Walkins(ctx, townA, f.campaign.ID, "", false, 50, 0); total != 4 {
			t.Errorf("all walk-ins: %d, want 4", total)
		}
	})
}
