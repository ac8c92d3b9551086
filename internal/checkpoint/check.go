package checkpoint

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/personal"
	"fangkong/internal/riskarea"
)

// VehicleTypes are the kinds of vehicle (or none: 步行).
var VehicleTypes = []string{"小客车", "货车", "客车", "摩托车", "电动车", "步行", "其他"}

// MaxPeople bounds the people of one vehicle's record.
const MaxPeople = 60

// PersonIn is one person of a vehicle as the officer typed (or scanned) it.
type PersonIn struct {
	Name          string `json:"name"`
	IDNumber      string `json:"id_number"`
	Phone         string `json:"phone"`
	From          string `json:"from"` // where from, a place name or code (郑州金水)
	To            string `json:"to"`   // where to: a village of the county, or a place
	Temp          string `json:"temp"`
	HealthCode    string `json:"health_code"`
	Star          bool   `json:"star"`
	TestSampledAt string `json:"test_sampled_at"`
	// Override: the officer's outcome instead of the rules' one, with a reason.
	Override       string `json:"override"`
	OverrideReason string `json:"override_reason"`
}

// VehicleIn is one vehicle (or a walker) and its people, sent at once.
type VehicleIn struct {
	CheckpointID int64      `json:"checkpoint_id"`
	ClientID     string     `json:"client_id"` // the page's id of this record: a resend is not a second record
	Plate        string     `json:"plate"`
	VehicleType  string     `json:"vehicle_type"`
	People       []PersonIn `json:"people"`
}

// Check is one person checked.
type Check struct {
	ID             int64  `json:"id"`
	CheckpointID   int64  `json:"checkpoint_id"`
	CheckpointName string `json:"checkpoint_name"`
	UnitCode       string `json:"unit_code"`
	VehicleRef     string `json:"vehicle_ref"`
	CheckedAt      int64  `json:"checked_at"`
	Day            string `json:"day"`
	Plate          string `json:"plate"`
	VehicleType    string `json:"vehicle_type"`
	Name           string `json:"name"`
	IDNumber       string `json:"id_number"`
	Phone          string `json:"phone"`
	FromText       string `json:"from_text"`
	FromCode       string `json:"from_code"`
	FromName       string `json:"from_name"`
	FromLevel      string `json:"from_level"` // the origin's risk level today, "" = none
	ToText         string `json:"to_text"`
	ToCode         string `json:"to_code"` // the destination village of the county, or ""
	Resident       bool   `json:"resident"`
	TempTenths     int    `json:"temp_tenths"`
	HealthCode     string `json:"health_code"`
	Star           bool   `json:"star"`
	TestSampledAt  string `json:"test_sampled_at"`
	RuleVersion    string `json:"rule_version"`
	RuleKey        string `json:"rule_key"`
	RuleOutcome    string `json:"rule_outcome"` // what the rules said
	Outcome        string `json:"outcome"`      // what was done (the override, if any)
	OverrideReason string `json:"override_reason"`
	Abnormal       bool   `json:"abnormal"`
	CreatedBy      string `json:"created_by"`
	// Explanation is the deciding rule in words.
	Explanation string `json:"explanation"`
	// HandoverID is the hand-over this check made (移交属地), or 0.
	HandoverID int64 `json:"handover_id"`
}

// Temp is the temperature as text (36.5), "" when not taken.
func (c Check) Temp() string {
	if c.TempTenths == 0 {
		return ""
	}
	return fmt.Sprintf("%d.%d", c.TempTenths/10, c.TempTenths%10)
}

// HealthCodeName is the colour's Chinese name.
func (c Check) HealthCodeName() string { return HealthCodeName(c.HealthCode) }

// Time is the check's time, Asia/Shanghai.
func (c Check) Time() string { return clock.Format(c.CheckedAt) }

// Overridden reports whether the officer changed the rules' outcome.
func (c Check) Overridden() bool { return c.Outcome != c.RuleOutcome }

// LogResult is what a vehicle's record came to.
type LogResult struct {
	Checks []Check `json:"checks"`
	// Replayed: the record was stored before (a resend from the outbox).
	Replayed bool `json:"replayed"`
}

