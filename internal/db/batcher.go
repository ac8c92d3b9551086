package db

// Group commit (批量提交). Concurrent requests each enqueue their item and
// wait; a writer goroutine takes whatever is queued (up to maxBatch),
// applies it in ONE transaction, commits, and only then answers every
// waiter: a success answer always means the row is durable (WAL with
// synchronous=NORMAL on SQLite survives kill -9; PostgreSQL commits with
// synchronous_commit on). The queue is bounded: when it is full the caller
// gets *Busy (errs.ErrTooMany, HTTP 429 with Retry-After) at once instead
// of waiting.
//
// With several instances on one PostgreSQL database each instance batches
// its own traffic; unique indexes are the backstop against duplicates
// across instances, and InTx retries serialization failures. If a batch
// fails as a whole (one bad item, a unique violation raised by a
// concurrent instance), each item of it is applied again in its own
// transaction, so only the faulty item gets the error.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"fangkong/internal/errs"
)

// Busy is the overload answer: the queue is full; retry after After.
type Busy struct{ After time.Duration }

func (e *Busy) Error() string { return "服务器繁忙，请稍后重试: " + errs.ErrTooMany.Error() }

// Unwrap makes a Busy an errs.ErrTooMany (HTTP 429).
func (e *Busy) Unwrap() error { return errs.ErrTooMany }

// RetryAfter is how long the client should wait (the Retry-After header).
func (e *Busy) RetryAfter() time.Duration { return e.After }

// BatchApply writes a batch inside tx and returns one result per item, in
// order. It runs in InBatchTx: on PostgreSQL its statements are planned once
// per connection (generic plans), so they should be key lookups and inserts. It must be repeatable: InTx may run it again after a conflict, and
// a failed batch is applied again item by item. On PostgreSQL several
// batches run at once: an apply that locks rows should lock them in one
// order (the scans sort by tube), or concurrent batches deadlock and wait
// for PostgreSQL's one-second deadlock check before InTx retries them.
type BatchApply[T, R any] func(ctx context.Context, tx *sql.Tx, items []T) ([]R, error)

// BatchStats counts what a Batcher did: batches committed (or failed as a
// whole), the items in them, and the items refused because the queue was
// full; and how long its writers spent in transactions (Busy: from asking
// for the connection to the commit, retries included) and, of that, in
// the apply (Applying), summed over its Writers. Busy against the wall
// time times Writers says whether the writers are the bound.
type BatchStats struct {
	Batches, Items, Rejected int64
	Busy, Applying           time.Duration
	Writers                  int
}

// Batcher is a group-commit queue in front of one BatchApply.
type Batcher[T, R any] struct {
	db       *DB
	name     string // prefixes its own errors, e.g. "scan"
	apply    BatchApply[T, R]
	queue    chan *waiter[T, R]
	maxBatch int
	// linger waits this long for more items when the queue is empty but
	// the previous batch had several; zero (the default: waiting measured
	// slower for scans, as the writer is the bottleneck) takes what is
	// queued.
	linger time.Duration

	mu      sync.Mutex
	running int // writer goroutines draining the queue
	// writers bounds them: one on SQLite (a single writer connection), a
	// few on PostgreSQL, where a transaction waits on network round trips
	// and concurrent batches overlap (row locks order them; deadlocks and
	// serialization failures are retried by InTx).
	writers int

	batches, items, rejected atomic.Int64
	busy, applying           atomic.Int64 // nanoseconds
}

type waiter[T, R any] struct {
	ctx  context.Context
	item T
	res  R
	err  error
	done chan struct{}
}

// NewBatcher returns a Batcher on d with a queue of queueLen items and
// batches of at most maxBatch (defaults 4096 and 512 when not positive).
// name prefixes the errors it makes itself ("scan: context canceled").
func NewBatcher[T, R any](d *DB, name string, apply BatchApply[T, R], queueLen, maxBatch int) *Batcher[T, R] {
	if queueLen <= 0 {
		queueLen = 4096
	}
	if maxBatch <= 0 {
		maxBatch = 512
	}
	writers := 1
	if d.Dialect == Postgres {
		writers = 6
	}
	return &Batcher[T, R]{db: d, name: name, apply: apply, queue: make(chan *waiter[T, R], queueLen), maxBatch: maxBatch, writers: writers}
}

