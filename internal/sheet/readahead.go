package sheet

import (
	"io"
)

const (
	readAheadChunk  = 256 << 10
	readAheadChunks = 4
)

// readAhead reads from an io.Reader in a goroutine of its own, a few chunks
// ahead of the consumer, so that decompressing a worksheet runs in parallel
// with parsing it.
type readAhead struct {
	full   chan chunk  // chunks read, in order; the last one has an error
	free   chan []byte // buffers to read into
	quit   chan struct{}
	done   chan struct{}
	cur    []byte // unread part of the current chunk
	curBuf []byte // the current chunk's buffer, to give back
	err    error
}

type chunk struct {
	b   []byte
	err error
}

func newReadAhead(r io.Reader) *readAhead {
	a := &readAhead{
		full: make(chan chunk, readAheadChunks),
		free: make(chan []byte, readAheadChunks),
		quit: make(chan struct{}),
		done: make(chan struct{}),
	}
	for range readAheadChunks {
		a.free <- make([]byte, readAheadChunk)
	}
	go a.run(r)
	return a
}

func (a *readAhead) run(r io.Reader) {
	defer close(a.done)
	for {
		var buf []byte
		select {
		case buf = <-a.free:
		case <-a.quit:
			return
		}
		n, err := io.ReadFull(r, buf)
		if err == io.ErrUnexpectedEOF {
			err = io.EOF // a short last chunk
		}
		select {
		case a.full <- chunk{buf[:n], err}:
		case <-a.quit:
			return
		}
		if err != nil {
			return
		}
	}
}

func (a *readAhead) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		if a.curBuf != nil {
			a.free <- a.curBuf[:cap(a.curBuf)]
		}
		c := <-a.full
		a.cur, a.curBuf, a.err = c.b, c.b, c.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// Close stops the goroutine; it does not close the underlying reader, which
// is safe to close once Close returns.
func (a *readAhead) Close() error {
	close(a.quit)
	<-a.done
	return nil
}
