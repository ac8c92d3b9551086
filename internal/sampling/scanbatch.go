package sampling

// A batch of scans is applied set-based (批量登记): a fixed number of
// statements whatever its size (up to scanChunk scans per statement):
//
//	1. the batch's campaigns and their points       (one SELECT … WHERE id IN)
//	2. its tubes: SQLite reads them; PostgreSQL locks them, and creates the
//	   missing ones, in barcode order in one INSERT … ON CONFLICT DO UPDATE
//	3. its people, by sampling code or ID number, with the samples already
//	   recorded for them or for its scan_ids (idempotency): one SELECT, read
//	   after the tube locks, so a copy of a scan committed by the batch we
//	   waited for is seen
//	4. SQLite: the new tubes                        (one multi-row INSERT, only when there are any)
//	5. the samples                                  (one multi-row INSERT … ON CONFLICT DO NOTHING RETURNING)
//	6. their audit rows                             (one multi-row INSERT)
//	7. the tube counts                              (one UPDATE … CASE id …)
//
// With BEGIN and COMMIT, seven round trips on PostgreSQL (six statements
// and one fewer round trip on SQLite for a batch that opens no tube).
// Every scan is decided in Go between 3 and 4 (decide, scandecide.go) with
// the same rules and answers as one scan at a time: refusals, replays,
// people sampled earlier (in the database or earlier in the batch), pool
// capacity and new tubes. Rare races with a concurrent batch (PostgreSQL
// runs several writers, and several instances may share a database) cost a
// few more statements: a sample another batch committed meanwhile is read
// back as previous and the batch is decided again; a tube created
// speculatively and not used is deleted, one opened for a scan of another
// point or round than the first is corrected. Walk-ins (walkin.go) are few
// and keep the scan-at-a-time path, after the others.

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// scanChunk bounds the rows or IN-list values of one statement: 512 scans
// (the batcher's largest batch) times 12 columns of an audit row stays far
// below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const scanChunk = 512

// countQ counts the statements sent through it (round trips on
// PostgreSQL). On SQLite it rewrites $1, $2, … $n, when they come in that
// order, as plain ? (others as ?N): SQLite looks every $N, and the driver
// every parameter's name, up among those before it, which costs the square
// of a statement's parameters — 18 million comparisons for the audit rows
// of 500 scans. The batch's statements are written to number their
// parameters in order.
//
// On SQLite a statement of a small batch goes through the service's cache
// of prepared statements (prepared: the SQLite writer compiles it once, not
// once a batch); the texts of bigger batches vary too much to keep.
type countQ struct {
	q      db.Querier
	n      *atomic.Int64
	sqlite bool
	cached db.Querier // SQLite: the statement cache on the same tx
}

// cachedText bounds the statements kept prepared: those of batches of up
// to a few dozen scans.
const cachedText = 4096

func (c countQ) on(query string) db.Querier {
	if c.cached != nil && len(query) <= cachedText {
		return c.cached
	}
	return c.q
}

func (c countQ) text(query string) string {
	if !c.sqlite || !strings.Contains(query, "$") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query))
	next := 1
	for i := 0; i < len(query); i++ {
		if query[i] != '$' {
			b.WriteByte(query[i])
			continue
		}
		j := i + 1
		for j < len(query) && query[j] >= '0' && query[j] <= '9' {
			j++
		}
		if n, err := strconv.Atoi(query[i+1 : j]); err != nil || n != next {
			return strings.ReplaceAll(query, "$", "?") // out of order: numbered
		}
		next++
		b.WriteByte('?')
		i = j - 1
	}
	return b.String()
}

func (c countQ) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n.Add(1)
	query = c.text(query)
	return c.on(query).QueryContext(ctx, query, args...)
}

func (c countQ) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	c.n.Add(1)
	query = c.text(query)
	return c.on(query).QueryRowContext(ctx, query, args...)
}

func (c countQ) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	c.n.Add(1)
	query = c.text(query)
	return c.on(query).ExecContext(ctx, query, args...)
}

// Kinds of a scan in a batch.
const (
	kindDone   = iota // answered (refused) before any lookup
	kindPerson        // a person into a tube
	kindOpen          // a tube without a person: open or show the pool
	kindWalkin        // a walk-in: scan-at-a-time path
)

// batchScan is one scan of a batch on its way through the phases.
type batchScan struct {
	idx  int         // position in the batch
	req  ScanRequest // ScanID trimmed
	tube string
	kind int
	c    *Campaign
	pt   *Point
	area jurisdiction.Scope
	// idNumber is set when Code is looked up as an ID number, code when it
	// is a sampling code; neither when it cannot be a valid one.
	idNumber, code string
	p              *scanPerson
	res            ScanResult
	// ref is the scan of this batch whose sample res replays (its id is
	// known after the insert).
	ref *batchScan
	// sampleID is this scan's sample once inserted.
	sampleID int64
	t        *tubeState // the tube it took a place in (added)
}

// pad repeats the last value up to the next power of two, so an IN list
// has few distinct texts (prepared statements on both engines).
func pad(vals []any) []any {
	n := 1
	for n < len(vals) {
		n *= 2
	}
	for len(vals) < n {
		vals = append(vals, vals[len(vals)-1])
	}
	return vals
}

