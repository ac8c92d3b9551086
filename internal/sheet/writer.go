package sheet

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// maxRows is the number of rows an XLSX sheet can hold, header included.
const maxRows = excelize.TotalRows

// Writer streams rows into a single-sheet XLSX file (excelize StreamWriter).
// Rows are spilled to a temporary file by excelize, and the finished workbook
// is zipped straight into the destination, so memory stays bounded however
// many rows are written.
type Writer struct {
	out    io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	row    int   // number of the last row written
	vals   []any // reused argument of StreamWriter.SetRow
	closed bool
}

// NewWriter starts a workbook whose one sheet is named sheetName (Sheet1 when
// empty), with a bold, filled and frozen header row. widths[i], when present
// and positive, is the width of column i in characters; nil gives Excel's
// default widths. Every column is formatted as text ("@") so that ID numbers a
// user later types into the exported file stay text too.
func NewWriter(w io.Writer, sheetName string, headers []string, widths []float64) (*Writer, error) {
	if sheetName == "" {
		sheetName = "Sheet1"
	}
	f := excelize.NewFile()
	fail := func(err error) (*Writer, error) {
		_ = f.Close()
		return nil, fmt.Errorf("无法创建表格：%w", err)
	}
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		return fail(err)
	}
	// excelize zips the workbook into a bytes.Buffer that it hands to this
	// function; ignoring it and zipping into w avoids holding the whole file
	// in memory. BestSpeed keeps a million-row export fast.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
		return zw
	})
	const textFmt = 49 // built-in number format "@"
	headerStyle, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
		NumFmt:    textFmt,
	})
	if err != nil {
		return fail(err)
	}
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: textFmt})
	if err != nil {
		return fail(err)
	}
	sw, err := f.NewStreamWriter(sheetName)
	if err != nil {
		return fail(err)
	}
	for i, width := range widths {
		if width > 0 {
			if err := sw.SetColWidth(i+1, i+1, min(width, excelize.MaxColumnWidth)); err != nil {
				return fail(err)
			}
		}
	}
	if len(headers) > 0 {
		if err := sw.SetColStyle(1, len(headers), textStyle); err != nil {
			return fail(err)
		}
	}
	err = sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	})
	if err != nil {
		return fail(err)
	}
	wr := &Writer{out: w, f: f, sw: sw, vals: make([]any, 0, len(headers))}
	head := make([]any, len(headers))
	for i, h := range headers {
		head[i] = excelize.Cell{StyleID: headerStyle, Value: h}
	}
	if err := wr.setRow(head); err != nil {
		return fail(err)
	}
	return wr, nil
}

// WriteRow appends one row of text cells. Every cell is stored as a string,
// so ID numbers such as "110105194912310021" or "0012" never turn into numbers
// or scientific notation. Empty cells are left out of the file.
func (w *Writer) WriteRow(cells []string) error {
	if w.closed {
		return errors.New("表格已关闭，不能再写入")
	}
	vals := w.vals[:0]
	for _, s := range cells {
		if s == "" {
			vals = append(vals, nil)
		} else {
			vals = append(vals, s)
		}
	}
	w.vals = vals
	err := w.setRow(vals)
	clear(vals) // let the strings go
	return err
}

func (w *Writer) setRow(vals []any) error {
	if w.row >= maxRows {
		return fmt.Errorf("表格行数超过 Excel 上限（%d 行）", maxRows)
	}
	w.row++
	if err := w.sw.SetRow("A"+strconv.Itoa(w.row), vals); err != nil {
		return fmt.Errorf("写入表格第 %d 行出错：%w", w.row, err)
	}
	return nil
}

// Close finishes the workbook, writes it to the io.Writer given to NewWriter
// and removes the temporary files. It does not close that io.Writer.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.sw.Flush()
	if err == nil {
		// The real output goes through the zip writer installed in
		// NewWriter; what excelize copies here is its empty buffer.
		err = w.f.Write(io.Discard)
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("无法保存表格：%w", err)
	}
	return nil
}
