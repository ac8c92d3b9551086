package riskarea

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/registry"
	"fangkong/internal/sheet"
)

// Headers are the columns of the import template; 地名, 具体地点, 截止日期 and
// 备注 may be blank.
var Headers = []string{"区划代码", "地名", "具体地点", "风险等级", "生效日期", "截止日期", "备注"}

// ImportReport says what an import did (row errors as in the ledger import).
type ImportReport struct {
	Mode     registry.ImportMode `json:"mode"`
	Rows     int                 `json:"rows"`
	GoodRows int                 `json:"good_rows"`
	BadRows  int                 `json:"bad_rows"`
	Applied  bool                `json:"applied"`
	Added    int                 `json:"added"`
	Errors   []registry.RowError `json:"errors"`
	// ErrorFile lists every row error (行号, 列, 原因) as XLSX; nil when
	// there is none.
	ErrorFile []byte `json:"-"`
	file      *sheet.ErrorFile
}

func (r *ImportReport) fail(row int, col, reason string) {
	r.BadRows++
	r.Errors = append(r.Errors, registry.RowError{Row: row, Column: col, Reason: reason})
	if r.file == nil {
		r.file = sheet.NewErrorFile("行号", "列", "原因")
	}
	r.file.Add(strconv.Itoa(row), col, reason)
}

// finishErrors puts the full list of errors in ErrorFile; a file that
// cannot be written leaves it nil (the report still lists them all).
func (r *ImportReport) finishErrors() {
	r.ErrorFile, _ = r.file.Bytes()
	r.file.Discard()
	r.file = nil
}

const maxImportRows = 50000

// Import reads a list (XLSX or CSV with the Headers columns) and adds its
// entries. Every bad row is reported with its number and reason; mode says
// whether one bad row stops all (ImportAllOrNothing) or only the good rows
// are added. One audit entry sums up the import.
func (s *Service) Import(ctx context.Context, who audit.Actor, r io.ReaderAt, size int64, mode registry.ImportMode) (ImportReport, error) {
	rep := ImportReport{Mode: mode}
	defer func() { rep.file.Discard() }() // unless finished
	rd, err := sheet.OpenTable(r, size, sheet.Options{Known: Headers})
	if errors.Is(err, sheet.ErrEmpty) {
		return rep, errs.Invalidf("文件", "文件是空的")
	}
	if err != nil {
		return rep, errs.Invalidf("文件", "无法读取文件：%v", err)
	}
	defer rd.Close()
	cols := rd.Columns()
	for _, h := range [][]string{{"区划代码", "地名"}, {"风险等级"}, {"生效日期"}} {
		if cols.Index(h[0], h[1:]...) < 0 {
			return rep, errs.Invalidf("文件", "缺少“%s”列（表头在第%d行；模板列：区划代码、地名、具体地点、风险等级、生效日期、截止日期、备注）",
				strings.Join(h, "”或“"), rd.HeaderRow())
		}
	}
	var good []Entry
	for rd.Next() {
		rep.Rows++
		if rep.Rows > maxImportRows {
			return rep, errs.Invalidf("文件", "一次最多导入%d行", maxImportRows)
		}
		row := rd.Row()
		if i := sheet.LongCell(row); i >= 0 {
			rep.fail(rd.RowNumber(), rd.ColumnName(i), sheet.LongCellReason)
			continue
		}
		e, err := s.parseRow(cols, row)
		if err != nil {
			var iv *errs.Invalid
			if errors.As(err, &iv) {
				rep.fail(rd.RowNumber(), iv.Field, iv.Message)
				continue
			}
			return rep, err
		}
		good = append(good, e)
	}
	if err := rd.Err(); err != nil {
		return rep, errs.Invalidf("文件", "读取文件出错：%v", err)
	}
	rep.GoodRows = len(good)
	rep.finishErrors()
	if rep.BadRows > 0 && mode != registry.ImportGoodRows || len(good) == 0 {
		return rep, nil
	}
	seen := map[string]bool{}
	var codes []string
	for _, e := range good {
		if !seen[e.Code] {
			seen[e.Code] = true
			codes = append(codes, e.Code)
		}
	}
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for i := range good {
			e := good[i]
			if err := s.insert(ctx, tx, who, &e); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, s.now(), who, audit.ActionImport, "risk_area", "", "",
			fmt.Sprintf("导入风险地区清单：%d行，新增%d条，错误%d行", rep.Rows, len(good), rep.BadRows)); err != nil {
			return err
		}
		return s.changed(ctx, who, codes...)
	})
	if err != nil {
		return rep, fmt.Errorf("import risk areas: %w", err)
	}
	rep.Applied, rep.Added = true, len(good)
	return rep, nil
}

// parseRow reads one row of a list into a normalised entry, or an
// *errs.Invalid naming the column.
func (s *Service) parseRow(cols sheet.Columns, row []string) (Entry, error) {
	cell := func(name string) string {
		if i, ok := cols[name]; ok && i < len(row) {
			return row[i]
		}
		return ""
	}
	// Dates as people write them (2021年12月22日, 2021.12.22, 12月22日 in
	// this year, an Excel serial) become YYYY-MM-DD; others stay to be refused.
	day := func(v string) string {
		if d := sheet.ParseDate(v, s.now().Year()); d != "" {
			return d
		}
		return v
	}
	code := cell("区划代码")
	if d, num, _ := sheet.NumberDigits(code); num {
		code = d // 610113.0: a code the spreadsheet kept as a number
	}
	e := Entry{Code: code, PlaceName: cell("地名"), Detail: cell("具体地点"), Level: cell("风险等级"),
		EffectiveFrom: day(cell("生效日期")), EffectiveTo: day(cell("截止日期")), Note: cell("备注")}
	if err := s.normalize(&e); err != nil {
		return Entry{}, err
	}
	// The entries of an import are kept until its end: copy their text
	// out of the row, which may be much longer.
	e.PlaceName, e.EffectiveFrom, e.EffectiveTo, e.Note = strings.Clone(e.PlaceName), strings.Clone(e.EffectiveFrom),
		strings.Clone(e.EffectiveTo), strings.Clone(e.Note)
	return e, nil
}
