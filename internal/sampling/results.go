package sampling

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/sheet"
)

// Test results of a tube (pool) or of a single-tube retest.
const (
	ResultNegative = "negative" // 阴性
	ResultPositive = "positive" // 阳性
	ResultInvalid  = "invalid"  // 无效
)

// ResultName is the Chinese label of a result.
func ResultName(r string) string {
	switch r {
	case ResultNegative:
		return "阴性"
	case ResultPositive:
		return "阳性"
	case ResultInvalid:
		return "无效"
	case "":
		return "待出结果"
	}
	return r
}

// ParseResult accepts 阴性/阳性/无效 and negative/positive/invalid (also -,
// +), as labs write them: with the sign in brackets (阴性（-）), spaced
// (阴 性), full-width, or 未检出 for negative.
func ParseResult(s string) (string, bool) {
	s = strings.ToLower(strings.Join(strings.Fields(personal.Halfwidth(s)), ""))
	for _, sign := range []string{"(-)", "(+)", "(-", "(+"} {
		if t := strings.TrimSuffix(s, sign); t != s && t != "" {
			s = t
			break
		}
	}
	switch s {
	case "阴性", "negative", "neg", "-", "阴", "未检出", "阴性未检出", "未检出阴性":
		return ResultNegative, true
	case "阳性", "positive", "pos", "+", "阳", "检出阳性", "阳性检出":
		return ResultPositive, true
	case "无效", "invalid", "inv", "无效样本":
		return ResultInvalid, true
	}
	return "", false
}

// CategoryPoolPositive is the measures category given to members of a
// positive pool until their single-tube retests are back.
const CategoryPoolPositive = "pool_positive"

// ResultRow is one line of a lab's upload.
type ResultRow struct {
	Row    int    `json:"row,omitempty"`
	Tube   string `json:"tube"`
	Result string `json:"result"`
	// Refused is why the reader refused the line already (a cell too
	// long); never set from JSON.
	Refused string `json:"-"`
}

// echoChars is how much of a value of the file a message repeats.
const echoChars = 60

// RowError is a refused line of an upload.
type RowError struct {
	Row     int    `json:"row"`
	Tube    string `json:"tube"`
	Message string `json:"message"`
}

// ResultReport is what an upload did.
type ResultReport struct {
	Rows     int  `json:"rows"`
	BadRows  int  `json:"bad_rows"`
	Applied  bool `json:"applied"`
	Tubes    int  `json:"tubes"` // tubes given a result
	Negative int  `json:"negative"`
	Positive int  `json:"positive"`
	Invalid  int  `json:"invalid"`
	Retests  int  `json:"retests"` // people newly marked for single-tube retest
	// Walkins counts the walk-ins (流动人员) in positive or invalid pools:
	// not on the retest list (they are no registered members), listed
	// apart on the retest page with their phones for follow-up.
	Walkins   int `json:"walkins"`
	HookFails int `json:"hook_failures,omitempty"`
	// Repeated counts the tubes that already had the same result (a file
	// uploaded again): left as they were, not in Tubes.
	Repeated int `json:"repeated"`
	// Changed lists the tubes that had another result before this upload
	// (阴性 → 阳性, 无效 → 阴性): applied, and called out. A positive is
	// never changed by an upload: that line is refused (the pool's members
	// are already on the retest list and under measures).
	Changed []ResultChange `json:"changed"`
	// ChangedCount counts them all; Changed lists the first maxListedChanges.
	ChangedCount int `json:"changed_count"`
	// Errors lists the first maxListedErrors refused lines (all are
	// counted in BadRows, and in ErrorFile).
	Errors          []RowError `json:"errors"`
	ErrorsTruncated bool       `json:"errors_truncated,omitempty"`
	// ErrorFile lists every refused line (行号, 试管条码, 原因) as XLSX;
	// nil when there is none.
	ErrorFile []byte `json:"-"`
}

// ResultChange is a tube whose earlier result an upload changes.
type ResultChange struct {
	Row  int    `json:"row"`
	Tube string `json:"tube"`
	From string `json:"from"` // ResultNegative, ResultPositive, ResultInvalid
	To   string `json:"to"`
}

// FromName and ToName are the results' Chinese labels.
func (c ResultChange) FromName() string { return ResultName(c.From) }

