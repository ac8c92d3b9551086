package sheet

import (
	"fmt"
	"io"
	"strings"
)

// Files from other offices are rarely clean tables: a title row and a
// remarks row above the header, a 合计 row and signature rows below the data.
// OpenTable finds the header among the first rows and leaves the footer out,
// for every importer alike.

// HeaderScan is how many non-empty rows at the top of a sheet are searched
// for the header row.
const HeaderScan = 20

// Options tell OpenTable how to find the header row.
type Options struct {
	// Known are the header names the importer reads (any aliases too): the
	// header is the first of the top rows with the most cells among them.
	// When no row has any, the first non-empty row is the header.
	Known []string
	// HeaderRow, when positive, is the row number (as Excel shows it) the
	// user chose as the header.
	HeaderRow int
}

// Line is a row with its number, as shown on a preview.
type Line struct {
	Number int
	Cells  []string
}

// Skipped is a row below the data left out of it (a 合计 or signature row),
// with the reason shown to the user.
type Skipped struct {
	Row    int    `json:"row"`
	Text   string `json:"text"`
	Reason string `json:"reason"`
}

// FooterReason is why a footer row is not read as data.
const FooterReason = "表尾合计/签字/备注行，不计入数据行"

// OpenTable is Open for a table that may have rows above its header and
// summary or signature rows below its data: the header row is detected
// among the first HeaderScan non-empty rows (or taken from opt.HeaderRow),
// the rows above it are skipped, and footer rows are skipped by Next and
// listed by Footers.
func OpenTable(r io.ReaderAt, size int64, opt Options) (*Reader, error) {
	rd, top, err := openTop(r, size, 0)
	if err != nil {
		return nil, err
	}
	// A workbook whose first sheet is 填报说明 (instructions) has the table
	// on a later sheet: the first sheet with two known headers at its top.
	if len(opt.Known) > 0 && knownCells(top, opt.Known) < 2 {
		for idx := 1; idx < maxSheets; idx++ {
			rd2, top2, err := openTop(r, size, idx)
			if err != nil {
				break // no more sheets, or one that cannot be read
			}
			if knownCells(top2, opt.Known) >= 2 {
				rd.Close()
				rd, top = rd2, top2
				break
			}
			rd2.Close()
		}
	}
	h := -1
	if opt.HeaderRow > 0 {
		for i, l := range top {
			if l.Number == opt.HeaderRow {
				h = i
			}
		}
		if h < 0 {
			rd.Close()
			return nil, fmt.Errorf("第%d行不能作为表头：它是空行，或不在前%d个非空行中", opt.HeaderRow, HeaderScan)
		}
	} else {
		h = DetectHeader(top, opt.Known)
	}
	rd.top, rd.pending = top, top[h+1:]
	rd.header, rd.headerRow = trimTrailingEmpty(top[h].Cells), top[h].Number
	rd.cols, rd.row, rd.backing = nil, nil, nil
	rd.table = true
	return rd, nil
}

// maxSheets is how many sheets of a workbook OpenTable looks at.
const maxSheets = 8

// openTop opens sheet idx and reads its first HeaderScan non-empty rows.
func openTop(r io.ReaderAt, size int64, idx int) (*Reader, []Line, error) {
	rd, err := openSheet(r, size, idx)
	if err != nil {
		return nil, nil, err
	}
	top := []Line{{rd.rowNum, rd.header}}
	for len(top) < HeaderScan && rd.Next() {
		top = append(top, Line{rd.rowNum, append([]string(nil), rd.row...)})
	}
	if rd.err != nil {
		err := rd.err
		rd.Close()
		return nil, nil, err
	}
	return rd, top, nil
}

// knownCells is the most known header names one of the rows holds.
func knownCells(rows []Line, known []string) int {
	_, n := detectHeader(rows, known)
	return n
}

// DetectHeader returns the index of the header among rows: the first row
// with the most cells that are known header names, or 0 when none has any.
func DetectHeader(rows []Line, known []string) int {
	h, _ := detectHeader(rows, known)
	return h
}

// detectHeader is DetectHeader with the number of known names the header
// row holds.
func detectHeader(rows []Line, known []string) (int, int) {
	names := make(map[string]bool, len(known))
	for _, k := range known {
		names[normalizeName(k)] = true
	}
	best, bestN := 0, 0
	for i, l := range rows {
		n := 0
		for _, c := range l.Cells {
			if c != "" && names[normalizeName(c)] {
				n++
			}
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	return best, bestN
}

// Top returns the first non-empty rows of the sheet (up to HeaderScan), for
// a preview where the user may choose another header row.
func (r *Reader) Top() []Line { return r.top }

// HeaderRow is the row number of the header.
func (r *Reader) HeaderRow() int {
	if r.headerRow == 0 {
		return 1
	}
	return r.headerRow
}

// Footers returns the footer rows Next skipped so far.
func (r *Reader) Footers() []Skipped { return r.footers }

// footerWords start the first cell of a summary, signature or remarks row.
var footerWords = []string{"合计", "总计", "小计", "共计", "总数", "制表", "填表", "填报", "审核", "审批", "复核", "核对",
	"负责人", "经办人", "统计人", "联系人", "联系电话", "备注", "说明", "注：", "注:", "签字", "签名", "盖章", "报送", "单位（盖章）",
	"以下空白", "以下无数据", "领导签字", "检验者", "检验人", "检测者", "检测人", "审核者", "报告日期", "报告时间", "打印", "批准"}

// IsFooter reports whether a row (below the data) is a summary, signature
// or remarks row: its first non-empty cell starts with a footer word, and
// fewer than half of the header's width of cells hold something. after says
// a footer row was seen already: then a row of one or two cells (a name
// under 制表人, a date) is a footer too.
func IsFooter(cells []string, width int, after bool) bool {
	first, n := "", 0
	for _, c := range cells {
		if c = strings.TrimSpace(c); c != "" {
			if n == 0 {
				first = c
			}
			n++
		}
	}
	if n == 0 {
		return false
	}
	if after && n <= 2 {
		return true
	}
	if n*2 > max(width, 2) {
		// A signature line (检验者： | 审核者： | 报告日期：…) fills more
		// cells, each a footer word.
		for _, c := range cells {
			if c = strings.TrimSpace(c); c != "" && !footerWord(c) {
				return false
			}
		}
		return true
	}
	return footerWord(first)
}

// footerWord reports whether a cell starts with a footer word.
func footerWord(c string) bool {
	c = strings.TrimLeft(c, "※*#·、 \u3000")
	for _, w := range footerWords {
		if strings.HasPrefix(c, w) {
			return true
		}
	}
	return false
}

// nextPending returns the next row read ahead by OpenTable.
func (r *Reader) nextPending() bool {
	l := r.pending[0]
	r.pending = r.pending[1:]
	r.rowNum = l.Number
	return r.setRow(l.Cells)
}

// skipFooter reports whether the current row is a footer and notes it.
func (r *Reader) skipFooter() bool {
	if !r.table || !IsFooter(r.row, len(r.header), len(r.footers) > 0) {
		return false
	}
	var parts []string
	for _, c := range r.row {
		if c != "" {
			parts = append(parts, c)
		}
	}
	r.footers = append(r.footers, Skipped{Row: r.rowNum, Text: Clip(strings.Join(parts, " "), 100), Reason: FooterReason})
	return true
}
