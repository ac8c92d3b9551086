package sampling

// applyScans and apply: the phases of a batch (scanbatch.go) in order,
// around the decision of every scan (decide, scandecide.go).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"fangkong/internal/db"
	"fangkong/internal/errs"
)

// applyScans applies scans inside tx and answers them in the order given.
// Each is independent: a refusal is reported in its result (nothing written
// for it) and does not fail the others; only a database error fails the
// batch. Scans are decided in lock order (by tube, stable: tubes.go), so a
// tube's scans take their places in the order given. Unique indexes on
// scan_id and (campaign_id, person_id) are the backstop against duplicates
// from concurrent transactions.
func (s *Service) applyScans(ctx context.Context, tx *sql.Tx, reqs []ScanRequest) ([]ScanResult, error) {
	s.scanBatches.Add(1)
	s.scanStmts.Add(2) // BEGIN and COMMIT
	q := countQ{q: tx, n: &s.scanStmts}
	if s.db.Dialect == db.SQLite {
		q.sqlite, q.cached = true, s.stmts.In(tx)
	}
	sc := &scanCtx{campaigns: map[int64]*Campaign{}, points: map[int64]*Point{}, now: s.now().UnixMilli()}
	all := make([]*batchScan, len(reqs))
	var campaignIDs, pointIDs []any
	for n, i := range lockOrder(reqs) {
		b := &batchScan{idx: i, req: reqs[i], tube: normTube(reqs[i].Tube), kind: kindPerson}
		b.req.ScanID = strings.TrimSpace(b.req.ScanID)
		all[n] = b
		switch {
		case b.req.ScanID == "" || len(b.req.ScanID) > 64:
			b.kind, b.res = kindDone, refuse("缺少扫码编号 scan_id（客户端生成，不超过64字符）")
		case !validTube(b.tube):
			b.kind, b.res = kindDone, refuse("试管条码无效：应为4–40位数字、字母或 - _")
		default:
			if _, ok := sc.campaigns[b.req.CampaignID]; !ok {
				sc.campaigns[b.req.CampaignID] = nil
				campaignIDs = append(campaignIDs, b.req.CampaignID)
			}
			if _, ok := sc.points[b.req.PointID]; !ok {
				sc.points[b.req.PointID] = nil
				pointIDs = append(pointIDs, b.req.PointID)
			}
		}
	}
	if len(campaignIDs) > 0 {
		if err := s.loadCampaigns(ctx, q, sc, campaignIDs, pointIDs); err != nil {
			return nil, err
		}
	}
	// Campaign and point checks; what to look up.
	var codes, ids, barcodes []any
	seen := map[string]bool{}
	for _, b := range all {
		if b.kind == kindDone {
			continue
		}
		c := sc.campaigns[b.req.CampaignID]
		if c == nil || !visible(b.req.Scope, c.UnitCode) {
			b.kind, b.res = kindDone, ScanResult{Refusal: fmt.Errorf("campaign %d: %w", b.req.CampaignID, errs.ErrNotFound)}
			continue
		}
		if c.Status != StatusActive {
			b.kind, b.res = kindDone, refuse("本轮检测%s，不能登记采样", c.StatusName())
			continue
		}
		b.c, b.area = c, effective(b.req.Scope, c.UnitCode)
		pt := sc.points[b.req.PointID]
		if pt == nil || pt.CampaignID != c.ID || !b.area.Contains(pt.UnitCode) {
			b.kind, b.res = kindDone, refuse("采样点不存在或不在您的辖区内")
			continue
		}
		b.pt = pt
		switch {
		case b.req.walkin != nil:
			b.kind = kindWalkin
		case b.req.Code == "":
			b.kind = kindOpen
		default:
			b.idNumber, b.code = personKey(b.req.Code)
			if b.idNumber != "" && !seen["i"+b.idNumber] {
				seen["i"+b.idNumber] = true
				ids = append(ids, b.idNumber)
			}
			if b.code != "" && !seen["c"+b.code] {
				seen["c"+b.code] = true
				codes = append(codes, b.code)
			}
		}
		if !seen["t"+b.tube] {
			seen["t"+b.tube] = true
			barcodes = append(barcodes, b.tube)
		}
	}
	run := &scanRun{dialect: s.db.Dialect, now: sc.now, byScan: map[string]*prevSample{}, byPerson: map[[2]int64]*prevSample{}, base: map[string]*tubeState{}}
	if s.db.Dialect == db.Postgres {
		// The first scan of each tube, in barcode order (all is in lock
		// order); walk-ins' own tubes are theirs (scan at a time). Tubes
		// of scans refused below are created speculatively and deleted.
		var firsts []*batchScan
		for _, b := range all {
			if (b.kind == kindPerson || b.kind == kindOpen) && (len(firsts) == 0 || firsts[len(firsts)-1].tube != b.tube) {
				firsts = append(firsts, b)
			}
		}
		if err := lockTubes(ctx, q, sc.now, firsts, run.base); err != nil {
			return nil, err
		}
	} else if len(barcodes) > 0 {
		if err := readTubes(ctx, q, barcodes, run.base); err != nil {
			return nil, err
		}
	}
	var scanIDs, campaigns []any
	for _, b := range all {
		if b.kind == kindPerson {
			scanIDs = append(scanIDs, b.req.ScanID)
		}
	}
	for id, c := range sc.campaigns {
		if c != nil {
			campaigns = append(campaigns, id)
		}
	}
	byCode, byID, err := loadPeople(ctx, q, codes, ids, scanIDs, campaigns, run.byScan, run.byPerson)
	if err != nil {
		return nil, err
	}
	var walkins []*batchScan
	for _, b := range all {
		switch b.kind {
		case kindWalkin:
			walkins = append(walkins, b)
			continue
		case kindOpen:
			run.scans = append(run.scans, b)
			continue
		case kindDone:
			continue
		}
		if b.idNumber != "" {
			b.p = byID[b.idNumber]
		} else if b.code != "" {
			b.p = byCode[b.code]
		}
		switch {
		case b.p == nil:
			b.kind, b.res = kindDone, refuse("采样码或身份证号无效：未找到此人，请核对后按流动人员登记")
			b.res.OfferWalkin = true
		case !b.area.Contains(b.p.unit):
			b.kind, b.res = kindDone, refuse("不在本辖区：此人不属于您的辖区或本轮检测范围，可按流动人员登记")
			b.res.OfferWalkin = true
		case !b.p.active:
			b.kind, b.res = kindDone, refuse("此人已注销或已合并，不能采样")
		default:
			run.scans = append(run.scans, b)
		}
	}
	if err := run.apply(ctx, q); err != nil {
		return nil, err
	}
	// Walk-ins one at a time, after the others (their tubes are locked).
	for _, b := range walkins {
		r, err := s.applyScan(ctx, q, sc, reqs[b.idx])
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", b.req.ScanID, err)
		}
		b.res = r
	}
	out := make([]ScanResult, len(reqs))
	for _, b := range all {
		r := b.res
		if b.ref != nil {
			r.SampleID = b.ref.sampleID
		}
		if r.Refusal != nil {
			r.Result = ResultRefused
			r.Message = refusalMessage(r.Refusal)
		}
		r.ScanID = reqs[b.idx].ScanID
		out[b.idx] = r
	}
	return out, nil
}

