package returnee

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/registry"
	"fangkong/internal/riskarea"
	"fangkong/internal/sheet"
)

func validDay(d string) bool {
	if len(d) != 10 {
		return false
	}
	_, err := personal.ParseDate(d)
	return err == nil
}

func addDays(day string, n int) string {
	t, _ := personal.ParseDate(day)
	return t.AddDate(0, 0, n).Format("2006-01-02")
}

func tooLong(s string, n int) bool { return len([]rune(s)) > n }

// validate normalises the fields of a report that do not need the database.
func validate(a *Arrival, today string) error {
	trim := func(p *string) { *p = strings.TrimSpace(personal.Halfwidth(*p)) }
	for _, p := range []*string{&a.Name, &a.IDNumber, &a.Phone, &a.VillageCode, &a.OriginCode, &a.OriginName, &a.OriginDetail, &a.OriginText,
		&a.DepartedOn, &a.ArrivedOn, &a.Transport, &a.TransportNo, &a.Source, &a.TestSampledAt, &a.Symptoms, &a.Gatherings,
		&a.Companions, &a.Note, &a.Status, &a.Sex, &a.BirthDate} {
		trim(p)
	}
	for _, f := range []struct {
		v         *string
		name      string
		multiline bool
	}{{&a.Name, "姓名", false}, {&a.OriginName, "来源地", false}, {&a.OriginDetail, "具体地点", false},
		{&a.TransportNo, "车次/航班/车牌", false}, {&a.Symptoms, "症状", true}, {&a.Gatherings, "聚集活动", true},
		{&a.Companions, "同住/同行人员", true}, {&a.Note, "备注", true}, {&a.SourceRef, "来源编号", false}} {
		clean, err := personal.Name(*f.v)
		if f.multiline {
			clean, err = personal.Text(*f.v)
		}
		if err != nil {
			return errs.Invalidf(f.name, "%s", err.Error())
		}
		*f.v = clean
	}
	// Dates as people type them (2021年12月10日5时34分, 2021/12/10 5:34).
	a.ArrivedOn, a.DepartedOn, a.BirthDate = sheet.NormDate(a.ArrivedOn), sheet.NormDate(a.DepartedOn), sheet.NormDate(a.BirthDate)
	a.TestSampledAt = sheet.NormDateTime(a.TestSampledAt)
	if a.IDNumber != "" {
		id, err := personal.NormalizeIDNumber(a.IDNumber)
		if err != nil {
			return errs.Invalidf("身份证号", "%s", err.Error())
		}
		if err := personal.CheckBirthDate(personal.IDBirthDate(id), today); err != nil {
			return errs.Invalidf("身份证号", "身份证号中的%s", err.Error())
		}
		a.IDNumber = id
	}
	if a.BirthDate != "" {
		if err := personal.CheckBirthDate(a.BirthDate, today); err != nil {
			return errs.Invalidf("出生日期", "%s", err.Error())
		}
	}
	if a.Phone != "" {
		ph, err := personal.NormalizePhone(a.Phone)
		if err != nil {
			return errs.Invalidf("手机号", "%s", err.Error())
		}
		a.Phone = ph
	}
	if a.PersonID == 0 && a.Name == "" {
		return errs.Invalidf("姓名", "请填写姓名")
	}
	if tooLong(a.Name, 30) {
		return errs.Invalidf("姓名", "姓名请在30字以内")
	}
	if !validDay(a.ArrivedOn) {
		return errs.Invalidf("返乡日期", "请填写返乡（抵达）日期，如2021-12-25")
	}
	if a.ArrivedOn > today {
		return errs.Invalidf("返乡日期", "返乡日期不能晚于今天")
	}
	if a.DepartedOn != "" && (!validDay(a.DepartedOn) || a.DepartedOn > a.ArrivedOn) {
		return errs.Invalidf("离开日期", "离开来源地日期须为不晚于返乡日期的日期")
	}
	if a.OriginCode != "" {
		if len(riskarea.Prefixes(a.OriginCode)) == 0 || strings.Trim(a.OriginCode, "0123456789") != "" ||
			!slices.Contains([]int{2, 4, 6, 9, 12}, len(a.OriginCode)) {
			return errs.Invalidf("来源地", "来源地区划代码应为2、4、6、9或12位数字")
		}
	}
	// The origin may be unknown (a push list without it): the arrival still
	// counts, with no risk level until someone fills the origin in.
	if tooLong(a.OriginDetail, 100) {
		return errs.Invalidf("具体地点", "请在100字以内")
	}
	if tooLong(a.OriginName, 60) || tooLong(a.OriginText, 100) {
		return errs.Invalidf("来源地", "来源地地名请在100字以内")
	}
	if a.Transport != "" && !slices.Contains(Transports, a.Transport) {
		return errs.Invalidf("交通方式", "请选择：%s", strings.Join(Transports, "、"))
	}
	if tooLong(a.TransportNo, 30) {
		return errs.Invalidf("车次/航班/车牌", "请在30字以内")
	}
	if a.Source == "" {
		return errs.Invalidf("来源", "请选择信息来源")
	}
	if !slices.Contains(Sources, a.Source) {
		return errs.Invalidf("来源", "请选择：%s", strings.Join(Sources, "、"))
	}
	if a.Status != "" && !slices.Contains(Statuses, a.Status) {
		return errs.Invalidf("核实状态", "请选择：%s", strings.Join(Statuses, "、"))
	}
	if a.TestSampledAt != "" && (len(a.TestSampledAt) < 10 || !validDay(a.TestSampledAt[:10])) {
		return errs.Invalidf("核酸采样时间", "请填写阴性证明的采样时间，如2021-12-24 10:30")
	}
	for _, f := range []struct {
		v    string
		name string
	}{{a.Symptoms, "症状"}, {a.Gatherings, "聚集活动"}, {a.Companions, "同住/同行人员"}, {a.Note, "备注"}, {a.SourceRef, "来源编号"}} {
		if tooLong(f.v, 300) {
			return errs.Invalidf(f.name, "请在300字以内")
		}
	}
	return nil
}

