package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/sheet"
)

// An import applies its parsed rows in batches of importBatch rows, or of
// importBatchBytes of row text (which the parsed rows hold on to), so
// memory stays bounded however long the rows.
const (
	importBatch      = 1000
	importBatchBytes = 8 << 20
)

// ledgerRow is one parsed row of a ledger file.
type ledgerRow struct {
	row       int
	unit      string // group code if given, else village code
	groupName string
	hhNo      string
	address   string
	hhPhone   string
	grid      string
	cadre     string
	cadreTel  string
	p         Person
}

// importer holds the state of one import run inside its transaction.
type importer struct {
	s       *Service
	tx      *sql.Tx
	ctx     context.Context
	scope   jurisdiction.Scope
	rep     *ImportReport
	units   map[string]int    // village/group code in scope → level
	grids   map[string]int64  // village code + "/" + grid name → id
	hh      map[string]hhInfo // household no → id, unit
	seenIDs map[string]int    // ID number → first row
	hhIns   *db.Inserter
	pIns    *db.Inserter
	now     int64
	who     audit.Actor
	// villages are the village names rows gave instead of codes, resolved.
	villages map[string]villageName
	// elsewhere are the rows answered "registered elsewhere": look-ups,
	// audited after the transaction whether or not it applied.
	elsewhere []existingPerson
}

// villageName is a village typed by name: its code, or why not.
type villageName struct{ code, err string }

type hhInfo struct {
	id   int64
	unit string
}

// ImportLedger reads a ledger file (XLSX or CSV, the export's layout) into
// the registry inside the scope. Every bad row is reported with its row
// number, column and reason; mode decides whether the good rows are applied
// when some are bad. It runs in one transaction, so a failure applies nothing.
func (s *Service) ImportLedger(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, r io.ReaderAt, size int64, mode ImportMode) (ImportReport, error) {
	rep := ImportReport{Mode: mode}
	// The header may sit below a title row, and 合计/制表人 rows below the
	// data are not people.
	rd, err := sheet.OpenTable(r, size, sheet.Options{Known: ledgerKnown()})
	if err != nil {
		return rep, errs.Invalidf("文件", "%s", err.Error())
	}
	defer rd.Close()
	cols, ignored := ledgerColumns(rd.Columns(), rd.Header())
	var missing []string
	if !cols.has(ColName) {
		missing = append(missing, "“"+ColName+"”")
	}
	if !cols.has(ColVillageCode) && !cols.has(ColGroupCode) && !cols.has(ColVillage) {
		missing = append(missing, fmt.Sprintf("“%s”“%s”或“%s”之一", ColVillageCode, ColVillage, ColGroupCode))
	}
	if len(missing) > 0 {
		return rep, errs.Invalidf("表头", "缺少必需的列：%s（表头在第%d行：%s；可参照导出的台账模板）",
			strings.Join(missing, "，"), rd.HeaderRow(), sheet.Clip(strings.Join(rd.Header(), "、"), 120))
	}
	errApplyNothing := errors.New("rollback")
	var im *importer
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		rep.finishErrors(false)
		rep = ImportReport{Mode: mode, IgnoredColumns: ignored}
		im = &importer{villages: map[string]villageName{}, s: s, tx: tx, ctx: ctx, scope: scope, rep: &rep, hh: map[string]hhInfo{}, seenIDs: map[string]int{},
			grids: map[string]int64{}, now: s.now().UnixMilli(), who: who}
		if err := im.load(); err != nil {
			return err
		}
		var batch []ledgerRow
		batchBytes := 0
		for rd.Next() {
			rep.Rows++
			if i := sheet.LongCell(rd.Row()); i >= 0 {
				rep.fail(rd.RowNumber(), rd.ColumnName(i), sheet.LongCellReason)
				continue
			}
			lr, ok := im.parse(rd.RowNumber(), rd.Row(), cols)
			if !ok {
				continue
			}
			batch = append(batch, lr)
			for _, c := range rd.Row() {
				batchBytes += len(c)
			}
			if len(batch) == importBatch || batchBytes >= importBatchBytes {
				if err := im.apply(batch); err != nil {
					return err
				}
				batch, batchBytes = batch[:0], 0
			}
		}
		if err := rd.Err(); err != nil {
			return errs.Invalidf("文件", "%s", err.Error())
		}
		if err := im.apply(batch); err != nil {
			return err
		}
		if err := im.close(); err != nil {
			return err
		}
		rep.GoodRows = rep.Rows - rep.BadRows
		if rep.BadRows > 0 && mode == ImportAllOrNothing {
			return errApplyNothing
		}
		rep.Applied = true
		return audit.Record(ctx, tx, s.now(), who, audit.ActionImport, "ledger", scope.Code(), scope.Code(),
			fmt.Sprintf("导入台账：%d行，新增%d户%d人，更新%d人，错误%d行", rep.Rows, rep.HouseholdsCreated, rep.PeopleCreated, rep.PeopleUpdated, rep.BadRows))
	})
	if im != nil && (err == nil || errors.Is(err, errApplyNothing)) {
		for _, ex := range im.elsewhere {
			if aerr := audit.Record(ctx, s.db.W(), s.now(), who, audit.ActionLookup, "person", fmt.Sprint(ex.id), ex.unit,
				"导入台账时身份证号与本辖区人员重复（已答复：已登记，未告知所在辖区）"); aerr != nil {
				return rep, fmt.Errorf("import ledger: %w", aerr)
			}
		}
	}
	rep.finishErrors(err == nil || errors.Is(err, errApplyNothing))
	if errors.Is(err, errApplyNothing) {
		rep.Applied = false
		rep.HouseholdsCreated, rep.GroupsCreated, rep.PeopleCreated, rep.PeopleUpdated = 0, 0, 0, 0
		return rep, nil
	}
	if err != nil {
		return rep, fmt.Errorf("import ledger: %w", err)
	}
	return rep, nil
}

