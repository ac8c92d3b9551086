package app

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"

	"fangkong/internal/clock"
)

// DefaultMemoryFloor is the Go runtime's soft memory limit `fangkong serve`
// keeps unless told otherwise (FANGKONG_MEMORY_LIMIT, or the runtime's own
// GOMEMLIMIT). With the runtime's default alone the heap grows to twice
// what is live before a collection: a 550,000-row ledger export lifted a
// server holding 34 MB live to 168 MB resident; held at this floor it
// peaked at 142 MB at the same speed.
const DefaultMemoryFloor = 80 << 20

// keepMemoryLimit holds the runtime's soft memory limit at floor, or at
// twice the live heap when that is more — so a county whose live data
// outgrows the floor collects as the runtime would by default instead of
// collecting back to back — checking every interval. It logs when the
// limit rises above the floor and when it comes back.
func keepMemoryLimit(ctx context.Context, floor int64, interval time.Duration, log *slog.Logger) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var current int64
	clock.Every(ctx, interval, true, func(context.Context) {
		metrics.Read(sample)
		limit := MemoryLimitFor(floor, int64(sample[0].Value.Uint64()))
		if limit == current {
			return
		}
		debug.SetMemoryLimit(limit)
		if limit > floor || current > floor {
			log.Info("memory limit", "limit_mib", limit>>20, "floor_mib", floor>>20, "live_mib", sample[0].Value.Uint64()>>20)
		}
		current = limit
	})
}

// MemoryLimitFor is the soft memory limit for a live heap of live bytes:
// floor, or twice live rounded up to 8 MiB when that is more.
func MemoryLimitFor(floor, live int64) int64 {
	const step = 8 << 20
	if want := (2*live + step - 1) / step * step; want > floor {
		return want
	}
	return floor
}

// ParseMemory reads a size as FANGKONG_MEMORY_LIMIT takes it: a number of
// bytes with an optional unit B, KiB, MiB or GiB (80MiB, 1GiB), or "off"
// (0: no limit of ours).
func ParseMemory(s string) (int64, error) {
	in := s
	s = strings.TrimSpace(s)
	if s == "off" || s == "0" {
		return 0, nil
	}
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<50)/mult {
		return 0, fmt.Errorf("a memory size is bytes, KiB, MiB or GiB (80MiB), or off: %q", in)
	}
	if n*mult < 16<<20 {
		return 0, fmt.Errorf("a memory limit under 16 MiB leaves the server collecting without end: %q", in)
	}
	return n * mult, nil
}
