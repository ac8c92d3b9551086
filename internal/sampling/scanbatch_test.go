package sampling_test

import (
	"context"
	"fmt"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/sampling"
)

// One batch holding what scans one at a time would meet one after another
// answers as they would: a tube opened and then filled, a copy of a scan,
// a person scanned twice, a full tube, unknown and outside people. Tubes
// are made only for scans that take a place or open them. A batch costs
// the same statements whatever its size.
func TestScanBatchDecidesLikeOneAtATime(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, 7, 5)
		a, b := f.people[dbtest.VillageA], f.people[dbtest.VillageB]
		c, pt := f.campaign.ID, f.point.ID
		scan := func(id, tube, code string) sampling.ScanRequest {
			return sampling.ScanRequest{ScanID: id, CampaignID: c, PointID: pt, Tube: tube, Code: code}
		}
		reqs := []sampling.ScanRequest{
			scan("b0", "B0001", ""),
			scan("b1", "B0001", a[0].IDNumber),
			scan("b1", "B0001", a[0].IDNumber), // a copy: the tube as it stands then
			scan("b3", "B0002", a[0].IDNumber), // the same person again
			scan("b4", "B0001", a[1].IDNumber),
			scan("b5", "B0001", a[2].IDNumber),
			scan("b6", "B0001", a[3].IDNumber),
			scan("b7", "B0001", a[4].IDNumber), // fifth: full
			scan("b8", "B0001", a[5].IDNumber), // refused: full
			scan("b9", "B0003", "PZZZZZZZZZZZZZZZ"),
			scan("b10", "B0001", ""),
			scan("b11", "B0004", b[0].IDNumber), // outside township A
		}
		_, before := f.svc.ScanStatements()
		out, err := f.svc.ScanBatch(ctx, sampler, townA, reqs)
		if err != nil {
			t.Fatal(err)
		}
		_, after := f.svc.ScanStatements()
		want := []struct {
			result string
			count  int
		}{
			{sampling.ResultOpened, 0}, {sampling.ResultAdded, 1}, {sampling.ResultReplayed, 1}, {sampling.ResultAlreadySampled, 5},
			{sampling.ResultAdded, 2}, {sampling.ResultAdded, 3}, {sampling.ResultAdded, 4}, {sampling.ResultAdded, 5},
			{sampling.ResultRefused, 0}, {sampling.ResultRefused, 0}, {sampling.ResultOpened, 5}, {sampling.ResultRefused, 0},
		}
		for i, w := range want {
			r := out[i]
			if r.Result != w.result || r.PoolCount != w.count || r.ScanID != reqs[i].ScanID {
				t.Errorf("scan %d: %s %d/%d %q, want %s %d", i, r.Result, r.PoolCount, r.PoolSize, r.Message, w.result, w.count)
			}
		}
		if out[0].Message != "新试管 B0001 已启用（5人一管）" || out[10].Message != "试管 B0001：已采 5/5" || !out[7].PoolFull {
			t.Errorf("open answers %q, %q; fifth full %v", out[0].Message, out[10].Message, out[7].PoolFull)
		}
		if out[2].SampleID == 0 || out[2].SampleID != out[1].SampleID || out[3].Tube != "B0001" {
			t.Errorf("copy answers sample %d (original %d); repeat answers tube %q", out[2].SampleID, out[1].SampleID, out[3].Tube)
		}
		if !out[9].OfferWalkin || !out[11].OfferWalkin {
			t.Errorf("unknown and outside people not offered as walk-ins: %+v %+v", out[9], out[11])
		}
		if n := count(t, d, "test_tubes"); n != 1 {
			t.Errorf("%d tubes, want 1 (no tube for a repeat or a refusal)", n)
		}
		if n := count(t, d, "test_samples"); n != 5 {
			t.Errorf("%d samples, want 5", n)
		}
		if n := countWhere(t, d, "SELECT COUNT(*) FROM audit_log WHERE entity = 'sample'"); n != 5 {
			t.Errorf("%d audit rows of samples, want 5", n)
		}
		// Each sample's audit row names it, its tube, its sampler and unit
		// (on PostgreSQL written by the samples' own INSERT).
		if n := countWhere(t, d, `SELECT COUNT(*) FROM test_samples s JOIN test_tubes t ON t.id = s.tube_id
			JOIN audit_log a ON a.entity = 'sample' AND a.entity_id = CAST(s.id AS TEXT) AND a.action = 'create'
			AND a.summary = '采样登记 试管 ' || t.barcode AND a.user_id = s.sampler_id AND a.subject_unit = s.unit_code
			AND a.at = s.sampled_at AND a.username <> ''`); n != 5 {
			t.Errorf("%d samples with their audit row, want 5", n)
		}
		var full, closed int64
		d.R().QueryRow("SELECT count, closed_at FROM test_tubes WHERE barcode = 'B0001'").Scan(&full, &closed)
		if full != 5 || closed == 0 {
			t.Errorf("tube B0001: count %d closed_at %d", full, closed)
		}
		t.Logf("%d scans: %d statements with BEGIN and COMMIT", len(reqs), after-before)

		// A new tube with one person, then one with four: the same statements.
		var stmts []int64
		for k, n := range []int{1, 4} {
			var batch []sampling.ScanRequest
			for i := range n {
				batch = append(batch, scan(fmt.Sprintf("n%d-%d", k, i), fmt.Sprintf("N%04d", k), f.people[dbtest.VillageA2][k*2+i].IDNumber))
			}
			_, s0 := f.svc.ScanStatements()
			out, err := f.svc.ScanBatch(ctx, sampler, townA, batch)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range out {
				if r.Result != sampling.ResultAdded {
					t.Fatalf("batch of %d: %s %q", n, r.Result, r.Message)
				}
			}
			_, s1 := f.svc.ScanStatements()
			stmts = append(stmts, s1-s0)
		}
		// BEGIN, campaigns and points, tubes, people, (SQLite: new tubes),
		// samples, (SQLite: audit rows), tube counts, COMMIT.
		limit := int64(9)
		if d.Dialect == db.Postgres {
			limit = 7
		}
		if stmts[0] != stmts[1] || stmts[0] > limit {
			t.Errorf("statements for 1 and 4 scans: %v, want the same, at most %d", stmts, limit)
		}
	})
}
