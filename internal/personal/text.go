package personal

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Errors of text that is refused (zh-CN, shown beside the field).
var (
	ErrTextEncoding = errors.New("含有无效的字符编码")
	ErrTextControl  = errors.New("含有不可见的控制字符")
	ErrTextBidi     = errors.New("含有改变文字方向的控制符")
	ErrBirthRange   = errors.New("出生日期应在1900-01-01到今天之间")
)

// bidiControl reports the characters that reorder the text around them
// (LRE…RLO, LRI…PDI, the marks), used to disguise names and file names.
func bidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069') || r == '\u200E' || r == '\u200F' || r == '\u061C'
}

// invisible reports the zero-width and other format characters that show
// nothing: they are dropped, so "张\u200b三" is "张三".
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || r == '\u180E'
}

// Text cleans free text as typed or imported (an address, a note): valid
// UTF-8 in Unicode NFC, tabs and runs of spaces as one space, line breaks
// kept as "\n" (at most one blank line), zero-width characters dropped,
// trimmed. It refuses NUL and the other control characters, and the
// bidirectional overrides. Text of invisible characters only becomes "".
func Text(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", ErrTextEncoding
	}
	s = norm.NFC.String(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	var b strings.Builder
	b.Grow(len(s))
	space, breaks := false, 0
	for _, r := range s {
		switch {
		case bidiControl(r):
			return "", ErrTextBidi
		case r == '\n':
			space = false
			if breaks < 2 && b.Len() > 0 {
				b.WriteByte('\n')
				breaks++
			}
		case unicode.IsSpace(r):
			space = b.Len() > 0 && breaks == 0
		case unicode.IsControl(r):
			return "", ErrTextControl
		case invisible(r):
		default:
			if space {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space, breaks = false, 0
		}
	}
	return strings.TrimSpace(b.String()), nil
}

// Name is Text on one line, for a person's or place's name: line breaks
// are spaces too. A name of invisible characters only becomes "" (so
// "please fill in the name").
func Name(s string) (string, error) {
	t, err := Text(s)
	if err != nil {
		return "", err
	}
	return strings.Join(strings.Fields(t), " "), nil
}

// PersonName is Name for a person's name: the spaces forms put between the
// characters of a two-character name to line it up with three-character
// ones (王　五) are dropped, so 王五 typed either way is one name; a space
// beside a Latin letter (Mary Wang) is kept.
func PersonName(s string) (string, error) {
	t, err := Name(s)
	if err != nil || !strings.Contains(t, " ") {
		return t, err
	}
	rs := []rune(t)
	out := rs[:0:0]
	for i, r := range rs {
		if r == ' ' && i > 0 && i+1 < len(rs) && unicode.Is(unicode.Han, rs[i-1]) && unicode.Is(unicode.Han, rs[i+1]) {
			continue
		}
		out = append(out, r)
	}
	return string(out), nil
}

// Scrub is Name for imported data that must not be refused (a row of a
// pushed list): what Name would refuse is dropped instead.
func Scrub(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	s = strings.Map(func(r rune) rune {
		if bidiControl(r) || (unicode.IsControl(r) && !unicode.IsSpace(r)) {
			return -1
		}
		return r
	}, s)
	n, _ := Name(s)
	return n
}

// MinBirthDate is the earliest birth date the registry accepts.
const MinBirthDate = "1900-01-01"

// CheckBirthDate checks a birth date (YYYY-MM-DD) from 1900-01-01 to today.
func CheckBirthDate(d, today string) error {
	if !DayWithin(d, MinBirthDate, today) {
		return ErrBirthRange
	}
	return nil
}

// DayWithin reports whether d is a real calendar date YYYY-MM-DD from min
// to max, both included.
func DayWithin(d, min, max string) bool {
	if len(d) != 10 {
		return false
	}
	if _, err := ParseDate(d); err != nil {
		return false
	}
	return d >= min && d <= max
}