// personRef is what Record needs of a registry person.
type personRef struct {
	id, household int64
	unit, name    string
}

func (s *Service) findPerson(ctx context.Context, q db.Querier, who audit.Actor, scope jurisdiction.Scope, a Arrival) (personRef, bool, error) {
	lo, hi := scope.Args()
	var p personRef
	var hh sql.NullInt64
	scan := func(row *sql.Row) (bool, error) {
		err := row.Scan(&p.id, &p.unit, &p.name, &hh)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		p.household = hh.Int64
		return err == nil, err
	}
	const cols = "SELECT id, unit_code, name, household_id FROM people WHERE "
	switch {
	case a.PersonID != 0:
		found, err := scan(q.QueryRowContext(ctx, cols+"id = $1 AND "+registry.PeopleInScope("", scope, 2), a.PersonID, lo, hi))
		if err == nil && !found {
			err = errs.Invalidf("人员", "人员 %d 不存在或不在您的辖区内", a.PersonID)
		}
		return p, found, err
	case a.IDNumber != "":
		var unit string
		var pid int64
		err := q.QueryRowContext(ctx, "SELECT id, unit_code FROM people WHERE id_number = $1", a.IDNumber).Scan(&pid, &unit)
		if errors.Is(err, sql.ErrNoRows) {
			return p, false, nil
		}
		if err != nil {
			return p, false, err
		}
		if !scope.Contains(unit) {
			// Only that it is registered: not where (registry/elsewhere.go).
			return p, false, s.reg.Elsewhere(ctx, who, pid, unit)
		}
		found, err := scan(q.QueryRowContext(ctx, cols+"id_number = $1 AND "+registry.PeopleInScope("", scope, 2), a.IDNumber, lo, hi))
		if err == nil && !found {
			err = &errs.Conflict{Message: "该身份证号对应的人员已注销或合并，请先在人员台账中处理"}
		}
		return p, found, err
	case a.Phone != "":
		found, err := scan(q.QueryRowContext(ctx, cols+"phone = $1 AND name = $2 AND "+registry.PeopleInScope("", scope, 3)+" ORDER BY id LIMIT 1",
			a.Phone, a.Name, lo, hi))
		return p, found, err
	}
	return p, false, nil
}

