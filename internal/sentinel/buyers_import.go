package sentinel

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sheet"
)

// BuyerHeaders are the columns of a pharmacy system's export this
// importer reads (any order, extra columns ignored, rows above the header
// and 合计 rows below the data skipped).
var BuyerHeaders = []string{"姓名", "身份证号", "手机号", "药品类别", "药品名称", "购药时间", "所在村"}

var buyerAliases = map[string][]string{
	"姓名":   {"购药人", "购买人", "顾客姓名"},
	"身份证号": {"身份证", "证件号码", "身份证号码"},
	"手机号":  {"电话", "联系电话", "手机"},
	"药品类别": {"类别", "药品分类"},
	"药品名称": {"药品", "通用名", "商品名"},
	"购药时间": {"时间", "销售时间", "购买时间", "日期"},
	"所在村":  {"村", "村(社区)", "住址村"},
}

// RowError is one refused row of an import.
type RowError struct {
	Row    int
	Column string
	Reason string
}

// BuyerImport is what an import did.
type BuyerImport struct {
	Rows       int
	Added      int
	Duplicates int // already registered (the same buyer at the same minute)
	Errors     []RowError
	Skipped    []sheet.Skipped
	// Applied is false when the pharmacy chose all-or-nothing and a row was
	// bad: nothing was registered.
	Applied bool
}

const maxBuyerRows = 5000

// ImportBuyers reads a pharmacy system's file of purchases (XLSX or CSV)
// and registers each good row at the pharmacy mine; bad rows are listed
// with their reason, the good ones are added (a file sent again adds
// nothing twice). 所在村 is a village of the caller's scope by name;
// empty, the pharmacy's own village.
func (s *Service) ImportBuyers(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, mine Sentinel, r io.ReaderAt, size int64) (BuyerImport, error) {
	return s.importBuyers(ctx, who, scope, mine, r, size, false)
}

// ImportBuyersAllOrNothing is ImportBuyers that registers no one when a
// row is bad.
func (s *Service) ImportBuyersAllOrNothing(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, mine Sentinel, r io.ReaderAt, size int64) (BuyerImport, error) {
	return s.importBuyers(ctx, who, scope, mine, r, size, true)
}

