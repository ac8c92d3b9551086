package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sheet"
)

// The household and person ledger (户籍人口台账) layout, in and out.
const (
	ColVillageCode = "村(社区)代码"
	ColVillage     = "村(社区)"
	ColGroupCode   = "组/小区代码"
	ColGroup       = "组/小区"
	ColHouseholdNo = "户编号"
	ColAddress     = "住址"
	ColHHPhone     = "户联系电话"
	ColGrid        = "网格"
	ColCadre       = "包户干部"
	ColCadrePhone  = "包户干部电话"
	ColName        = "姓名"
	ColIDNumber    = "身份证号"
	ColSex         = "性别"
	ColBirthDate   = "出生日期"
	ColPhone       = "手机号"
	ColRelation    = "与户主关系"
	ColResidence   = "居住状态"
	ColGroups      = "特殊群体"
	ColNote        = "备注"
)

// LedgerHeaders is the column order of an exported ledger.
var LedgerHeaders = []string{ColVillageCode, ColVillage, ColGroupCode, ColGroup, ColHouseholdNo, ColAddress, ColHHPhone, ColGrid,
	ColCadre, ColCadrePhone, ColName, ColIDNumber, ColSex, ColBirthDate, ColPhone, ColRelation, ColResidence, ColGroups, ColNote}

var ledgerWidths = []float64{15, 18, 18, 14, 20, 30, 14, 12, 10, 14, 10, 22, 6, 12, 14, 10, 10, 16, 20}

// ExportLedger streams the ledger of a unit inside the scope as XLSX: every
// household with its members, then people without a household. Rows go out
// as the database returns them, so memory does not grow with the ledger.
// The export is written to the audit log.
func (s *Service) ExportLedger(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, unitCode string, w io.Writer) (int, error) {
	var sw *sheet.Writer
	start := func() (err error) {
		sw, err = sheet.NewWriter(w, "台账", LedgerHeaders, ledgerWidths)
		return err
	}
	unit, people, err := s.LedgerRows(ctx, scope, unitCode, func(cells []string) error {
		if sw == nil {
			if err := start(); err != nil {
				return err
			}
		}
		return sw.WriteRow(cells)
	})
	if err == nil && sw == nil {
		err = start() // an empty ledger: the headers alone
	}
	if sw != nil {
		if cerr := sw.Close(); err == nil {
			err = cerr
		}
	}
	// Recorded even when the client went away: rows that left before the
	// failure are an export too (the entry then says it was cut off).
	actx := context.WithoutCancel(ctx)
	if err != nil {
		if sw != nil {
			if aerr := audit.Record(actx, s.db.W(), s.now(), who, audit.ActionExport, "ledger", unit.Code, unit.Code,
				fmt.Sprintf("导出台账 %s（中断，已读出%d人）", unit.Name, people)); aerr != nil {
				return people, errors.Join(err, aerr)
			}
		}
		return people, err
	}
	err = audit.Record(actx, s.db.W(), s.now(), who, audit.ActionExport, "ledger", unit.Code, unit.Code,
		fmt.Sprintf("导出台账 %s（%d人）", unit.Name, people))
	return people, err
}

// LedgerRows reads the ledger of a unit inside the scope, ordered as
// ExportLedger writes it, and calls fn with the cells of each row (in the
// order of LedgerHeaders) as the database cursor returns it; fn must not
// keep the slice. It returns the unit and the number of people. It writes
// no audit entry: ExportLedger does.
func (s *Service) LedgerRows(ctx context.Context, scope jurisdiction.Scope, unitCode string, fn func(cells []string) error) (jurisdiction.Unit, int, error) {
	unit, err := s.units.Get(ctx, scope, unitCode)
	if err != nil {
		return unit, 0, err
	}
	scope, err = scope.Narrow(unit.Code)
	if err != nil {
		return unit, 0, err
	}
	names, err := s.unitNames(ctx, scope)
	if err != nil {
		return unit, 0, err
	}
	lo, hi := scope.Args()
	rows, err := s.db.R().QueryContext(ctx, `SELECT h.unit_code, h.no, h.address, h.phone, COALESCE(g.name, ''), h.cadre_name, h.cadre_phone,
			p.name, p.id_number, p.sex, p.birth_date, p.phone, p.relation, p.residence, p.groups, p.note, p.id
		FROM households h
		LEFT JOIN people p ON p.household_id = h.id AND p.active = 1
		LEFT JOIN grids g ON g.id = h.grid_id
		WHERE `+scope.Where("h.unit_code", 1)+`
		UNION ALL
		SELECT p.unit_code, '', '', '', '', '', '', p.name, p.id_number, p.sex, p.birth_date, p.phone, p.relation, p.residence, p.groups, p.note, p.id
		FROM people p WHERE `+scope.Where("p.unit_code", 1)+` AND p.household_id IS NULL AND p.active = 1
		ORDER BY 1, 2, 17`, lo, hi)
	if err != nil {
		return unit, 0, fmt.Errorf("export ledger %s: %w", unitCode, err)
	}
	defer rows.Close()
	people := 0
	cells := make([]string, len(LedgerHeaders))
	groupNames := map[int64]string{} // by bit set: a few distinct values, joined once each
	for rows.Next() {
		var unitCode, no, addr, hphone, grid, cadre, cadrePhone string
		var name, id, sex, birth, phone, rel, res, note sql.NullString
		var groups sql.NullInt64
		var pid sql.NullInt64
		if err := rows.Scan(&unitCode, &no, &addr, &hphone, &grid, &cadre, &cadrePhone, &name, &id, &sex, &birth, &phone, &rel, &res, &groups, &note, &pid); err != nil {
			return unit, people, err
		}
		village := jurisdiction.VillageOf(unitCode)
		group := ""
		if len(unitCode) > 12 {
			group = unitCode
		}
		gn, ok := groupNames[groups.Int64]
		if !ok {
			gn = GroupNames(SpecialGroup(groups.Int64))
			groupNames[groups.Int64] = gn
		}
		cells = append(cells[:0], village, names[village], group, names[group], no, addr, hphone, grid, cadre, cadrePhone,
			name.String, id.String, sex.String, birth.String, phone.String, rel.String, res.String, gn, note.String)
		if name.Valid {
			people++
		}
		if err := fn(cells); err != nil {
			return unit, people, err
		}
	}
	if err := rows.Err(); err != nil {
		return unit, people, fmt.Errorf("export ledger %s: %w", unitCode, err)
	}
	return unit, people, nil
}

