package sampling

// applyScans: the phases of a batch (scanbatch.go) and the decision of
// every scan in Go, with the answers one scan at a time would give.

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

// tubeState is a tube as a batch sees it: read (and on PostgreSQL locked)
// from the database, created by the batch, or about to be (virtual).
type tubeState struct {
	tubeRow
	barcode string
	// baseCount and baseClosed are the stored values, to find changed tubes.
	baseCount  int
	baseClosed int64
	// A new tube: who opens it, and whether it is only decided (virtual),
	// not yet inserted.
	creator *batchScan
	virtual bool
	// spec marks a tube lockTubes created for the batch (PostgreSQL); it
	// is opened by the first scan that takes a place in it or opens it.
	spec            bool
	pointID         int64
	unit            string
	openedBy        int64
	created, exists bool
}

// scanRun is one batch being decided.
type scanRun struct {
	dialect  db.Dialect
	now      int64
	scans    []*batchScan // person and open scans, in lock order
	byScan   map[string]*prevSample
	byPerson map[[2]int64]*prevSample
	base     map[string]*tubeState // stored tubes, and those this batch inserted
}

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
		conflicts, err := insertSamples(ctx, q, r.now, fresh)
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
		if err := auditSamples(ctx, q, r.now, added); err != nil {
			return err
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

// decide answers every scan from the stored state (base, byScan,
// byPerson) as if applied one by one in lock order, and returns the tubes
// as they end up, the scans that add a sample, and the tubes to create.
func (r *scanRun) decide() (work map[string]*tubeState, added []*batchScan, virtual []*tubeState) {
	work = make(map[string]*tubeState, len(r.base))
	for k, t := range r.base {
		w := *t
		w.baseCount, w.baseClosed = t.count, t.closedAt
		work[k] = &w
	}
	byScan := make(map[string]*prevSample, len(r.byScan))
	for k, v := range r.byScan {
		byScan[k] = v
	}
	byPerson := make(map[[2]int64]*prevSample, len(r.byPerson))
	for k, v := range r.byPerson {
		byPerson[k] = v
	}
	for _, b := range r.scans {
		b.ref, b.t, b.res = nil, nil, ScanResult{}
		if b.kind == kindOpen {
			b.res = r.open(b, work, &virtual)
			continue
		}
		// A replay, or the person sampled earlier (scan.go's replay and
		// earlier), answers before any tube.
		if p := byScan[b.req.ScanID]; p != nil {
			b.res, b.ref = previousAnswer(p, work, p.name, b.req.ScanID), p.origin
			continue
		}
		if p := byPerson[[2]int64{b.c.ID, b.p.id}]; p != nil {
			b.res, b.ref = previousAnswer(p, work, b.p.name, b.req.ScanID), p.origin
			continue
		}
		t := work[b.tube]
		if t == nil || t.spec && t.creator == nil {
			t = r.newTube(b, work, &virtual)
		}
		if t.campaignID != b.c.ID || t.closedAt != 0 || t.count >= t.poolSize {
			b.res = refuse("试管 %s 已满（%d/%d）或已封管，请换新试管", b.tube, t.count, t.poolSize)
			if t.campaignID != b.c.ID {
				b.res = refuse("试管 %s 已用于其他检测轮次，请换新试管", b.tube)
			}
			continue
		}
		t.count++
		if t.count >= t.poolSize {
			t.closedAt = r.now
		}
		b.t = t
		added = append(added, b)
		res := ScanResult{Result: ResultAdded, Tube: b.tube, PoolCount: t.count, PoolSize: t.poolSize,
			PoolFull: t.closedAt != 0, PersonName: MaskName(b.p.name), SampledAt: r.now}
		res.Message = fmt.Sprintf("%s 已登记，试管 %s：%d/%d", res.PersonName, b.tube, t.count, t.poolSize)
		if res.PoolFull {
			res.Message += "，已满封管，请换新试管"
		}
		b.res, b.ref = res, b
		p := &prevSample{scanID: b.req.ScanID, campaignID: b.c.ID, personID: b.p.id, sampledAt: r.now, tube: b.tube, name: b.p.name, origin: b}
		byScan[p.scanID] = p
		byPerson[[2]int64{p.campaignID, p.personID}] = p
	}
	return work, added, virtual
}

// newTube opens a tube for scan b (openTube's row): it claims the tube
// created speculatively (lockTubes), or makes one to be inserted.
func (r *scanRun) newTube(b *batchScan, work map[string]*tubeState, virtual *[]*tubeState) *tubeState {
	t := work[b.tube]
	if t == nil {
		t = &tubeState{barcode: b.tube, virtual: true}
		work[b.tube] = t
		*virtual = append(*virtual, t)
	}
	t.creator, t.pointID, t.unit, t.openedBy = b, b.pt.ID, b.pt.UnitCode, b.req.Actor.UserID
	t.campaignID, t.poolSize = b.c.ID, b.c.PoolSize
	return t
}

// settleSpeculative deletes the tubes lockTubes created that no scan
// opened, and corrects those opened by a scan of another round, point or
// sampler than the one they were created with (both rare: a statement
// each only when it happens).
func (r *scanRun) settleSpeculative(ctx context.Context, q db.Querier, work map[string]*tubeState) error {
	var unused []any
	for _, t := range work {
		if !t.spec {
			continue
		}
		if t.creator == nil {
			unused = append(unused, t.id)
			continue
		}
		b := r.base[t.barcode]
		if b.campaignID != t.campaignID || b.pointID != t.pointID || b.unit != t.unit || b.poolSize != t.poolSize || b.openedBy != t.openedBy {
			if _, err := q.ExecContext(ctx, `UPDATE test_tubes SET campaign_id = $1, point_id = $2, unit_code = $3, pool_size = $4, opened_by = $5
				WHERE id = $6`, t.campaignID, t.pointID, t.unit, t.poolSize, t.openedBy, t.id); err != nil {
				return fmt.Errorf("open tube %s: %w", t.barcode, err)
			}
		}
	}
	if len(unused) == 0 {
		return nil
	}
	if _, err := q.ExecContext(ctx, "DELETE FROM test_tubes WHERE id IN ("+db.In(len(unused), 1)+")", unused...); err != nil {
		return fmt.Errorf("unused tubes: %w", err)
	}
	return nil
}

// open answers a tube scanned without a person (applyScan's last part).
func (r *scanRun) open(b *batchScan, work map[string]*tubeState, virtual *[]*tubeState) ScanResult {
	t := work[b.tube]
	if t == nil || t.spec && t.creator == nil {
		t = r.newTube(b, work, virtual)
	}
	if t.campaignID != b.c.ID {
		return refuse("试管 %s 已用于其他检测轮次，请换新试管", b.tube)
	}
	if t.creator == b {
		return ScanResult{Result: ResultOpened, Tube: b.tube, PoolCount: t.count, PoolSize: t.poolSize,
			Message: fmt.Sprintf("新试管 %s 已启用（%d人一管）", b.tube, t.poolSize)}
	}
	return ScanResult{Result: ResultOpened, Tube: b.tube, PoolCount: t.count, PoolSize: t.poolSize, PoolFull: t.closedAt != 0,
		Message: fmt.Sprintf("试管 %s：已采 %d/%d", b.tube, t.count, t.poolSize)}
}

// previousAnswer is replay's or earlier's answer for a sample recorded
// before (its tube as it stands now in the batch).
func previousAnswer(p *prevSample, work map[string]*tubeState, name, scanID string) ScanResult {
	r := ScanResult{SampleID: p.id, SampledAt: p.sampledAt, Tube: p.tube, PoolCount: p.count, PoolSize: p.poolSize}
	closed := p.closed
	if t := work[p.tube]; t != nil {
		r.PoolCount, r.PoolSize, closed = t.count, t.poolSize, t.closedAt
	}
	if p.scanID == scanID {
		return replayed(r, name, closed)
	}
	r.Result, r.PersonName, r.PoolFull = ResultAlreadySampled, MaskName(name), closed != 0
	r.Message = fmt.Sprintf("%s 本轮已采样（试管 %s），无需重复采样", r.PersonName, r.Tube)
	return r
}
