package sampling

// Tubes under concurrent batches (PostgreSQL runs several scan writers, see
// db.NewBatcher; SQLite has one, so there none of this is ever contended).
//
// Two rules keep concurrent batches correct and deadlock-free:
//
//  1. A batch touches its tubes in one global order: applyScans applies its
//     scans sorted by tube barcode (stable, so a tube's own scans keep
//     their order). Every row lock a scan takes on a tube (the fill UPDATE,
//     the place given back) and every wait on a tube another batch is
//     creating (the INSERT of the same barcode) is taken in that order, so
//     two batches cannot wait on each other's tubes: no deadlock. (Two
//     batches holding the same person or scan_id in two different tubes can
//     still wait on each other's sample row; that takes a duplicate scan
//     at two tables at once, and InTx retries it.)
//
//  2. A miss of the fill UPDATE is never taken as "full" without a second
//     look (takePlace): under READ COMMITTED each statement sees what was
//     committed when it began, so a tube another batch created and had not
//     yet committed is invisible to the UPDATE and may well be visible,
//     with room, to the next statement.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fangkong/internal/db"
)

type tubeRow struct {
	id, campaignID  int64
	count, poolSize int
	closedAt        int64
}

// lockOrder returns the indexes of reqs in the order a batch applies them:
// by tube barcode, stable (rule 1 above).
func lockOrder(reqs []ScanRequest) []int {
	idx := make([]int, len(reqs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(normTube(reqs[a].Tube), normTube(reqs[b].Tube)) })
	return idx
}

// readTube reads a tube by barcode; found is false when there is none.
func readTube(ctx context.Context, tx db.Querier, tube string) (t tubeRow, found bool, err error) {
	err = tx.QueryRowContext(ctx, `SELECT id, campaign_id, count, pool_size, closed_at FROM test_tubes WHERE barcode = $1`, tube).
		Scan(&t.id, &t.campaignID, &t.count, &t.poolSize, &t.closedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return t, false, nil
	}
	if err != nil {
		return t, false, fmt.Errorf("tube %s: %w", tube, err)
	}
	return t, true, nil
}

// openTube creates the tube for campaign c at point pt. When another
// transaction is creating the same barcode, the INSERT waits for it to end
// and then does nothing: either way the tube exists, committed or ours, for
// every later statement. created reports whether this call made it.
func (s *Service) openTube(ctx context.Context, tx db.Querier, sc *scanCtx, req ScanRequest, c *Campaign, pt *Point, tube string) (created bool, err error) {
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO test_tubes (campaign_id, barcode, point_id, unit_code, pool_size, opened_at, opened_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (barcode) DO NOTHING RETURNING id`,
		c.ID, tube, pt.ID, pt.UnitCode, c.PoolSize, sc.now, req.Actor.UserID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("open tube %s: %w", tube, err)
	}
	return true, nil
}

// answer is previous's answer, or nil with its error.
func answer(r ScanResult, err error) *ScanResult {
	if err != nil {
		return nil
	}
	return &r
}

// fillAttempts bounds takePlace's loop: each attempt sees a newer state of
// the tube than the one before, so it ends by itself in two or three.
const fillAttempts = 5

// takePlace takes a place in tube's pool for a person's scan and returns
// the tube with the place counted. When the scan is answered without a
// place it returns that answer instead: a replay or a person sampled
// earlier (previous), or a refusal (full, closed, of another round). On an
// error the answer is nil.
//
// The place is taken by one statement, UPDATE … SET count = count + 1 …
// WHERE count < pool_size AND closed_at = 0 RETURNING: it locks the row,
// and when a concurrent batch changed the row meanwhile PostgreSQL waits
// for it and checks the condition again on the newest version, so two
// batches never both take the last place. When it matches no row, the
// tube as that statement saw it was new, full, closed or of another round;
// a fresh read decides what to do, and only a state that cannot change back
// is final:
//   - no tube: a new one (opened only for a scan that is neither a replay
//     nor a repeat): openTube creates it or waits for the batch creating
//     it; then the UPDATE again.
//   - a tube of this round, open, with room: it was created, or had a place
//     given back, after the UPDATE's snapshot; the UPDATE again.
//   - full, closed or of another round: refused. Committed, these are for
//     good: a place is only given back by the transaction that took it, a
//     closed tube is never reopened, a tube never changes round.
func (s *Service) takePlace(ctx context.Context, tx db.Querier, sc *scanCtx, req ScanRequest, c *Campaign, pt *Point, tube string,
	previous func() (ScanResult, bool, error)) (tubeRow, *ScanResult, error) {
	var t tubeRow
	for range fillAttempts {
		err := tx.QueryRowContext(ctx, `UPDATE test_tubes SET count = count + 1,
			closed_at = CASE WHEN count + 1 >= pool_size THEN CAST($1 AS BIGINT) ELSE 0 END
			WHERE barcode = $2 AND campaign_id = $3 AND count < pool_size AND closed_at = 0
			RETURNING id, count, pool_size, closed_at`, sc.now, tube, c.ID).Scan(&t.id, &t.count, &t.poolSize, &t.closedAt)
		if err == nil {
			t.campaignID = c.ID
			return t, nil, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return t, nil, fmt.Errorf("fill tube %s: %w", tube, err)
		}
		var found bool
		if t, found, err = readTube(ctx, tx, tube); err != nil {
			return t, nil, err
		}
		switch {
		case !found:
			if r, ok, err := previous(); err != nil || ok {
				return t, answer(r, err), err
			}
			if _, err := s.openTube(ctx, tx, sc, req, c, pt, tube); err != nil {
				return t, nil, err
			}
		case t.campaignID == c.ID && t.closedAt == 0 && t.count < t.poolSize:
			// Committed after the UPDATE began: take the place now.
		default:
			if r, ok, err := previous(); err != nil || ok {
				return t, answer(r, err), err
			}
			r := refuse("试管 %s 已满（%d/%d）或已封管，请换新试管", tube, t.count, t.poolSize)
			if t.campaignID != c.ID {
				r = refuse("试管 %s 已用于其他检测轮次，请换新试管", tube)
			}
			return t, &r, nil
		}
	}
	return t, nil, fmt.Errorf("tube %s: no place after %d attempts", tube, fillAttempts)
}
