package sheet

import (
	"bytes"
	"unicode/utf8"
)

// appendUnescaped appends text to dst, decoding the predefined and numeric
// character references and normalizing line ends. A malformed reference is
// kept as it is.
func appendUnescaped(dst, text []byte) []byte {
	plain := true
	for _, c := range text {
		if c == '&' || c == '\r' {
			plain = false
			break
		}
	}
	if plain {
		return append(dst, text...)
	}
	for {
		i := bytes.IndexByte(text, '&')
		if i < 0 {
			return appendNormalized(dst, text)
		}
		dst = appendNormalized(dst, text[:i])
		text = text[i:]
		end := bytes.IndexByte(text, ';')
		if end < 0 {
			return appendNormalized(dst, text)
		}
		if r, ok := entity(text[1:end]); ok {
			dst = utf8.AppendRune(dst, r)
			text = text[end+1:]
		} else {
			dst = append(dst, '&')
			text = text[1:]
		}
	}
}

// entity decodes the name of a character reference, such as "amp" or "#x4E2D".
func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "amp":
		return '&', true
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	digits, base := name[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || len(digits) > 8 {
		return 0, false
	}
	var r rune
	for _, c := range digits {
		d := rune(hexDigit(c))
		if d < 0 || d >= base {
			return 0, false
		}
		r = r*base + d
	}
	return r, utf8.ValidRune(r)
}

// hexDigit returns the value of the hexadecimal digit c, or -1.
func hexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// appendNormalized appends text to dst with "\r\n" and lone "\r" turned into
// "\n", as an XML parser does.
func appendNormalized(dst, text []byte) []byte {
	for {
		i := bytes.IndexByte(text, '\r')
		if i < 0 {
			return append(dst, text...)
		}
		dst = append(append(dst, text[:i]...), '\n')
		text = text[i+1:]
		if len(text) > 0 && text[0] == '\n' {
			text = text[1:]
		}
	}
}

// unescapeOOXML decodes in place the _xHHHH_ escapes with which Excel stores
// characters that XML cannot hold (such as _x000D_ for "\r"), and returns the
// shortened slice. "_x005F_" is an escaped underscore, so "_x005F_x000D_"
// stands for the literal text "_x000D_".
func unescapeOOXML(b []byte) []byte {
	i := bytes.IndexByte(b, '_')
	if i < 0 {
		return b
	}
	w := i
	for i < len(b) {
		if b[i] == '_' && i+7 <= len(b) && b[i+1] == 'x' && b[i+6] == '_' {
			if r, ok := hex4(b[i+2 : i+6]); ok {
				w += utf8.EncodeRune(b[w:], r) // never longer than the escape
				i += 7
				continue
			}
		}
		b[w] = b[i]
		w++
		i++
	}
	return b[:w]
}

func hex4(h []byte) (rune, bool) {
	var r rune
	for _, c := range h {
		d := hexDigit(c)
		if d < 0 {
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// nextAttr splits the first attribute off attrs, returning its local name
// (without a namespace prefix), its raw value and the remaining attributes.
// ok is false when no well-formed attribute is left.
func nextAttr(attrs []byte) (name, value, rest []byte, ok bool) {
	i := 0
	for i < len(attrs) && attrs[i] <= ' ' {
		i++
	}
	start, colon := i, -1
	for i < len(attrs) && attrs[i] != '=' && attrs[i] > ' ' {
		if attrs[i] == ':' {
			colon = i
		}
		i++
	}
	name = attrs[max(start, colon+1):i]
	for i < len(attrs) && (attrs[i] <= ' ' || attrs[i] == '=') {
		i++
	}
	if i == len(attrs) || (attrs[i] != '"' && attrs[i] != '\'') {
		return nil, nil, nil, false
	}
	q := attrs[i]
	i++
	start = i
	for i < len(attrs) && attrs[i] != q {
		i++
	}
	if i == len(attrs) {
		return nil, nil, nil, false
	}
	return name, attrs[start:i], attrs[i+1:], true
}
