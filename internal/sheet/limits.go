package sheet

import (
	"fmt"
	"unicode/utf8"

	"fangkong/internal/errs"
)

// The limits below hold for every import, since every importer reads
// through Open: a small XLSX is a zip that can expand to gigabytes, and a
// reader that believed it would hold them in memory. Each limit is far
// above what a real ledger of a whole county needs (a million rows are
// about 80 MB zipped and 1 GB unzipped, with cells of a few dozen
// characters). Going over one refuses the whole file with an
// *errs.Invalid that names the limit.
const (
	// unzipRatio and unzipFloor, unzipCeiling bound the total uncompressed
	// size of the parts read: at most unzipRatio times the file's size,
	// but at least unzipFloor and at most unzipCeiling. Real workbooks
	// expand 5 to 20 times.
	unzipRatio   = 100
	unzipFloor   = 256 << 20
	unzipCeiling = 4 << 30
	// MaxSharedStrings and maxSharedBytes bound the shared string table,
	// the one part held in memory: its number of strings and their text.
	MaxSharedStrings = 4_000_000
	maxSharedBytes   = 64 << 20
	// MaxColumns bounds the cells of a row (up to its last non-empty one).
	MaxColumns = 1024
	// MaxRowBytes bounds the text of one row, all its cells together.
	MaxRowBytes = 128 << 10
	// maxRecordBytes bounds one record of a CSV file as it is read, before
	// its fields are split and unquoted.
	maxRecordBytes = 2 << 20
	// MaxRows bounds the rows of a sheet, header and empty rows included
	// (as many as Excel holds).
	MaxRows = 1 << 20
	// MaxCellChars bounds one cell: as many characters as Excel holds.
	MaxCellChars = 32767
	// maxCellBytes is MaxCellChars in UTF-8 at worst, the cheap check
	// made while a cell is decoded; the characters are counted after.
	maxCellBytes = 4 * MaxCellChars
)

// FreeTextChars is the most characters an importer keeps in one cell of
// free text (an address, a note): a longer cell refuses its row with
// LongCellReason. See LongCell.
const FreeTextChars = 1000

// LongCellReason is the row error of a cell longer than FreeTextChars.
var LongCellReason = fmt.Sprintf("单元格内容过长（超过%d字）", FreeTextChars)

// LongCell returns the index of the first cell of row longer than
// FreeTextChars characters, or -1 when there is none.
func LongCell(row []string) int {
	for i, c := range row {
		if len(c) > FreeTextChars && utf8.RuneCountInString(c) > FreeTextChars {
			return i
		}
	}
	return -1
}

// Clip shortens s to at most n characters, marking a cut with "…", for
// echoing a value of a file back in an error message.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i, count := 0, 0
	for i < len(s) && count < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	if i == len(s) {
		return s
	}
	return s[:i] + "…"
}

// limitError is the refusal of a file over one of the limits.
func limitError(format string, args ...any) error {
	return &errs.Invalid{Message: fmt.Sprintf(format, args...)}
}

var (
	errCellTooLong = limitError("单元格内容超过%d字", MaxCellChars)
	errRowTooLong  = limitError("一行内容超过%dKB", MaxRowBytes>>10)
	errRecordLong  = limitError("一行内容超过%dMB", maxRecordBytes>>20)
	errTooManyCols = limitError("每行最多%d列", MaxColumns)
	errTooManyRows = limitError("表格超过%d行", MaxRows)
	errSSTCount    = limitError("共享字符串表超过%d条", MaxSharedStrings)
	errSSTBytes    = limitError("共享字符串表超过%dMB", maxSharedBytes>>20)
)

// unzipLimit is the most the parts of a zip file of size bytes may expand to.
func unzipLimit(size int64) int64 {
	return min(max(size*unzipRatio, unzipFloor), unzipCeiling)
}

func errUnzipped(limit int64) error {
	return limitError("文件解压后超过%dMB（上限为文件大小的%d倍，至少%dMB）", limit>>20, unzipRatio, unzipFloor>>20)
}

// checkCells refuses a row with too many cells, or cells or text too long.
func checkCells(cells []string) error {
	if len(cells) > MaxColumns {
		return errTooManyCols
	}
	total := 0
	for _, c := range cells {
		total += len(c)
		if len(c) > MaxCellChars && utf8.RuneCountInString(c) > MaxCellChars {
			return errCellTooLong
		}
	}
	if total > MaxRowBytes {
		return errRowTooLong
	}
	return nil
}
