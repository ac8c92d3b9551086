package registry

import "testing"

// TestAddressKey: addresses and searches fold to one form — half-width,
// no spaces, simplified, numerals up to 99 as digits — and a search is
// not matched inside a longer number.
func TestAddressKey(t *testing.T) {
	for in, want := range map[string]string{
		"南涝村八组一号": "南涝村8组1号", "南涝村8组1号": "南涝村8组1号", "８组１号": "8组1号", "南涝村 八组 1号": "南涝村8组1号",
		"十组": "10组", "十二号": "12号", "二十号": "20号", "九十九号": "99号", "一〇一室": "101室", "南澇村": "南涝村", "十十": "十十",
	} {
		if got := addressKey(in); got != want {
			t.Errorf("addressKey(%s) = %s, want %s", in, got, want)
		}
	}
	for _, c := range []struct {
		hay, needle string
		want        bool
	}{{"南涝村8组1号", "8组1号", true}, {"南涝村8组11号", "8组1号", false}, {"南涝村18组1号", "8组1号", false},
		{"南涝村8组11号", "8组11号", true}, {"南涝村8组1号", "南涝村8组", true}} {
		if got := containsKey(c.hay, c.needle); got != c.want {
			t.Errorf("containsKey(%s, %s) = %v", c.hay, c.needle, got)
		}
	}
}
