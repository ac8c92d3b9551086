package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"strconv"
	"time"
)

// maxRows is the number of rows an XLSX sheet can hold, header included.
const maxRows = 1 << 20

// flushAt is how much worksheet XML Writer gathers before handing it to the
// compressor. Two such buffers and the compressor's window are most of the
// writer's memory, however many rows are written.
const flushAt = 256 << 10

// Writer streams rows into a single-sheet XLSX file. It writes the parts of
// the workbook itself, straight into a zip stream on the destination, with
// every cell an inline string: no temporary file, no shared-strings table,
// and memory bounded however many rows are written. The worksheet is
// deflated (BestSpeed) on a second goroutine while the caller goes on with
// the next rows; only the caller's goroutine writes to the destination.
type Writer struct {
	zw     *zip.Writer
	fh     *zip.FileHeader // the worksheet entry, written raw: its CRC and sizes are set at Close
	part   io.Writer       // the worksheet entry of zw
	buf    []byte          // worksheet XML being gathered
	spare  []byte          // the other buffer: being compressed, or free
	comp   compressor
	cols   [][]byte // column letters by index, as far as needed
	row    int      // number of the last row written
	closed bool
	err    error // the first failure to write; every later call returns it
}

// compressor deflates the worksheet, one buffer at a time, into out.
type compressor struct {
	fw   *flate.Writer
	out  bytes.Buffer
	crc  uint32
	size uint64     // uncompressed bytes
	zlen uint64     // compressed bytes handed to the zip entry
	done chan error // the job in flight reports here
	busy bool
}

// NewWriter starts a workbook whose one sheet is named sheetName (Sheet1 when
// empty), with a bold, filled and frozen header row. widths[i], when present
// and positive, is the width of column i in characters; nil gives Excel's
// default widths. Every cell is formatted as text ("@") so that ID numbers a
// user later types into the exported file stay text too.
func NewWriter(w io.Writer, sheetName string, headers []string, widths []float64) (*Writer, error) {
	if sheetName == "" {
		sheetName = "Sheet1"
	}
	if err := checkSheetName(sheetName); err != nil {
		return nil, fmt.Errorf("无法创建表格：%w", err)
	}
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	wr := &Writer{zw: zw}
	now := time.Now()
	for _, p := range []struct {
		name string
		data []byte
	}{
		{"[Content_Types].xml", []byte(contentTypesXML)},
		{"_rels/.rels", []byte(rootRelsXML)},
		{"xl/workbook.xml", workbookXML(sheetName)},
		{"xl/_rels/workbook.xml.rels", []byte(workbookRelsXML)},
		{"xl/styles.xml", []byte(stylesXML)},
	} {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: now})
		if err == nil {
			_, err = f.Write(p.data)
		}
		if err != nil {
			return nil, fmt.Errorf("无法创建表格：%w", err)
		}
	}
	wr.fh = &zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, Flags: 0x8} // sizes after the data
	// CreateRaw writes the MS-DOS time fields as they are.
	wr.fh.SetModTime(now) //nolint:staticcheck
	part, err := zw.CreateRaw(wr.fh)
	if err != nil {
		return nil, fmt.Errorf("无法创建表格：%w", err)
	}
	wr.comp.fw, _ = flate.NewWriter(&wr.comp.out, flate.BestSpeed)
	wr.comp.done = make(chan error, 1)
	wr.buf, wr.spare = make([]byte, 0, flushAt+4096), make([]byte, 0, flushAt+4096)
	wr.part = part
	wr.buf = append(wr.buf, sheetHead(widths)...)
	if err := wr.writeRow(headers, styleHeader); err != nil {
		return nil, err
	}
	return wr, nil
}

// WriteRow appends one row of text cells. Every cell is stored as a string,
// so ID numbers such as "110105194912310021" or "0012" never turn into numbers
// or scientific notation. Empty cells are left out of the file. Text longer
// than a cell holds (32,767 characters) is cut there.
func (w *Writer) WriteRow(cells []string) error {
	if w.closed {
		return errors.New("表格已关闭，不能再写入")
	}
	return w.writeRow(cells, styleText)
}

