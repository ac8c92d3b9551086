package db

// SQLite's checkpoints, off the writer. In WAL mode a commit appends the
// transaction's pages to the -wal file; a checkpoint copies them back into
// the database file and syncs both (two fsyncs). SQLite runs one inside the
// commit that takes the log past wal_autocheckpoint pages, so every few
// dozen scan batches the one writer stopped for the copy and the fsyncs
// while every request waited behind it. Here a connection of its own
// checkpoints the log (PASSIVE: it never waits for the writer or a reader)
// every checkpointEvery; the writer's own threshold is raised to
// writerCheckpointPages, a backstop that bounds the log if this one falls
// behind (a long reader can keep the log from being reset either way).

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

const (
	checkpointEvery       = 250 * time.Millisecond
	writerCheckpointPages = 16384 // 64 MiB of 4 KiB pages
)

// checkpointer runs PASSIVE checkpoints on its own connection until stop
// is closed; done is closed when it has returned.
type checkpointer struct {
	conn *sql.DB
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func startCheckpointer(conn *sql.DB) *checkpointer {
	c := &checkpointer{conn: conn, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		// Errors (a busy database, a closed file at shutdown) only delay
		// the copy: the next tick or the writer's backstop does it.
		var busy, logPages, copied int64
		_ = c.conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logPages, &copied)
		cancel()
	}
}

// close stops the loop and closes its connection; it may be called again.
func (c *checkpointer) close() error {
	c.once.Do(func() { close(c.stop) })
	<-c.done
	return c.conn.Close()
}
