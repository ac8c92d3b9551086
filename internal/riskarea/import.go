package riskarea

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
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
}

const maxImportRows = 50000

// Import reads a list (XLSX or CSV with the Headers columns) and adds its
// entries. Every bad row is reported with its number and reason; mode says
// whether one bad row stops all (ImportAllOrNothing) or only the good rows
// are added. One audit entry sums up the import.
func (s *Service) Import(ctx context.Context, who audit.Actor, r io.ReaderAt, size int64, mode registry.ImportMode) (ImportReport, error) {
	rep := ImportReport{Mode: mode}
	rd, err := sheet.Open(r, size)
	if errors.Is(err, sheet.ErrEmpty) {
		return rep, errs.Invalidf("文件", "文件是空的")
	}
	if err != nil {
		return rep, errs.Invalidf("文件", "无法读取文件：%v", err)
	}
	defer rd.Close()
	cols := rd.Columns()
	for _, h := range []string{"区划代码", "风险等级", "生效日期"} {
		if _, ok := cols[h]; !ok {
			return rep, errs.Invalidf("文件", "缺少“%s”列（模板列：区划代码、地名、具体地点、风险等级、生效日期、截止日期、备注）", h)
		}
	}
	cell := func(row []string, name string) string {
		if i, ok := cols[name]; ok && i < len(row) {
			return row[i]
		}
		return ""
	}
	var good []Entry
	for rd.Next() {
		rep.Rows++
		if rep.Rows > maxImportRows {
			return rep, errs.Invalidf("文件", "一次最多导入%d行", maxImportRows)
		}
		row := rd.Row()
		if i := sheet.LongCell(row); i >= 0 {
			rep.BadRows++
			rep.Errors = append(rep.Errors, registry.RowError{Row: rd.RowNumber(), Column: rd.ColumnName(i), Reason: sheet.LongCellReason})
			continue
		}
		e := Entry{Code: cell(row, "区划代码"), PlaceName: cell(row, "地名"), Detail: cell(row, "具体地点"),
			Level: cell(row, "风险等级"), EffectiveFrom: cell(row, "生效日期"), EffectiveTo: cell(row, "截止日期"), Note: cell(row, "备注")}
		if err := s.normalize(&e); err != nil {
			var iv *errs.Invalid
			if errors.As(err, &iv) {
				rep.BadRows++
				rep.Errors = append(rep.Errors, registry.RowError{Row: rd.RowNumber(), Column: iv.Field, Reason: iv.Message})
				continue
			}
			return rep, err
		}
		// The entries are kept until the end: copy their text out of the
		// row, which may be much longer.
		e.PlaceName, e.EffectiveFrom, e.EffectiveTo, e.Note = strings.Clone(e.PlaceName), strings.Clone(e.EffectiveFrom),
			strings.Clone(e.EffectiveTo), strings.Clone(e.Note)
		good = append(good, e)
	}
	if err := rd.Err(); err != nil {
		return rep, errs.Invalidf("文件", "读取文件出错：%v", err)
	}
	rep.GoodRows = len(good)
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
