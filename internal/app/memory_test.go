package app_test

import (
	"testing"

	"fangkong/internal/app"
)

func TestMemoryLimitFor(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct{ floor, live, want int64 }{
		{80 * mib, 0, 80 * mib},
		{80 * mib, 34 * mib, 80 * mib},  // a 550,000-person county: the floor holds
		{80 * mib, 40 * mib, 80 * mib},  // twice live is the floor exactly
		{80 * mib, 50 * mib, 104 * mib}, // outgrown: twice live, rounded up to 8 MiB
		{80 * mib, 50*mib + 1, 104 * mib},
	} {
		if got := app.MemoryLimitFor(c.floor, c.live); got != c.want {
			t.Errorf("MemoryLimitFor(%d MiB, %d B) = %d, want %d", c.floor/mib, c.live, got, c.want)
		}
	}
}

func TestParseMemory(t *testing.T) {
	for in, want := range map[string]int64{"80MiB": 80 << 20, "1GiB": 1 << 30, "65536KiB": 64 << 20, "off": 0, "0": 0, " 96 MiB ": 96 << 20, "33554432": 32 << 20} {
		if got, err := app.ParseMemory(in); err != nil || got != want {
			t.Errorf("ParseMemory(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "80MB", "-1MiB", "lots", "1MiB", "9999999999GiB"} {
		if _, err := app.ParseMemory(in); err == nil {
			t.Errorf("ParseMemory(%q) accepted", in)
		}
	}
}
