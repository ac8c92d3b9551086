package tracing

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/sheet"
)

// ImportBatch is how many scan rows each import transaction commits.
const ImportBatch = 10000

// RowError is a row of an import that was not taken, and why.
type RowError struct {
	Row    int
	Reason string
}

// ImportResult is what a scan-log import did.
type ImportResult struct {
	Rows     int // data rows read
	Inserted int
	// Repeated are rows already imported (the same person at the same
	// place and time): the same log imported twice adds nothing.
	Repeated int
	Matched  int // rows matched to a person of the registry
	Errors   []RowError
	Failed   int // rows not taken (Errors holds the first 200)
	Footers  []sheet.Skipped
	// Applied is false when the importer chose all-or-nothing and a row was
	// bad: nothing was imported.
	Applied bool
}

// The names platforms' exports give each column, the usual one first.
var (
	scanNameCols  = []string{"姓名", "名字", "人员姓名", "扫码人"}
	scanIDCols    = []string{"身份证号", "身份证号码", "公民身份号码", "证件号码", "证件号", "身份证"}
	scanPhoneCols = []string{"手机号", "手机号码", "联系电话", "电话", "电话号码", "手机", "联系方式"}
	scanCodeCols  = []string{"场所码", "场所编码", "场所代码", "场所码编号", "场所编号"}
	scanPlaceCols = []string{"场所名称", "场所", "扫码地点", "扫码场所", "地点名称"}
	scanTimeCols  = []string{"扫码时间", "时间", "登记时间", "扫码日期", "扫码日期时间", "进入时间", "到访时间"}
)

var scanHeaders = slices.Concat(scanNameCols, scanIDCols, scanPhoneCols, scanCodeCols, scanPlaceCols, scanTimeCols)

// scanCol is the index of the first of names present in the header, or -1.
func scanCol(cols sheet.Columns, names []string) int { return cols.Index(names[0], names[1:]...) }

// ImportScans streams a platform scan log (XLSX or CSV: name, ID number or
// phone, place code or name, scan time) into the scans of the places in
// scope. Rows are committed in batches of ImportBatch; rows naming an
// unknown place, a damaged ID number or an unreadable time are skipped and
// reported. year completes dates written without one (12月10日).
func (s *Service) ImportScans(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, r io.ReaderAt, size int64, year int) (ImportResult, error) {
	return s.importScans(ctx, who, scope, r, size, year, false)
}

// ImportScansAllOrNothing is ImportScans that imports nothing when a row is
// bad: the file is read once to check every row, and again to import it.
func (s *Service) ImportScansAllOrNothing(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, r io.ReaderAt, size int64, year int) (ImportResult, error) {
	res, err := s.importScans(ctx, who, scope, r, size, year, true)
	if err != nil || res.Failed > 0 {
		return res, err
	}
	return s.importScans(ctx, who, scope, r, size, year, false)
}