// destination resolves the destination household and village of a report.
func (s *Service) destination(ctx context.Context, scope jurisdiction.Scope, a *Arrival, p personRef, known bool) error {
	if a.HouseholdID != 0 {
		h, err := s.reg.Household(ctx, scope, a.HouseholdID)
		if errors.Is(err, errs.ErrNotFound) {
			return errs.Invalidf("户", "户不存在或不在您的辖区内")
		}
		if err != nil {
			return err
		}
		a.VillageCode = h.UnitCode
		return nil
	}
	if a.VillageCode == "" && known {
		a.VillageCode, a.HouseholdID = p.unit, p.household
		return nil
	}
	if a.VillageCode == "" {
		return errs.Invalidf("所在村(社区)", "请选择返乡人员所在村(社区)或户")
	}
	u, err := s.units.Get(ctx, scope, a.VillageCode)
	if errors.Is(err, errs.ErrNotFound) {
		return errs.Invalidf("所在村(社区)", "%s 不存在或不在您的辖区内", a.VillageCode)
	}
	if err != nil {
		return err
	}
	if u.Level != jurisdiction.LevelVillage && u.Level != jurisdiction.LevelGroup {
		return errs.Invalidf("所在村(社区)", "返乡人员只能登记在村(社区)或组/小区，%s 是%s", u.Name, u.LevelName())
	}
	if known && p.household != 0 && strings.HasPrefix(p.unit, jurisdiction.VillageOf(a.VillageCode)) {
		a.HouseholdID = p.household
	}
	return nil
}

func (s *Service) record(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, in Arrival) (Arrival, bool, error) {
	if err := validate(&in, s.today()); err != nil {
		return Arrival{}, false, err
	}
	p0, known, err := s.findPerson(ctx, s.db.Reader(ctx), actor, scope, in)
	if err != nil {
		return Arrival{}, false, err
	}
	if err := s.destination(ctx, scope, &in, p0, known); err != nil {
		return Arrival{}, false, err
	}
	s.resolveOrigin(&in)
	if in.Status == "" {
		in.Status = StatusPending
	}
	levelDay := in.DepartedOn
	if levelDay == "" {
		levelDay = in.ArrivedOn
	}
	m, err := s.levels.LevelOn(ctx, in.OriginCode, in.OriginDetail, levelDay)
	if err != nil {
		return Arrival{}, false, err
	}
	in.OriginLevel = m.Level
	var a Arrival
	var merged bool
	// One transaction: the person (registry), the arrival and the control
	// measure commit together or not at all.
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		a, merged = in, false
		p := p0
		if !known {
			np := registry.Person{Name: a.Name, IDNumber: a.IDNumber, Sex: a.Sex, BirthDate: a.BirthDate, Phone: a.Phone,
				UnitCode: a.VillageCode, Residence: registry.ResidentBack, Note: "返乡登记（" + a.Source + "）新增"}
			if a.HouseholdID != 0 {
				np.HouseholdID, np.Relation = a.HouseholdID, "其他"
			}
			created, err := s.reg.CreatePerson(ctx, actor, scope, np)
			if err != nil {
				return err
			}
			p = personRef{id: created.ID, unit: created.UnitCode, name: created.Name, household: created.HouseholdID}
		}
		a.PersonID, a.Name = p.id, p.name
		// Lock the person's row so that two reports of the same arrival at
		// once (PostgreSQL, read committed) cannot both insert.
		if _, err := tx.ExecContext(ctx, "UPDATE people SET id = id WHERE id = $1", a.PersonID); err != nil {
			return err
		}
		old, found, err := s.sameArrival(ctx, tx, scope, a.PersonID, a.ArrivedOn)
		if err != nil {
			return err
		}
		raised := false
		if found {
			merged = true
			raised = riskarea.Rank(a.OriginLevel) > riskarea.Rank(old.OriginLevel)
			if a, err = s.merge(ctx, tx, actor, old, a); err != nil {
				return err
			}
		} else if err := s.insert(ctx, tx, actor, &a); err != nil {
			return err
		}
		if !merged || raised {
			return s.assign(ctx, actor, a)
		}
		return nil
	})
	if err != nil {
		return Arrival{}, false, fmt.Errorf("record arrival: %w", err)
	}
	return a, merged, nil
}

