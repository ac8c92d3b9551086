package sheet

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// xlsxSource streams the rows of a worksheet part.
type xlsxSource struct {
	rc       io.ReadCloser // the worksheet part
	ra       *readAhead    // decompresses rc
	sc       *xmlScanner
	sst      *sharedStrings // nil when the workbook has none
	styles   []numFmtKind   // number format kinds by cell style index
	date1904 bool
	done     bool
	rowNum   int
	// The values of a row are decoded into text back to back, so that the
	// row costs a single string allocation; spans locate the cells in it.
	text  []byte
	spans []cellSpan
	cells []string
	tmp   []byte
}

// cellSpan is a cell value at text[start:end] in column col (1-based).
type cellSpan struct{ col, start, end int }

// next returns the cells of the next <row>, up to its last cell with a value
// (or a formula), with "" for the missing cells before. Rows missing from the
// sheet are not returned; row numbers come from the r attribute, or count on
// from the previous row.
func (s *xlsxSource) next() ([]string, int, error) {
	for !s.done {
		tag, err := s.sc.next()
		if err != nil {
			if err == io.EOF {
				break
			}
			return nil, 0, corrupt(err)
		}
		switch string(tag.name) {
		case "row":
			if !tag.close {
				return s.readRow(tag)
			}
		case "sheetData":
			s.done = tag.close
		}
	}
	s.done = true
	return nil, 0, io.EOF
}

func (s *xlsxSource) close() error {
	_ = s.ra.Close()
	return s.rc.Close()
}

func corrupt(err error) error {
	if err == io.ErrUnexpectedEOF {
		return fmt.Errorf("文件已损坏（工作表不完整）")
	}
	return fmt.Errorf("文件已损坏（%w）", err)
}

// readRow reads the row whose start tag is row.
func (s *xlsxSource) readRow(row xmlTag) ([]string, int, error) {
	num := s.rowNum + 1
	for attrs := row.attrs; ; {
		name, v, rest, ok := nextAttr(attrs)
		if !ok {
			break
		}
		if string(name) == "r" {
			if n, ok := parseUint(v); ok && n > 0 {
				num = n
			}
			break
		}
		attrs = rest
	}
	s.rowNum = num
	s.text, s.spans = s.text[:0], s.spans[:0]
	for col, end := 0, row.empty; !end; {
		tag, err := s.sc.next()
		if err != nil {
			return nil, 0, corrupt(unexpectedEOF(err))
		}
		if string(tag.name) == "c" && !tag.close {
			col++
			if err := s.readCell(tag, &col); err != nil {
				return nil, 0, err
			}
		} else {
			end = string(tag.name) == "row" && tag.close
		}
	}
	text := string(s.text)
	cells := s.cells[:0]
	for _, sp := range s.spans {
		for len(cells) < sp.col-1 {
			cells = append(cells, "")
		}
		cells = append(cells, text[sp.start:sp.end])
	}
	s.cells = cells
	return cells, num, nil
}

// Cell types (the t attribute).
const (
	cellNumber = iota
	cellShared
	cellInline
	cellFormulaString
	cellBool
	cellError
	cellDate
)