// SetLinger makes the writer wait up to d for more items when the queue
// runs empty under load (a bigger batch, fewer commits, more latency). Call
// it before the first Submit.
func (b *Batcher[T, R]) SetLinger(d time.Duration) { b.linger = d }

// SetWriters bounds the writer goroutines (on SQLite there is always one:
// a single write connection). An apply whose statements do not grow with
// the batch does better with few writers and bigger batches. Call it before
// the first Submit.
func (b *Batcher[T, R]) SetWriters(n int) {
	if n > 0 && b.db.Dialect == Postgres {
		b.writers = n
	}
}

// Stats reports the counters (for /metrics and benchmarks).
func (b *Batcher[T, R]) Stats() BatchStats {
	b.mu.Lock()
	writers := b.writers
	b.mu.Unlock()
	return BatchStats{Batches: b.batches.Load(), Items: b.items.Load(), Rejected: b.rejected.Load(),
		Busy: time.Duration(b.busy.Load()), Applying: time.Duration(b.applying.Load()), Writers: writers}
}

// Queue reports the items waiting in the queue (not yet taken into a batch)
// and its capacity: at capacity, Submit answers *Busy.
func (b *Batcher[T, R]) Queue() (queued, capacity int) { return len(b.queue), cap(b.queue) }

// Submit enqueues item and waits until its batch has committed (or failed).
// A full queue is *Busy at once. If ctx ends first the item may still be
// committed later; the caller got no success answer and retries with the
// same idempotency key. The batch commits on its own, never inside the
// caller's transaction: Submit from inside an InTx is refused (on SQLite
// it would wait for ever for the write connection the caller holds).
func (b *Batcher[T, R]) Submit(ctx context.Context, item T) (R, error) {
	var zero R
	if b.db.InTransaction(ctx) {
		return zero, fmt.Errorf("%s: group commit submitted inside a transaction", b.name)
	}
	w := &waiter[T, R]{ctx: ctx, item: item, done: make(chan struct{})}
	select {
	case b.queue <- w:
	default:
		b.rejected.Add(1)
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
		return zero, fmt.Errorf("%s: %w", b.name, ctx.Err())
	}
}

// drain is the writer: it runs batches while the queue has items, then
// exits (a new one starts with the next Submit), so an idle service holds
// no goroutine.
func (b *Batcher[T, R]) drain() {
	batch := make([]*waiter[T, R], 0, b.maxBatch)
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
func (b *Batcher[T, R]) take(batch []*waiter[T, R], prev int) []*waiter[T, R] {
	var timer <-chan time.Time
	for len(batch) < b.maxBatch {
		var w *waiter[T, R]
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
			w.err = fmt.Errorf("%s: %w", b.name, w.ctx.Err())
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
func (b *Batcher[T, R]) run(batch []*waiter[T, R]) {
	// One caller's cancelled request must not abort its neighbours' commit.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	items := make([]T, len(batch))
	for i, w := range batch {
		items[i] = w.item
	}
	res, err := b.tx(ctx, items)
	if err == nil && len(res) != len(batch) {
		err = fmt.Errorf("%s batch: %d results for %d items", b.name, len(res), len(batch))
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
		res, err := b.tx(ctx, []T{w.item})
		if err == nil && len(res) != 1 {
			err = errors.New(b.name + ": no result")
		}
		if err == nil {
			w.res = res[0]
		}
		w.err = err
		close(w.done)
	}
}

func (b *Batcher[T, R]) tx(ctx context.Context, items []T) ([]R, error) {
	var res []R
	start := time.Now()
	defer func() { b.busy.Add(int64(time.Since(start))) }()
	err := b.db.InBatchTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		t0 := time.Now()
		res, err = b.apply(ctx, tx, items)
		b.applying.Add(int64(time.Since(t0)))
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