// inChunks runs fn over vals in padded chunks of at most scanChunk.
func inChunks(vals []any, fn func(chunk []any) error) error {
	for len(vals) > 0 {
		n := min(len(vals), scanChunk)
		chunk := pad(append([]any(nil), vals[:n]...))
		if err := fn(chunk); err != nil {
			return err
		}
		vals = vals[n:]
	}
	return nil
}

// loadCampaigns fills sc's caches with the batch's campaigns and, in the
// same statement, those of its points that belong to them (absent ones as
// nil: a point of another campaign is refused like a missing one).
func (s *Service) loadCampaigns(ctx context.Context, q db.Querier, sc *scanCtx, ids, points []any) error {
	for _, id := range ids {
		sc.campaigns[id.(int64)] = nil
	}
	for _, id := range points {
		sc.points[id.(int64)] = nil
	}
	if len(points) == 0 {
		points = []any{int64(0)}
	}
	// One statement for a batch: at most scanChunk campaigns and points.
	return inChunks(points, func(pts []any) error {
		return inChunks(ids, func(c []any) error {
			rows, err := q.QueryContext(ctx, "SELECT "+campaignColumns+`, COALESCE(p.id, 0), COALESCE(p.unit_code, ''), COALESCE(p.name, '')
				FROM test_campaigns c LEFT JOIN units u ON u.code = c.unit_code
				LEFT JOIN test_points p ON p.campaign_id = c.id AND p.id IN (`+db.In(len(pts), 1)+`)
				WHERE c.id IN (`+db.In(len(c), len(pts)+1)+")", append(append([]any(nil), pts...), c...)...)
			if err != nil {
				return fmt.Errorf("campaigns: %w", err)
			}
			defer rows.Close()
			for rows.Next() {
				var p Point
				c, err := scanCampaign(extraScan{rows, []any{&p.ID, &p.UnitCode, &p.Name}})
				if err != nil {
					return fmt.Errorf("campaigns: %w", err)
				}
				if sc.campaigns[c.ID] == nil {
					sc.campaigns[c.ID] = &c
				}
				if p.ID != 0 {
					p.CampaignID = c.ID
					sc.points[p.ID] = &p
				}
			}
			return rows.Err()
		})
	})
}

// extraScan scans a row's leading columns with a scan function and the
// columns after them into extra.
type extraScan struct {
	rows  *sql.Rows
	extra []any
}

func (e extraScan) Scan(dest ...any) error { return e.rows.Scan(append(dest, e.extra...)...) }

// personKey says how lookupPerson would look code up: as an ID number, as
// a sampling code, or not at all (an 18-digit code that is no valid ID
// number is nobody).
func personKey(code string) (idNumber, sampling string) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) == 18 && code[0] >= '0' && code[0] <= '9' {
		id, err := personal.NormalizeIDNumber(code)
		if err != nil {
			return "", ""
		}
		return id, ""
	}
	return "", code
}

// prevSample is a sample recorded before this batch, or earlier in it
// (origin).
type prevSample struct {
	id, campaignID, personID int64
	scanID                   string
	sampledAt                int64
	tube                     string
	count, poolSize          int
	closed                   int64
	name                     string
	origin                   *batchScan
}