// readCell reads the cell whose start tag is c and whose column is *col
// unless its r attribute says otherwise.
func (s *xlsxSource) readCell(c xmlTag, col *int) error {
	typ, style := cellNumber, -1
	for attrs := c.attrs; ; {
		name, v, rest, ok := nextAttr(attrs)
		if !ok {
			break
		}
		attrs = rest
		switch string(name) {
		case "r":
			c, ok := refColumn(v)
			if !ok {
				return fmt.Errorf("单元格坐标“%s”无效", v)
			}
			*col = c
		case "s":
			if n, ok := parseUint(v); ok {
				style = n
			}
		case "t":
			typ = cellType(v)
		}
	}
	if *col > maxColumns {
		return fmt.Errorf("单元格列数超过 Excel 上限（%d 列）", maxColumns)
	}
	if c.empty {
		return nil
	}
	start := len(s.text)
	limit := start + maxCellBytes
	var hasT, hasF, inRPh, done bool
	if typ == cellInline {
		s.text, done = s.sc.simpleElement(s.text, "<is><t>", "</t></is></c>", maxCellBytes)
	} else {
		s.text, done = s.sc.simpleElement(s.text, "<v>", "</v></c>", maxCellBytes)
	}
	for !done {
		t, err := s.sc.next()
		if err != nil {
			return corrupt(unexpectedEOF(err))
		}
		switch string(t.name) {
		case "v":
			if !t.close && !t.empty && !(typ == cellInline && hasT) {
				s.text, err = s.sc.appendText(s.text[:start], limit)
			}
		case "t":
			if typ == cellInline && !inRPh && !t.close {
				if !hasT {
					s.text, hasT = s.text[:start], true
				}
				if !t.empty {
					s.text, err = s.sc.appendText(s.text, limit)
				}
			}
		case "rPh":
			inRPh = !t.close && !t.empty
		case "f":
			hasF = true
		case "c":
			done = t.close
		}
		if err == errTextLimit {
			return errCellTooLong
		}
		if err != nil {
			return corrupt(unexpectedEOF(err))
		}
	}
	s.text = s.convert(s.text, start, typ, style)
	if n := len(s.text) - start; n > MaxCellChars && utf8.RuneCount(s.text[start:]) > MaxCellChars {
		return errCellTooLong
	}
	if len(s.text) > MaxRowBytes {
		return errRowTooLong
	}
	if len(s.text) > start || hasF {
		if *col > MaxColumns {
			return errTooManyCols
		}
		s.spans = append(s.spans, cellSpan{col: *col, start: start, end: len(s.text)})
	}
	return nil
}

func cellType(t []byte) int {
	switch string(t) {
	case "s":
		return cellShared
	case "inlineStr":
		return cellInline
	case "str":
		return cellFormulaString
	case "b":
		return cellBool
	case "e":
		return cellError
	case "d":
		return cellDate
	}
	return cellNumber
}

// convert replaces the raw value text[start:] of a cell of type typ and
// style by the text the cell shows, and returns the extended text.
func (s *xlsxSource) convert(text []byte, start, typ, style int) []byte {
	v := text[start:]
	switch typ {
	case cellShared:
		i, ok := parseUint(v)
		if !ok || s.sst == nil || i >= s.sst.len() {
			return text[:start] // as excelize, show a bad index as empty
		}
		return append(text[:start], s.sst.get(i)...)
	case cellInline:
		return text[:start+len(unescapeOOXML(v))]
	case cellBool:
		switch string(v) {
		case "1":
			return append(text[:start], "TRUE"...)
		case "0":
			return append(text[:start], "FALSE"...)
		}
		return text
	case cellDate:
		s.tmp = appendISODate(s.tmp[:0], v)
	case cellNumber:
		if len(v) == 0 {
			return text
		}
		if style >= 0 && style < len(s.styles) && s.styles[style] != fmtNumber {
			if f, ok := parseNumber(v); ok {
				if date, ok := appendSerialDate(s.tmp[:0], f, s.styles[style], s.date1904); ok {
					s.tmp = date
					break
				}
			}
		}
		if isPlainInteger(v) && !roundedInteger(v) {
			return text
		}
		s.tmp = appendNumber(s.tmp[:0], v)
	default:
		return text
	}
	return append(text[:start], s.tmp...)
}

// parseUint parses a non-negative decimal integer, tolerating surrounding
// white space.
func parseUint(b []byte) (int, bool) {
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// refColumn returns the 1-based column of a cell reference such as "B3"
// (the column letters may be lower case and the row may be missing).
func refColumn(ref []byte) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref) && col <= maxColumns; i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a') + 1
	}
	if i == 0 || col > maxColumns {
		return 0, false
	}
	_, ok := parseUint(ref[i:])
	return col, ok || i == len(ref)
}