// ToName is the new result's Chinese label.
func (c ResultChange) ToName() string { return ResultName(c.To) }

// maxListedChanges caps the changed tubes a report lists.
const maxListedChanges = 1000

// maxListedErrors caps the refused lines a report lists.
const maxListedErrors = 20000

// ResultHeaders are the columns of a results sheet.
var ResultHeaders = []string{"试管条码", "检测结果"}

// tubeHeaders and resultHeaders are the names labs' systems give the two
// columns, the barcode's own names first: a report with both 条码号 and
// 样本编号 (the lab's number) is read by its barcode.
var (
	tubeHeaders = []string{"试管条码", "试管编号", "试管编码", "试管号", "试管条形码", "条码", "条码号", "条形码", "样本条码", "标本条码",
		"采样管编号", "采样管条码", "混管编号", "混管条码", "管码", "tube", "barcode", "样本编号", "样本编码", "样本号", "标本编号"}
	resultHeaders = []string{"检测结果", "结果", "核酸检测结果", "核酸结果", "检测结论", "结论", "result"}
)

// ImportResults reads a lab's XLSX or CSV (试管条码, 检测结果) and records it
// like RecordResults.
func (s *Service) ImportResults(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, campaignID, labID int64,
	r io.ReaderAt, size int64, goodOnly bool) (ResultReport, error) {
	rd, err := sheet.OpenTable(r, size, sheet.Options{Known: append(append([]string{"序号"}, tubeHeaders...), resultHeaders...)})
	if err != nil {
		return ResultReport{}, errs.Invalidf("文件", "无法读取表格：%v", err)
	}
	defer rd.Close()
	rows, err := readResultRows(rd)
	if err != nil {
		return ResultReport{}, err
	}
	return s.RecordResults(ctx, actor, scope, campaignID, labID, rows, goodOnly)
}

// readResultRows reads the lines of a results sheet; a line with a cell
// too long comes Refused.
func readResultRows(rd *sheet.Reader) ([]ResultRow, error) {
	cols := rd.Columns()
	ti, ri := cols.Index(tubeHeaders[0], tubeHeaders[1:]...), cols.Index(resultHeaders[0], resultHeaders[1:]...)
	var miss []string
	if ti < 0 {
		miss = append(miss, "试管条码（或 条码号、样本条码、试管编号）")
	}
	if ri < 0 {
		miss = append(miss, "检测结果（或 结果、检测结论）")
	}
	if len(miss) > 0 {
		return nil, errs.Invalidf("文件", "缺少列：%s（表头在第%d行：%s）", strings.Join(miss, "、"), rd.HeaderRow(),
			sheet.Clip(strings.Join(rd.Header(), "、"), 120))
	}
	var rows []ResultRow
	for rd.Next() {
		row := rd.Row()
		cell := func(i int) string {
			if i < len(row) {
				// Kept until the end: a copy, no longer than a message shows.
				return strings.Clone(sheet.Clip(row[i], echoChars))
			}
			return ""
		}
		rr := ResultRow{Row: rd.RowNumber(), Tube: cell(ti), Result: cell(ri)}
		if i := sheet.LongCell(row); i >= 0 {
			rr.Refused = "“" + rd.ColumnName(i) + "”" + sheet.LongCellReason
		}
		rows = append(rows, rr)
		if len(rows) > 2_000_000 {
			return nil, errs.Invalidf("文件", "一次最多上传200万行")
		}
	}
	if err := rd.Err(); err != nil {
		return nil, errs.Invalidf("文件", "读取表格出错：%v", err)
	}
	return rows, nil
}

// checkRow is a line's tube and result, or what is wrong with it (the
// checks that need no database).
func checkRow(row ResultRow) (tube, result, problem string) {
	tube = normTube(row.Tube)
	res, ok := ParseResult(row.Result)
	switch {
	case row.Refused != "":
		return "", "", row.Refused
	case tube == "":
		return "", "", "缺少试管条码"
	case !ok:
		return "", "", fmt.Sprintf("检测结果应为 阴性、阳性 或 无效，而不是 %q", sheet.Clip(row.Result, echoChars))
	}
	return tube, res, ""
}

