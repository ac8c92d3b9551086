package app

import (
	"fmt"
	"strings"

	"fangkong/internal/sampling"
)

// samplingMetrics appends the scan batcher's counters to /metrics.
func samplingMetrics(s *sampling.Service) func(b *strings.Builder) {
	return func(b *strings.Builder) {
		batches, scans, rejected := s.IngestStats()
		fmt.Fprintf(b, "# TYPE fangkong_scan_batches_total counter\nfangkong_scan_batches_total %d\n", batches)
		fmt.Fprintf(b, "# TYPE fangkong_scan_batched_total counter\nfangkong_scan_batched_total %d\n", scans)
		fmt.Fprintf(b, "# HELP fangkong_scan_rejected_total Scans refused with 429 because the queue was full.\n# TYPE fangkong_scan_rejected_total counter\nfangkong_scan_rejected_total %d\n", rejected)
	}
}
