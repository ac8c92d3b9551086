package pushlist

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/sheet"
)

// pushed is one row after normalisation.
type pushed struct {
	name, idNumber, phone, birth string
	validID                      bool
	origin, arrival, address     string
	originCode                   string // the 出发地's division code when it is clear
	dest, note                   string
	problems                     []string
}

func (im *importer) cell(cells []string, field string) string {
	if i := im.cols[field]; i >= 0 && i < len(cells) {
		return strings.TrimSpace(cells[i])
	}
	return ""
}

// normalise cleans the mapped cells of a row.
func (im *importer) normalise(cells []string) pushed {
	var p pushed
	// Control characters, direction overrides and zero-width characters
	// are dropped (a name of nothing else is no name); spaces inside a
	// name are dropped too ("张 三").
	p.name = strings.ReplaceAll(personal.Scrub(personal.Halfwidth(im.cell(cells, FieldName))), " ", "")
	if sent := im.cell(cells, FieldIDNumber); sent != "" {
		raw, damaged := sheet.IDNumberCell(sent)
		id, err := personal.NormalizeIDNumber(raw)
		if damaged {
			// Never matched on: the digits a spreadsheet rounded away
			// may be anyone's. The birth date survives a float's 15
			// significant digits, for name + birth date.
			err = errDamagedID
		}
		if err == nil {
			err = personal.CheckBirthDate(personal.IDBirthDate(id), im.today)
		}
		if err == nil {
			p.idNumber, p.validID, p.birth = id, true, personal.IDBirthDate(id)
		} else {
			p.idNumber = cleanID(raw)
			if damaged {
				p.idNumber = cleanID(sent) // as sent: the rounded digits are nobody's
			}
			p.problems = append(p.problems, err.Error())
			// The birth date from the digits (a number-typed cell comes
			// as 6.10118199002020E+17: its digits still hold it).
			if digits := cleanID(raw); len(digits) == 18 {
				if _, e := time.Parse("20060102", digits[6:14]); e == nil {
					p.birth = personal.IDBirthDate(digits)
				}
			}
		}
	}
	if p.birth == "" {
		p.birth = sheet.ParseDate(im.cell(cells, FieldBirth), 0)
	}
	if p.birth != "" && personal.CheckBirthDate(p.birth, im.today) != nil {
		p.birth = "" // 2999-01-01 is no birth date to match on
	}
	if raw := im.cell(cells, FieldPhone); raw != "" {
		raw, damaged := sheet.PhoneCell(raw)
		ph, err := personal.NormalizePhone(raw)
		if damaged {
			p.problems = append(p.problems, sheet.PhoneDamageReason)
		} else if err == nil {
			p.phone = ph
		} else {
			p.problems = append(p.problems, "手机号无效")
		}
	}
	p.origin = personal.Scrub(personal.Halfwidth(im.cell(cells, FieldOrigin)))
	if p.origin != "" {
		if c, ok := im.places.Resolve(p.origin).Resolved(); ok {
			p.originCode = c.Code
		}
	}
	p.arrival = im.arrivalDate(im.cell(cells, FieldArrival))
	p.address = personal.Scrub(personal.Halfwidth(im.cell(cells, FieldAddress)))
	p.dest = personal.Scrub(personal.Halfwidth(im.cell(cells, FieldDest)))
	p.note = personal.Scrub(im.cell(cells, FieldNote))
	return p
}

// arrivalDate reads an arrival date. One written without its year
// (12月10日) is in the import's year, unless that puts it more than half a
// year after the import: a list read on 3 January that says 12月30日 means
// last December.
func (im *importer) arrivalDate(v string) string {
	d := sheet.ParseDate(v, im.year)
	if d == "" || sheet.ParseDate(v, 0) != "" {
		return d // no date, or one with its year
	}
	if t, err := time.Parse("2006-01-02", d); err == nil && t.After(im.day().AddDate(0, 6, 0)) {
		return t.AddDate(-1, 0, 0).Format("2006-01-02")
	}
	return d
}

// day is the import's date.
func (im *importer) day() time.Time {
	t, _ := time.Parse("2006-01-02", im.today)
	return t
}

