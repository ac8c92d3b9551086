package main

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// cpuMeter measures the machine's busy CPU time (all processes: the load
// client, the server and the database's backends) over a phase, from
// /proc/stat. Divided by the phase's requests it is the machine's cost of
// one, a figure far steadier than a rate on a shared machine: it does not
// move with how busy the cores were, only with the work done.
type cpuMeter struct {
	busy, total int64 // clock ticks
	at          time.Time
}

func readCPU() cpuMeter {
	m := cpuMeter{at: time.Now()}
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return m
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return m
	}
	for i, s := range f[1:] {
		v, _ := strconv.ParseInt(s, 10, 64)
		m.total += v
		// user nice system idle iowait irq softirq steal …: idle, iowait
		// and steal are time nobody here used.
		if i != 3 && i != 4 && i != 7 {
			m.busy += v
		}
	}
	return m
}

// cpuUse is what the machine spent between two readings.
type cpuUse struct {
	seconds float64 // busy CPU seconds
	share   float64 // of all the cores' time, 0..1
}

func (m cpuMeter) since(start cpuMeter) cpuUse {
	const tick = 100.0 // USER_HZ on Linux
	busy, total := m.busy-start.busy, m.total-start.total
	if total <= 0 {
		return cpuUse{}
	}
	return cpuUse{seconds: float64(busy) / tick, share: float64(busy) / float64(total)}
}

// per is the busy CPU time per request in microseconds.
func (u cpuUse) per(requests float64) float64 {
	if requests <= 0 {
		return 0
	}
	return u.seconds / requests * 1e6
}
