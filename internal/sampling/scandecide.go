package sampling

// The decision of every scan of a batch in Go (decide), with the answers
// one scan at a time would give; applyScans (scanapply.go) runs it.

import (
	"context"
	"fmt"

	"fangkong/internal/db"
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
