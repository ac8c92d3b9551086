package web

import (
	"net/url"
	"strings"
	"testing"
)

// TestFormOnceRefill: a refused form rendered again keeps the fresh _form
// of its new render, never the one sent, and the form id does not stop
// refill from choosing, among several forms posting to one address, the
// one whose hidden fields were sent.
func TestFormOnceRefill(t *testing.T) {
	page := []byte(`<html><body>
<form method="post" action="/x"><input type="hidden" name="csrf_token" value="c"><input type="hidden" name="_form" value="AAAAAAAAAAAAAAAAAAAAAA" autocomplete="off"><input type="hidden" name="kind" value="a"><input name="name"></form>
<form method="post" action="/x"><input type="hidden" name="csrf_token" value="c"><input type="hidden" name="_form" value="BBBBBBBBBBBBBBBBBBBBBB" autocomplete="off"><input type="hidden" name="kind" value="b"><input name="name"></form>
</body></html>`)
	sent := url.Values{"csrf_token": {"c"}, "_form": {"OLDOLDOLDOLDOLDOLDOLDO"}, "kind": {"b"}, "name": {"张三"}}
	out, ok := refillHTML(page, "/x", &url.URL{Path: "/x"}, sent, "姓名有误", "name")
	if !ok {
		t.Fatal("not refilled")
	}
	s := string(out)
	if strings.Contains(s, "OLDOLD") {
		t.Error("the refilled page carries the _form that was sent")
	}
	second := s[strings.LastIndex(s, "<form"):]
	if !strings.Contains(second, `value="张三"`) || !strings.Contains(second, "BBBBBBBBBBBBBBBBBBBBBB") {
		t.Errorf("the form with the hidden fields sent was not the one refilled: %s", s)
	}
	for _, id := range []string{newFormID(), newFormID()} {
		if len(id) != 22 || !validFormID(id) {
			t.Errorf("form id %q", id)
		}
	}
	if newFormID() == newFormID() {
		t.Error("two form ids are the same")
	}
	for _, bad := range []string{"", "short", strings.Repeat("a", 65), "AAAAAAAAAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAA AAAAA"} {
		if validFormID(bad) {
			t.Errorf("form id %q accepted", bad)
		}
	}
}
