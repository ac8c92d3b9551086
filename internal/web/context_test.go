package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientIP(t *testing.T) {
	lb := netip.MustParsePrefix("10.0.1.0/24")
	for _, tc := range []struct {
		trusted []netip.Prefix
		remote  string
		xff     string
		want    string
	}{
		{nil, "203.0.113.9:5000", "", "203.0.113.9"},
		{nil, "203.0.113.9:5000", "1.2.3.4", "203.0.113.9"},            // untrusted peer: header ignored
		{nil, "10.0.1.7:5000", "1.2.3.4", "10.0.1.7"},                  // private is not trusted by default
		{nil, "127.0.0.1:5000", "1.2.3.4", "1.2.3.4"},                  // a proxy on the same host
		{nil, "127.0.0.1:5000", "6.6.6.6, 1.2.3.4", "1.2.3.4"},         // the client cannot prepend a fake
		{[]netip.Prefix{lb}, "10.0.1.7:5000", "1.2.3.4", "1.2.3.4"},    // configured load balancer
		{[]netip.Prefix{lb}, "127.0.0.1:5000", "1.2.3.4", "127.0.0.1"}, // configured list replaces loopback
		{[]netip.Prefix{lb}, "10.0.1.7:5000", "not-an-ip", "10.0.1.7"},
	} {
		s := &Server{Config: Config{TrustedProxies: tc.trusted}}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := s.clientIP(r); got != tc.want {
			t.Errorf("trusted %v, remote %s, XFF %q: got %s, want %s", tc.trusted, tc.remote, tc.xff, got, tc.want)
		}
	}
}