func (im *importer) load() error {
	lo, hi := im.scope.Args()
	im.units = map[string]int{}
	rows, err := im.tx.QueryContext(im.ctx, "SELECT code, level FROM units WHERE "+im.scope.Where("code", 1)+" AND level >= $3", lo, hi, jurisdiction.LevelVillage)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		var l int
		if err := rows.Scan(&c, &l); err != nil {
			return err
		}
		im.units[c] = l
	}
	if err := rows.Err(); err != nil {
		return err
	}
	d := im.s.db
	if im.hhIns, err = d.NewInserter(im.ctx, im.tx, "households", []string{"id", "no", "unit_code", "grid_id", "address", "phone",
		"cadre_name", "cadre_phone", "version", "created_at", "updated_at"}, ""); err != nil {
		return err
	}
	im.pIns, err = d.NewInserter(im.ctx, im.tx, "people", []string{"id_number", "name", "sex", "birth_date", "phone", "household_id",
		"relation", "unit_code", "residence", "groups", "note", "version", "created_at", "updated_at"}, "")
	return err
}

func (im *importer) close() error {
	if err := im.hhIns.Close(); err != nil {
		return err
	}
	return im.pIns.Close()
}

// parse validates the parts of a row that need no database.
func (im *importer) parse(rowNum int, cells []string, cols ledgerCols) (ledgerRow, bool) {
	get := func(name string) string { return cols.get(cells, name) }
	lr := ledgerRow{row: rowNum, groupName: get(ColGroup), hhNo: get(ColHouseholdNo), address: get(ColAddress), hhPhone: get(ColHHPhone),
		grid: get(ColGrid), cadre: get(ColCadre), cadreTel: get(ColCadrePhone)}
	village, group := get(ColVillageCode), get(ColGroupCode)
	for _, c := range []struct {
		col string
		v   *string
	}{{ColVillageCode, &village}, {ColGroupCode, &group}} {
		code, damaged := codeCell(*c.v)
		if damaged {
			im.rep.fail(rowNum, c.col, c.col+"被表格软件改写（科学计数丢失位数），请把该列设为文本后重填")
			return lr, false
		}
		*c.v = code
	}
	if village == "" && group == "" {
		if name := get(ColVillage); name != "" {
			v := im.villageByName(name)
			if v.err != "" {
				im.rep.fail(rowNum, ColVillage, v.err)
				return lr, false
			}
			if len(v.code) > 12 {
				group = v.code
			} else {
				village = v.code
			}
		}
	}
	switch {
	case group != "":
		if len(group) != 15 || (village != "" && !strings.HasPrefix(group, village)) {
			im.rep.fail(rowNum, ColGroupCode, "组/小区代码应为15位，且以所属村(社区)代码开头")
			return lr, false
		}
		lr.unit = group
	case village != "":
		if len(village) != 12 {
			im.rep.fail(rowNum, ColVillageCode, "村(社区)代码应为12位")
			return lr, false
		}
		lr.unit = village
	default:
		im.rep.fail(rowNum, ColVillageCode, "缺少所属村(社区)代码")
		return lr, false
	}
	if _, ok := im.units[jurisdiction.VillageOf(lr.unit)]; !ok {
		im.rep.fail(rowNum, ColVillageCode, fmt.Sprintf("村(社区)代码 %s 不存在或不在您的辖区内", jurisdiction.VillageOf(lr.unit)))
		return lr, false
	}
	if _, ok := im.units[lr.unit]; !ok && lr.groupName == "" {
		im.rep.fail(rowNum, ColGroup, "组/小区代码 "+lr.unit+" 尚未建立，请同时填写组/小区名称")
		return lr, false
	}
	if no, ok := householdKey(lr.hhNo, jurisdiction.VillageOf(lr.unit)); ok {
		lr.hhNo = no
	} else {
		im.rep.fail(rowNum, ColHouseholdNo, "户编号只能含数字、字母和“-”，不超过30位")
		return lr, false
	}
	for _, f := range []struct {
		col string
		v   *string
	}{{ColAddress, &lr.address}, {ColCadre, &lr.cadre}, {ColGroup, &lr.groupName}, {ColGrid, &lr.grid}} {
		t, err := personal.Name(*f.v)
		if err != nil {
			im.rep.fail(rowNum, f.col, err.Error())
			return lr, false
		}
		*f.v = t
	}
	if lr.hhPhone != "" {
		ph, err := personal.NormalizePhone(lr.hhPhone)
		if err != nil {
			im.rep.fail(rowNum, ColHHPhone, err.Error())
			return lr, false
		}
		lr.hhPhone = ph
	}
	if lr.cadreTel != "" {
		ph, err := personal.NormalizePhone(lr.cadreTel)
		if err != nil {
			im.rep.fail(rowNum, ColCadrePhone, err.Error())
			return lr, false
		}
		lr.cadreTel = ph
	}
	name, err := personal.Name(get(ColName))
	if err != nil {
		im.rep.fail(rowNum, ColName, err.Error())
		return lr, false
	}
	if name == "" {
		if lr.hhNo == "" {
			im.rep.fail(rowNum, ColName, "姓名为空（只登记户时须填写户编号）")
			return lr, false
		}
		return lr, true // a household without members
	}
	g, unknown := ParseGroupNames(get(ColGroups))
	if len(unknown) > 0 {
		im.rep.fail(rowNum, ColGroups, "无法识别的特殊群体："+sheet.Clip(strings.Join(unknown, "、"), 60))
		return lr, false
	}
	p := Person{Name: name, IDNumber: get(ColIDNumber), Sex: get(ColSex), BirthDate: get(ColBirthDate), Phone: get(ColPhone),
		Relation: get(ColRelation), Residence: get(ColResidence), Groups: g, Note: get(ColNote), UnitCode: lr.unit}
	// Cells a spreadsheet typed as numbers or dates (sheet's readings).
	var damaged bool
	if p.IDNumber, damaged = sheet.IDNumberCell(p.IDNumber); damaged {
		im.rep.fail(rowNum, ColIDNumber, "身份证号被表格软件改写（科学计数或末位变为0），请将该列设为文本后重新填写")
		return lr, false
	}
	if p.Phone, damaged = sheet.PhoneCell(p.Phone); damaged {
		im.rep.fail(rowNum, ColPhone, "手机号被表格软件改写（科学计数丢失位数），请将该列设为文本后重新填写")
		return lr, false
	}
	if d := sheet.ParseDate(p.BirthDate, 0); d != "" {
		p.BirthDate = d
	}
	if col, msg := checkPerson(&p, lr.hhNo != "", clock.Day(time.UnixMilli(im.now))); msg != "" {
		im.rep.fail(rowNum, col, msg)
		return lr, false
	}
	if p.IDNumber != "" {
		if first, dup := im.seenIDs[p.IDNumber]; dup {
			im.rep.fail(rowNum, ColIDNumber, fmt.Sprintf("身份证号与第%d行重复", first))
			return lr, false
		}
		im.seenIDs[p.IDNumber] = rowNum
	}
	lr.p = p
	return lr, true
}

