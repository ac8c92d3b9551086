package sheet

import (
	"bytes"
	"errors"
	"io"
)

const (
	// scanBufSize is the initial read buffer of the XML scanner.
	scanBufSize = 1 << 20
	// maxTokenSize bounds a single tag or text node (an Excel cell holds at
	// most 32,767 characters, 11 times as many bytes when each is written
	// as a character reference), so a corrupt or hostile file cannot make
	// the buffer grow without limit.
	maxTokenSize = 4 << 20
)

var (
	errTokenTooLong = errors.New("XML 节点过长")
	// errTextLimit: appendText or simpleElement would go past its limit.
	errTextLimit = errors.New("text over its limit")
)

// xmlScanner is a minimal pull tokenizer for the machine-written XML of
// workbook parts. It yields start and end tags with their raw attributes and,
// on request, the character data that follows a tag. It does not check
// well-formedness, resolve namespaces or expand DTD entities; element names
// are reduced to their local part, so <x:row> reads as "row".
type xmlScanner struct {
	r   io.Reader
	buf []byte
	pos int // start of the unread data in buf
	end int // end of the data in buf
	err error
}

// xmlTag is a tag returned by xmlScanner.next. Its slices point into the
// scanner's buffer and are valid until the next call on the scanner.
type xmlTag struct {
	name  []byte // local name, without a namespace prefix
	attrs []byte // raw attribute text
	close bool   // an end tag </name>
	empty bool   // a self-closing tag <name/>
}

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: r, buf: make([]byte, scanBufSize)}
}

// more reads more data into the buffer, first moving the unread data to its
// start and growing it when full. It returns io.EOF when the input is
// exhausted.
func (s *xmlScanner) more() error {
	if s.err != nil {
		return s.err
	}
	if s.pos > 0 {
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= maxTokenSize {
			s.err = errTokenTooLong
			return s.err
		}
		s.buf = append(s.buf, make([]byte, len(s.buf))...)
	}
	for range 100 {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.err = err
			if n > 0 {
				return nil
			}
			return err
		}
		if n > 0 {
			return nil
		}
	}
	s.err = io.ErrNoProgress
	return s.err
}

// find returns the offset from s.pos of the first occurrence of sep at or
// after offset from, reading more input as needed.
func (s *xmlScanner) find(from int, sep string) (int, error) {
	for {
		if i := bytes.Index(s.buf[s.pos+from:s.end], []byte(sep)); i >= 0 {
			return from + i, nil
		}
		from = max(from, s.end-s.pos-len(sep)+1)
		if err := s.more(); err != nil {
			return 0, unexpectedEOF(err)
		}
	}
}

// next reads the next start or end tag, skipping any character data
// before it as well as comments, processing instructions, CDATA sections and
// DOCTYPE declarations. It returns io.EOF at the end of the input.
func (s *xmlScanner) next() (t xmlTag, err error) {
	for {
		if s.pos == s.end || s.buf[s.pos] != '<' {
			i := bytes.IndexByte(s.buf[s.pos:s.end], '<')
			if i < 0 {
				s.pos = s.end
				if err := s.more(); err != nil {
					return t, err
				}
				continue
			}
			s.pos += i
		}
		n := tagLen(s.buf[s.pos:s.end])
		for n < 0 {
			if err := s.more(); err != nil {
				return t, unexpectedEOF(err)
			}
			n = tagLen(s.buf[s.pos:s.end])
		}
		if n == 0 {
			if err := s.skipSpecial(); err != nil {
				return t, err
			}
			continue
		}
		tag := s.buf[s.pos+1 : s.pos+n-1]
		s.pos += n
		if len(tag) > 0 && tag[0] == '/' {
			t.close = true
			tag = tag[1:]
		} else if len(tag) > 0 && tag[len(tag)-1] == '/' {
			t.empty = true
			tag = tag[:len(tag)-1]
		}
		nameStart, nameEnd := 0, 0
		for ; nameEnd < len(tag) && tag[nameEnd] > ' '; nameEnd++ {
			if tag[nameEnd] == ':' {
				nameStart = nameEnd + 1
			}
		}
		t.name, t.attrs = tag[nameStart:nameEnd], tag[nameEnd:]
		return t, nil
	}
}

