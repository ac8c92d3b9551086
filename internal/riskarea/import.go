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

// headerAliases are the other names the lists that are published or passed
// on give the template's columns.
var headerAliases = map[string][]string{
	"区划代码": {"行政区划代码", "区划编码", "地区代码", "行政区划"},
	"地名":   {"地区", "所在地区", "地区名称", "风险地区", "风险区域", "所在地", "省市区", "省市区县"},
	"具体地点": {"具体位置", "具体区域", "详细地址", "街道/小区", "地点", "风险点位", "涉及区域", "区域范围", "区域名称"},
	"风险等级": {"风险级别", "等级", "级别", "风险类别", "风险区类别"},
	"生效日期": {"生效时间", "开始日期", "开始时间", "公布日期", "公布时间", "发布日期", "发布时间", "划定日期", "划定时间", "调整日期", "调整时间"},
	"截止日期": {"截止时间", "解除日期", "解除时间", "结束日期", "结束时间", "有效期至"},
	"备注":   {"说明"},
}

// splitPlace are the columns of a list that gives the province, city and
// county apart (省份 | 城市 | 区县 | 具体地点): joined, they are its 地名.
var splitPlace = [][]string{{"省份", "省", "省(区、市)", "省(自治区、直辖市)"}, {"城市", "市", "地市", "市(州)", "地级市"},
	{"区县", "县区", "区(县)", "县(区)", "县(市、区)", "区", "县"}}

// importCols is where each column of Headers is in a file (-1 when absent),
// and the columns of a 地名 given apart.
type importCols struct {
	at    map[string]int
	split []int
}

func findImportCols(cols sheet.Columns) importCols {
	ic := importCols{at: map[string]int{}}
	for _, h := range Headers {
		ic.at[h] = cols.Index(h, headerAliases[h]...)
	}
	if ic.at["地名"] < 0 {
		for _, names := range splitPlace {
			if i := cols.Index(names[0], names[1:]...); i >= 0 {
				ic.split = append(ic.split, i)
			}
		}
	}
	return ic
}

// knownHeaders are every name the import reads, for finding the header row.
func knownHeaders() []string {
	out := append([]string(nil), Headers...)
	for _, h := range Headers {
		out = append(out, headerAliases[h]...)
	}
	for _, names := range splitPlace {
		out = append(out, names...)
	}
	return out
}

// ImportReport says what an import did (row errors as in the ledger import).
type ImportReport struct {
	Mode     registry.ImportMode `json:"mode"`
	Rows     int                 `json:"rows"`
	GoodRows int                 `json:"good_rows"`
	BadRows  int                 `json:"bad_rows"`
	Applied  bool                `json:"applied"`
	Added    int                 `json:"added"`
	// Existing counts the good rows already in the list (the same place,
	// level and dates): a list imported again adds nothing twice.
	Existing int                 `json:"existing"`
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
	rd, err := sheet.OpenTable(r, size, sheet.Options{Known: knownHeaders()})
	if errors.Is(err, sheet.ErrEmpty) {
		return rep, errs.Invalidf("文件", "文件是空的")
	}
	if err != nil {
		return rep, errs.Invalidf("文件", "无法读取文件：%v", err)
	}
	defer rd.Close()
	cols := findImportCols(rd.Columns())
	for _, h := range [][]string{{"区划代码", "地名"}, {"风险等级"}, {"生效日期"}} {
		if cols.at[h[0]] < 0 && (len(h) == 1 || cols.at[h[1]] < 0 && len(cols.split) == 0) {
			return rep, errs.Invalidf("文件", "缺少“%s”列（表头在第%d行：%s；模板列：区划代码、地名、具体地点、风险等级、生效日期、截止日期、备注）",
				strings.Join(h, "”或“"), rd.HeaderRow(), sheet.Clip(strings.Join(rd.Header(), "、"), 120))
		}
	}
	var good []Entry
	// The first row of each entry: a list repeats one by mistake, or
	// holds one already in force.
	seen := map[entryKey]int{}
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
		if first, dup := seen[keyOf(e)]; dup {
			rep.fail(rd.RowNumber(), "地名", fmt.Sprintf("与第%d行是同一条目（地点、等级、日期都相同）", first))
			continue
		}
		seen[keyOf(e)] = rd.RowNumber()
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
	codeSeen := map[string]bool{}
	var codes []string
	for _, e := range good {
		if !codeSeen[e.Code] {
			codeSeen[e.Code] = true
			codes = append(codes, e.Code)
		}
	}
	added, existing := 0, 0
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		added, existing = 0, 0
		for i := range good {
			e := good[i]
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM risk_areas WHERE code = $1 AND detail_norm = $2 AND level = $3
				AND effective_from = $4 AND effective_to = $5`, e.Code, NormalizeDetail(e.Detail), e.Level, e.EffectiveFrom, e.EffectiveTo).Scan(&n); err != nil {
				return fmt.Errorf("existing risk area: %w", err)
			}
			if n > 0 {
				existing++
				continue
			}
			if err := s.insert(ctx, tx, who, &e); err != nil {
				return err
			}
			added++
		}
		if err := audit.Record(ctx, tx, s.now(), who, audit.ActionImport, "risk_area", "", "",
			fmt.Sprintf("导入风险地区清单：%d行，新增%d条，已在清单中%d条，错误%d行", rep.Rows, added, existing, rep.BadRows)); err != nil {
			return err
		}
		return s.changed(ctx, who, codes...)
	})
	if err != nil {
		return rep, fmt.Errorf("import risk areas: %w", err)
	}
	rep.Applied, rep.Added, rep.Existing = true, added, existing
	return rep, nil
}

// parseRow reads one row of a list into a normalised entry, or an
// *errs.Invalid naming the column.
func (s *Service) parseRow(cols importCols, row []string) (Entry, error) {
	at := func(i int) string {
		if i >= 0 && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	cell := func(name string) string { return at(cols.at[name]) }
	place := cell("地名")
	if cols.at["地名"] < 0 {
		var b strings.Builder
		for _, i := range cols.split {
			if v := at(i); !strings.HasSuffix(b.String(), v) { // 北京市 | 北京市 | 朝阳区
				b.WriteString(v)
			}
		}
		place = b.String()
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
	e := Entry{Code: code, PlaceName: place, Detail: cell("具体地点"), Level: cell("风险等级"),
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

// entryKey is what makes two rows of a list the same entry.
type entryKey struct{ code, detail, level, from, to string }

func keyOf(e Entry) entryKey {
	return entryKey{e.Code, NormalizeDetail(e.Detail), e.Level, e.EffectiveFrom, e.EffectiveTo}
}