// checkPerson normalises a person's own fields; it returns the column and
// reason of the first problem.
func checkPerson(p *Person, inHousehold bool, today string) (string, string) {
	p.Sex, p.Relation = personal.NormSex(p.Sex), NormRelation(p.Relation)
	if field, err := cleanPersonText(p); err != nil {
		return map[string]string{"姓名": ColName, "备注": ColNote}[field], err.Error()
	}
	if p.Name == "" {
		return ColName, "姓名为空"
	}
	if len([]rune(p.Name)) > 30 {
		return ColName, "姓名超过30字"
	}
	if p.IDNumber != "" {
		id, err := personal.NormalizeIDNumber(p.IDNumber)
		if err != nil {
			return ColIDNumber, err.Error()
		}
		p.IDNumber, p.Sex, p.BirthDate = id, personal.IDSex(id), personal.IDBirthDate(id)
		if err := personal.CheckBirthDate(p.BirthDate, today); err != nil {
			return ColIDNumber, "身份证号中的" + err.Error()
		}
	} else {
		if p.Sex != "男" && p.Sex != "女" {
			return ColSex, "无身份证号时须填写性别（男/女）"
		}
		if !validDate(p.BirthDate) {
			return ColBirthDate, "无身份证号时须填写出生日期（如1980-05-01）"
		}
		if err := personal.CheckBirthDate(p.BirthDate, today); err != nil {
			return ColBirthDate, err.Error()
		}
	}
	if p.Phone != "" {
		ph, err := personal.NormalizePhone(p.Phone)
		if err != nil {
			return ColPhone, err.Error()
		}
		p.Phone = ph
	}
	if p.Relation != "" && !slices.Contains(Relations, p.Relation) {
		return ColRelation, "与户主关系应为：" + strings.Join(Relations, "、")
	}
	if inHousehold && p.Relation == "" {
		return ColRelation, "户内人员须填写与户主关系"
	}
	if p.Residence == "" {
		p.Residence = ResidentLocal
	}
	if !slices.Contains(ResidenceStatuses, p.Residence) {
		return ColResidence, "居住状态应为：" + strings.Join(ResidenceStatuses, "、")
	}
	if len([]rune(p.Note)) > 200 {
		return ColNote, "备注超过200字"
	}
	return "", ""
}

// villageByName resolves a village (or group) typed by name, once per name.
func (im *importer) villageByName(name string) villageName {
	if v, ok := im.villages[name]; ok {
		return v
	}
	var v villageName
	u, err := im.s.units.Find(im.ctx, im.scope, ColVillage, name)
	var iv *errs.Invalid
	switch {
	case errors.As(err, &iv):
		v.err = iv.Message
	case err != nil:
		v.err = "无法识别村(社区)名称"
	case u.Level < jurisdiction.LevelVillage:
		v.err = fmt.Sprintf("“%s”是%s，请填写村(社区)", name, jurisdiction.LevelName(u.Level))
	default:
		v.code = u.Code
	}
	im.villages[strings.Clone(name)] = v
	return v
}
