// Package readiness measures a county's or township's readiness (平急结合)
// against standards kept as data (readiness_standards, shipped defaults):
// quarantine rooms per 10,000 residents (rooms of the site domain's active
// sites, residents of the registry), the tracing team's size and police
// share (a roster kept here), sampling capacity to test everyone in N days
// (samplers × 360 a day, a count kept here), checkpoint coverage (entrances
// 值守 of all not removed), duty rosters filled today (the duty domain's
// shifts), and plans and drills recorded here. The score is the share of
// standards met; each unmet standard is a gap with its size.
package readiness

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/wire"
)

// TracerKinds are the agencies of tracing team members.
var TracerKinds = []string{"公安", "卫健", "疾控", "其他"}

// PlanKinds are what plans and drills records hold.
var PlanKinds = []string{"应急预案", "演练"}

// SamplesPerDay is what one sampler takes in a day.
const SamplesPerDay = 360

// Check is one standard for a unit.
type Check struct {
	Key    string
	Label  string
	Target int
	Actual string
	Met    bool
	Gap    string // the gap, e.g. 房间缺口 840 间 ("" when met)
}

// Figures are the counts the checks are computed from.
type Figures struct {
	Residents, Rooms, Tracers, Police, Samplers int
	Entrances, Manned, DutyUnits, DutyFilled    int
	Plans                                       int
	LastDrill                                   string // YYYY-MM-DD, "" for none
}

// Report is a unit's readiness.
type Report struct {
	Unit     jurisdiction.Unit
	Figures  Figures
	Checks   []Check
	Met      int
	Children []Row
}

// Score is the share of standards met, in percent.
func (r Report) Score() int {
	if len(r.Checks) == 0 {
		return 0
	}
	return r.Met * 100 / len(r.Checks)
}

// Gaps are the unmet checks' gaps.
func (r Report) Gaps() []string {
	var out []string
	for _, c := range r.Checks {
		if !c.Met {
			out = append(out, c.Gap)
		}
	}
	return out
}

// Row is a child unit's score and gaps (the drill-down).
type Row struct {
	Unit  jurisdiction.Unit
	Score int
	Gaps  []string
}

// Tracer is a tracing team member.
type Tracer struct {
	ID       int64
	UnitCode string
	UnitName string
	Name     string
	Kind     string
}

// Plan is an emergency plan or a drill.
type Plan struct {
	ID       int64
	UnitCode string
	UnitName string
	Kind     string
	Title    string
	HeldOn   string
	Findings string
}

// Service computes readiness and keeps its records.
type Service struct {
	db    *db.DB
	units *jurisdiction.Store
	now   func() time.Time
}

// NewService returns a Service; every argument is required.
func NewService(d *db.DB, units *jurisdiction.Store, now func() time.Time) *Service {
	wire.Need("readiness.NewService", "db", d)
	wire.Need("readiness.NewService", "units", units)
	wire.Need("readiness.NewService", "now", now)
	return &Service{db: d, units: units, now: now}
}

