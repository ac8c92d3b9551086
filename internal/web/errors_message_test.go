package web

import (
	"testing"

	"fangkong/internal/errs"
)

// A form field's code name is not shown to the user; a Chinese field name
// is.
func TestInvalidMessage(t *testing.T) {
	for _, c := range []struct{ field, want string }{
		{"temp", "体温“365”无效"},
		{"test_ids", "体温“365”无效"},
		{"核酸采样时间", "核酸采样时间：体温“365”无效"},
		{"", "体温“365”无效"},
	} {
		_, msg, field := StatusOf(errs.Invalidf(c.field, "体温“365”无效"))
		if msg != c.want || field != c.field {
			t.Errorf("field %q: message %q (field %q), want %q", c.field, msg, field, c.want)
		}
	}
}
