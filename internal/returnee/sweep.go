package returnee

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// Sweep is a door-to-door round (敲门排查) over a unit: every household
// under it is to be visited.
type Sweep struct {
	ID        int64
	UnitCode  string
	UnitName  string
	Name      string
	StartsOn  string
	EndsOn    string // planned last day; "" = open-ended
	Closed    bool
	CreatedBy string
	CreatedAt int64
	Version   int64
}

// State is the sweep's state on day: 已结束 once closed, 逾期 past its
// planned last day while still open, 未开始 before its first day, else
// 进行中.
func (s Sweep) State(day string) string {
	switch {
	case s.Closed:
		return "已结束"
	case s.EndsOn != "" && day > s.EndsOn:
		return "逾期"
	case day < s.StartsOn:
		return "未开始"
	}
	return "进行中"
}

// Visit is one household's mark in a sweep.
type Visit struct {
	ID          int64
	SweepID     int64
	HouseholdID int64
	HouseholdNo string
	Address     string
	UnitCode    string
	VisitedOn   string
	VisitedBy   string
	Present     string // who was home
	Returnees   int    // returnees found
	Note        string
	Version     int64
}

// visible: a sweep concerns the caller when its unit lies inside the
// caller's scope or above it (a county-wide sweep concerns every village).
func visible(scope jurisdiction.Scope, unit string) bool {
	return scope.Contains(unit) || strings.HasPrefix(scope.Code(), unit)
}

// narrow is the part of the sweep's unit the caller may see: the whole
// scope for a sweep above it, else the sweep's unit.
func narrow(scope jurisdiction.Scope, unit string) (jurisdiction.Scope, error) {
	if len(scope.Code()) > len(unit) {
		return scope, nil
	}
	return scope.Narrow(unit)
}

const sweepColumns = `w.id, w.unit_code, COALESCE(u.name, ''), w.name, w.starts_on, w.ends_on, w.closed, w.created_by, w.created_at, w.version`

func scanSweep(row interface{ Scan(...any) error }) (Sweep, error) {
	var w Sweep
	var closed int
	err := row.Scan(&w.ID, &w.UnitCode, &w.UnitName, &w.Name, &w.StartsOn, &w.EndsOn, &closed, &w.CreatedBy, &w.CreatedAt, &w.Version)
	w.Closed = closed == 1
	return w, err
}