// unitNames maps every village and group code in the scope to its name.
func (s *Service) unitNames(ctx context.Context, scope jurisdiction.Scope) (map[string]string, error) {
	lo, hi := scope.Args()
	rows, err := s.db.R().QueryContext(ctx, "SELECT code, name FROM units WHERE "+scope.Where("code", 1)+" AND level >= $3", lo, hi, jurisdiction.LevelVillage)
	if err != nil {
		return nil, fmt.Errorf("unit names: %w", err)
	}
	defer rows.Close()
	out := map[string]string{"": ""}
	for rows.Next() {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}

// ImportMode says what happens when some rows are bad.
type ImportMode string

const (
	ImportAllOrNothing ImportMode = "all"  // any bad row: nothing is applied
	ImportGoodRows     ImportMode = "good" // the good rows are applied, the bad ones reported
)

// RowError is one bad row of an import.
type RowError struct {
	Row    int    `json:"row"`
	Column string `json:"column"`
	Reason string `json:"reason"`
}

// maxListedErrors caps the row errors kept for the report (all are counted).
const maxListedErrors = 20000

// ImportReport says what an import did.
type ImportReport struct {
	Mode              ImportMode `json:"mode"`
	Rows              int        `json:"rows"`
	GoodRows          int        `json:"good_rows"`
	BadRows           int        `json:"bad_rows"`
	Applied           bool       `json:"applied"`
	HouseholdsCreated int        `json:"households_created"`
	GroupsCreated     int        `json:"groups_created"`
	PeopleCreated     int        `json:"people_created"`
	PeopleUpdated     int        `json:"people_updated"`
	// IgnoredColumns are the file's headers the ledger does not read.
	IgnoredColumns  []string   `json:"ignored_columns,omitempty"`
	Errors          []RowError `json:"errors"`
	ErrorsTruncated bool       `json:"errors_truncated"`
	// ErrorFile lists every row error (行号, 列, 原因) as XLSX; nil when
	// there is none.
	ErrorFile []byte `json:"-"`
	file      *sheet.ErrorFile
}

func (r *ImportReport) fail(row int, col, reason string) {
	r.BadRows++
	if r.file == nil {
		r.file = sheet.NewErrorFile("行号", "列", "原因")
	}
	r.file.Add(strconv.Itoa(row), col, reason)
	if len(r.Errors) < maxListedErrors {
		r.Errors = append(r.Errors, RowError{Row: row, Column: col, Reason: reason})
	} else {
		r.ErrorsTruncated = true
	}
}

// finishErrors puts the full list of errors in ErrorFile (or drops it, on
// an import that failed). A file that cannot be written leaves ErrorFile
// nil: the report still lists the first errors.
func (r *ImportReport) finishErrors(keep bool) {
	if keep {
		r.ErrorFile, _ = r.file.Bytes()
	}
	r.file.Discard()
	r.file = nil
}

// ParseImportMode reads the mode a user chose.
func ParseImportMode(s string) (ImportMode, error) {
	switch ImportMode(s) {
	case ImportAllOrNothing, ImportGoodRows:
		return ImportMode(s), nil
	case "":
		return ImportAllOrNothing, nil
	}
	return "", errs.Invalidf("导入方式", "请选择“全部正确才导入”或“只导入正确的行”")
}