// RecordResults records tube results from a lab. Every row is checked
// first; with errors, nothing is applied unless goodOnly, which applies
// exactly the good rows. A positive or invalid pool marks all its members
// for single-tube retest (单采单检) at once; members of positive pools are
// passed to the Assigner (after commit) under CategoryPoolPositive.
func (s *Service) RecordResults(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, campaignID, labID int64,
	rows []ResultRow, goodOnly bool) (ResultReport, error) {
	c, err := s.Campaign(ctx, scope, campaignID)
	if err != nil {
		return ResultReport{}, err
	}
	area := effective(scope, c.UnitCode)
	var labOK int
	if err := s.db.R().QueryRowContext(ctx, "SELECT COUNT(*) FROM test_labs WHERE id = $1 AND campaign_id = $2", labID, c.ID).Scan(&labOK); err != nil {
		return ResultReport{}, fmt.Errorf("lab: %w", err)
	}
	if labOK == 0 {
		return ResultReport{}, errs.Invalidf("检测机构", "请选择本轮的检测机构")
	}
	rep := ResultReport{Rows: len(rows), Errors: []RowError{}, Changed: []ResultChange{}}
	now := s.now().UnixMilli()
	var positives []int64
	var file *sheet.ErrorFile
	defer func() { file.Discard() }()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		rep = ResultReport{Rows: len(rows), Errors: []RowError{}, Changed: []ResultChange{}}
		file.Discard()
		file = nil
		positives = positives[:0]
		type good struct {
			id     int64
			tube   string
			result string
		}
		var goods []good
		seen := map[string]int{}
		for i, row := range rows {
			if row.Row == 0 {
				row.Row = i + 1
			}
			bad := func(format string, args ...any) {
				e := RowError{Row: row.Row, Tube: sheet.Clip(row.Tube, echoChars), Message: fmt.Sprintf(format, args...)}
				rep.BadRows++
				if len(rep.Errors) < maxListedErrors {
					rep.Errors = append(rep.Errors, e)
				} else {
					rep.ErrorsTruncated = true
				}
				if file == nil {
					file = sheet.NewErrorFile("行号", "试管条码", "原因")
				}
				file.Add(strconv.Itoa(e.Row), e.Tube, e.Message)
			}
			tube, res, problem := checkRow(row)
			if problem != "" {
				bad("%s", problem)
				continue
			}
			if first, dup := seen[tube]; dup {
				bad("试管 %s 在第%d行已出现", sheet.Clip(tube, echoChars), first)
				continue
			}
			seen[tube] = row.Row
			var id, cid int64
			var unit, was string
			var count int
			err := tx.QueryRowContext(ctx, "SELECT id, campaign_id, unit_code, count, result FROM test_tubes WHERE barcode = $1", tube).
				Scan(&id, &cid, &unit, &count, &was)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && (cid != c.ID || !area.Contains(unit))) {
				bad("试管 %s 不存在、不属于本轮或不在您的辖区内", sheet.Clip(tube, echoChars))
				continue
			}
			if err != nil {
				return fmt.Errorf("tube %s: %w", tube, err)
			}
			if count == 0 {
				bad("试管 %s 是空管，没有采样记录", tube)
				continue
			}
			switch {
			case was == res:
				// The same result again (the file uploaded twice): the
				// first result and its time stand.
				rep.Repeated++
				continue
			case was == ResultPositive:
				bad("试管 %s 已登记为阳性，不能改为%s：其混管人员已列入单采单检并转管控，以单采单检结果为准；确属检测机构更正，请联系指挥部处理",
					sheet.Clip(tube, echoChars), ResultName(res))
				continue
			case was != "":
				if rep.ChangedCount++; len(rep.Changed) < maxListedChanges {
					rep.Changed = append(rep.Changed, ResultChange{Row: row.Row, Tube: tube, From: was, To: res})
				}
			}
			goods = append(goods, good{id, tube, res})
		}
		if rep.BadRows > 0 && !goodOnly {
			return nil
		}
		for _, g := range goods {
			if _, err := tx.ExecContext(ctx, `UPDATE test_tubes SET result = $1, result_at = $2, lab_id = $3,
				closed_at = CASE WHEN closed_at = 0 THEN CAST($2 AS BIGINT) ELSE closed_at END WHERE id = $4`, g.result, now, labID, g.id); err != nil {
				return fmt.Errorf("result of %s: %w", g.tube, err)
			}
			rep.Tubes++
			switch g.result {
			case ResultNegative:
				rep.Negative++
				continue
			case ResultPositive:
				rep.Positive++
			case ResultInvalid:
				rep.Invalid++
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO test_retests (campaign_id, person_id, tube_id, unit_code, reason, created_at)
				SELECT campaign_id, person_id, tube_id, unit_code, $1, $2 FROM test_samples WHERE tube_id = $3
				ON CONFLICT (campaign_id, person_id) DO NOTHING`, g.result, now, g.id)
			if err != nil {
				return fmt.Errorf("retests of %s: %w", g.tube, err)
			}
			n, _ := res.RowsAffected()
			rep.Retests += int(n)
			var walkins int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM test_walkins WHERE tube_id = $1", g.id).Scan(&walkins); err != nil {
				return fmt.Errorf("walk-ins of %s: %w", g.tube, err)
			}
			rep.Walkins += walkins
			if g.result == ResultPositive {
				ids, err := idsOf(ctx, tx, "SELECT person_id FROM test_samples WHERE tube_id = $1", g.id)
				if err != nil {
					return fmt.Errorf("members of %s: %w", g.tube, err)
				}
				positives = append(positives, ids...)
			}
		}
		rep.Applied = true
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionImport, "test_result", fmt.Sprint(c.ID), area.Code(),
			fmt.Sprintf("上传检测结果 %d 管：阴性 %d、阳性 %d、无效 %d，需单采单检 %d 人，流动人员待跟进 %d 人%s", rep.Tubes, rep.Negative, rep.Positive,
				rep.Invalid, rep.Retests, rep.Walkins, rep.changeNote()))
	})
	if err != nil {
		return ResultReport{}, err
	}
	rep.ErrorFile, _ = file.Bytes() // when it cannot be written, the report still lists the first errors
	for _, id := range positives {
		if err := s.assigner.AssignCategory(ctx, actor, id, CategoryPoolPositive, clock.Day(s.now()), "sampling",
			fmt.Sprintf("%s 混管阳性，待单采单检", c.Name)); err != nil {
			rep.HookFails++
		}
	}
	return rep, nil
}

// changeNote is what the audit line adds about tubes that had results.
func (rep ResultReport) changeNote() string {
	var b strings.Builder
	if rep.ChangedCount > 0 {
		fmt.Fprintf(&b, "；更改结果 %d 管", rep.ChangedCount)
		for i, c := range rep.Changed {
			if i == 10 {
				b.WriteString(" 等")
				break
			}
			fmt.Fprintf(&b, " %s（%s→%s）", c.Tube, c.FromName(), c.ToName())
		}
	}
	if rep.Repeated > 0 {
		fmt.Fprintf(&b, "；%d 管已有相同结果，未重复登记", rep.Repeated)
	}
	return b.String()
}

// RecordRetest records the single-tube retest of a person marked for one.
func (s *Service) RecordRetest(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, campaignID, personID int64, tube, result string) error {
	c, err := s.Campaign(ctx, scope, campaignID)
	if err != nil {
		return err
	}
	area := effective(scope, c.UnitCode)
	res, ok := ParseResult(result)
	if !ok {
		return errs.Invalidf("检测结果", "检测结果应为 阴性、阳性 或 无效")
	}
	tube = normTube(tube)
	if !validTube(tube) {
		return errs.Invalidf("试管条码", "试管条码无效：应为4–40位数字、字母或 - _")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var unit string
		err := tx.QueryRowContext(ctx, "SELECT unit_code FROM test_retests WHERE campaign_id = $1 AND person_id = $2", c.ID, personID).Scan(&unit)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !area.Contains(unit)) {
			return fmt.Errorf("retest of %d: %w", personID, errs.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("retest: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE test_retests SET retest_tube = $1, retest_result = $2, retest_at = $3
			WHERE campaign_id = $4 AND person_id = $5`, tube, res, s.now().UnixMilli(), c.ID, personID); err != nil {
			return fmt.Errorf("retest: %w", err)
		}
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionUpdate, "person", fmt.Sprint(personID), unit,
			"单采单检结果 "+ResultName(res)+" 试管 "+tube)
	})
}
