package sampling

// The writes of a batch (scanbatch.go): its tubes read, locked or created,
// its samples and their audit rows inserted, and the tube counts updated.

import (
	"context"
	"fmt"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/db"
)

// readTubes reads the stored tubes of barcodes into base (SQLite: the one
// writer needs no locks).
func readTubes(ctx context.Context, q db.Querier, barcodes []any, base map[string]*tubeState) error {
	return inChunks(barcodes, func(chunk []any) error {
		rows, err := q.QueryContext(ctx, `SELECT id, barcode, campaign_id, count, pool_size, closed_at FROM test_tubes
			WHERE barcode IN (`+db.In(len(chunk), 1)+")", chunk...)
		if err != nil {
			return fmt.Errorf("tubes: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			t := &tubeState{}
			if err := rows.Scan(&t.id, &t.barcode, &t.campaignID, &t.count, &t.poolSize, &t.closedAt); err != nil {
				return fmt.Errorf("tubes: %w", err)
			}
			base[t.barcode] = t
		}
		return rows.Err()
	})
}

// lockTubes locks the tubes of the first scans (one per barcode, in
// barcode order) on PostgreSQL, creating those that do not exist yet, in
// one statement: rows are locked and created in that one global order
// (tubes.go, rule 1), so concurrent batches cannot deadlock on tubes, and
// the counts decided in Go stay true until the commit. A tube created here
// is speculative (spec): its scans may all turn out replays or repeats,
// and then the batch deletes it again before anyone else can see it.
func lockTubes(ctx context.Context, q db.Querier, now int64, firsts []*batchScan, base map[string]*tubeState) error {
	for len(firsts) > 0 {
		n := min(len(firsts), scanChunk)
		args := make([]any, 0, n*7)
		for _, b := range firsts[:n] {
			args = append(args, b.c.ID, b.tube, b.pt.ID, b.pt.UnitCode, b.c.PoolSize, now, b.req.Actor.UserID)
		}
		firsts = firsts[n:]
		rows, err := q.QueryContext(ctx, `INSERT INTO test_tubes (campaign_id, barcode, point_id, unit_code, pool_size, opened_at, opened_by)
			VALUES `+valuesList(n, 7)+` ON CONFLICT (barcode) DO UPDATE SET count = test_tubes.count
			RETURNING id, barcode, campaign_id, count, pool_size, closed_at, point_id, unit_code, opened_by, xmax = 0`, args...)
		if err != nil {
			return fmt.Errorf("lock tubes: %w", err)
		}
		for rows.Next() {
			t := &tubeState{}
			if err := rows.Scan(&t.id, &t.barcode, &t.campaignID, &t.count, &t.poolSize, &t.closedAt, &t.pointID, &t.unit, &t.openedBy, &t.spec); err != nil {
				rows.Close()
				return fmt.Errorf("lock tubes: %w", err)
			}
			base[t.barcode] = t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("lock tubes: %w", err)
		}
	}
	return nil
}

// valuesList is "($1, $2, …), (…)" for rows of cols values.
func valuesList(rows, cols int) string {
	var b strings.Builder
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		b.WriteString(db.In(cols, r*cols+1))
		b.WriteByte(')')
	}
	return b.String()
}

// insertTubes creates the batch's new tubes (empty; their counts are set
// with the others') and returns id by barcode of those it created; a
// barcode missing from the answer was created meanwhile by another batch.
func insertTubes(ctx context.Context, q db.Querier, now int64, tubes []*tubeState) (map[string]int64, error) {
	out := map[string]int64{}
	for len(tubes) > 0 {
		n := min(len(tubes), scanChunk)
		args := make([]any, 0, n*7)
		for _, t := range tubes[:n] {
			args = append(args, t.campaignID, t.barcode, t.pointID, t.unit, t.poolSize, now, t.openedBy)
		}
		tubes = tubes[n:]
		rows, err := q.QueryContext(ctx, `INSERT INTO test_tubes (campaign_id, barcode, point_id, unit_code, pool_size, opened_at, opened_by)
			VALUES `+valuesList(n, 7)+` ON CONFLICT (barcode) DO NOTHING RETURNING id, barcode`, args...)
		if err != nil {
			return nil, fmt.Errorf("open tubes: %w", err)
		}
		for rows.Next() {
			var id int64
			var bc string
			if err := rows.Scan(&id, &bc); err != nil {
				rows.Close()
				return nil, fmt.Errorf("open tubes: %w", err)
			}
			out[bc] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("open tubes: %w", err)
		}
	}
	return out, nil
}

// insertSamples inserts the samples of added scans and sets their
// sampleID; those that conflict (a concurrent batch committed the same
// scan_id or person meanwhile) are returned. On PostgreSQL the same
// statement writes the audit rows of the samples it inserted (audited),
// so auditSamples is not needed there.
func insertSamples(ctx context.Context, q db.Querier, now int64, added []*batchScan, audited bool) ([]*batchScan, error) {
	var conflicts []*batchScan
	for len(added) > 0 {
		n := min(len(added), scanChunk)
		part := added[:n]
		added = added[n:]
		var query string
		var args []any
		if audited {
			query, args = auditedSamples(now, part)
		} else {
			args = make([]any, 0, n*9)
			for _, b := range part {
				args = append(args, b.req.ScanID, b.c.ID, b.p.id, b.t.id, b.pt.ID, b.p.unit, boolInt(b.p.groups != 0), now, b.req.Actor.UserID)
			}
			query = `INSERT INTO test_samples (scan_id, campaign_id, person_id, tube_id, point_id, unit_code, key_group,
			sampled_at, sampler_id) VALUES ` + valuesList(n, 9) + ` ON CONFLICT DO NOTHING RETURNING id, scan_id`
		}
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, fmt.Errorf("add samples: %w", err)
		}
		ids := make(map[string]int64, n)
		for rows.Next() {
			var id int64
			var sid string
			if err := rows.Scan(&id, &sid); err != nil {
				rows.Close()
				return nil, fmt.Errorf("add samples: %w", err)
			}
			ids[sid] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("add samples: %w", err)
		}
		for _, b := range part {
			if id, ok := ids[b.req.ScanID]; ok {
				b.sampleID = id
			} else {
				conflicts = append(conflicts, b)
			}
		}
	}
	return conflicts, nil
}

