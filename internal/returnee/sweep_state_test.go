package returnee

import "testing"

func TestSweepState(t *testing.T) {
	for _, c := range []struct {
		sw   Sweep
		day  string
		want string
	}{
		{Sweep{StartsOn: "2026-12-01", EndsOn: "2026-12-05"}, "2026-12-03", "进行中"},
		{Sweep{StartsOn: "2026-12-01", EndsOn: "2026-12-05"}, "2026-12-05", "进行中"},
		{Sweep{StartsOn: "2026-12-01", EndsOn: "2026-12-05"}, "2026-12-06", "逾期"},
		{Sweep{StartsOn: "2026-12-01", EndsOn: "2026-12-05", Closed: true}, "2026-12-06", "已结束"},
		{Sweep{StartsOn: "2026-12-01"}, "2027-03-01", "进行中"},
		{Sweep{StartsOn: "2026-12-08"}, "2026-12-06", "未开始"},
	} {
		if got := c.sw.State(c.day); got != c.want {
			t.Errorf("%+v on %s: %s, want %s", c.sw, c.day, got, c.want)
		}
	}
}