// sameArrival finds the person's arrival within MergeWindowDays of day.
func (s *Service) sameArrival(ctx context.Context, q db.Querier, scope jurisdiction.Scope, personID int64, day string) (Arrival, bool, error) {
	lo, hi := scope.Args()
	rows, err := q.QueryContext(ctx, "SELECT "+arrivalColumns+" FROM returnees r JOIN people p ON p.id = r.person_id"+
		" WHERE r.person_id = $1 AND r.arrived_on >= $2 AND r.arrived_on <= $3 AND "+scope.Where("r.unit_code", 4)+" ORDER BY r.id",
		personID, addDays(day, -MergeWindowDays), addDays(day, MergeWindowDays), lo, hi)
	if err != nil {
		return Arrival{}, false, err
	}
	defer rows.Close()
	var best Arrival
	found := false
	for rows.Next() {
		a, err := scanArrival(rows)
		if err != nil {
			return Arrival{}, false, err
		}
		if !found || dayDistance(a.ArrivedOn, day) < dayDistance(best.ArrivedOn, day) {
			best, found = a, true
		}
	}
	return best, found, rows.Err()
}

func dayDistance(a, b string) int {
	ta, _ := personal.ParseDate(a)
	tb, _ := personal.ParseDate(b)
	d := int(ta.Sub(tb).Hours() / 24)
	if d < 0 {
		return -d
	}
	return d
}

func (s *Service) insert(ctx context.Context, tx *sql.Tx, actor audit.Actor, a *Arrival) error {
	now := s.now().UnixMilli()
	a.Sources = []string{a.Source}
	err := tx.QueryRowContext(ctx, `INSERT INTO returnees (person_id, unit_code, household_id, name, origin_code, origin_name,
		origin_detail, origin_level, origin_rank, departed_on, arrived_on, transport, transport_no, sources, source_refs,
		test_sampled_at, symptoms, gatherings, companions, status, note, version, created_at, updated_at, origin_text, origin_status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, 1, $22, $22, $23, $24)
		RETURNING id`,
		a.PersonID, a.VillageCode, nullID(a.HouseholdID), a.Name, a.OriginCode, a.OriginName, a.OriginDetail, a.OriginLevel,
		riskarea.Rank(a.OriginLevel), a.DepartedOn, a.ArrivedOn, a.Transport, a.TransportNo, a.Source, a.SourceRef,
		a.TestSampledAt, a.Symptoms, a.Gatherings, a.Companions, a.Status, a.Note, now, a.OriginText, a.OriginStatus).Scan(&a.ID)
	if err != nil {
		return err
	}
	a.Version, a.CreatedAt, a.UpdatedAt = 1, now, now
	return audit.Record(ctx, tx, s.now(), actor, audit.ActionCreate, "returnee", fmt.Sprint(a.ID), a.VillageCode,
		fmt.Sprintf("返乡登记 %s %s 来自 %s %s（%s）", a.Name, a.ArrivedOn, a.Origin(), a.LevelText(), a.Source))
}

func levelText(l string) string {
	if l == "" {
		return "非风险地区"
	}
	return l
}

