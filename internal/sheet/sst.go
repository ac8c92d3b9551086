package sheet

import (
	"bytes"
	"io"
	"strconv"
	"unicode/utf8"
)

// sharedStrings is the shared string table of a workbook, stored compactly
// as one byte slice holding all strings back to back, so that a table of
// millions of unique IDs and names costs little more than its text.
type sharedStrings struct {
	text []byte
	ends []uint32 // ends[i] is where string i ends in text (under 4 GiB)
}

// len returns the number of strings.
func (t *sharedStrings) len() int { return len(t.ends) }

// get returns string i, which must be in range. The result aliases the table.
func (t *sharedStrings) get(i int) []byte {
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.text[start:t.ends[i]]
}

// readSharedStrings parses a shared string table part (xl/sharedStrings.xml)
// of size bytes (as the zip says, which the zip reader holds it to). Each
// <si> item is the concatenation of its <t> elements: the plain
// <si><t>…</t></si> as well as the runs of rich text <si><r><t>…</t></r>…</si>;
// phonetic runs (<rPh>) are left out. The table holds at most
// MaxSharedStrings strings and maxSharedBytes of text, each string at most
// MaxCellChars characters.
func readSharedStrings(r io.Reader, size int64) (*sharedStrings, error) {
	// The text is never longer than the part, and appendText overshoots its
	// limit by one token at most: with this capacity it is never copied.
	t := &sharedStrings{text: make([]byte, 0, min(size, maxSharedBytes+maxTokenSize))}
	sc := newXMLScanner(r)
	var (
		inSI  bool // within an <si> item that started at start
		inRPh bool
		start int
	)
	// add ends the item that started at start.
	add := func() error {
		if len(t.ends) == MaxSharedStrings {
			return errSSTCount
		}
		t.text = t.text[:start+len(unescapeOOXML(t.text[start:]))]
		if n := len(t.text) - start; n > MaxCellChars && utf8.RuneCount(t.text[start:]) > MaxCellChars {
			return errCellTooLong
		}
		t.ends = append(t.ends, uint32(len(t.text)))
		inSI = false
		return nil
	}
	// limit is how far the current item may grow.
	limit := func() int { return min(start+maxCellBytes, maxSharedBytes) }
	// tooLong says which limit appending went past (a text node too long
	// for the buffer is a cell too long).
	tooLong := func() error {
		if len(t.text) > maxSharedBytes {
			return errSSTBytes
		}
		return errCellTooLong
	}
	for {
		tag, err := sc.next()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return nil, err
		}
		switch string(tag.name) {
		case "sst":
			if !tag.close && len(t.ends) == 0 {
				t.ends = make([]uint32, 0, min(countAttr(tag.attrs, "uniqueCount"), MaxSharedStrings))
			}
		case "si":
			switch {
			case tag.close:
				if inSI {
					err = add()
				}
			case tag.empty:
				start = len(t.text)
				err = add()
			default:
				start, inRPh = len(t.text), false
				var ok bool
				if t.text, ok = sc.simpleElement(t.text, "<t>", "</t></si>", limit()-start); ok {
					err = add()
				} else {
					inSI = true
				}
			}
			if err != nil {
				return nil, err
			}
		case "rPh":
			inRPh = !tag.close && !tag.empty
		case "t":
			if inSI && !inRPh && !tag.close && !tag.empty {
				if t.text, err = sc.appendText(t.text, limit()); err == errTextLimit {
					return nil, tooLong()
				} else if err != nil {
					return nil, err
				}
			}
		}
	}
}

// countAttr returns the value of the count attribute called name, or 0 when
// it is absent or not a count.
func countAttr(attrs []byte, name string) int {
	for {
		n, v, rest, ok := nextAttr(attrs)
		if !ok {
			return 0
		}
		if bytes.Equal(n, []byte(name)) {
			c, err := strconv.Atoi(string(v))
			if err != nil || c < 0 {
				return 0
			}
			return c
		}
		attrs = rest
	}
}