// loadPeople resolves the batch's sampling codes and ID numbers and reads,
// in the same statement, the samples already recorded for its people in
// its campaigns or under its scan_ids (idempotency).
func loadPeople(ctx context.Context, q db.Querier, codes, ids, scanIDs, campaigns []any, byScan map[string]*prevSample,
	byPerson map[[2]int64]*prevSample) (byCode, byID map[string]*scanPerson, err error) {
	byCode, byID = map[string]*scanPerson{}, map[string]*scanPerson{}
	if len(codes)+len(ids)+len(scanIDs) == 0 {
		return byCode, byID, nil
	}
	if len(campaigns) > scanChunk {
		return nil, nil, fmt.Errorf("look up people: %d campaigns in a batch", len(campaigns))
	}
	const sample = `COALESCE(s.id, 0), COALESCE(s.scan_id, ''), COALESCE(s.campaign_id, 0), COALESCE(s.sampled_at, 0),
		COALESCE(t.barcode, ''), COALESCE(t.count, 0), COALESCE(t.pool_size, 0), COALESCE(t.closed_at, 0)`
	const person = `p.id, p.name, p.unit_code, p.active, p.groups, `
	for len(codes) > 0 || len(ids) > 0 || len(scanIDs) > 0 {
		nc, ni, ns := min(len(codes), scanChunk), min(len(ids), scanChunk), min(len(scanIDs), scanChunk)
		var args []any
		var parts []string
		list := func(vals []any) string {
			v := pad(append([]any(nil), vals...))
			first := len(args) + 1
			args = append(args, v...)
			return db.In(len(v), first)
		}
		// The campaigns again in each part: parameters numbered in order.
		inCampaigns := func() string { return list(campaigns) }
		if nc > 0 {
			parts = append(parts, `SELECT 0, c.code, `+person+sample+` FROM sampling_codes c JOIN people p ON p.id = c.person_id
				LEFT JOIN test_samples s ON s.person_id = p.id AND s.campaign_id IN (`+inCampaigns()+`) LEFT JOIN test_tubes t ON t.id = s.tube_id
				WHERE c.code IN (`+list(codes[:nc])+")")
		}
		if ni > 0 {
			parts = append(parts, `SELECT 1, p.id_number, `+person+sample+` FROM people p
				LEFT JOIN test_samples s ON s.person_id = p.id AND s.campaign_id IN (`+inCampaigns()+`) LEFT JOIN test_tubes t ON t.id = s.tube_id
				WHERE p.id_number IN (`+list(ids[:ni])+")")
		}
		if ns > 0 {
			parts = append(parts, `SELECT 2, s.scan_id, `+person+sample+` FROM test_samples s JOIN test_tubes t ON t.id = s.tube_id
				JOIN people p ON p.id = s.person_id WHERE s.scan_id IN (`+list(scanIDs[:ns])+")")
		}
		codes, ids, scanIDs = codes[nc:], ids[ni:], scanIDs[ns:]
		rows, err := q.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
		if err != nil {
			return nil, nil, fmt.Errorf("look up people: %w", err)
		}
		for rows.Next() {
			var kind, active int64
			var key string
			p, ps := &scanPerson{}, &prevSample{}
			if err := rows.Scan(&kind, &key, &p.id, &p.name, &p.unit, &active, &p.groups,
				&ps.id, &ps.scanID, &ps.campaignID, &ps.sampledAt, &ps.tube, &ps.count, &ps.poolSize, &ps.closed); err != nil {
				rows.Close()
				return nil, nil, fmt.Errorf("look up people: %w", err)
			}
			p.active = active == 1
			switch kind {
			case 0:
				byCode[key] = p
			case 1:
				byID[key] = p
			}
			if ps.id != 0 {
				ps.personID, ps.name = p.id, p.name
				byScan[ps.scanID] = ps
				byPerson[[2]int64{ps.campaignID, ps.personID}] = ps
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, fmt.Errorf("look up people: %w", err)
		}
	}
	return byCode, byID, nil
}

// loadPrevious reads the samples recorded for scanIDs or for personIDs
// (in any campaign; the caller matches the campaign) into the two maps.
func loadPrevious(ctx context.Context, q db.Querier, scanIDs, personIDs []any, byScan map[string]*prevSample, byPerson map[[2]int64]*prevSample) error {
	const cols = `SELECT s.id, s.scan_id, s.campaign_id, s.person_id, s.sampled_at, t.barcode, t.count, t.pool_size, t.closed_at, p.name
		FROM test_samples s JOIN test_tubes t ON t.id = s.tube_id JOIN people p ON p.id = s.person_id WHERE `
	for len(scanIDs) > 0 || len(personIDs) > 0 {
		ns, np := min(len(scanIDs), scanChunk), min(len(personIDs), scanChunk)
		var parts []string
		var args []any
		if ns > 0 {
			v := pad(append([]any(nil), scanIDs[:ns]...))
			parts = append(parts, cols+"s.scan_id IN ("+db.In(len(v), 1)+")")
			args = append(args, v...)
		}
		if np > 0 {
			v := pad(append([]any(nil), personIDs[:np]...))
			parts = append(parts, cols+"s.person_id IN ("+db.In(len(v), len(args)+1)+")")
			args = append(args, v...)
		}
		scanIDs, personIDs = scanIDs[ns:], personIDs[np:]
		rows, err := q.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
		if err != nil {
			return fmt.Errorf("earlier samples: %w", err)
		}
		for rows.Next() {
			p := &prevSample{}
			if err := rows.Scan(&p.id, &p.scanID, &p.campaignID, &p.personID, &p.sampledAt, &p.tube, &p.count, &p.poolSize, &p.closed, &p.name); err != nil {
				rows.Close()
				return fmt.Errorf("earlier samples: %w", err)
			}
			byScan[p.scanID] = p
			byPerson[[2]int64{p.campaignID, p.personID}] = p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("earlier samples: %w", err)
		}
	}
	return nil
}

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
// scan_id or person meanwhile) are returned.
func insertSamples(ctx context.Context, q db.Querier, now int64, added []*batchScan) ([]*batchScan, error) {
	var conflicts []*batchScan
	for len(added) > 0 {
		n := min(len(added), scanChunk)
		part := added[:n]
		added = added[n:]
		args := make([]any, 0, n*9)
		for _, b := range part {
			args = append(args, b.req.ScanID, b.c.ID, b.p.id, b.t.id, b.pt.ID, b.p.unit, boolInt(b.p.groups != 0), now, b.req.Actor.UserID)
		}
		rows, err := q.QueryContext(ctx, `INSERT INTO test_samples (scan_id, campaign_id, person_id, tube_id, point_id, unit_code, key_group,
			sampled_at, sampler_id) VALUES `+valuesList(n, 9)+` ON CONFLICT DO NOTHING RETURNING id, scan_id`, args...)
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