// cleanID is an ID number as typed, folded but not validated.
func cleanID(s string) string {
	s = strings.ToUpper(personal.Halfwidth(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}

// errDamagedID is the problem of an ID number a spreadsheet rewrote.
var errDamagedID = errors.New(sheet.IDDamageReason)

// normDate reads a date as sheet.ParseDate does (2026-11-20, 2026/11/20,
// 20261120, 2026年11月20日, with a time of day or not) and returns
// YYYY-MM-DD, or "" when unreadable.
func normDate(s string) string { return sheet.ParseDate(s, 0) }

// match finds the registered person of a row: by ID number, else by phone
// (the one person with it, or the one of that name), else by name and
// birth date (and place, when several share both).
func (im *importer) match(p *pushed) (int32, string) {
	ix := im.ix
	if p.validID {
		if k, ok := idKey(p.idNumber); ok {
			if i, ok := ix.byID[k]; ok {
				return i, "身份证号"
			}
		}
	}
	if p.phone != "" {
		k, _ := digitsKey(p.phone)
		c := ix.byPhone.get(k)
		if len(c) == 1 && (p.name == "" || ix.people[c[0]].name == p.name) {
			return c[0], "手机号"
		}
		if len(c) > 1 && p.name != "" {
			found := int32(-1)
			for _, i := range c {
				if ix.people[i].name == p.name {
					if found >= 0 {
						found = -2
						break
					}
					found = i
				}
			}
			if found >= 0 {
				return found, "手机号+姓名"
			}
		}
	}
	if p.name != "" && p.birth != "" {
		k, _ := dobKey(p.name, p.birth)
		c := ix.byNameDOB.get(k)
		if len(c) == 1 {
			return c[0], "姓名+出生日期"
		}
		if len(c) > 1 {
			found := int32(-1)
			for _, i := range c {
				pp := ix.people[i]
				vname := ix.units[jurisdiction.VillageOf(pp.unit)].name
				samePlace := (len(p.idNumber) >= 6 && pp.prefix == p.idNumber[:6]) ||
					(vname != "" && (strings.Contains(p.address, vname) || strings.Contains(p.dest, vname)))
				if samePlace {
					if found >= 0 {
						return -1, ""
					}
					found = i
				}
			}
			if found >= 0 {
				return found, "姓名+出生日期+地点"
			}
		}
	}
	return -1, ""
}

// route finds where an unmatched row's task goes: the destination code or
// text, the address, the place code of the ID number; else the scope's own
// queue. It returns the unit and how it was found.
func (im *importer) route(p *pushed) (string, string) {
	ix := im.ix
	if p.dest != "" && isDigits(p.dest) {
		if u := ix.routeCode(p.dest); u != "" {
			return u, "目的地代码"
		}
	}
	if u, how := ix.routeText(p.dest); u != "" {
		return u, how
	}
	if u, how := ix.routeText(p.address); u != "" {
		return u, how
	}
	if len(p.idNumber) >= 6 && isDigits(p.idNumber[:6]) {
		if u := ix.routeCode(p.idNumber[:6]); u != "" {
			return u, "身份证号归属地，转县队列"
		}
	}
	return im.scope.Code(), "无法确定村（社区），转" + map[bool]string{true: "县", false: "本级"}[len(im.scope.Code()) == 6] + "队列"
}

// The notes a task's reason carries when a row needs a second look; the
// list page counts the rows by them (Flags).
const (
	// ReasonOutside: the address given is a place outside the county.
	ReasonOutside = "地址不在本县"
	// ReasonNameDiffers: matched by ID number, the name differs from the
	// ledger's.
	ReasonNameDiffers = "姓名与台账不一致"
)

// outside names the place of an address that lies outside the county of
// the import (长安区韦曲街道 for a 鄠邑区 list), or "" when the address is
// empty, in the county, or not certainly a place elsewhere: every reading
// of it must lie outside the county.
func (im *importer) outside(address string) string {
	if address == "" || im.places == nil || len(im.scope.Code()) < 6 {
		return ""
	}
	if u, _ := im.ix.routeText(address); u != "" {
		return ""
	}
	county := im.scope.Code()[:6]
	res := im.places.Resolve(address)
	if len(res.Candidates) == 0 || res.Fuzzy || res.Total > len(res.Candidates) {
		return ""
	}
	for _, c := range res.Candidates {
		if strings.HasPrefix(c.Code, county) || strings.HasPrefix(county, c.Code) {
			return ""
		}
	}
	return sheet.Clip(res.Choices(), 120)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// task is one row ready to insert. Earlier tasks of this list are named by
// their ordinal (dupOrd, 1-based), since their IDs are allocated by the
// inserting side.
type task struct {
	rowNo                      int
	raw                        string
	p                          pushed
	personID                   int64
	unit, outcome, status      string
	matchHow, routeHow, reason string
	dupOrd                     int
	dupID                      int64
}

// prepare turns one pushed row (the ord-th of the list) into its task.
func (im *importer) prepare(ord, rowNo int, cells []string) task {
	l := im.list
	l.Rows++
	t := task{rowNo: rowNo, status: StatusOpen, raw: rawRow(cells)}
	if i := sheet.LongCell(cells); i >= 0 {
		// Refused whole: nothing of it is matched or kept but its raw
		// cells, each clipped.
		t.outcome, t.status, t.unit = OutcomeRejected, StatusRejected, im.scope.Code()
		t.reason = "“" + im.columnName(i) + "”" + sheet.LongCellReason
		l.Rejected++
		return t
	}
	t.p = im.normalise(cells)
	p := &t.p
	t.reason = strings.Join(p.problems, "；")
	if pi, how := im.match(p); pi >= 0 {
		pp := im.ix.people[pi]
		t.personID, t.unit, t.matchHow, t.routeHow, t.outcome = pp.id, pp.unit, how, "登记户籍所在村（组）", OutcomeMatched
		if p.name == "" {
			p.name = pp.name
		} else if p.name != pp.name {
			// Matched by the ID number alone: the village checks that the
			// person is the one pushed (a mistyped ID is someone else's).
			t.reason = joinReason(t.reason, ReasonNameDiffers+"：推送为“"+p.name+"”，台账登记为“"+pp.name+"”，请核实是否本人")
		}
	} else if p.name == "" && !p.validID && p.phone == "" {
		t.outcome, t.status, t.unit = OutcomeRejected, StatusRejected, im.scope.Code()
		t.reason = "无姓名、无有效身份证号、无有效手机号，无法核查"
		if len(p.problems) > 0 {
			t.reason += "（" + strings.Join(p.problems, "；") + "）"
		}
	} else {
		t.matchHow = "未匹配到登记人员"
		t.unit, t.routeHow = im.route(p)
		if len(t.unit) >= 12 {
			t.outcome = OutcomeCreated
		} else {
			t.outcome = OutcomeQueued
		}
	}
	if t.outcome != OutcomeRejected {
		if where := im.outside(p.address); where != "" {
			t.reason = joinReason(t.reason, ReasonOutside+"（"+where+"），核实后可能需发协查")
		}
	}
	if t.outcome != OutcomeRejected {
		validID := ""
		if p.validID {
			validID = p.idNumber
		}
		keys := dupKeys(t.personID, validID, p.phone, p.name)
		var first seenTask
		found := false
		for _, k := range keys {
			if first, found = im.seen[k]; found {
				break
			}
		}
		if found {
			t.outcome, t.status, t.unit = OutcomeDuplicate, StatusDuplicate, first.unit
			if first.ord > 0 {
				t.dupOrd = first.ord
				t.reason = joinReason(t.reason, "与本名单第"+itoa(first.row)+"行为同一人")
			} else {
				t.dupID = first.id
				t.reason = joinReason(t.reason, "已有未完成的核查任务#"+itoa64(first.id))
			}
		} else {
			for _, k := range keys {
				im.seen[k] = seenTask{ord: ord, unit: t.unit, row: rowNo}
			}
		}
	}
	switch t.outcome {
	case OutcomeMatched:
		l.Matched++
	case OutcomeCreated:
		l.Created++
	case OutcomeQueued:
		l.Queued++
	case OutcomeDuplicate:
		l.Duplicates++
	case OutcomeRejected:
		l.Rejected++
	}
	return t
}

// rawRow joins a row's cells for push_tasks.raw, each cell clipped to
// sheet.FreeTextChars.
func rawRow(cells []string) string {
	raw := strings.Join(cells, rawSep)
	if strings.Count(raw, rawSep) == len(cells)-1 && sheet.LongCell(cells) < 0 {
		return raw
	}
	clean := make([]string, len(cells))
	for i, c := range cells {
		clean[i] = sheet.Clip(strings.ReplaceAll(c, rawSep, " "), sheet.FreeTextChars)
	}
	return strings.Join(clean, rawSep)
}

// columnName is the header of column i, for a message.
func (im *importer) columnName(i int) string {
	if i < len(im.list.Headers) && im.list.Headers[i] != "" {
		return sheet.Clip(im.list.Headers[i], 30)
	}
	return "第" + itoa(i+1) + "列"
}

// insert gives a task its ID and queues it for insertion; ids holds the
// IDs of the list's earlier tasks by ordinal.
func (im *importer) insert(t *task, ids *[]int64) error {
	id, err := im.nextID()
	if err != nil {
		return err
	}
	*ids = append(*ids, id)
	dupOf := t.dupID
	if t.dupOrd > 0 {
		dupOf = (*ids)[t.dupOrd-1]
	}
	p := &t.p
	return im.ins.Add(id, im.list.ID, t.rowNo, t.raw, p.name, p.idNumber, p.phone, p.origin, p.arrival, p.address,
		t.personID, t.unit, t.outcome, t.matchHow, t.routeHow, t.reason, dupOf, t.status, im.deadline, im.now, p.originCode)
}

// joinReason joins two notes with "；", leaving out empty ones (so no
// stray separator).
func joinReason(a, b string) string {
	a, b = strings.Trim(a, "；; "), strings.Trim(b, "；; ")
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "；" + b
}

func itoa(n int) string     { return itoa64(int64(n)) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