func personErr(i int, field string, err error) error {
	var inv *errs.Invalid
	if errors.As(err, &inv) {
		msg := inv.Message
		if inv.Field != "" && !strings.Contains(inv.Field, ".") && inv.Field != field {
			msg = inv.Field + "：" + msg
		}
		return errs.Invalidf(fmt.Sprintf("people.%d.%s", i, field), "第%d人：%s", i+1, msg)
	}
	return err
}

// destination reads where a person is going: a village or group of the
// county (by code or name), or another place (its code when the name is
// clear). resident: bound for a village of the county.
func (s *Service) destination(ctx context.Context, county jurisdiction.Scope, text string) (code string, resident bool, err error) {
	text = strings.TrimSpace(personal.Halfwidth(text))
	if text == "" {
		return "", false, nil
	}
	if l := jurisdiction.LevelOfCode(text); (l == jurisdiction.LevelVillage || l == jurisdiction.LevelGroup) && strings.Trim(text, "0123456789") == "" {
		if _, err := s.units.Get(ctx, county, text); err == nil {
			return text, true, nil
		}
	}
	villages, err := s.villages(ctx, county)
	if err != nil {
		return "", false, err
	}
	hits := matchVillage(villages, text)
	if len(hits) == 1 {
		return hits[0].Code, true, nil
	}
	if len(hits) > 1 {
		// Two villages of the county go by that name: ask which, rather
		// than take the person for an outsider.
		towns, err := s.units.Units(ctx, county, jurisdiction.LevelTownship)
		if err != nil {
			return "", false, err
		}
		townName := map[string]string{}
		for _, t := range towns {
			townName[t.Code] = t.Name
		}
		var names []string
		for _, h := range hits {
			names = append(names, townName[h.Code[:min(len(h.Code), 9)]]+h.Name)
		}
		return "", false, errs.Invalidf("", "“%s”有多处（%s），请写明哪个村(社区)", text, strings.Join(names, "、"))
	}
	if c, ok := s.places.Resolve(text).Resolved(); ok {
		if county.Contains(c.Code) && len(c.Code) >= 12 {
			return c.Code, true, nil
		}
		return c.Code, false, nil
	}
	return "", false, nil
}

// nameOr is a place's name for a message, its code when it has none.
func nameOr(name, code string) string {
	if name == "" {
		return code
	}
	return name
}

// villages lists the villages of a county scope (cached per call site by the caller).
func (s *Service) villages(ctx context.Context, county jurisdiction.Scope) ([]jurisdiction.Unit, error) {
	return s.units.Units(ctx, county, jurisdiction.LevelVillage)
}

// shortName is a village's name as people say it: 南涝村 for 南涝村村委会,
// 西街 for 西街社区居委会.
func shortName(n string) string {
	for _, suf := range []string{"村民委员会", "居民委员会", "村委会", "居委会"} {
		n = strings.TrimSuffix(n, suf)
	}
	return n
}

// matchVillage finds the villages named by text (their full or short
// name, with or without 村/社区); a full name typed whole wins over
// short ones.
func matchVillage(vs []jurisdiction.Unit, text string) []jurisdiction.Unit {
	var hit, exact []jurisdiction.Unit
	for _, v := range vs {
		sn := shortName(v.Name)
		if v.Name == text {
			exact = append(exact, v)
		}
		// 西街村 for 西街村委会 (村民委员会) too.
		cun := strings.TrimSuffix(strings.TrimSuffix(v.Name, "民委员会"), "委会")
		if v.Name == text || sn == text || strings.TrimSuffix(sn, "村") == text || strings.TrimSuffix(sn, "社区") == text ||
			strings.HasSuffix(cun, "村") && cun == text {
			hit = append(hit, v)
		}
	}
	if len(exact) == 1 {
		return exact
	}
	return hit
}