func (w *Writer) writeRow(cells []string, style int) error {
	if w.err != nil {
		return w.err
	}
	if w.row >= maxRows {
		return fmt.Errorf("表格行数超过 Excel 上限（%d 行）", maxRows)
	}
	if len(cells) > maxColumns {
		return fmt.Errorf("表格列数超过 Excel 上限（%d 列）", maxColumns)
	}
	w.row++
	var num [20]byte
	rowNum := strconv.AppendInt(num[:0], int64(w.row), 10)
	b := append(w.buf, `<row r="`...)
	b = append(b, rowNum...)
	b = append(b, `">`...)
	for i, s := range cells {
		if s == "" && style == styleText {
			continue
		}
		b = append(b, `<c r="`...)
		b = append(b, w.column(i)...)
		b = append(b, rowNum...)
		if style != styleText {
			b = append(b, `" s="`...)
			b = strconv.AppendInt(b, int64(style), 10)
		}
		if s == "" {
			b = append(b, `"/>`...)
			continue
		}
		b = append(b, `" t="inlineStr"><is><t`...)
		s = clipCell(s)
		if needsSpace(s) {
			b = append(b, ` xml:space="preserve"`...)
		}
		b = append(b, '>')
		b = appendText(b, s)
		b = append(b, `</t></is></c>`...)
		if len(b) >= flushAt {
			w.buf = b
			if err := w.flush(); err != nil {
				return err
			}
			b = w.buf
		}
	}
	w.buf = append(b, `</row>`...)
	if len(w.buf) >= flushAt {
		return w.flush()
	}
	return nil
}

// column returns the letters of the column with index i (0-based).
func (w *Writer) column(i int) []byte {
	for len(w.cols) <= i {
		w.cols = append(w.cols, appendColumn(nil, len(w.cols)+1))
	}
	return w.cols[i]
}

// flush hands the gathered XML to the compressor, once the buffer before
// it is compressed and its output written.
func (w *Writer) flush() error {
	if err := w.wait(); err != nil {
		return err
	}
	xml := w.buf
	w.buf, w.spare = w.spare[:0], xml
	c := &w.comp
	c.busy = true
	go func() {
		c.crc = crc32.Update(c.crc, crc32.IEEETable, xml)
		c.size += uint64(len(xml))
		_, err := c.fw.Write(xml)
		c.done <- err
	}()
	return nil
}

// wait waits for the compressor's job in flight and writes its output.
func (w *Writer) wait() error {
	c := &w.comp
	if !c.busy {
		return nil
	}
	c.busy = false
	err := <-c.done
	if err == nil {
		err = w.writeOut()
	}
	if err != nil {
		w.err = fmt.Errorf("无法写入表格：%w", err)
	}
	return w.err
}

// writeOut writes what the compressor has made to the zip entry.
func (w *Writer) writeOut() error {
	c := &w.comp
	n, err := w.part.Write(c.out.Bytes())
	c.zlen += uint64(n)
	c.out.Reset()
	return err
}

// Close finishes the workbook and writes its last bytes to the io.Writer
// given to NewWriter, which it does not close.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if w.err != nil {
		w.wait()
		return w.err
	}
	w.buf = append(w.buf, sheetTail...)
	err := w.flush()
	if err == nil {
		err = w.wait()
	}
	c := &w.comp
	if err == nil {
		err = c.fw.Close()
	}
	if err == nil {
		err = w.writeOut()
	}
	if err == nil {
		fh := w.fh
		fh.CRC32 = c.crc
		fh.CompressedSize64, fh.UncompressedSize64 = c.zlen, c.size
		fh.CompressedSize, fh.UncompressedSize = uint32(min(c.zlen, math.MaxUint32)), uint32(min(c.size, math.MaxUint32))
		err = w.zw.Close()
	}
	w.buf, w.spare = nil, nil
	if err != nil {
		return fmt.Errorf("无法保存表格：%w", err)
	}
	return nil
}
