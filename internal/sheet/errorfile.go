package sheet

import "bytes"

// ErrorFile is the full list of an import's row errors as an XLSX file,
// written while the import runs, for the result page to offer as a
// download: the page and the report list only the first errors. The
// finished file is kept in memory, zipped (a few bytes a row).
type ErrorFile struct {
	headers []string
	buf     bytes.Buffer
	w       *Writer // nil until the first row
	rows    int
	err     error
}

// NewErrorFile starts a file with the given columns, such as
// "行号", "列", "原因".
func NewErrorFile(headers ...string) *ErrorFile { return &ErrorFile{headers: headers} }

// Add appends a row. A failure to write is kept for Bytes.
func (f *ErrorFile) Add(cells ...string) {
	if f == nil || f.err != nil {
		return
	}
	if f.w == nil {
		if f.w, f.err = NewWriter(&f.buf, "错误", f.headers, []float64{8, 16, 60}); f.err != nil {
			return
		}
	}
	if f.err = f.w.WriteRow(cells); f.err == nil {
		f.rows++
	}
}

// Rows is the number of rows added.
func (f *ErrorFile) Rows() int {
	if f == nil {
		return 0
	}
	return f.rows
}

// Bytes finishes the file and returns it; nil when no row was added.
func (f *ErrorFile) Bytes() ([]byte, error) {
	if f == nil || f.w == nil {
		return nil, f.failed()
	}
	if err := f.w.Close(); err != nil && f.err == nil {
		f.err = err
	}
	if f.err != nil {
		return nil, f.err
	}
	return f.buf.Bytes(), nil
}

// Discard releases the file unfinished.
func (f *ErrorFile) Discard() {
	if f != nil && f.w != nil {
		f.w.Close()
		f.w = nil
	}
}

func (f *ErrorFile) failed() error {
	if f == nil {
		return nil
	}
	return f.err
}