// Assess computes one person's check without storing it: the facts, the
// deciding rule and the outcome (the override when given with a reason).
func (s *Service) assess(ctx context.Context, county jurisdiction.Scope, rules RuleSet, i int, in PersonIn, c *Check) error {
	var err error
	trim := func(p *string) { *p = strings.TrimSpace(personal.Halfwidth(*p)) }
	for _, p := range []*string{&in.Name, &in.IDNumber, &in.Phone, &in.From, &in.To, &in.Temp, &in.TestSampledAt, &in.Override, &in.OverrideReason} {
		trim(p)
	}
	if c.Name, err = personal.Name(in.Name); err != nil || len([]rune(c.Name)) > 30 {
		return errs.Invalidf(fmt.Sprintf("people.%d.name", i), "第%d人：姓名无效或超过30字", i+1)
	}
	if in.IDNumber != "" {
		if c.IDNumber, err = personal.NormalizeIDNumber(in.IDNumber); err != nil {
			return personErr(i, "id_number", errs.Invalidf("", "%s", err.Error()))
		}
	}
	if c.Name == "" && c.IDNumber == "" {
		return errs.Invalidf(fmt.Sprintf("people.%d.name", i), "第%d人：请扫描身份证或填写姓名", i+1)
	}
	if in.Phone != "" {
		if c.Phone, err = personal.NormalizePhone(in.Phone); err != nil {
			return personErr(i, "phone", errs.Invalidf("", "%s", err.Error()))
		}
	}
	if in.Temp != "" {
		if c.TempTenths, err = measure.ParseTemp(in.Temp); err != nil {
			return personErr(i, "temp", err)
		}
	}
	if c.HealthCode, err = ParseHealthCode(in.HealthCode); err != nil {
		return personErr(i, "health_code", err)
	}
	c.Star = in.Star
	if in.TestSampledAt != "" {
		t, ok := ParseSampled(in.TestSampledAt)
		if !ok {
			return errs.Invalidf(fmt.Sprintf("people.%d.test_sampled_at", i), "第%d人：核酸采样时间应如 2021-12-24 10:30", i+1)
		}
		c.TestSampledAt = t.Format("2006-01-02 15:04")
	}
	// Where from: the name resolved to a division code, its level today.
	if c.FromText, err = personal.Name(in.From); err != nil || len([]rune(c.FromText)) > 60 {
		return errs.Invalidf(fmt.Sprintf("people.%d.from", i), "第%d人：来自何处请在60字以内", i+1)
	}
	if c.FromText != "" {
		res := s.places.Resolve(c.FromText)
		cand, ok := res.Resolved()
		if !ok && len(res.Candidates) > 1 {
			var names []string
			for _, k := range res.Candidates {
				names = append(names, strings.Join(k.Names, ""))
			}
			return errs.Invalidf(fmt.Sprintf("people.%d.from", i), "第%d人：“%s”有多处（%s），请写明省市", i+1, c.FromText, strings.Join(names, "、"))
		}
		// An origin read as no place would have no risk level, and the
		// rules would take the person for one from nowhere risky: the
		// outcome would mean nothing. Ask for the place instead, as the
		// returnee forms do (地点待核实 is not 非风险).
		if !ok && len(res.Candidates) == 1 {
			k := res.Candidates[0]
			return errs.Invalidf(fmt.Sprintf("people.%d.from", i), "第%d人：“%s”是指%s吗？请照此写明省市区县",
				i+1, c.FromText, nameOr(k.FullName(), k.Code))
		}
		if !ok {
			return errs.Invalidf(fmt.Sprintf("people.%d.from", i), "第%d人：没有找到地名“%s”，请写明省市区县（如 河南省郑州市金水区）或区划代码",
				i+1, c.FromText)
		}
		if ok {
			c.FromCode = cand.Code
			c.FromName = strings.Join(cand.Names, "")
			if c.FromName == "" {
				c.FromName = s.places.PlaceName(cand.Code)
			}
			m, err := s.places.LevelOn(ctx, cand.Code, cand.Detail, c.Day)
			if err != nil {
				return err
			}
			c.FromLevel = m.Level
		}
	}
	if c.ToText, err = personal.Name(in.To); err != nil || len([]rune(c.ToText)) > 60 {
		return errs.Invalidf(fmt.Sprintf("people.%d.to", i), "第%d人：去往何处请在60字以内", i+1)
	}
	code, resident, err := s.destination(ctx, county, c.ToText)
	if err != nil {
		return personErr(i, "to", err)
	}
	c.Resident = resident
	if resident {
		c.ToCode = code
	}
	f := Facts{HealthCode: c.HealthCode, Star: c.Star, Resident: c.Resident, RiskRank: riskarea.Rank(c.FromLevel),
		Fever: c.TempTenths >= rules.FeverTenths, Tested: c.TestSampledAt != "" && rules.Tested(c.TestSampledAt, time.UnixMilli(c.CheckedAt))}
	r := rules.Decide(f)
	c.RuleVersion, c.RuleKey, c.RuleOutcome, c.Outcome, c.Explanation = rules.Name, r.Key, r.Outcome, r.Outcome, r.Description
	if in.Override != "" && in.Override != r.Outcome {
		if !slices.Contains(Outcomes, in.Override) {
			return errs.Invalidf(fmt.Sprintf("people.%d.override", i), "第%d人：请选择：%s", i+1, strings.Join(Outcomes, "、"))
		}
		reason, err := personal.Text(in.OverrideReason)
		if err != nil || len([]rune(reason)) < 2 || len([]rune(reason)) > 200 {
			return errs.Invalidf(fmt.Sprintf("people.%d.override_reason", i), "第%d人：改为“%s”须写明理由（2到200字）", i+1, in.Override)
		}
		c.Outcome, c.OverrideReason = in.Override, reason
	}
	if c.Outcome == HandOver && !resident && county.Contains(code) {
		return errs.Invalidf(fmt.Sprintf("people.%d.to", i), "第%d人：移交属地须写明去往本县哪个村(社区)", i+1)
	}
	if c.Outcome == HandOver && c.ToText == "" {
		return errs.Invalidf(fmt.Sprintf("people.%d.to", i), "第%d人：移交属地须填写去往的村(社区)", i+1)
	}
	if c.Outcome == HandOver && c.Name == "" {
		return errs.Invalidf(fmt.Sprintf("people.%d.name", i), "第%d人：移交属地须填写姓名", i+1)
	}
	if c.Outcome == HandOver && resident && c.IDNumber == "" {
		return errs.Invalidf(fmt.Sprintf("people.%d.id_number", i), "第%d人：移交属地须扫描或填写身份证号", i+1)
	}
	c.Abnormal = c.Outcome != Pass || f.Fever || c.HealthCode != Green
	if !resident && code != "" {
		c.ToCode = "" // the destination outside the county is kept as text; the hand-over keeps its code
	}
	return nil
}

