package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Responses are compressed (gzip) for clients that accept it when they are
// text: pages, JSON, CSS and scripts. Downloads (an attachment, XLSX, CSV),
// partial content, HEAD answers and bodies already encoded pass as they
// are; a flush (a streaming export) flushes the compressor too.

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return w
}}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip
// (a q=0 refuses it).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// compressible is a content type worth compressing.
func compressible(ct string) bool {
	ct, _, _ = strings.Cut(ct, ";")
	switch strings.TrimSpace(strings.ToLower(ct)) {
	case "text/html", "application/json", "text/css", "text/javascript", "application/javascript", "image/svg+xml",
		"text/plain", "application/yaml":
		return true
	}
	return false
}

// gzipWriter decides at the first write whether to compress.
type gzipWriter struct {
	http.ResponseWriter
	head    bool
	decided bool
	gz      *gzip.Writer
}

func (w *gzipWriter) decide(status int, first []byte) {
	if w.decided {
		return
	}
	w.decided = true
	h := w.Header()
	if h.Get("Content-Type") == "" && first != nil && h.Get("Content-Encoding") == "" {
		h.Set("Content-Type", http.DetectContentType(first))
	}
	if w.head || status < 200 || status == http.StatusNoContent || status == http.StatusNotModified ||
		status == http.StatusPartialContent || h.Get("Content-Encoding") != "" || h.Get("Content-Range") != "" ||
		strings.HasPrefix(h.Get("Content-Disposition"), "attachment") || !compressible(h.Get("Content-Type")) || small(h) {
		return
	}
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	w.gz = gzipPool.Get().(*gzip.Writer)
	w.gz.Reset(w.ResponseWriter)
}

func (w *gzipWriter) WriteHeader(code int) {
	if code >= 200 { // informational answers (103) come before the real one
		w.decide(code, nil)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	w.decide(http.StatusOK, b)
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends what is compressed so far (streaming exports).
func (w *gzipWriter) Flush() {
	if w.gz != nil {
		w.gz.Flush()
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// close ends the compressed stream and returns the compressor to the pool.
func (w *gzipWriter) close() {
	if w.gz == nil {
		return
	}
	w.gz.Close()
	w.gz.Reset(io.Discard)
	gzipPool.Put(w.gz)
	w.gz = nil
}

// withGzip wraps w for r when r accepts gzip; done ends the stream.
func withGzip(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, func()) {
	w.Header().Add("Vary", "Accept-Encoding")
	if !acceptsGzip(r) {
		return w, func() {}
	}
	gw := &gzipWriter{ResponseWriter: w, head: r.Method == http.MethodHead}
	return gw, gw.close
}

// minGzip is the smallest body worth compressing: below it the gzip header
// and the CPU cost more than they save (a scan's answer is ~150 bytes).
const minGzip = 1024

// small reports a body of known length under minGzip.
func small(h http.Header) bool {
	n, err := strconv.Atoi(h.Get("Content-Length"))
	return err == nil && n < minGzip
}
