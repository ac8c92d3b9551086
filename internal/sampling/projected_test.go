package sampling_test

import (
	"strings"
	"testing"

	"fangkong/internal/sampling"
)

// A rate that would take more than three days says so, with the rate,
// instead of a finish in another year.
func TestProjectedText(t *testing.T) {
	if got := (sampling.Coverage{PerHour: 2, SlowDays: 516}).ProjectedText(); !strings.Contains(got, "每小时2人") || !strings.Contains(got, "还需约516天") {
		t.Errorf("slow: %q", got)
	}
	if got := (sampling.Coverage{}).ProjectedText(); got != "尚无采样速度，无法预计" {
		t.Errorf("no rate: %q", got)
	}
}