// Standards returns the standards' targets by key, and their labels.
func (s *Service) Standards(ctx context.Context) (map[string]int, map[string]string, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT key, label, target FROM readiness_standards`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	t, l := map[string]int{}, map[string]string{}
	for rows.Next() {
		var k, label string
		var v int
		if err := rows.Scan(&k, &label, &v); err != nil {
			return nil, nil, err
		}
		t[k], l[k] = v, label
	}
	return t, l, rows.Err()
}

func ceilDiv(a, b int) int {
	if b <= 0 {
		return 0
	}
	return (a + b - 1) / b
}

// tally is the raw figures of a unit's subtree per unit code, read with
// one grouped query per source; a unit's figures are the sum over the codes
// it is a prefix of (the same codes its scope's range holds).
type tally struct {
	per  map[string]*Figures
	duty map[string]bool // units with a duty shift today
}

func (t tally) at(code string) *Figures {
	f := t.per[code]
	if f == nil {
		f = &Figures{}
		t.per[code] = f
	}
	return f
}

// figures sums the tally of u's subtree; duty counts u and its children.
func (t tally) figures(u jurisdiction.Unit, children []jurisdiction.Unit) Figures {
	var f Figures
	for code, x := range t.per {
		if !strings.HasPrefix(code, u.Code) {
			continue
		}
		f.Residents += x.Residents
		f.Rooms += x.Rooms
		f.Tracers += x.Tracers
		f.Police += x.Police
		f.Samplers += x.Samplers
		f.Entrances += x.Entrances
		f.Manned += x.Manned
		f.Plans += x.Plans
		f.LastDrill = max(f.LastDrill, x.LastDrill)
	}
	for _, c := range append([]jurisdiction.Unit{u}, children...) {
		f.DutyUnits++
		if t.duty[c.Code] {
			f.DutyFilled++
		}
	}
	return f
}

// tally reads the figures of u's subtree per unit code cut to width (the
// length of its children's codes, to sum per child, or of its own), and
// the units of the subtree with a duty shift today.
func (s *Service) tally(ctx context.Context, u jurisdiction.Unit, width int) (tally, error) {
	t := tally{per: map[string]*Figures{}, duty: map[string]bool{}}
	sub, err := jurisdiction.System("readiness").Narrow(u.Code)
	if err != nil {
		return t, err
	}
	lo, hi := sub.Args()
	w := func(col string) string { return sub.Where(col, 1) }
	type q struct {
		sql  string
		scan func(f *Figures, r *sql.Rows) error
	}
	ints := func(dst ...func(*Figures) *int) func(*Figures, *sql.Rows) error {
		return func(f *Figures, r *sql.Rows) error {
			var code string
			vals := make([]any, 1, len(dst)+1)
			vals[0] = &code
			ns := make([]int, len(dst))
			for i := range ns {
				vals = append(vals, &ns[i])
			}
			if err := r.Scan(vals...); err != nil {
				return err
			}
			g := t.at(code)
			for i, d := range dst {
				*d(g) += ns[i]
			}
			return nil
		}
	}
	qs := []q{
		// Residents: the people on the register per unit (resident_totals,
		// kept by triggers from the registry's roll-up counters).
		{`SELECT SUBSTR(unit_code, 1, $3), SUM(n) FROM resident_totals WHERE ` + w("unit_code") + ` GROUP BY 1`,
			ints(func(f *Figures) *int { return &f.Residents })},
		{`SELECT SUBSTR(s.unit_code, 1, $3), COUNT(*) FROM site_rooms r JOIN sites s ON s.id = r.site_id WHERE s.status = '启用' AND ` + w("s.unit_code") + ` GROUP BY 1`,
			ints(func(f *Figures) *int { return &f.Rooms })},
		{`SELECT SUBSTR(unit_code, 1, $3), COUNT(*), SUM(CASE WHEN kind = '公安' THEN 1 ELSE 0 END) FROM readiness_tracers WHERE ` + w("unit_code") + ` GROUP BY 1`,
			ints(func(f *Figures) *int { return &f.Tracers }, func(f *Figures) *int { return &f.Police })},
		{`SELECT SUBSTR(unit_code, 1, $3), COALESCE(SUM(samplers), 0) FROM readiness_samplers WHERE ` + w("unit_code") + ` GROUP BY 1`,
			ints(func(f *Figures) *int { return &f.Samplers })},
		{`SELECT SUBSTR(unit_code, 1, $3), SUM(CASE WHEN status <> '撤除' THEN 1 ELSE 0 END), SUM(CASE WHEN status = '值守' THEN 1 ELSE 0 END)
			FROM checkpoints WHERE ` + w("unit_code") + ` GROUP BY 1`,
			ints(func(f *Figures) *int { return &f.Entrances }, func(f *Figures) *int { return &f.Manned })},
		{`SELECT SUBSTR(unit_code, 1, $3), SUM(CASE WHEN kind = '应急预案' THEN 1 ELSE 0 END), COALESCE(MAX(CASE WHEN kind = '演练' THEN held_on END), '')
			FROM readiness_plans WHERE ` + w("unit_code") + ` GROUP BY 1`,
			func(_ *Figures, r *sql.Rows) error {
				var code, drill string
				var n int
				if err := r.Scan(&code, &n, &drill); err != nil {
					return err
				}
				f := t.at(code)
				f.Plans += n
				f.LastDrill = max(f.LastDrill, drill)
				return nil
			}},
	}
	rd := s.db.Reader(ctx)
	for _, x := range qs {
		if err := each(ctx, rd, x.sql, []any{lo, hi, width}, func(r *sql.Rows) error { return x.scan(nil, r) }); err != nil {
			return t, err
		}
	}
	// Duty: the units of the subtree with a shift today.
	day := clock.Day(s.now())
	from, _ := time.ParseInLocation("2006-01-02", day, clock.Shanghai)
	err = each(ctx, rd, `SELECT DISTINCT unit_code FROM duty_shifts WHERE `+w("unit_code")+` AND starts_at < $3 AND ends_at > $4`,
		[]any{lo, hi, from.AddDate(0, 0, 1).UnixMilli(), from.UnixMilli()}, func(r *sql.Rows) error {
			var code string
			if err := r.Scan(&code); err != nil {
				return err
			}
			t.duty[code] = true
			return nil
		})
	return t, err
}

// each runs q and calls f on each row.
func each(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args []any, f func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// checks computes the standards from the figures.
func checks(level int, f Figures, std map[string]int, label map[string]string, today string) ([]Check, int) {
	var out []Check
	met := 0
	add := func(key string, target int, actual string, ok bool, gap string) {
		if ok {
			met++
			gap = ""
		}
		out = append(out, Check{Key: key, Label: label[key], Target: target, Actual: actual, Met: ok, Gap: gap})
	}
	needRooms := ceilDiv(f.Residents*std["rooms_per_10k"], 10000)
	add("rooms_per_10k", std["rooms_per_10k"], fmt.Sprintf("%d 间 / 在册 %d 人（需 %d 间）", f.Rooms, f.Residents, needRooms),
		f.Rooms >= needRooms, fmt.Sprintf("房间缺口 %d 间", needRooms-f.Rooms))
	teamKey := "tracers_township"
	if level <= 3 {
		teamKey = "tracers_county"
	}
	team := std[teamKey]
	add(teamKey, team, fmt.Sprintf("%d 人", f.Tracers), f.Tracers >= team, fmt.Sprintf("流调队员缺口 %d 人", team-f.Tracers))
	needPolice := ceilDiv(std["police_pct"]*max(f.Tracers, team), 100)
	add("police_pct", std["police_pct"], fmt.Sprintf("公安 %d / %d 人", f.Police, f.Tracers), f.Police >= needPolice,
		fmt.Sprintf("公安流调队员缺口 %d 人", needPolice-f.Police))
	days := max(std["test_days"], 1)
	needSamplers := ceilDiv(f.Residents, SamplesPerDay*days)
	add("test_days", std["test_days"], fmt.Sprintf("采样人员 %d 人，日采 %d 人", f.Samplers, f.Samplers*SamplesPerDay),
		f.Samplers >= needSamplers, fmt.Sprintf("采样人员缺口 %d 人（%d 天完成全员核酸）", needSamplers-f.Samplers, days))
	needManned := ceilDiv(std["checkpoint_pct"]*f.Entrances, 100)
	// The standard is every entrance manned: one blocked with boards (封堵)
	// counts as not manned here, though /checkpoints shows it as intended.
	gap := fmt.Sprintf("卡口未值守 %d 个（含封堵）", needManned-f.Manned)
	if f.Entrances == 0 {
		gap = "未登记卡口"
	}
	add("checkpoint_pct", std["checkpoint_pct"], fmt.Sprintf("值守 %d / %d 个", f.Manned, f.Entrances), f.Entrances > 0 && f.Manned >= needManned, gap)
	needDuty := ceilDiv(std["duty_pct"]*f.DutyUnits, 100)
	add("duty_pct", std["duty_pct"], fmt.Sprintf("已排班 %d / %d 个单位（本级及下一级）", f.DutyFilled, f.DutyUnits), f.DutyFilled >= needDuty,
		fmt.Sprintf("今日未排班 %d 个单位", needDuty-f.DutyFilled))
	out = append(out, Check{Key: "plans", Label: "应急预案", Target: 1, Actual: fmt.Sprintf("%d 份", f.Plans), Met: f.Plans > 0, Gap: "无应急预案"})
	if f.Plans > 0 {
		met++
		out[len(out)-1].Gap = ""
	}
	t, _ := time.Parse("2006-01-02", today)
	since := t.AddDate(0, 0, -std["drill_days"]).Format("2006-01-02")
	add("drill_days", std["drill_days"], map[bool]string{true: "最近演练 " + f.LastDrill, false: "无演练记录"}[f.LastDrill != ""],
		f.LastDrill != "" && f.LastDrill >= since, fmt.Sprintf("近%d天无演练", std["drill_days"]))
	return out, met
}

// family is the unit's children (townships of a county) and, when grand,
// their children (villages), in code order, read in one query.
func (s *Service) family(ctx context.Context, u jurisdiction.Unit, grand bool) ([]jurisdiction.Unit, map[string][]jurisdiction.Unit, error) {
	sub, err := jurisdiction.System("readiness").Narrow(u.Code)
	if err != nil {
		return nil, nil, err
	}
	lo, hi := sub.Args()
	depth := 1
	if grand {
		depth = 2
	}
	var kids []jurisdiction.Unit
	grandkids := map[string][]jurisdiction.Unit{}
	err = each(ctx, s.db.Reader(ctx), `SELECT code, parent_code, level, name, kind FROM units WHERE `+sub.Where("code", 1)+` AND level > $3 AND level <= $4 ORDER BY code`,
		[]any{lo, hi, u.Level, u.Level + depth}, func(r *sql.Rows) error {
			var c jurisdiction.Unit
			if err := r.Scan(&c.Code, &c.ParentCode, &c.Level, &c.Name, &c.Kind); err != nil {
				return err
			}
			if c.ParentCode == u.Code {
				kids = append(kids, c)
			} else {
				grandkids[c.ParentCode] = append(grandkids[c.ParentCode], c)
			}
			return nil
		})
	return kids, grandkids, err
}

// report computes u's readiness, with a row per child unit when rows.
func (s *Service) report(ctx context.Context, u jurisdiction.Unit, std map[string]int, label map[string]string, rows bool) (Report, error) {
	r := Report{Unit: u}
	kids, grandkids, err := s.family(ctx, u, rows)
	if err != nil {
		return r, err
	}
	width := len(u.Code)
	if rows {
		for _, k := range kids {
			width = max(width, len(k.Code))
		}
	}
	t, err := s.tally(ctx, u, width)
	if err != nil {
		return r, err
	}
	today := clock.Day(s.now())
	r.Figures = t.figures(u, kids)
	r.Checks, r.Met = checks(u.Level, r.Figures, std, label, today)
	if !rows {
		return r, nil
	}
	for _, k := range kids {
		kr := Report{Unit: k, Figures: t.figures(k, grandkids[k.Code])}
		kr.Checks, kr.Met = checks(k.Level, kr.Figures, std, label, today)
		r.Children = append(r.Children, Row{Unit: k, Score: kr.Score(), Gaps: kr.Gaps()})
	}
	return r, nil
}

// Get computes the readiness of a unit inside scope (meant for counties and
// townships; a township's standard of team size applies below), with a row
// per child unit for a county or above (the drill-down).
func (s *Service) Get(ctx context.Context, scope jurisdiction.Scope, unit string) (Report, error) {
	u, err := s.units.Get(ctx, scope, unit)
	if err != nil {
		return Report{}, err
	}
	std, label, err := s.Standards(ctx)
	if err != nil {
		return Report{}, err
	}
	return s.report(ctx, u, std, label, u.Level < 4)
}

func name(field, s string) (string, error) {
	t, err := personal.Name(s)
	if err != nil {
		return "", errs.Invalidf(field, "%s", err.Error())
	}
	if t == "" {
		return "", errs.Invalidf(field, "请填写")
	}
	if utf8.RuneCountInString(t) > 20 {
		return "", errs.Invalidf(field, "不超过20个字")
	}
	return t, nil
}

func (s *Service) unit(ctx context.Context, scope jurisdiction.Scope, code string) (jurisdiction.Unit, error) {
	u, err := s.units.Get(ctx, scope, code)
	if err != nil {
		return u, errs.Invalidf("unit_code", "单位不在您的辖区内")
	}
	return u, nil
}

// AddTracer puts a member on the tracing team roster of a unit.
func (s *Service) AddTracer(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, t Tracer) (Tracer, error) {
	u, err := s.unit(ctx, scope, t.UnitCode)
	if err != nil {
		return t, err
	}
	if t.Name, err = name("name", t.Name); err != nil {
		return t, err
	}
	found := false
	for _, k := range TracerKinds {
		found = found || k == t.Kind
	}
	if !found {
		return t, errs.Invalidf("kind", "请选择队员类别")
	}
	t.UnitCode, t.UnitName = u.Code, u.Name
	now := s.now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO readiness_tracers (unit_code, name, kind, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			t.UnitCode, t.Name, t.Kind, who.Username, now.UnixMilli()).Scan(&t.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, who, "create", "readiness_tracer", fmt.Sprint(t.ID), t.UnitCode, "流调队员："+t.Name)
	})
	return t, err
}

// RemoveTracer takes a member off the roster.
func (s *Service) RemoveTracer(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64) error {
	lo, hi := scope.Args()
	var unit string
	if err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT unit_code FROM readiness_tracers WHERE id = $1 AND `+scope.Where("unit_code", 2), id, lo, hi).Scan(&unit); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return errs.ErrNotFound
		}
		return err
	}
	now := s.now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM readiness_tracers WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, who, "delete", "readiness_tracer", fmt.Sprint(id), unit, "移出流调队伍")
	})
}

