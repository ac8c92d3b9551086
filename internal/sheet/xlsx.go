package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"fangkong/internal/errs"
)

const (
	// smallPartSizeLimit caps the workbook, relationship and style parts,
	// which are read whole.
	smallPartSizeLimit = 16 << 20
	// maxColumns is the number of columns an XLSX sheet can hold (cells
	// with a value stop at MaxColumns).
	maxColumns = 16384
)

// errBadXLSX starts the messages about files that are no usable workbook.
const errBadXLSX = "无法读取表格文件：文件已损坏或不是有效的 XLSX 格式"

// workbook locates the parts of a workbook needed to read its first sheet.
type workbook struct {
	parts     map[string]*zip.File // by partKey of the name
	sheetName string
	sheet     string // part names, "" when absent
	strings   string
	styles    string
	date1904  bool
	// unzipLeft is what the parts not read yet may still expand to; a
	// part claims its size before it is read, and the zip reader holds
	// it to that claim.
	unzipLeft, unzipLimit int64
}

// claim takes the uncompressed size of part f from what is left.
func (wb *workbook) claim(f *zip.File) error {
	if f.UncompressedSize64 > uint64(wb.unzipLeft) {
		return errUnzipped(wb.unzipLimit)
	}
	wb.unzipLeft -= int64(f.UncompressedSize64)
	return nil
}

// partKey normalizes a part name for lookup: zip tools disagree on case,
// leading slashes and path separators.
func partKey(name string) string {
	return strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(name, `\`, "/"), "/"))
}

func (wb *workbook) part(name string) *zip.File { return wb.parts[partKey(name)] }

// readPart returns the content of a small part, or nil when it is absent.
func (wb *workbook) readPart(name string) ([]byte, error) {
	f := wb.part(name)
	if f == nil {
		return nil, nil
	}
	if f.UncompressedSize64 > smallPartSizeLimit {
		return nil, fmt.Errorf("%s 过大", name)
	}
	if err := wb.claim(f); err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// relationship is an entry of a relationships part (*.rels).
type relationship struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

// readRels returns the relationships of the part called name, with their
// targets resolved to part names.
func (wb *workbook) readRels(name string) ([]relationship, error) {
	dir, file := path.Split(name)
	data, err := wb.readPart(dir + "_rels/" + file + ".rels")
	if data == nil || err != nil {
		return nil, err
	}
	var rels struct {
		Rels []relationship `xml:"Relationship"`
	}
	if err := xml.Unmarshal(data, &rels); err != nil {
		return nil, err
	}
	for i, r := range rels.Rels {
		target := strings.ReplaceAll(r.Target, `\`, "/")
		if strings.HasPrefix(target, "/") {
			rels.Rels[i].Target = path.Clean(target[1:])
		} else {
			rels.Rels[i].Target = path.Join(dir, target)
		}
	}
	return rels.Rels, nil
}

// locate finds the first sheet of the workbook (the first <sheet> of the
// workbook part, through its relationship), the shared string table and the
// styles. Files that lack the workbook part or its relationships fall back
// to the usual part names.
func (wb *workbook) locate(idx int) error {
	wb.strings, wb.styles = "xl/sharedStrings.xml", "xl/styles.xml"
	fallback := "xl/worksheets/sheet1.xml"
	main := "xl/workbook.xml"
	pkgRels, err := wb.readRels("")
	if err != nil {
		return badXLSX(err)
	}
	for _, r := range pkgRels {
		if strings.HasSuffix(r.Type, "/officeDocument") && wb.part(r.Target) != nil {
			main = r.Target
		}
	}
	data, err := wb.readPart(main)
	if err != nil {
		return badXLSX(err)
	}
	if data == nil {
		if idx > 0 {
			return errNoSheet
		}
		if wb.part(fallback) == nil {
			return errors.New(errBadXLSX + "（找不到工作表）")
		}
		wb.sheetName, wb.sheet = "Sheet1", fallback
		return nil
	}
	var book struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"id,attr"` // r:id
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(data, &book); err != nil {
		return badXLSX(err)
	}
	if len(book.Sheets) == 0 {
		return errors.New("无法读取表格文件：工作簿中没有工作表")
	}
	if idx >= len(book.Sheets) {
		return errNoSheet
	}
	wb.sheetName = book.Sheets[idx].Name
	wb.date1904 = book.Pr.Date1904 == "1" || book.Pr.Date1904 == "true"
	rels, err := wb.readRels(main)
	if err != nil {
		return badXLSX(err)
	}
	for _, r := range rels {
		switch {
		case r.ID == book.Sheets[idx].RID:
			wb.sheet = r.Target
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			wb.strings = r.Target
		case strings.HasSuffix(r.Type, "/styles"):
			wb.styles = r.Target
		}
	}
	if wb.part(wb.sheet) == nil {
		if idx > 0 {
			return errNoSheet
		}
		if wb.part(fallback) == nil {
			return fmt.Errorf("无法读取表格文件：无法读取工作表“%s”（找不到工作表内容）", wb.sheetName)
		}
		wb.sheet = fallback
	}
	return nil
}

func badXLSX(err error) error {
	if _, over := err.(*errs.Invalid); over {
		return err // a limit, which says so itself
	}
	return fmt.Errorf(errBadXLSX+"（%w）", err)
}

// errNoSheet: the workbook has no sheet at the index asked for.
var errNoSheet = errors.New("no such sheet")

// openXLSX opens the workbook's sheet number idx (0 the first).
func openXLSX(r io.ReaderAt, size int64, idx int) (source, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, badXLSX(err)
	}
	limit := unzipLimit(size)
	wb := &workbook{parts: make(map[string]*zip.File, len(zr.File)), unzipLeft: limit, unzipLimit: limit}
	for _, f := range zr.File {
		wb.parts[partKey(f.Name)] = f
	}
	if err := wb.locate(idx); err != nil {
		return nil, err
	}
	src := &xlsxSource{date1904: wb.date1904}
	if f := wb.part(wb.strings); f != nil {
		if err := wb.claim(f); err != nil {
			return nil, err
		}
		rc, err := f.Open()
		if err == nil {
			src.sst, err = readSharedStrings(rc, int64(f.UncompressedSize64))
			rc.Close()
		}
		if _, over := err.(*errs.Invalid); over {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("无法读取表格文件：无法读取共享字符串表（%w）", err)
		}
	}
	// The styles only matter for telling dates from numbers: without them
	// dates read as serial numbers, which is no reason to refuse the file.
	if data, err := wb.readPart(wb.styles); err == nil && data != nil {
		src.styles, _ = readStyles(bytes.NewReader(data))
	}
	f := wb.part(wb.sheet)
	if err := wb.claim(f); err != nil {
		return nil, err
	}
	if src.rc, err = f.Open(); err != nil {
		return nil, fmt.Errorf("无法读取表格文件：无法读取工作表“%s”（%w）", wb.sheetName, err)
	}
	src.ra = newReadAhead(src.rc)
	src.sc = newXMLScanner(src.ra)
	return src, nil
}