// merge folds a new report into an existing arrival: sources and refs
// accumulate, blank fields are filled, the higher risk level and the
// later test win.
func (s *Service) merge(ctx context.Context, tx *sql.Tx, actor audit.Actor, old, in Arrival) (Arrival, error) {
	out := old
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	if !slices.Contains(out.Sources, in.Source) {
		out.Sources = append(out.Sources, in.Source)
	}
	if in.SourceRef != "" && !strings.Contains(out.SourceRef, in.SourceRef) {
		out.SourceRef = strings.TrimPrefix(out.SourceRef+","+in.SourceRef, ",")
	}
	if betterOrigin(in, out) {
		out.OriginCode, out.OriginName, out.OriginDetail, out.OriginLevel = in.OriginCode, in.OriginName, in.OriginDetail, in.OriginLevel
		out.OriginText, out.OriginStatus = in.OriginText, in.OriginStatus
		if in.DepartedOn != "" {
			out.DepartedOn = in.DepartedOn
		}
	}
	fill(&out.OriginName, in.OriginName)
	fill(&out.OriginDetail, in.OriginDetail)
	fill(&out.DepartedOn, in.DepartedOn)
	fill(&out.Transport, in.Transport)
	fill(&out.TransportNo, in.TransportNo)
	// A later negative test replaces an earlier one: the latest is the one
	// the rules ask about (e.g. within 48 hours of arriving).
	if in.TestSampledAt > out.TestSampledAt {
		out.TestSampledAt = in.TestSampledAt
	}
	fill(&out.Symptoms, in.Symptoms)
	fill(&out.Gatherings, in.Gatherings)
	fill(&out.Companions, in.Companions)
	fill(&out.Note, in.Note)
	if out.HouseholdID == 0 {
		out.HouseholdID = in.HouseholdID
	}
	if in.Status != "" && in.Status != StatusPending && out.Status == StatusPending {
		out.Status = in.Status
	}
	now := s.now().UnixMilli()
	res, err := tx.ExecContext(ctx, `UPDATE returnees SET household_id = $1, origin_code = $2, origin_name = $3, origin_detail = $4,
		origin_level = $5, origin_rank = $6, departed_on = $7, transport = $8, transport_no = $9, sources = $10, source_refs = $11,
		test_sampled_at = $12, symptoms = $13, gatherings = $14, companions = $15, status = $16, note = $17,
		origin_text = $21, origin_status = $22, version = version + 1, updated_at = $18 WHERE id = $19 AND version = $20`,
		nullID(out.HouseholdID), out.OriginCode, out.OriginName, out.OriginDetail, out.OriginLevel, riskarea.Rank(out.OriginLevel),
		out.DepartedOn, out.Transport, out.TransportNo, strings.Join(out.Sources, ","), out.SourceRef, out.TestSampledAt,
		out.Symptoms, out.Gatherings, out.Companions, out.Status, out.Note, now, out.ID, out.Version, out.OriginText, out.OriginStatus)
	if err != nil {
		return Arrival{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Arrival{}, errs.ErrConflict
	}
	out.Version++
	out.UpdatedAt = now
	out.Source = in.Source
	err = audit.Record(ctx, tx, s.now(), actor, audit.ActionUpdate, "returnee", fmt.Sprint(out.ID), out.UnitCode(),
		fmt.Sprintf("返乡登记合并：%s %s 又经“%s”报告（来源：%s）", out.Name, in.ArrivedOn, in.Source, strings.Join(out.Sources, "、")))
	return out, err
}

// UnitCode is the destination unit (village or group).
func (a Arrival) UnitCode() string { return a.VillageCode }

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// assign hands an arrival from a risk area to control measures; callers
// run it inside the transaction that stored the arrival's level.
func (s *Service) assign(ctx context.Context, actor audit.Actor, a Arrival) error {
	var cat, day0 string
	switch riskarea.Rank(a.OriginLevel) {
	case 3:
		cat, day0 = CategoryHighRisk, a.DepartedOn
	case 2:
		cat, day0 = CategoryMediumRisk, a.DepartedOn
	case 1:
		cat, day0 = CategoryLowRisk, a.ArrivedOn
	default:
		return nil
	}
	if day0 == "" {
		day0 = a.ArrivedOn
	}
	note := fmt.Sprintf("返乡登记 %d：%s %s，%s离开，%s抵达", a.ID, a.Origin(), a.OriginLevel, a.DepartedOn, a.ArrivedOn)
	if aa, ok := s.assigner.(ArrivalAssigner); ok && a.ArrivedOn != "" {
		// The measures module picks leaving or arrival as the rule in force says.
		if err := aa.AssignArrival(ctx, actor, a.PersonID, cat, a.DepartedOn, a.ArrivedOn, "returnee:"+fmt.Sprint(a.ID), note); err != nil {
			return fmt.Errorf("assign control category to person %d: %w", a.PersonID, err)
		}
		return nil
	}
	if err := s.assigner.AssignCategory(ctx, actor, a.PersonID, cat, day0, "returnee:"+fmt.Sprint(a.ID), note); err != nil {
		return fmt.Errorf("assign control category to person %d: %w", a.PersonID, err)
	}
	return nil
}

func (s *Service) today() string { return clock.Day(s.now()) }
