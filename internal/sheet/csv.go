package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

var utf8BOM = []byte("\xEF\xBB\xBF")

// csvSource streams the records of a comma-separated file.
type csvSource struct {
	cr      *csv.Reader
	guard   *recordGuard
	row     int // row number of the last record, as Excel counts rows
	endLine int // file line on which the last record ended
}

// recordGuard stops encoding/csv, which holds a whole record in memory,
// from reading a record of more than about maxRecordBytes: csvSource resets
// it after each record. (The count includes what the buffer reads ahead.)
type recordGuard struct {
	r io.Reader
	n int
}

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.n > maxRecordBytes {
		return 0, errRecordLong
	}
	n, err := g.r.Read(p)
	g.n += n
	return n, err
}

// openCSV prepares r for reading as CSV. The encoding is UTF-8 (an optional
// BOM is skipped) when the whole content is valid UTF-8, and GB18030 (a
// superset of GBK, the default of Chinese Excel) otherwise.
func openCSV(r io.ReaderAt, size int64) (source, error) {
	head := make([]byte, min(size, 8<<10))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil, errors.New("无法读取表格文件：" + err.Error())
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, errors.New("无法读取表格文件：既不是 XLSX 也不是 CSV 格式，请上传 .xlsx 文件或 UTF-8/GBK 编码的 .csv 文件")
	}
	isUTF8, err := validUTF8(r, size)
	if err != nil {
		return nil, errors.New("无法读取表格文件：" + err.Error())
	}
	var in io.Reader
	switch {
	case !isUTF8:
		in = transform.NewReader(io.NewSectionReader(r, 0, size), simplifiedchinese.GB18030.NewDecoder())
	case bytes.HasPrefix(head, utf8BOM):
		in = io.NewSectionReader(r, int64(len(utf8BOM)), size-int64(len(utf8BOM)))
	default:
		in = io.NewSectionReader(r, 0, size)
	}
	guard := &recordGuard{r: in}
	cr := csv.NewReader(bufio.NewReaderSize(guard, 64<<10))
	cr.LazyQuotes = true
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true // Reader.setRow copies the fields out
	return &csvSource{cr: cr, guard: guard}, nil
}

// next returns the next record. encoding/csv silently skips blank lines, but
// Excel shows each as an empty row, so they are counted back in from the
// line numbers; a quoted field spanning lines is still one row.
func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.cr.Read()
	s.guard.n = 0
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) && errors.Is(pe.Err, errRecordLong) {
			err = errRecordLong
		}
		return nil, 0, err
	}
	start, _ := s.cr.FieldPos(0)
	s.row += 1 + max(0, start-s.endLine-1)
	last := len(rec) - 1
	lastStart, _ := s.cr.FieldPos(last)
	s.endLine = lastStart + strings.Count(rec[last], "\n")
	return rec, s.row, nil
}

func (s *csvSource) close() error { return nil }

// validUTF8 reports whether the first size bytes of r are valid UTF-8. It
// reads in chunks and stops at the first invalid sequence; a rune cut short
// by the end of the file is tolerated.
func validUTF8(r io.ReaderAt, size int64) (bool, error) {
	buf := make([]byte, 256<<10)
	carry := 0 // bytes of an incomplete rune kept from the previous chunk
	for off := int64(0); off < size; {
		n, err := r.ReadAt(buf[carry:min(int64(len(buf)), int64(carry)+size-off)], off)
		if err != nil && err != io.EOF {
			return false, err
		}
		if n == 0 {
			break
		}
		off += int64(n)
		chunk := buf[:carry+n]
		tail := incompleteTail(chunk)
		if !utf8.Valid(chunk[:len(chunk)-tail]) {
			return false, nil
		}
		carry = copy(buf, chunk[len(chunk)-tail:])
	}
	return true, nil
}

// incompleteTail returns the length of the rune cut off at the end of b, or 0
// when b ends on a rune boundary.
func incompleteTail(b []byte) int {
	for i := 1; i <= utf8.UTFMax-1 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < utf8.RuneSelf {
			return 0
		}
		if utf8.RuneStart(c) {
			if utf8.FullRune(b[len(b)-i:]) {
				return 0
			}
			return i
		}
	}
	return 0
}