// tagLen returns the length of the tag at the start of b, up to and
// including its '>', or -1 when b does not hold all of it. It returns 0 for
// markup that is not a tag, such as a comment.
func tagLen(b []byte) int {
	if len(b) < 2 {
		return -1
	}
	if b[1] == '!' || b[1] == '?' {
		return 0
	}
	for i := 1; i < len(b); i++ {
		switch c := b[i]; c {
		case '>':
			return i + 1
		case '"', '\'':
			for i++; i < len(b) && b[i] != c; i++ {
			}
		}
	}
	return -1
}

// skipSpecial skips the comment, CDATA section, processing instruction or
// DOCTYPE declaration at s.pos.
func (s *xmlScanner) skipSpecial() error {
	for _, special := range [...]struct{ open, close string }{
		{"<!--", "-->"}, {"<![CDATA[", "]]>"}, {"<?", "?>"}, {"<!", ">"},
	} {
		if ok, err := s.hasPrefix(special.open); err != nil {
			return err
		} else if ok {
			i, err := s.find(len(special.open), special.close)
			s.pos += i + len(special.close)
			return err
		}
	}
	return nil
}

// appendText appends the character data before the next tag to dst, with
// entities decoded, line ends normalized to "\n" and CDATA sections
// unwrapped. The next tag is left unread. When dst would grow past limit
// bytes it stops with errTextLimit (having appended at most one more text
// node or CDATA section, which the buffer bounds).
func (s *xmlScanner) appendText(dst []byte, limit int) ([]byte, error) {
	for {
		i := bytes.IndexByte(s.buf[s.pos:s.end], '<')
		if i < 0 {
			j, err := s.find(s.end-s.pos, "<")
			if err == errTokenTooLong {
				err = errTextLimit // no cell is that long
			}
			if err != nil {
				return dst, err
			}
			i = j
		}
		dst = appendUnescaped(dst, s.buf[s.pos:s.pos+i])
		s.pos += i
		if len(dst) > limit {
			return dst, errTextLimit
		}
		const cdata = "<![CDATA["
		if s.end-s.pos > 1 && s.buf[s.pos+1] != '!' {
			return dst, nil
		}
		if ok, err := s.hasPrefix(cdata); !ok || err != nil {
			return dst, err
		}
		j, err := s.find(len(cdata), "]]>")
		if err == errTokenTooLong {
			err = errTextLimit
		}
		if err != nil {
			return dst, err
		}
		dst = appendNormalized(dst, s.buf[s.pos+len(cdata):s.pos+j])
		s.pos += j + len("]]>")
		if len(dst) > limit {
			return dst, errTextLimit
		}
	}
}

// simpleElement is a fast path for the most common content of cells and
// shared strings: when the unread input starts with open, then character
// data, then close (say "<v>", "12", "</v></c>"), and all of it is in the
// buffer, and its raw text is no longer than limit bytes, it appends the
// decoded character data to dst, consumes the input and reports true.
// Otherwise it consumes nothing and reports false.
func (s *xmlScanner) simpleElement(dst []byte, open, close string, limit int) ([]byte, bool) {
	b := s.buf[s.pos:s.end]
	if len(b) < len(open) || string(b[:len(open)]) != open {
		return dst, false
	}
	text := b[len(open):]
	i := bytes.IndexByte(text, '<')
	if i < 0 || i > limit || len(text)-i < len(close) || string(text[i:i+len(close)]) != close {
		return dst, false
	}
	s.pos += len(open) + i + len(close)
	return appendUnescaped(dst, text[:i]), true
}

// hasPrefix reports whether the unread input starts with prefix, reading
// more input as needed.
func (s *xmlScanner) hasPrefix(prefix string) (bool, error) {
	for s.end-s.pos < len(prefix) && bytes.HasPrefix([]byte(prefix), s.buf[s.pos:s.end]) {
		if err := s.more(); err != nil {
			return false, unexpectedEOF(err)
		}
	}
	return bytes.HasPrefix(s.buf[s.pos:s.end], []byte(prefix)), nil
}

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
