package sampling

// Scans are group-committed (批量提交) by a db.Batcher: concurrent scans
// are applied in one transaction by one writer and answered after the
// commit; a full queue answers *Busy (429 with Retry-After) at once.

import (
	"time"

	"fangkong/internal/db"
)

// Scan queue bounds: at ~20,000 scans/s a full queue is ~200 ms of work.
const (
	scanQueueLen = 4096
	scanBatchMax = 512
	// scanWriters are the batches applied at once on PostgreSQL: a batch
	// costs the same few statements whatever its size (scanbatch.go), so
	// fewer writers with bigger batches spend less per scan.
	scanWriters = 3
)

// SetScanWriters sets the batches applied at once on PostgreSQL
// (experiments; SQLite has one writer). Call it before the first scan.
func (s *Service) SetScanWriters(n int) { s.ingest.SetWriters(n) }

// SetScanLinger makes the scan writer wait up to d for more scans when the
// queue runs empty under load (a bigger batch, fewer commits, more latency).
// Call it before the first scan.
func (s *Service) SetScanLinger(d time.Duration) { s.ingest.SetLinger(d) }

// IngestStats reports the batches committed, the scans in them and the
// scans refused because the queue was full.
func (s *Service) IngestStats() (batches, scans, rejected int64) {
	st := s.ingest.Stats()
	return st.Batches, st.Items, st.Rejected
}

// IngestTimes reports how long the scan writers spent in transactions and,
// of that, applying the batches, summed over writers (db.BatchStats).
func (s *Service) IngestTimes() (busy, applying time.Duration, writers int) {
	st := s.ingest.Stats()
	return st.Busy, st.Applying, st.Writers
}

// ScanStatements reports the scan batches applied (each try of a batch and
// each item of a failed batch applied alone counts) and the statements
// they sent, BEGIN and COMMIT included: on PostgreSQL, round trips.
func (s *Service) ScanStatements() (batches, statements int64) {
	return s.scanBatches.Load(), s.scanStmts.Load()
}

// ScanQueue reports the scans waiting for a writer and the queue's
// capacity (a full queue answers *Busy).
func (s *Service) ScanQueue() (queued, capacity int) { return s.ingest.Queue() }

// Busy is the overload answer: the scan queue is full; retry after After.
type Busy = db.Busy
