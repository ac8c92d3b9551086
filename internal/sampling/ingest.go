package sampling

// Group commit of scans (批量提交). Concurrent requests each enqueue their
// item and wait; one writer goroutine per batcher takes whatever is queued
// (up to maxBatch), applies it in ONE transaction, commits, and only then
// answers every waiter: a success answer always means the row is durable
// (WAL with synchronous=NORMAL on SQLite survives kill -9; PostgreSQL
// commits with synchronous_commit on). The queue is bounded: when it is full
// the caller gets ErrBusy (429 with Retry-After) at once instead of waiting.
//
// With several instances on one PostgreSQL database each instance batches
// its own traffic; the unique indexes of the scan tables are the backstop
// against duplicates across instances, and db.Tx retries serialization
// failures. If a batch fails as a whole (one bad item, a unique violation
// raised by a concurrent instance), each item of it is applied again in its
// own transaction, so only the faulty item gets the error.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/errs"
)

// Scan queue bounds: at ~20,000 scans/s a full queue is ~200 ms of work.
const (
	scanQueueLen = 4096
	scanBatchMax = 512
)

// SetScanLinger makes the scan writer wait up to d for more scans when the
// queue runs empty under load (a bigger batch, fewer commits, more latency).
// Call it before the first scan.
func (s *Service) SetScanLinger(d time.Duration) { s.ingest.linger = d }

// IngestStats reports the batches committed, the scans in them and the
// scans refused because the queue was full.
func (s *Service) IngestStats() (batches, scans, rejected int64) {
	return s.ingest.batches.Load(), s.ingest.items.Load(), s.ingest.rejected.Load()
}

// Busy is the overload answer: the queue is full; retry after After.
type Busy struct{ After time.Duration }

func (e *Busy) Error() string { return "服务器繁忙，请稍后重试: " + errs.ErrTooMany.Error() }

// Unwrap makes a Busy an errs.ErrTooMany (HTTP 429).
func (e *Busy) Unwrap() error { return errs.ErrTooMany }

// RetryAfter is how long the client should wait (the Retry-After header).
func (e *Busy) RetryAfter() time.Duration { return e.After }

// batchApply writes a batch inside tx and returns one result per item, in
// order. It must be repeatable: db.Tx may run it again after a conflict.
type batchApply[Q, R any] func(ctx context.Context, tx *sql.Tx, items []Q) ([]R, error)

// batcher is a group-commit queue in front of one batchApply.
type batcher[Q, R any] struct {
	db       *db.DB
	apply    batchApply[Q, R]
	queue    chan *waiter[Q, R]
	maxBatch int
	// linger waits this long for more items when the queue is empty but
	// the previous batch had several; zero (the default: waiting measured
	// slower here, as the writer is the bottleneck) takes what is queued.
	linger time.Duration

	mu      sync.Mutex
	running int // writer goroutines draining the queue
	// writers bounds them: one on SQLite (a single writer connection), a
	// few on PostgreSQL, where a transaction waits on network round trips
	// and concurrent batches overlap (row locks order them; deadlocks and
	// serialization failures are retried by db.Tx).
	writers int

	// Counters for /metrics and the benchmark.
	batches, items, rejected atomic.Int64
}

type waiter[Q, R any] struct {
	ctx  context.Context
	item Q
	res  R
	err  error
	done chan struct{}
}

// newBatcher returns a batcher with a queue of queueLen items.
func newBatcher[Q, R any](d *db.DB, apply batchApply[Q, R], queueLen, maxBatch int) *batcher[Q, R] {
	if queueLen <= 0 {
		queueLen = 4096
	}
	if maxBatch <= 0 {
		maxBatch = 512
	}
	writers := 1
	if d.Dialect == db.Postgres {
		writers = 6
	}
	return &batcher[Q, R]{db: d, apply: apply, queue: make(chan *waiter[Q, R], queueLen), maxBatch: maxBatch, writers: writers}
}

// submit enqueues item and waits until its batch has committed (or failed).
// A full queue is ErrBusy at once. If ctx ends first the item may still be
// committed later; the caller got no success answer and retries with the
// same idempotency key.
func (b *batcher[Q, R]) submit(ctx context.Context, item Q) (R, error) {
	w := &waiter[Q, R]{ctx: ctx, item: item, done: make(chan struct{})}
	select {
	case b.queue <- w:
	default:
		b.rejected.Add(1)
		var zero R
		return zero, &Busy{After: time.Second}
	}
	b.mu.Lock()
	if b.running < b.writers {
		b.running++
		go b.drain()
	}
	b.mu.Unlock()
	select {
	case <-w.done:
		return w.res, w.err
	case <-ctx.Done():
		var zero R
		return zero, fmt.Errorf("scan: %w", ctx.Err())
	}
}

// drain is the writer: it runs batches while the queue has items, then
// exits (a new one starts with the next submit), so an idle service holds
// no goroutine.
func (b *batcher[Q, R]) drain() {
	batch := make([]*waiter[Q, R], 0, b.maxBatch)
	prev := 0
	for {
		batch = batch[:0]
		batch = b.take(batch, prev)
		if len(batch) == 0 {
			b.mu.Lock()
			if len(b.queue) > 0 { // arrived between take and Lock
				b.mu.Unlock()
				continue
			}
			b.running--
			b.mu.Unlock()
			return
		}
		prev = len(batch)
		b.run(batch)
	}
}

// take moves up to maxBatch queued waiters into batch, skipping those whose
// caller has gone (nothing is written for them).
func (b *batcher[Q, R]) take(batch []*waiter[Q, R], prev int) []*waiter[Q, R] {
	var timer <-chan time.Time
	for len(batch) < b.maxBatch {
		var w *waiter[Q, R]
		select {
		case w = <-b.queue:
		default:
			if prev <= 1 || b.linger <= 0 || len(batch) == 0 {
				return batch
			}
			if timer == nil {
				timer = time.After(b.linger)
			}
			select {
			case w = <-b.queue:
			case <-timer:
				return batch
			}
		}
		if w.ctx.Err() != nil {
			w.err = fmt.Errorf("scan: %w", w.ctx.Err())
			close(w.done)
			continue
		}
		batch = append(batch, w)
	}
	return batch
}

// run applies a batch in one transaction and answers its waiters after the
// commit. A failed batch is split: every item is applied alone, so one bad
// item cannot fail its neighbours.
func (b *batcher[Q, R]) run(batch []*waiter[Q, R]) {
	// One caller's cancelled request must not abort its neighbours' commit.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	items := make([]Q, len(batch))
	for i, w := range batch {
		items[i] = w.item
	}
	res, err := b.tx(ctx, items)
	if err == nil && len(res) != len(batch) {
		err = fmt.Errorf("scan batch: %d results for %d items", len(res), len(batch))
	}
	b.batches.Add(1)
	b.items.Add(int64(len(batch)))
	if err == nil {
		for i, w := range batch {
			w.res = res[i]
			close(w.done)
		}
		return
	}
	if len(batch) == 1 {
		batch[0].err = err
		close(batch[0].done)
		return
	}
	for _, w := range batch {
		res, err := b.tx(ctx, []Q{w.item})
		if err == nil && len(res) != 1 {
			err = errors.New("scan: no result")
		}
		if err == nil {
			w.res = res[0]
		}
		w.err = err
		close(w.done)
	}
}

func (b *batcher[Q, R]) tx(ctx context.Context, items []Q) ([]R, error) {
	var res []R
	err := b.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = b.apply(ctx, tx, items)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
