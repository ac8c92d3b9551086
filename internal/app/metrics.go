package app

import (
	"fmt"
	"strings"

	"fangkong/internal/sampling"
)

// scanSaturation tells /readyz when the scan queue is at 90 % of its
// capacity: the instance is about to answer scans with 429.
func scanSaturation(s *sampling.Service) func() string {
	return func() string {
		n, c := s.ScanQueue()
		if c > 0 && n*10 >= c*9 {
			return fmt.Sprintf("scan queue %d/%d", n, c)
		}
		return ""
	}
}

// samplingMetrics appends the scan batcher's counters to /metrics.
func samplingMetrics(s *sampling.Service) func(b *strings.Builder) {
	return func(b *strings.Builder) {
		batches, scans, rejected := s.IngestStats()
		fmt.Fprintf(b, "# TYPE fangkong_scan_batches_total counter\nfangkong_scan_batches_total %d\n", batches)
		fmt.Fprintf(b, "# TYPE fangkong_scan_batched_total counter\nfangkong_scan_batched_total %d\n", scans)
		queued, capacity := s.ScanQueue()
		fmt.Fprintf(b, "# HELP fangkong_scan_queued Scans waiting for a writer (the queue holds %d).\n# TYPE fangkong_scan_queued gauge\nfangkong_scan_queued %d\n", capacity, queued)
		fmt.Fprintf(b, "# HELP fangkong_scan_rejected_total Scans refused with 429 because the queue was full.\n# TYPE fangkong_scan_rejected_total counter\nfangkong_scan_rejected_total %d\n", rejected)
	}
}