// Log records a vehicle and its people at a checkpoint in the caller's
// scope: each person's outcome is computed by the rules in force today;
// a 移交属地 outcome hands the person over (Handover) in the same
// transaction. A record whose ClientID is stored already is not stored
// again (the outbox resends after a dropped signal): its checks come back
// with Replayed.
func (s *Service) Log(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, in VehicleIn) (LogResult, error) {
	in.ClientID = strings.TrimSpace(in.ClientID)
	if in.ClientID == "" || len(in.ClientID) > 64 || strings.Trim(in.ClientID, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		return LogResult{}, errs.Invalidf("client_id", "记录编号无效，请刷新页面")
	}
	cp, err := s.checkpoint(ctx, s.db.R(), scope, in.CheckpointID)
	if err != nil {
		return LogResult{}, err
	}
	if prev, err := s.checksByVehicle(ctx, s.db.R(), in.ClientID); err != nil {
		return LogResult{}, err
	} else if len(prev) > 0 {
		if prev[0].CheckpointID != cp.ID {
			return LogResult{}, errs.Invalidf("client_id", "记录编号已被使用，请刷新页面")
		}
		return LogResult{Checks: prev, Replayed: true}, nil
	}
	if cp.Status != Manned {
		return LogResult{}, errs.Invalidf("checkpoint_id", "卡口“%s”当前为%s，不能登记查验", cp.Name, cp.Status)
	}
	in.Plate = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(personal.Halfwidth(in.Plate)), " ", ""))
	if p, err := personal.Name(in.Plate); err != nil || len([]rune(p)) > 12 {
		return LogResult{}, errs.Invalidf("plate", "车牌请在12字以内")
	}
	if in.VehicleType == "" {
		in.VehicleType = VehicleTypes[0]
	}
	if !slices.Contains(VehicleTypes, in.VehicleType) {
		return LogResult{}, errs.Invalidf("vehicle_type", "请选择：%s", strings.Join(VehicleTypes, "、"))
	}
	if in.Plate == "" && in.VehicleType != "步行" {
		return LogResult{}, errs.Invalidf("plate", "请填写车牌（步行请选“步行”）")
	}
	if len(in.People) == 0 {
		return LogResult{}, errs.Invalidf("people.0.name", "请至少登记一人")
	}
	if len(in.People) > MaxPeople {
		return LogResult{}, errs.Invalidf("people", "一车最多登记%d人", MaxPeople)
	}
	now := s.now()
	day := clock.Day(now)
	rules, err := s.RulesOn(ctx, day)
	if err != nil {
		return LogResult{}, err
	}
	county, err := jurisdiction.System("checkpoint destination county").Narrow(countyOf(cp.UnitCode))
	if err != nil {
		return LogResult{}, err
	}
	checks := make([]Check, len(in.People))
	for i, p := range in.People {
		c := &checks[i]
		c.CheckpointID, c.CheckpointName, c.UnitCode, c.VehicleRef = cp.ID, cp.Name, cp.UnitCode, in.ClientID
		c.CheckedAt, c.Day, c.Plate, c.VehicleType, c.CreatedBy = now.UnixMilli(), day, in.Plate, in.VehicleType, who.Username
		if err := s.assess(ctx, county, rules, i, p, c); err != nil {
			return LogResult{}, err
		}
	}
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for i := range checks {
			c := &checks[i]
			c.HandoverID = 0
			if err := insertCheck(ctx, tx, fmt.Sprintf("%s-%d", in.ClientID, i), c); err != nil {
				return err
			}
			if c.Outcome == HandOver {
				if err := s.handOver(ctx, tx, who, county, cp, rules, c); err != nil {
					return personErr(i, "to", err)
				}
			}
		}
		return s.record(ctx, tx, who, audit.ActionCreate, "checkpoint_check", checks[0].ID, cp.UnitCode,
			fmt.Sprintf("卡口“%s”查验 %s %s，%d人：%s", cp.Name, in.VehicleType, in.Plate, len(checks), outcomeSummary(checks)))
	})
	if db.IsUniqueViolation(err) { // the same record sent twice at once
		prev, perr := s.checksByVehicle(ctx, s.db.R(), in.ClientID)
		if perr == nil && len(prev) > 0 {
			return LogResult{Checks: prev, Replayed: true}, nil
		}
	}
	if err != nil {
		return LogResult{}, err
	}
	return LogResult{Checks: checks}, nil
}