// sampleTypes are the columns of auditedSamples' VALUES: the sample's,
// then its audit row's own.
var sampleTypes = []string{"text", "bigint", "bigint", "bigint", "bigint", "text", "bigint", "bigint", "bigint",
	"text", "text", "text", "text", "text", "text"}

// auditedSamples is PostgreSQL's insert of part's samples together with
// the audit rows (as auditSamples writes them) of those it inserted: one
// statement, where two cost a round trip and an executor start more.
func auditedSamples(now int64, part []*batchScan) (string, []any) {
	args := make([]any, 0, len(part)*len(sampleTypes))
	var b strings.Builder
	for i, s := range part {
		a := s.req.Actor
		args = append(args, s.req.ScanID, s.c.ID, s.p.id, s.t.id, s.pt.ID, s.p.unit, boolInt(s.p.groups != 0), now, a.UserID,
			a.Username, a.Role, a.Unit, "采样登记 试管 "+s.tube, a.IP, a.RequestID)
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j, t := range sampleTypes {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "$%d::%s", i*len(sampleTypes)+j+1, t)
		}
		b.WriteByte(')')
	}
	return `WITH v (scan_id, campaign_id, person_id, tube_id, point_id, unit_code, key_group, sampled_at, sampler_id,
			username, role, actor_unit, summary, ip, request_id) AS (VALUES ` + b.String() + `),
		s AS (INSERT INTO test_samples (scan_id, campaign_id, person_id, tube_id, point_id, unit_code, key_group, sampled_at, sampler_id)
			SELECT scan_id, campaign_id, person_id, tube_id, point_id, unit_code, key_group, sampled_at, sampler_id FROM v
			ON CONFLICT DO NOTHING RETURNING id, scan_id),
		a AS (INSERT INTO audit_log (at, user_id, username, role, actor_unit, action, entity, entity_id, subject_unit, summary, ip, request_id)
			SELECT v.sampled_at, v.sampler_id, v.username, v.role, v.actor_unit, '` + audit.ActionCreate + `', 'sample', s.id::text,
				v.unit_code, v.summary, v.ip, v.request_id
			FROM s JOIN v ON v.scan_id COLLATE "C" = s.scan_id)
		SELECT id, scan_id FROM s`, args
}

// auditSamples writes the audit rows of the added samples, as
// audit.Record would one by one.
func auditSamples(ctx context.Context, q db.Querier, now int64, added []*batchScan) error {
	for len(added) > 0 {
		n := min(len(added), scanChunk)
		args := make([]any, 0, n*12)
		for _, b := range added[:n] {
			a := b.req.Actor
			args = append(args, now, a.UserID, a.Username, a.Role, a.Unit, audit.ActionCreate, "sample", fmt.Sprint(b.sampleID), b.p.unit,
				"采样登记 试管 "+b.tube, a.IP, a.RequestID)
		}
		added = added[n:]
		if _, err := q.ExecContext(ctx, `INSERT INTO audit_log
			(at, user_id, username, role, actor_unit, action, entity, entity_id, subject_unit, summary, ip, request_id)
			VALUES `+valuesList(n, 12), args...); err != nil {
			return fmt.Errorf("audit samples: %w", err)
		}
	}
	return nil
}

// updateTubes writes the counts and closing times of the changed tubes in
// one statement per chunk.
func updateTubes(ctx context.Context, q db.Querier, tubes []*tubeState) error {
	for len(tubes) > 0 {
		n := min(len(tubes), scanChunk)
		// Parameters in the order they appear: (id, count)…, (id, closed)…, id….
		var count, closed strings.Builder
		args := make([]any, 5*n)
		for i, t := range tubes[:n] {
			fmt.Fprintf(&count, " WHEN $%d THEN CAST($%d AS BIGINT)", 2*i+1, 2*i+2)
			fmt.Fprintf(&closed, " WHEN $%d THEN CAST($%d AS BIGINT)", 2*n+2*i+1, 2*n+2*i+2)
			args[2*i], args[2*i+1] = t.id, t.count
			args[2*n+2*i], args[2*n+2*i+1] = t.id, t.closedAt
			args[4*n+i] = t.id
		}
		ids := db.In(n, 4*n+1)
		tubes = tubes[n:]
		if _, err := q.ExecContext(ctx, "UPDATE test_tubes SET count = CASE id"+count.String()+" END, closed_at = CASE id"+closed.String()+
			" END WHERE id IN ("+ids+")", args...); err != nil {
			return fmt.Errorf("fill tubes: %w", err)
		}
	}
	return nil
}
