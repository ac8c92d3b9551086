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
//	6. their audit rows                             (one multi-row INSERT; on PostgreSQL part of 5)
//	7. the tube counts                              (one UPDATE … CASE id …)
//
// With BEGIN and COMMIT, seven round trips on PostgreSQL and eight
// statements on SQLite (nine for a batch that opens tubes). On PostgreSQL
// the batches run on connections of their own that plan each statement
// once (db.InBatchTx), and the samples' INSERT writes their audit rows in a
// data-modifying WITH (scanwrite.go); the people's earlier samples are
// read by key in LATERAL subqueries (scanload.go), so the plan does not
// depend on statistics.
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
	"strconv"
	"strings"
	"sync/atomic"

	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
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