func outcomeSummary(cs []Check) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, c.Outcome)
	}
	return strings.Join(parts, "、")
}

func insertCheck(ctx context.Context, tx *sql.Tx, clientID string, c *Check) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO checkpoint_checks (checkpoint_id, unit_code, client_id, vehicle_ref, checked_at, day,
		plate, vehicle_type, name, id_number, phone, from_text, from_code, from_name, from_level, to_text, to_code, resident,
		temp_tenths, health_code, star, test_sampled_at, rule_version, rule_key, rule_outcome, outcome, override_reason, abnormal,
		created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25,
		$26, $27, $28, $29, $5) RETURNING id`,
		c.CheckpointID, c.UnitCode, clientID, c.VehicleRef, c.CheckedAt, c.Day, c.Plate, c.VehicleType, c.Name, c.IDNumber, c.Phone,
		c.FromText, c.FromCode, c.FromName, c.FromLevel, c.ToText, c.ToCode, boolInt(c.Resident), c.TempTenths, c.HealthCode,
		boolInt(c.Star), c.TestSampledAt, c.RuleVersion, c.RuleKey, c.RuleOutcome, c.Outcome, c.OverrideReason, boolInt(c.Abnormal),
		c.CreatedBy).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("insert check: %w", err)
	}
	return nil
}

const checkCols = `k.id, k.checkpoint_id, COALESCE(c.name, ''), k.unit_code, k.vehicle_ref, k.checked_at, k.day, k.plate, k.vehicle_type,
	k.name, k.id_number, k.phone, k.from_text, k.from_code, k.from_name, k.from_level, k.to_text, k.to_code, k.resident,
	k.temp_tenths, k.health_code, k.star, k.test_sampled_at, k.rule_version, k.rule_key, k.rule_outcome, k.outcome,
	k.override_reason, k.abnormal, k.created_by, COALESCE(h.id, 0)`

const checkFrom = ` FROM checkpoint_checks k LEFT JOIN checkpoints c ON c.id = k.checkpoint_id
	LEFT JOIN checkpoint_handovers h ON h.check_id = k.id`

func scanCheck(row interface{ Scan(...any) error }) (Check, error) {
	var c Check
	var resident, star, abnormal int
	err := row.Scan(&c.ID, &c.CheckpointID, &c.CheckpointName, &c.UnitCode, &c.VehicleRef, &c.CheckedAt, &c.Day, &c.Plate, &c.VehicleType,
		&c.Name, &c.IDNumber, &c.Phone, &c.FromText, &c.FromCode, &c.FromName, &c.FromLevel, &c.ToText, &c.ToCode, &resident,
		&c.TempTenths, &c.HealthCode, &star, &c.TestSampledAt, &c.RuleVersion, &c.RuleKey, &c.RuleOutcome, &c.Outcome,
		&c.OverrideReason, &abnormal, &c.CreatedBy, &c.HandoverID)
	c.Resident, c.Star, c.Abnormal = resident == 1, star == 1, abnormal == 1
	return c, err
}

func collectChecks(rows *sql.Rows, err error) ([]Check, error) {
	if err != nil {
		return nil, fmt.Errorf("checks: %w", err)
	}
	defer rows.Close()
	var out []Check
	for rows.Next() {
		c, err := scanCheck(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Service) checksByVehicle(ctx context.Context, q db.Querier, ref string) ([]Check, error) {
	return collectChecks(q.QueryContext(ctx, "SELECT "+checkCols+checkFrom+" WHERE k.vehicle_ref = $1 ORDER BY k.id", ref))
}

// CheckFilter narrows the check log.
type CheckFilter struct {
	Unit         string // a unit inside the scope ("" = all of it)
	CheckpointID int64
	Day          string // YYYY-MM-DD ("" = any)
	Outcome      string
	Limit        int
	Offset       int
}

// Checks lists the check log inside the scope, newest first (the
// checkpoint's unit decides: a checkpoint account sees its own checks,
// a township its checkpoints').
func (s *Service) Checks(ctx context.Context, scope jurisdiction.Scope, f CheckFilter) ([]Check, error) {
	scope, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return nil, err
	}
	lo, hi := scope.Args()
	q := "SELECT " + checkCols + checkFrom + " WHERE " + scope.Where("k.unit_code", 1)
	args := []any{lo, hi}
	if f.CheckpointID != 0 {
		args = append(args, f.CheckpointID)
		q += fmt.Sprintf(" AND k.checkpoint_id = $%d", len(args))
	}
	if f.Day != "" {
		args = append(args, f.Day)
		q += fmt.Sprintf(" AND k.day = $%d", len(args))
	}
	if f.Outcome != "" {
		args = append(args, f.Outcome)
		q += fmt.Sprintf(" AND k.outcome = $%d", len(args))
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	args = append(args, f.Limit, max(f.Offset, 0))
	q += fmt.Sprintf(" ORDER BY k.checked_at DESC, k.id DESC LIMIT $%d OFFSET $%d", len(args)-1, len(args))
	return collectChecks(s.db.R().QueryContext(ctx, q, args...))
}

// CheckOne returns one check inside the scope, audited as a view of a
// person's record.
func (s *Service) CheckOne(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64) (Check, error) {
	lo, hi := scope.Args()
	c, err := scanCheck(s.db.R().QueryRowContext(ctx, "SELECT "+checkCols+checkFrom+" WHERE k.id = $1 AND "+scope.Where("k.unit_code", 2), id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("check %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return c, err
	}
	if err := s.record(ctx, s.db.Writer(ctx), who, audit.ActionView, "checkpoint_check", id, c.UnitCode, "查看卡口查验记录："+c.Name); err != nil {
		return c, err
	}
	return c, nil
}
