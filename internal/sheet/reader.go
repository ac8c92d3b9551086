package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	zipMagic = []byte("PK\x03\x04")
	// oleMagic starts legacy .xls workbooks and encrypted .xlsx files.
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// source yields the physical rows of a sheet one by one.
type source interface {
	// next returns the raw cells of the next row and its 1-based row number
	// as shown by Excel, or io.EOF after the last row.
	next() (cells []string, rowNumber int, err error)
	close() error
}

// Reader iterates over the rows of the first sheet of an XLSX file, or of a
// CSV file.
type Reader struct {
	src    source
	header []string
	cols   Columns
	row    []string
	rowNum int
	rows   int // rows read from the source, empty ones included
	err    error
	// backing is carved into rows, so that a row costs no allocation of
	// its own yet stays valid after Next.
	backing []string
	// Set by OpenTable: the rows read ahead, the header's row number, the
	// footer rows skipped.
	table     bool
	top       []Line
	pending   []Line
	headerRow int
	footers   []Skipped
}

// Open detects the format from the content, not from the file name: XLSX is a
// zip archive, anything else is read as CSV (UTF-8, with or without a BOM, or
// GB18030/GBK). The first non-empty row becomes the header; when there is none
// Open returns ErrEmpty. r must be an io.ReaderAt of the given size, such as
// an *os.File or a *bytes.Reader. Close the Reader when done.
func Open(r io.ReaderAt, size int64) (*Reader, error) { return openSheet(r, size, 0) }

// openSheet is Open of the workbook's sheet number idx (errNoSheet past the
// last, and for a CSV file past the first).
func openSheet(r io.ReaderAt, size int64, idx int) (*Reader, error) {
	head := make([]byte, len(oleMagic))
	n, err := r.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("无法读取表格文件：%w", err)
	}
	head = head[:n]
	var src source
	switch {
	case bytes.HasPrefix(head, zipMagic):
		src, err = openXLSX(r, size, idx)
	case idx > 0:
		err = errNoSheet
	case bytes.HasPrefix(head, oleMagic):
		err = errors.New("无法读取表格文件：不支持旧版 Excel（.xls）、WPS 表格（.et）或加密的文件，请在 Excel 或 WPS 中另存为 .xlsx 或 .csv 后再导入")
	default:
		src, err = openCSV(r, size)
	}
	if err != nil {
		return nil, err
	}
	rd := &Reader{src: src}
	if !rd.Next() {
		err := rd.err
		if err == nil {
			err = ErrEmpty
		}
		_ = src.close()
		return nil, err
	}
	rd.header = trimTrailingEmpty(rd.row)
	rd.row, rd.backing = nil, nil
	return rd, nil
}

// Header returns the header cells, trimmed; trailing empty cells are dropped.
func (r *Reader) Header() []string { return r.header }

// ColumnName names column i for a message: its header (clipped), or
// "第N列" when the header is blank.
func (r *Reader) ColumnName(i int) string {
	if i >= 0 && i < len(r.header) && r.header[i] != "" {
		return Clip(r.header[i], 30)
	}
	return fmt.Sprintf("第%d列", i+1)
}

// Columns returns the header names mapped to their indexes.
func (r *Reader) Columns() Columns {
	if r.cols == nil {
		r.cols = newColumns(r.header)
	}
	return r.cols
}

// Next advances to the next data row. It returns false at the end or on
// error (check Err). Completely empty rows are skipped, but they still count
// towards RowNumber.
func (r *Reader) Next() bool {
	if r.err != nil || r.src == nil {
		return false
	}
	for len(r.pending) > 0 {
		if r.nextPending() && !r.skipFooter() {
			return true
		}
	}
	for {
		cells, num, err := r.src.next()
		if err == nil {
			if r.rows++; r.rows > MaxRows {
				err = errTooManyRows
			} else if err = checkCells(cells); err != nil {
				r.rowNum = num - 1
			}
		}
		if err != nil {
			if err != io.EOF {
				r.err = fmt.Errorf("读取表格第 %d 行出错：%w", r.rowNum+1, err)
			}
			r.row = nil
			return false
		}
		r.rowNum = num
		if r.setRow(cells) && !r.skipFooter() {
			return true
		}
	}
}

// setRow stores the trimmed cells, padded to the header width, as the
// current row and reports whether any cell is non-empty.
func (r *Reader) setRow(cells []string) bool {
	n := max(len(cells), len(r.header))
	if len(r.backing) < n {
		r.backing = make([]string, max(n*64, 1024))
	}
	row := r.backing[:n:n]
	empty := true
	for i, c := range cells {
		c = trimSpace(c)
		if c != "" && (c[0] == '=' || c[0] == '\'') {
			c = unforce(c)
		}
		row[i] = c
		empty = empty && c == ""
	}
	if empty {
		clear(row[:len(cells)])
		return false
	}
	r.backing = r.backing[n:]
	r.row = row
	return true
}

// Row returns the current row's cells, trimmed and padded with "" to
// len(Header()); a row longer than the header keeps its extra cells. The
// slice stays valid after Next but must not be modified by the caller
// beyond its length.
func (r *Reader) Row() []string { return r.row }

// RowNumber returns the current row's 1-based number as the user sees it in
// Excel (the header is row 1 when it is the first row of the sheet).
func (r *Reader) RowNumber() int { return r.rowNum }

// Err returns the error that stopped Next, if any.
func (r *Reader) Err() error { return r.err }

// Close releases the resources held by the Reader.
func (r *Reader) Close() error {
	if r.src == nil {
		return nil
	}
	err := r.src.close()
	r.src = nil
	return err
}

// trimSpace is strings.TrimSpace with a fast path for the usual cell that
// has no space to trim.
func trimSpace(s string) string {
	if s == "" {
		return s
	}
	first, last := rune(s[0]), rune(s[len(s)-1])
	if first >= utf8.RuneSelf {
		first, _ = utf8.DecodeRuneInString(s)
	}
	if last >= utf8.RuneSelf {
		last, _ = utf8.DecodeLastRuneInString(s)
	}
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return strings.TrimSpace(s)
	}
	return s
}

// unforce undoes the marks that keep a long number as text when a platform
// exports CSV for Excel: ="610118199001011234" and a leading apostrophe
// ('13800138000). Other text starting with = or ' is kept as it is.
func unforce(s string) string {
	if len(s) >= 3 && s[0] == '=' && s[1] == '"' && s[len(s)-1] == '"' {
		return strings.TrimSpace(strings.ReplaceAll(s[2:len(s)-1], `""`, `"`))
	}
	if s[0] == '\'' && len(s) > 1 {
		for _, r := range s[1:] {
			if !(r >= '0' && r <= '9' || r == 'x' || r == 'X' || r == '+' || r == '-' || r == ' ' || r == '.') {
				return s
			}
		}
		return strings.TrimSpace(s[1:])
	}
	return s
}

func trimTrailingEmpty(cells []string) []string {
	n := len(cells)
	for n > 0 && cells[n-1] == "" {
		n--
	}
	return cells[:n:n]
}