func (s *Service) importBuyers(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, mine Sentinel, r io.ReaderAt, size int64, allOrNothing bool) (BuyerImport, error) {
	var rep BuyerImport
	x, err := s.sentinel(ctx, s.db.Reader(ctx), scope, mine.ID)
	if err != nil {
		return rep, err
	}
	known := append([]string(nil), BuyerHeaders...)
	for _, a := range buyerAliases {
		known = append(known, a...)
	}
	rd, err := sheet.OpenTable(r, size, sheet.Options{Known: known})
	if errors.Is(err, sheet.ErrEmpty) {
		return rep, errs.Invalidf("file", "文件是空的")
	}
	if err != nil {
		return rep, errs.Invalidf("file", "无法读取文件：%v", err)
	}
	defer rd.Close()
	cols := rd.Columns()
	col := func(name string) int { return cols.Index(name, buyerAliases[name]...) }
	if col("姓名") < 0 || col("药品类别") < 0 {
		return rep, errs.Invalidf("file", "缺少“姓名”或“药品类别”列（模板列：%s）", strings.Join(BuyerHeaders, "、"))
	}
	villages, err := s.villagesByName(ctx, scope)
	if err != nil {
		return rep, err
	}
	year := clock.Shanghai
	var good []BuyerInput
	var rows []int
	for rd.Next() {
		rep.Rows++
		if rep.Rows > maxBuyerRows {
			return rep, errs.Invalidf("file", "一次最多导入%d行", maxBuyerRows)
		}
		row := rd.Row()
		cell := func(name string) string {
			if i := col(name); i >= 0 && i < len(row) {
				return row[i]
			}
			return ""
		}
		fail := func(c, reason string) {
			rep.Errors = append(rep.Errors, RowError{Row: rd.RowNumber(), Column: c, Reason: reason})
		}
		if i := sheet.LongCell(row); i >= 0 {
			fail(rd.ColumnName(i), sheet.LongCellReason)
			continue
		}
		in := BuyerInput{Name: cell("姓名"), DrugClass: cell("药品类别"), DrugName: cell("药品名称")}
		id, damaged := sheet.IDNumberCell(cell("身份证号"))
		if damaged {
			fail("身份证号", "身份证号被Excel改写（科学计数或末位变0），请把该列设为文本后重新导出")
			continue
		}
		in.IDNumber = id
		ph, damaged := sheet.PhoneCell(cell("手机号"))
		if damaged {
			fail("手机号", "手机号被表格软件改写（科学计数丢失位数），本行未导入：请把该列设为文本后重新导出")
			continue
		}
		in.Phone = ph
		if t := cell("购药时间"); t != "" {
			at, _, ok := sheet.ParseDateTime(t, s.now().In(year).Year())
			if !ok {
				fail("购药时间", "无法识别的时间“"+t+"”")
				continue
			}
			in.BoughtAt = time.Date(at.Year(), at.Month(), at.Day(), at.Hour(), at.Minute(), 0, 0, clock.Shanghai).UnixMilli()
		} else {
			// No time: the day of the import, from its start, so that the
			// same list imported again that day is recognised as the same.
			d := s.now().In(clock.Shanghai)
			in.BoughtAt = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, clock.Shanghai).UnixMilli()
		}
		if v := cell("所在村"); v != "" {
			code, ok := villages[v]
			if !ok {
				// The name as people shorten it (东街 for 东街社区居委会), or
				// a question which one.
				u, err := s.units.Find(ctx, scope, "所在村", v)
				var iv *errs.Invalid
				switch {
				case errors.As(err, &iv):
					fail("所在村", iv.Message)
					continue
				case err != nil:
					return rep, err
				case u.Level != jurisdiction.LevelVillage:
					fail("所在村", "“"+v+"”是"+u.LevelName()+"，请写明村(社区)")
					continue
				}
				code = u.Code
				villages[v] = code
			}
			in.VillageCode = code
		}
		if err := s.validateBuyer(ctx, scope, x, &in); err != nil {
			var iv *errs.Invalid
			if errors.As(err, &iv) {
				fail(buyerColumn(iv.Field), iv.Message)
				continue
			}
			return rep, err
		}
		good = append(good, in)
		rows = append(rows, rd.RowNumber())
	}
	if err := rd.Err(); err != nil {
		return rep, errs.Invalidf("file", "读取文件出错：%v", err)
	}
	rep.Skipped = rd.Footers()
	if allOrNothing && len(rep.Errors) > 0 {
		return rep, nil // nothing registered, every bad row reported
	}
	rep.Applied = true
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, in := range good {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sentinel_buyers WHERE sentinel_id = $1 AND id_number = $2 AND phone = $3
				AND bought_at = $4`, x.ID, in.IDNumber, in.Phone, in.BoughtAt/60000*60000).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				rep.Duplicates++
				continue
			}
			if _, err := s.insertBuyer(ctx, tx, who, x, in); err != nil {
				return err
			}
			rep.Added++
		}
		return audit.Record(ctx, tx, s.now(), who, audit.ActionImport, "sentinel_buyer", fmt.Sprint(x.ID), x.UnitCode,
			fmt.Sprintf("%s导入购药人员：%d行，新增%d，重复%d，错误%d行", x.Name, rep.Rows, rep.Added, rep.Duplicates, len(rep.Errors)))
	})
	if err != nil {
		return BuyerImport{}, fmt.Errorf("import buyers at %d: %w", x.ID, err)
	}
	return rep, nil
}

// villagesByName maps the full names of the villages inside scope to their
// codes; other names (西街, 西街社区) are found as units.Find reads them,
// which asks when a short name fits two villages.
func (s *Service) villagesByName(ctx context.Context, scope jurisdiction.Scope) (map[string]string, error) {
	us, err := s.units.Units(ctx, scope, jurisdiction.LevelVillage)
	if err != nil {
		return nil, fmt.Errorf("villages: %w", err)
	}
	out := map[string]string{}
	for _, u := range us {
		out[u.Name] = u.Code
	}
	return out, nil
}

// buyerColumn is the file's column a buyer's field comes from, for the
// error list (its header, not the form field's code name).
func buyerColumn(field string) string {
	if c, ok := map[string]string{"name": "姓名", "id_number": "身份证号", "phone": "手机号", "drug_class": "药品类别",
		"drug_name": "药品名称", "bought_at": "购药时间", "village_code": "所在村"}[field]; ok {
		return c
	}
	return field
}