// Tracers lists the roster of a unit's subtree.
func (s *Service) Tracers(ctx context.Context, scope jurisdiction.Scope, unit string) ([]Tracer, error) {
	sub, err := scope.Narrow(unit)
	if err != nil {
		return nil, err
	}
	lo, hi := sub.Args()
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT t.id, t.unit_code, COALESCE(u.name, ''), t.name, t.kind FROM readiness_tracers t
		LEFT JOIN units u ON u.code = t.unit_code WHERE `+sub.Where("t.unit_code", 1)+` ORDER BY t.unit_code, t.id`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Tracer
	for rows.Next() {
		var t Tracer
		if err := rows.Scan(&t.ID, &t.UnitCode, &t.UnitName, &t.Name, &t.Kind); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SetSamplers records a unit's count of samplers.
func (s *Service) SetSamplers(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, unit string, n int) error {
	u, err := s.unit(ctx, scope, unit)
	if err != nil {
		return err
	}
	if n < 0 || n > 100000 {
		return errs.Invalidf("samplers", "请填写0至100000的人数")
	}
	now := s.now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE readiness_samplers SET samplers = $1, updated_by = $2, updated_at = $3 WHERE unit_code = $4`,
			n, who.Username, now.UnixMilli(), u.Code)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO readiness_samplers (unit_code, samplers, updated_by, updated_at) VALUES ($1, $2, $3, $4)`,
				u.Code, n, who.Username, now.UnixMilli()); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, who, "update", "readiness_samplers", u.Code, u.Code, fmt.Sprintf("采样人员 %d 人", n))
	})
}

// AddPlan records an emergency plan or a drill (with its date and findings).
func (s *Service) AddPlan(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, p Plan) (Plan, error) {
	u, err := s.unit(ctx, scope, p.UnitCode)
	if err != nil {
		return p, err
	}
	if p.Kind != PlanKinds[0] && p.Kind != PlanKinds[1] {
		return p, errs.Invalidf("kind", "请选择应急预案或演练")
	}
	if p.Title = strings.TrimSpace(p.Title); p.Title == "" || utf8.RuneCountInString(p.Title) > 60 {
		return p, errs.Invalidf("title", "请填写名称（不超过60个字）")
	}
	if _, err := time.Parse("2006-01-02", p.HeldOn); err != nil || p.HeldOn > clock.Day(s.now()) {
		return p, errs.Invalidf("held_on", "请填写日期（不晚于今天）")
	}
	if p.Findings = strings.TrimSpace(p.Findings); utf8.RuneCountInString(p.Findings) > 1000 {
		return p, errs.Invalidf("findings", "不超过1000个字")
	}
	p.UnitCode, p.UnitName = u.Code, u.Name
	now := s.now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO readiness_plans (unit_code, kind, title, held_on, findings, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, p.UnitCode, p.Kind, p.Title, p.HeldOn, p.Findings, who.Username, now.UnixMilli()).Scan(&p.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, who, "create", "readiness_plan", fmt.Sprint(p.ID), p.UnitCode, p.Kind+"："+p.Title)
	})
	return p, err
}

// Plans lists the plans and drills of a unit's subtree, newest first.
func (s *Service) Plans(ctx context.Context, scope jurisdiction.Scope, unit string) ([]Plan, error) {
	sub, err := scope.Narrow(unit)
	if err != nil {
		return nil, err
	}
	lo, hi := sub.Args()
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT p.id, p.unit_code, COALESCE(u.name, ''), p.kind, p.title, p.held_on, p.findings FROM readiness_plans p
		LEFT JOIN units u ON u.code = p.unit_code WHERE `+sub.Where("p.unit_code", 1)+` ORDER BY p.held_on DESC, p.id DESC LIMIT 200`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Plan
	for rows.Next() {
		var p Plan
		if err := rows.Scan(&p.ID, &p.UnitCode, &p.UnitName, &p.Kind, &p.Title, &p.HeldOn, &p.Findings); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
