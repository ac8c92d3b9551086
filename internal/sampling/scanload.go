package sampling

// The reads of a batch (scanbatch.go): its campaigns with their points, its
// people with their earlier samples, and the scan ids recorded before.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"fangkong/internal/db"
	"fangkong/internal/personal"
)

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
	code = normCode(code)
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
func loadPeople(ctx context.Context, q countQ, codes, ids, scanIDs, campaigns []any, byScan map[string]*prevSample,
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
		samples := func() string { return personSamples(q.sqlite, list(campaigns)) }
		if nc > 0 {
			parts = append(parts, `SELECT 0, c.code, `+person+sample+` FROM sampling_codes c JOIN people p ON p.id = c.person_id
				`+samples()+` WHERE c.code IN (`+list(codes[:nc])+")")
		}
		if ni > 0 {
			parts = append(parts, `SELECT 1, p.id_number, `+person+sample+` FROM people p
				`+samples()+` WHERE p.id_number IN (`+list(ids[:ni])+")")
		}
		if ns > 0 {
			parts = append(parts, `SELECT 2, s.scan_id, `+person+sample+` FROM `+byScanID(q.sqlite)+` WHERE s.scan_id IN (`+list(scanIDs[:ns])+")")
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

// personSamples joins a person p to their samples s in the campaigns of
// the IN list, and each sample to its tube t.
//
// On PostgreSQL each is a LATERAL subquery, and OFFSET 0 keeps the planner
// from flattening it into the join: it runs once per person (per sample),
// whatever the statistics say. "campaign_id + 0" keeps the campaign filter
// off the indexes, so the person's index is the one used. Without these, on
// the statistics of an empty test_samples (as at the start of a testing
// round, and for good where autovacuum is off), the plain join was planned
// as one scan of the campaign's samples, kept in memory and compared with
// every person of the batch: 40 ms a batch at 40,000 samples, growing with
// them. SQLite plans the plain join as nested lookups.
func personSamples(sqlite bool, campaigns string) string {
	if sqlite {
		return `LEFT JOIN test_samples s ON s.person_id = p.id AND s.campaign_id IN (` + campaigns + `)
			LEFT JOIN test_tubes t ON t.id = s.tube_id`
	}
	return `LEFT JOIN LATERAL (SELECT s.id, s.scan_id, s.campaign_id, s.sampled_at, s.tube_id FROM test_samples s
			WHERE s.person_id = p.id AND s.campaign_id + 0 IN (` + campaigns + `) OFFSET 0) s ON true
		LEFT JOIN LATERAL (SELECT t.barcode, t.count, t.pool_size, t.closed_at FROM test_tubes t WHERE t.id = s.tube_id OFFSET 0) t ON true`
}

// byScanID is the FROM of the samples s looked up by scan_id, with their
// tube t and person p: on PostgreSQL read by their keys in LATERAL
// subqueries (personSamples), not by hashing every tube of the county as a
// plan on stale statistics did.
func byScanID(sqlite bool) string {
	if sqlite {
		return `test_samples s JOIN test_tubes t ON t.id = s.tube_id JOIN people p ON p.id = s.person_id`
	}
	return `test_samples s
		CROSS JOIN LATERAL (SELECT t.barcode, t.count, t.pool_size, t.closed_at FROM test_tubes t WHERE t.id = s.tube_id OFFSET 0) t
		CROSS JOIN LATERAL (SELECT p.id, p.name, p.unit_code, p.active, p.groups FROM people p WHERE p.id = s.person_id OFFSET 0) p`
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
