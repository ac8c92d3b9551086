package personal

import (
	"errors"
	"testing"
)

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"  张三  ":                 "张三",
		"张\u200b三":               "张三",
		"王\u3000 五":              "王 五",
		"西街\t1号":                 "西街 1号",
		"第一行\r\n\r\n\r\n\r\n第二行": "第一行\n\n第二行",
		"e\u0301":                "\u00e9", // NFC
		"\u200b\u200d\ufeff":     "",
		"":                       "",
	} {
		if got, err := Text(in); err != nil || got != want {
			t.Errorf("Text(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]error{
		"张\x00三":     ErrTextControl,
		"张三\x1b[31m": ErrTextControl,
		"\x7f":       ErrTextControl,
		"\u0080":     ErrTextControl,
		"张\u202e三":   ErrTextBidi,
		"\u202a张三":   ErrTextBidi,
		"张三\u2066":   ErrTextBidi,
		"\u2069":     ErrTextBidi,
		"张\u200f三":   ErrTextBidi,
		"\xff\xfe张三": ErrTextEncoding,
	} {
		if got, err := Text(in); !errors.Is(err, want) {
			t.Errorf("Text(%q) = %q, %v; want %v", in, got, err, want)
		}
	}
	if got, err := Name("张\n三 \u00b7 李"); err != nil || got != "张 三 · 李" {
		t.Errorf("Name = %q, %v", got, err)
	}
	if got := Scrub("张\x00三\u202e\u200b"); got != "张三" {
		t.Errorf("Scrub = %q", got)
	}
}

func TestBirthDate(t *testing.T) {
	for _, d := range []string{"1900-01-01", "1980-05-01", "2026-11-25"} {
		if err := CheckBirthDate(d, "2026-11-25"); err != nil {
			t.Errorf("%s: %v", d, err)
		}
	}
	for _, d := range []string{"1899-12-31", "2026-11-26", "2999-01-01", "0001-01-01", "1980-02-30", "1980-5-1", ""} {
		if err := CheckBirthDate(d, "2026-11-25"); err == nil {
			t.Errorf("%s accepted", d)
		}
	}
}
