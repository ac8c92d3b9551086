package web

import (
	"fmt"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// metrics keeps per-instance request counters for /metrics (Prometheus text).
type metrics struct {
	mu       sync.Mutex
	requests map[[2]string]*routeStats // route, status class
	rejected atomic.Int64
	shed     *atomic.Int64 // heavy requests shed (shed.go), part of rejected
	start    time.Time
	// more appends counters of other parts (the scan batcher).
	more func(b *strings.Builder)
}

type routeStats struct {
	count   int64
	seconds float64
}

func newMetrics() *metrics {
	return &metrics{requests: map[[2]string]*routeStats{}, start: time.Now()}
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	key := [2]string{route, strconv.Itoa(status)}
	m.mu.Lock()
	st := m.requests[key]
	if st == nil {
		st = &routeStats{}
		m.requests[key] = st
	}
	st.count++
	st.seconds += d.Seconds()
	m.mu.Unlock()
}

func (m *metrics) serve(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	m.mu.Lock()
	keys := make([][2]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	b.WriteString("# HELP fangkong_http_requests_total HTTP requests by route and status.\n# TYPE fangkong_http_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "fangkong_http_requests_total{route=%q,code=%q} %d\n", k[0], k[1], m.requests[k].count)
	}
	b.WriteString("# HELP fangkong_http_request_seconds_total Time spent serving requests by route and status.\n# TYPE fangkong_http_request_seconds_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "fangkong_http_request_seconds_total{route=%q,code=%q} %g\n", k[0], k[1], m.requests[k].seconds)
	}
	m.mu.Unlock()
	fmt.Fprintf(&b, "# HELP fangkong_http_rejected_total Requests refused with 503 (pages) or 429 (API) because the server was saturated.\n# TYPE fangkong_http_rejected_total counter\nfangkong_http_rejected_total %d\n", m.rejected.Load())
	if m.shed != nil {
		fmt.Fprintf(&b, "# HELP fangkong_http_shed_total Requests of heavy routes refused because the heavy places stayed full (part of rejected).\n# TYPE fangkong_http_shed_total counter\nfangkong_http_shed_total %d\n", m.shed.Load())
	}
	if m.more != nil {
		m.more(&b)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(&b, "# TYPE go_goroutines gauge\ngo_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(&b, "# TYPE go_memstats_heap_alloc_bytes gauge\ngo_memstats_heap_alloc_bytes %d\n", ms.HeapAlloc)
	if rss := residentBytes(); rss > 0 {
		fmt.Fprintf(&b, "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %d\n", rss)
	}
	fmt.Fprintf(&b, "# TYPE process_uptime_seconds gauge\nprocess_uptime_seconds %g\n", time.Since(m.start).Seconds())
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write([]byte(b.String()))
}

// residentBytes reads the resident set size from /proc (Linux).
func residentBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