// importScans reads the log; check only checks its rows (nothing written).
func (s *Service) importScans(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, r io.ReaderAt, size int64, year int, check bool) (ImportResult, error) {
	res := ImportResult{Applied: !check}
	rd, err := sheet.OpenTable(r, size, sheet.Options{Known: scanHeaders})
	if err != nil {
		return res, errorsInvalid(err)
	}
	defer rd.Close()
	cols := rd.Columns()
	iName, iID, iPhone := scanCol(cols, scanNameCols), scanCol(cols, scanIDCols), scanCol(cols, scanPhoneCols)
	iCode, iPlace, iTime := scanCol(cols, scanCodeCols), scanCol(cols, scanPlaceCols), scanCol(cols, scanTimeCols)
	var missing []string
	if iTime < 0 {
		missing = append(missing, "扫码时间")
	}
	if iCode < 0 && iPlace < 0 {
		missing = append(missing, "场所码或场所名称")
	}
	if iID < 0 && iPhone < 0 {
		missing = append(missing, "身份证号或手机号")
	}
	if len(missing) > 0 {
		return res, invalidf("文件", "表头缺少：%s（表头在第%d行：%s）", strings.Join(missing, "、"), rd.HeaderRow(),
			sheet.Clip(strings.Join(rd.Header(), "、"), 120))
	}
	byCode, byName, err := s.placeMaps(ctx, scope)
	if err != nil {
		return res, err
	}
	if year == 0 {
		year = s.now().In(clock.Shanghai).Year()
	}
	type row struct {
		place, at, pid int64
		name, idn, ph  string
	}
	batch := make([]row, 0, ImportBatch)
	flush := func() error {
		if len(batch) == 0 || check {
			batch = batch[:0]
			return nil
		}
		// The batch's people, by ID number, else by a phone only one
		// person of the county has.
		var ids, phones []string
		for _, x := range batch {
			if x.idn != "" {
				ids = append(ids, x.idn)
			} else {
				phones = append(phones, x.ph)
			}
		}
		byID, byPhone, err := s.peopleOf(ctx, scope, ids, phones)
		if err != nil {
			return err
		}
		for i := range batch {
			x := &batch[i]
			if x.idn != "" {
				x.pid = byID[x.idn]
			} else {
				x.pid = byPhone[x.ph]
			}
			if x.pid != 0 {
				res.Matched++
			}
		}
		written := 0
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			ins, err := s.db.NewInserter(ctx, tx, "tracing_scans", []string{"place_id", "scanned_at", "person_id", "name", "id_number", "phone", "source"},
				"ON CONFLICT DO NOTHING")
			if err != nil {
				return err
			}
			defer ins.Close()
			for _, x := range batch {
				var pid any
				if x.pid != 0 {
					pid = x.pid
				}
				if err := ins.Add(x.place, x.at, pid, x.name, x.idn, x.ph, "import"); err != nil {
					return err
				}
			}
			err = ins.Flush()
			written = ins.Written()
			return err
		})
		if err != nil {
			return fmt.Errorf("import scans: %w", err)
		}
		res.Inserted += written
		res.Repeated += len(batch) - written
		batch = batch[:0]
		return nil
	}
	cell := func(cells []string, i int) string {
		if i < 0 || i >= len(cells) {
			return ""
		}
		return cells[i]
	}
	fail := func(n int, reason string) {
		res.Failed++
		if len(res.Errors) < 200 {
			res.Errors = append(res.Errors, RowError{Row: n, Reason: reason})
		}
	}
	for rd.Next() {
		cells := rd.Row()
		n := rd.RowNumber()
		res.Rows++
		place := byCode[strings.ToUpper(strings.TrimSpace(cell(cells, iCode)))]
		if place == 0 {
			place = byName[strings.TrimSpace(cell(cells, iPlace))]
		}
		if place == 0 {
			fail(n, "场所码/场所名称不在本辖区场所登记中")
			continue
		}
		t, hasTime, ok := sheet.ParseDateTime(cell(cells, iTime), year)
		if !ok || !hasTime {
			fail(n, "扫码时间无法识别（须含时、分）")
			continue
		}
		at := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, clock.Shanghai).UnixMilli()
		idn, damaged := sheet.IDNumberCell(cell(cells, iID))
		if damaged {
			fail(n, "身份证号被表格软件改写（科学计数或末位变为0），本行未导入：请把该列设为文本后重新导出")
			continue
		}
		if idn != "" {
			if v, err := personal.NormalizeIDNumber(idn); err == nil {
				idn = v
			} else {
				fail(n, "身份证号："+err.Error())
				continue
			}
		}
		ph, damaged := sheet.PhoneCell(cell(cells, iPhone))
		if damaged {
			fail(n, "手机号被表格软件改写（科学计数丢失位数），本行未导入：请把该列设为文本后重新导出")
			continue
		}
		if ph != "" {
			if v, err := personal.NormalizePhone(ph); err == nil {
				ph = v
			} else {
				ph = ""
			}
		}
		if idn == "" && ph == "" {
			fail(n, "缺少身份证号和手机号")
			continue
		}
		name := sheet.Clip(personal.Scrub(cell(cells, iName)), 30)
		batch = append(batch, row{place: place, at: at, name: name, idn: idn, ph: ph})
		if len(batch) == ImportBatch {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	if err := rd.Err(); err != nil {
		return res, errorsInvalid(err)
	}
	if err := flush(); err != nil {
		return res, err
	}
	res.Footers = rd.Footers()
	if res.Inserted == 0 {
		return res, nil
	}
	err = s.record(ctx, s.db.Writer(ctx), who, audit.ActionImport, "tracing_scan", 0, scope.Code(),
		fmt.Sprintf("导入扫码记录 %d 行（匹配台账 %d，未导入 %d）", res.Inserted, res.Matched, res.Failed))
	return res, err
}

// placeMaps maps the codes and names of the places in scope to their ids
// (a name shared by two places maps to neither).
func (s *Service) placeMaps(ctx context.Context, scope jurisdiction.Scope) (map[string]int64, map[string]int64, error) {
	lo, hi := scope.Args()
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT id, code, name FROM tracing_places WHERE `+scope.Where("unit_code", 1), lo, hi)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	byCode, byName := map[string]int64{}, map[string]int64{}
	for rows.Next() {
		var id int64
		var code, name string
		if err := rows.Scan(&id, &code, &name); err != nil {
			return nil, nil, err
		}
		byCode[code] = id
		if _, dup := byName[name]; dup {
			byName[name] = 0
		} else {
			byName[name] = id
		}
	}
	return byCode, byName, rows.Err()
}

// peopleOf finds, among the people of the scope's county, those with the
// ID numbers ids and those with the phones (a phone two people share
// names neither): key look-ups for a batch of rows, not a read of the
// county's people for every file.
func (s *Service) peopleOf(ctx context.Context, scope jurisdiction.Scope, ids, phones []string) (byID, byPhone map[string]int64, err error) {
	county := scope
	if c := scope.Code(); len(c) > 6 {
		if county, err = jurisdiction.System("scan import county").Narrow(c[:6]); err != nil {
			return nil, nil, err
		}
	}
	byID, byPhone = map[string]int64{}, map[string]int64{}
	for _, part := range []struct {
		col  string
		keys []string
		into map[string]int64
	}{{"id_number", ids, byID}, {"phone", phones, byPhone}} {
		for keys := part.keys; len(keys) > 0; {
			n := min(len(keys), 500)
			args := make([]any, 0, n)
			for _, k := range keys[:n] {
				args = append(args, k)
			}
			keys = keys[n:]
			// By the key's index alone; the county and active are checked
			// here (in SQL, the planner may prefer scanning the county).
			rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT id, `+part.col+`, unit_code, active FROM people WHERE `+part.col+
				` IN (`+db.In(n, 1)+`)`, args...)
			if err != nil {
				return nil, nil, err
			}
			for rows.Next() {
				var id, active int64
				var key, unit string
				if err := rows.Scan(&id, &key, &unit, &active); err != nil {
					rows.Close()
					return nil, nil, err
				}
				if active != 1 || !county.Contains(unit) {
					continue
				}
				if prev, dup := part.into[key]; dup && prev != id {
					part.into[key] = 0
				} else {
					part.into[key] = id
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, nil, err
			}
		}
	}
	return byID, byPhone, nil
}