// apply decides the scans, creates the new tubes, inserts the samples and
// their audit rows and writes the tube counts. A race with a concurrent
// batch (a tube created, a sample committed meanwhile) reads what it
// missed and decides again.
func (r *scanRun) apply(ctx context.Context, q db.Querier) error {
	inserted := map[*batchScan]bool{}
	for range fillAttempts {
		work, added, virtual := r.decide()
		if len(virtual) > 0 {
			ids, err := insertTubes(ctx, q, r.now, virtual)
			if err != nil {
				return err
			}
			var missed []any
			for _, t := range virtual {
				id, ok := ids[t.barcode]
				if !ok {
					missed = append(missed, t.barcode)
					continue
				}
				nt := *t
				nt.id, nt.virtual, nt.created, nt.exists = id, false, true, true
				nt.count, nt.closedAt, nt.baseCount, nt.baseClosed = 0, 0, 0, 0
				r.base[t.barcode] = &nt
				t.id, t.virtual, t.created, t.exists = id, false, true, true
			}
			if len(missed) > 0 {
				// Created by a concurrent batch after our read: read them
				// (waiting for its lock) and decide again.
				if err := readTubes(ctx, q, missed, r.base); err != nil {
					return err
				}
				continue
			}
		}
		var fresh []*batchScan
		for _, b := range added {
			if !inserted[b] {
				fresh = append(fresh, b)
			}
		}
		conflicts, err := insertSamples(ctx, q, r.now, fresh, r.dialect == db.Postgres)
		if err != nil {
			return err
		}
		for _, b := range fresh {
			if b.sampleID != 0 {
				inserted[b] = true
			}
		}
		if len(conflicts) > 0 {
			// Committed by a concurrent batch after our read: read them
			// back as previous and decide again.
			var sids, pids []any
			for _, b := range conflicts {
				sids, pids = append(sids, b.req.ScanID), append(pids, b.p.id)
			}
			n := len(r.byScan)
			if err := loadPrevious(ctx, q, sids, pids, r.byScan, r.byPerson); err != nil {
				return err
			}
			if len(r.byScan) == n {
				return errors.New("sample conflicts but no earlier sample found")
			}
			continue
		}
		for b := range inserted {
			if b.t == nil || b.t.barcode != b.tube {
				return fmt.Errorf("scan %s: inserted, then not added", b.req.ScanID)
			}
		}
		if len(inserted) != len(added) {
			return fmt.Errorf("scans: %d samples inserted for %d added", len(inserted), len(added))
		}
		if err := r.settleSpeculative(ctx, q, work); err != nil {
			return err
		}
		if r.dialect != db.Postgres { // PostgreSQL audited them with the insert
			if err := auditSamples(ctx, q, r.now, added); err != nil {
				return err
			}
		}
		var changed []*tubeState
		for _, t := range work {
			if t.id != 0 && (t.count != t.baseCount || t.closedAt != t.baseClosed) {
				changed = append(changed, t)
			}
		}
		sort.Slice(changed, func(i, j int) bool { return changed[i].barcode < changed[j].barcode })
		return updateTubes(ctx, q, changed)
	}
	return fmt.Errorf("scans: no decision after %d attempts", fillAttempts)
}