// OpenSweep starts a sweep round over a unit inside the scope.
func (s *Service) OpenSweep(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, w Sweep) (Sweep, error) {
	w.Name = strings.TrimSpace(w.Name)
	w.UnitCode = strings.TrimSpace(w.UnitCode)
	if w.Name == "" || tooLong(w.Name, 60) {
		return Sweep{}, errs.Invalidf("名称", "请填写排查轮次名称（60字以内）")
	}
	if w.StartsOn == "" {
		w.StartsOn = s.today()
	}
	if !validDay(w.StartsOn) || w.EndsOn != "" && (!validDay(w.EndsOn) || w.EndsOn < w.StartsOn) {
		return Sweep{}, errs.Invalidf("日期", "请填写开始日期和不早于开始日期的截止日期")
	}
	if w.UnitCode == "" {
		w.UnitCode = scope.Code()
	}
	// The scope is typed by name ("甘亭街道", "南涝村") or by code.
	u, err := s.units.Find(ctx, scope, "排查范围", w.UnitCode)
	if err != nil {
		return Sweep{}, err
	}
	w.UnitCode = u.Code
	if u.Level < jurisdiction.LevelCounty {
		return Sweep{}, errs.Invalidf("排查范围", "排查范围最大为一个县(区)")
	}
	now := s.now().UnixMilli()
	w.UnitName, w.CreatedBy, w.CreatedAt, w.Version = u.Name, actor.Username, now, 1
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO sweeps (unit_code, name, starts_on, ends_on, closed, created_by, created_at, version)
			VALUES ($1, $2, $3, $4, 0, $5, $6, 1) RETURNING id`, w.UnitCode, w.Name, w.StartsOn, w.EndsOn, actor.Username, now).Scan(&w.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionCreate, "sweep", fmt.Sprint(w.ID), w.UnitCode,
			fmt.Sprintf("开启敲门排查“%s”：%s，%s起", w.Name, u.Name, w.StartsOn))
	})
	if err != nil {
		return Sweep{}, fmt.Errorf("open sweep: %w", err)
	}
	return w, nil
}

// Sweep reads a sweep that concerns the scope.
func (s *Service) Sweep(ctx context.Context, scope jurisdiction.Scope, id int64) (Sweep, error) {
	w, err := scanSweep(s.db.R().QueryRowContext(ctx, "SELECT "+sweepColumns+
		" FROM sweeps w LEFT JOIN units u ON u.code = w.unit_code WHERE w.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) || err == nil && !visible(scope, w.UnitCode) {
		return Sweep{}, fmt.Errorf("sweep %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Sweep{}, fmt.Errorf("sweep %d: %w", id, err)
	}
	return w, nil
}

// Sweeps lists the sweeps that concern the scope, newest first.
func (s *Service) Sweeps(ctx context.Context, scope jurisdiction.Scope) ([]Sweep, error) {
	lo, hi := scope.Args()
	args := []any{lo, hi}
	cond := "(" + scope.Where("w.unit_code", 1) + ")"
	if pre := prefixesAbove(scope.Code()); len(pre) > 0 {
		ph := make([]string, len(pre))
		for i, p := range pre {
			args = append(args, p)
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		cond = "(" + cond + " OR w.unit_code IN (" + strings.Join(ph, ", ") + "))"
	}
	rows, err := s.db.R().QueryContext(ctx, "SELECT "+sweepColumns+" FROM sweeps w LEFT JOIN units u ON u.code = w.unit_code WHERE "+
		cond+" ORDER BY w.id DESC LIMIT 200", args...)
	if err != nil {
		return nil, fmt.Errorf("list sweeps: %w", err)
	}
	defer rows.Close()
	var out []Sweep
	for rows.Next() {
		w, err := scanSweep(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// prefixesAbove are the unit codes strictly above code.
func prefixesAbove(code string) []string {
	var out []string
	for _, n := range []int{2, 4, 6, 9, 12} {
		if len(code) > n {
			out = append(out, code[:n])
		}
	}
	return out
}

// CloseSweep ends a sweep round.
func (s *Service) CloseSweep(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, id int64) (Sweep, error) {
	w, err := s.Sweep(ctx, scope, id)
	if err != nil {
		return Sweep{}, err
	}
	if !scope.Contains(w.UnitCode) {
		return Sweep{}, errs.ErrForbidden // opened above the caller's unit
	}
	if w.Closed {
		return Sweep{}, &errs.Conflict{Message: "该排查轮次已结束"}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE sweeps SET closed = 1, version = version + 1 WHERE id = $1", id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionUpdate, "sweep", fmt.Sprint(id), w.UnitCode, "结束敲门排查“"+w.Name+"”")
	})
	if err != nil {
		return Sweep{}, fmt.Errorf("close sweep %d: %w", id, err)
	}
	w.Closed = true
	w.Version++
	return w, nil
}

// MarkVisit records (or corrects) a household's visit in a sweep.
func (s *Service) MarkVisit(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, v Visit) (Visit, error) {
	w, err := s.Sweep(ctx, scope, v.SweepID)
	if err != nil {
		return Visit{}, err
	}
	if w.Closed {
		return Visit{}, &errs.Conflict{Message: "该排查轮次已结束，不能再登记走访"}
	}
	var h registry.Household
	part, err := narrow(scope, w.UnitCode)
	if err == nil {
		h, err = s.reg.Household(ctx, part, v.HouseholdID)
	}
	if errors.Is(err, errs.ErrNotFound) {
		return Visit{}, errs.Invalidf("户", "户不存在、不在您的辖区内或不在本轮排查范围内")
	}
	if err != nil {
		return Visit{}, err
	}
	v.Present, v.Note = strings.TrimSpace(v.Present), strings.TrimSpace(v.Note)
	if v.VisitedOn == "" {
		v.VisitedOn = s.today()
	}
	if !validDay(v.VisitedOn) || v.VisitedOn > s.today() || v.VisitedOn < w.StartsOn {
		return Visit{}, errs.Invalidf("走访日期", "走访日期须在本轮开始（%s）与今天之间", w.StartsOn)
	}
	if v.Returnees < 0 || v.Returnees > 50 {
		return Visit{}, errs.Invalidf("发现返乡人员", "请填写0–50之间的人数")
	}
	if tooLong(v.Present, 200) || tooLong(v.Note, 300) {
		return Visit{}, errs.Invalidf("在家人员", "在家人员请在200字、备注请在300字以内")
	}
	v.HouseholdNo, v.Address, v.UnitCode, v.VisitedBy = h.No, h.Address, h.UnitCode, actor.Username
	now := s.now().UnixMilli()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM sweep_visits WHERE sweep_id = $1 AND household_id = $2", w.ID, h.ID).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			err = tx.QueryRowContext(ctx, `INSERT INTO sweep_visits (sweep_id, household_id, unit_code, visited_on, visited_by, present,
				returnees, note, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id`,
				w.ID, h.ID, h.UnitCode, v.VisitedOn, v.VisitedBy, v.Present, v.Returnees, v.Note, now).Scan(&v.ID)
			v.Version = 1
		case err == nil:
			v.ID = id
			_, err = tx.ExecContext(ctx, `UPDATE sweep_visits SET visited_on = $1, visited_by = $2, present = $3, returnees = $4,
				note = $5, version = version + 1, updated_at = $6 WHERE id = $7`, v.VisitedOn, v.VisitedBy, v.Present, v.Returnees, v.Note, now, id)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionUpdate, "household", fmt.Sprint(h.ID), h.UnitCode,
			fmt.Sprintf("敲门排查“%s”走访 %s：在家 %s，发现返乡 %d 人", w.Name, h.No, v.Present, v.Returnees))
	})
	if err != nil {
		return Visit{}, fmt.Errorf("mark visit: %w", err)
	}
	return v, nil
}

// Coverage is how far a sweep got in one unit.
type Coverage struct {
	Unit       jurisdiction.Unit
	Households int
	Visited    int
	Returnees  int
}

// Percent is visited/households in whole percent.
func (c Coverage) Percent() int {
	if c.Households == 0 {
		return 0
	}
	return c.Visited * 100 / c.Households
}

// SweepReport is a sweep's coverage per township and per village inside
// the caller's part of it, and the households not yet visited.
type SweepReport struct {
	Sweep     Sweep
	Total     Coverage
	Townships []Coverage
	Villages  []Coverage
	Pending   []registry.Household // not yet visited (first 500, or the page asked), with their heads (户主姓名)
	// PendingTotal is how many households of the unit asked are not yet
	// visited, from the same counters as the coverage.
	PendingTotal int
	Visits       []Visit // latest visits (first 200)
}

// Report computes a sweep's coverage inside the scope; unit ("" = all)
// narrows the list of households not yet visited (its first 500).
func (s *Service) Report(ctx context.Context, scope jurisdiction.Scope, id int64, unit string) (SweepReport, error) {
	return s.ReportPage(ctx, scope, id, unit, 0, 500)
}

// ReportPage is Report with limit households not yet visited from offset on
// (in the order of their unit and ID): the page of a grid worker's
// door-to-door list.
func (s *Service) ReportPage(ctx context.Context, scope jurisdiction.Scope, id int64, unit string, offset, limit int) (SweepReport, error) {
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	offset = max(offset, 0)
	w, err := s.Sweep(ctx, scope, id)
	if err != nil {
		return SweepReport{}, err
	}
	part, err := narrow(scope, w.UnitCode)
	if err != nil {
		return SweepReport{}, fmt.Errorf("sweep %d: %w", id, err)
	}
	pscope, err := part.NarrowOpt(unit)
	if err != nil {
		return SweepReport{}, fmt.Errorf("sweep %d unit %s: %w", id, unit, err)
	}
	rep := SweepReport{Sweep: w}
	lo, hi := part.Args()
	villages := map[string]*Coverage{}
	get := func(code string) *Coverage {
		c := villages[code]
		if c == nil {
			c = &Coverage{Unit: jurisdiction.Unit{Code: code}}
			villages[code] = c
		}
		return c
	}
	// Households per village from the registry's counters and visits from
	// sweep_visit_counts (both kept by triggers): O(units), not a pass over
	// the households or the visits.
	if err := s.countBy(ctx, s.db.R(), `SELECT SUBSTR(unit_code, 1, 12), CAST(SUM(n) AS BIGINT), 0 FROM (`+registry.HouseholdCounts(part, 1)+`) c
		GROUP BY SUBSTR(unit_code, 1, 12)`, []any{lo, hi},
		func(code string, n, _ int) { get(code).Households += n }); err != nil {
		return rep, err
	}
	if err := s.countBy(ctx, s.db.R(), `SELECT SUBSTR(unit_code, 1, 12), CAST(SUM(n) AS BIGINT), CAST(COALESCE(SUM(returnees), 0) AS BIGINT) FROM sweep_visit_counts
		WHERE sweep_id = $1 AND `+part.Where("unit_code", 2)+` GROUP BY SUBSTR(unit_code, 1, 12)`, []any{id, lo, hi},
		func(code string, n, r int) { c := get(code); c.Visited += n; c.Returnees += r }); err != nil {
		return rep, err
	}
	units, err := s.units.Units(ctx, part, jurisdiction.LevelVillage)
	if err != nil {
		return rep, err
	}
	names := map[string]jurisdiction.Unit{}
	for _, u := range units {
		names[u.Code] = u
	}
	// The townships inside the part, or the part's own township above it
	// (division names are public: Path).
	var towns []jurisdiction.Unit
	if len(part.Code()) > 9 {
		towns, err = s.units.Path(ctx, part.Code()[:9])
	} else {
		towns, err = s.units.Units(ctx, part, jurisdiction.LevelTownship)
	}
	if err != nil {
		return rep, err
	}
	townIdx := map[string]*Coverage{}
	for _, t := range towns {
		if t.Level == jurisdiction.LevelTownship && (strings.HasPrefix(t.Code, part.Code()) || strings.HasPrefix(part.Code(), t.Code)) {
			townIdx[t.Code] = &Coverage{Unit: t}
		}
	}
	for code, c := range villages {
		if u, ok := names[code]; ok {
			c.Unit = u
		}
		if strings.HasPrefix(code, pscope.Code()) || strings.HasPrefix(pscope.Code(), code) {
			rep.PendingTotal += max(c.Households-c.Visited, 0)
		}
		rep.Villages = append(rep.Villages, *c)
		rep.Total.Households += c.Households
		rep.Total.Visited += c.Visited
		rep.Total.Returnees += c.Returnees
		if len(code) >= 9 {
			if t := townIdx[code[:9]]; t != nil {
				t.Households += c.Households
				t.Visited += c.Visited
				t.Returnees += c.Returnees
			}
		}
	}
	for _, t := range townIdx {
		if t.Households > 0 || t.Visited > 0 {
			rep.Townships = append(rep.Townships, *t)
		}
	}
	sort.Slice(rep.Villages, func(i, j int) bool { return rep.Villages[i].Unit.Code < rep.Villages[j].Unit.Code })
	sort.Slice(rep.Townships, func(i, j int) bool { return rep.Townships[i].Unit.Code < rep.Townships[j].Unit.Code })
	rep.Total.Unit = jurisdiction.Unit{Code: part.Code(), Name: w.UnitName}
	plo, phi := pscope.Args()
	rows, err := s.db.R().QueryContext(ctx, `SELECT h.id, h.no, h.unit_code, h.address,
		COALESCE((SELECT MIN(p.name) FROM people p WHERE p.household_id = h.id AND p.relation = '户主' AND p.active = 1), '')
		FROM households h WHERE `+pscope.Where("h.unit_code", 1)+`
		AND NOT EXISTS (SELECT 1 FROM sweep_visits v WHERE v.sweep_id = $3 AND v.household_id = h.id)
		ORDER BY h.unit_code, h.id LIMIT $4 OFFSET $5`, plo, phi, id, limit, offset)
	if err != nil {
		return rep, fmt.Errorf("households not visited: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h registry.Household
		if err := rows.Scan(&h.ID, &h.No, &h.UnitCode, &h.Address, &h.HeadName); err != nil {
			return rep, err
		}
		rep.Pending = append(rep.Pending, h)
	}
	if err := rows.Err(); err != nil {
		return rep, err
	}
	vrows, err := s.db.R().QueryContext(ctx, `SELECT v.id, v.household_id, h.no, h.address, v.unit_code, v.visited_on, v.visited_by,
		v.present, v.returnees, v.note, v.version FROM sweep_visits v JOIN households h ON h.id = v.household_id
		WHERE v.sweep_id = $1 AND `+pscope.Where("v.unit_code", 2)+` ORDER BY v.id DESC LIMIT 200`, id, plo, phi)
	if err != nil {
		return rep, fmt.Errorf("sweep visits: %w", err)
	}
	defer vrows.Close()
	for vrows.Next() {
		v := Visit{SweepID: id}
		if err := vrows.Scan(&v.ID, &v.HouseholdID, &v.HouseholdNo, &v.Address, &v.UnitCode, &v.VisitedOn, &v.VisitedBy,
			&v.Present, &v.Returnees, &v.Note, &v.Version); err != nil {
			return rep, err
		}
		rep.Visits = append(rep.Visits, v)
	}
	return rep, vrows.Err()
}

func (s *Service) countBy(ctx context.Context, q db.Querier, query string, args []any, fn func(string, int, int)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("sweep coverage: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var n, r int
		if err := rows.Scan(&code, &n, &r); err != nil {
			return err
		}
		fn(code, n, r)
	}
	return rows.Err()
}
