package wire

import (
	"strings"
	"testing"
)

type svc struct{}

func TestNeed(t *testing.T) {
	var nilPtr *svc
	for _, c := range []struct {
		v    any
		want string
	}{{nil, "is nil"}, {nilPtr, "nil *wire.svc"}, {(func())(nil), "nil func()"}, {&svc{}, ""}, {svc{}, ""}} {
		got := func() (msg string) {
			defer func() {
				if p := recover(); p != nil {
					msg = p.(string)
				}
			}()
			Need("x.New", "dep", c.v)
			return ""
		}()
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("Need(%#v) panicked %q, want %q", c.v, got, c.want)
		}
	}
}
