package sheet

import "unicode/utf8"

// maxCellUnits is the most UTF-16 code units Excel keeps in a cell; longer
// text is cut there when written (as excelize did), since Excel refuses the
// file otherwise.
const maxCellUnits = 32767

// textSafe marks the ASCII bytes that are copied into XML text as they are.
var textSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	t['\t'], t['\n'] = true, true
	t['&'], t['<'], t['>'], t['_'] = false, false, false, false
	return t
}()

// appendText appends s to dst as the text of an XML element: &, < and > are
// escaped, "\r" becomes a character reference (a parser would turn a bare
// one into "\n"), characters XML 1.0 forbids (other C0 controls, U+FFFE,
// U+FFFF) are dropped, invalid UTF-8 becomes U+FFFD, and an underscore that
// would start an Excel escape such as "_x000D_" is itself escaped
// ("_x005F_"), so the cell reads back as s.
func appendText(dst []byte, s string) []byte {
	start := 0 // s[start:i] is safe and not yet copied
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if textSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '&':
				dst = append(dst, "&amp;"...)
			case '<':
				dst = append(dst, "&lt;"...)
			case '>':
				dst = append(dst, "&gt;"...)
			case '\r':
				dst = append(dst, "&#xD;"...)
			case '_':
				if isExcelEscape(s[i:]) {
					dst = append(dst, "_x005F"...)
				}
				dst = append(dst, '_')
			}
			// any other control character is dropped
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\uFFFD"...)
		case r == 0xFFFE || r == 0xFFFF:
			dst = append(dst, s[start:i]...)
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(dst, s[start:]...)
}

// isExcelEscape reports whether s starts with _xHHHH_.
func isExcelEscape(s string) bool {
	if len(s) < 7 || s[1] != 'x' || s[6] != '_' {
		return false
	}
	for i := 2; i < 6; i++ {
		if hexDigit(s[i]) < 0 {
			return false
		}
	}
	return true
}

// needsSpace reports whether text begins or ends with white space, which an
// XML reader keeps only under xml:space="preserve".
func needsSpace(s string) bool {
	if s == "" {
		return false
	}
	a, z := s[0], s[len(s)-1]
	return a == ' ' || a == '\t' || a == '\n' || a == '\r' || z == ' ' || z == '\t' || z == '\n' || z == '\r'
}

// clipCell cuts s to maxCellUnits UTF-16 code units, on a character
// boundary.
func clipCell(s string) string {
	if len(s) <= maxCellUnits { // a byte is at most one unit
		return s
	}
	units := 0
	for i, r := range s {
		n := 1
		if r >= 0x10000 {
			n = 2
		}
		if units+n > maxCellUnits {
			return s[:i]
		}
		units += n
	}
	return s
}

// appendColumn appends the letters of column n (1-based): A … Z, AA ….
func appendColumn(dst []byte, n int) []byte {
	var b [4]byte
	i := len(b)
	for n > 0 {
		n--
		i--
		b[i] = byte('A' + n%26)
		n /= 26
	}
	return append(dst, b[i:]...)
}
