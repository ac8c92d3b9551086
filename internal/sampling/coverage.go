package sampling

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/sheet"
)

// UnitCoverage is tested versus target (应检尽检) in one unit of a campaign.
type UnitCoverage struct {
	Code     string
	Name     string
	Level    int
	Target   int // snapshot at campaign start
	Tested   int // targets with a sample
	Sampled  int // all samples registered here (targets or not)
	Retests  int // marked for single-tube retest
	Pending  int // retests without a result yet
	Positive int // positive single-tube retests
	Walkins  int // walk-ins (流动人员) sampled at the unit's points: not in Target, Tested or Sampled
}

// Untested is Target − Tested.
func (u UnitCoverage) Untested() int { return u.Target - u.Tested }

// Percent is the coverage rate in percent, one decimal.
func (u UnitCoverage) Percent() string {
	if u.Target == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", float64(u.Tested)*100/float64(u.Target))
}

// Coverage is a campaign seen from one unit.
type Coverage struct {
	Campaign  Campaign
	Unit      jurisdiction.Unit
	Total     UnitCoverage
	Children  []UnitCoverage
	LastHour  int     // samples in the last hour
	PerHour   float64 // the rate used for the projection
	FirstAt   int64   // first sample here
	Projected int64   // Unix ms of the projected finish; 0 when unknown
	// SlowDays is set, instead of Projected, when the rate would take more
	// than three days to finish (a date in 2028 helps nobody): the days.
	SlowDays int
	Tubes    int
	Resulted int // tubes with a result
	PosTubes int // positive or invalid pools
}

// ProjectedText renders the projected finish.
func (c Coverage) ProjectedText() string {
	switch {
	case c.Total.Target > 0 && c.Total.Untested() == 0:
		return "已全部完成"
	case c.SlowDays > 0:
		return fmt.Sprintf("按当前速度（每小时%.0f人）还需约%d天，请加开采样点或采样台", c.PerHour, c.SlowDays)
	case c.Projected == 0:
		return "尚无采样速度，无法预计"
	}
	return clock.Format(c.Projected)
}

// area resolves the unit a coverage query looks at, and its scope: inside
// both the caller's scope and the campaign.
func (s *Service) area(ctx context.Context, scope jurisdiction.Scope, c Campaign, unitCode string) (jurisdiction.Unit, jurisdiction.Scope, error) {
	a := effective(scope, c.UnitCode)
	if unitCode == "" {
		unitCode = a.Code()
	}
	if !strings.HasPrefix(unitCode, c.UnitCode) && !strings.HasPrefix(c.UnitCode, unitCode) {
		return jurisdiction.Unit{}, jurisdiction.Scope{}, fmt.Errorf("unit %s: %w", unitCode, errs.ErrNotFound)
	}
	unitScope, err := a.Narrow(unitCode)
	if err != nil {
		return jurisdiction.Unit{}, jurisdiction.Scope{}, fmt.Errorf("unit %s: %w", unitCode, err)
	}
	u, err := s.units.Get(ctx, scope, unitCode)
	return u, unitScope, err
}

// Coverage counts tested versus target per child unit of unitCode ("" =
// the caller's part of the campaign), the sampling rate and the projected
// finish.
func (s *Service) Coverage(ctx context.Context, scope jurisdiction.Scope, campaignID int64, unitCode string) (Coverage, error) {
	c, err := s.Campaign(ctx, scope, campaignID)
	if err != nil {
		return Coverage{}, err
	}
	u, unitScope, err := s.area(ctx, scope, c, unitCode)
	if err != nil {
		return Coverage{}, err
	}
	kids, err := s.units.Children(ctx, scope, u.Code)
	if err != nil {
		return Coverage{}, err
	}
	out := Coverage{Campaign: c, Unit: u, Total: UnitCoverage{Code: u.Code, Name: u.Name, Level: u.Level}}
	byCode := map[string]*UnitCoverage{}
	out.Children = make([]UnitCoverage, len(kids))
	for i, k := range kids {
		out.Children[i] = UnitCoverage{Code: k.Code, Name: k.Name, Level: k.Level}
		byCode[k.Code] = &out.Children[i]
	}
	add := func(code string, f func(x *UnitCoverage)) {
		f(&out.Total)
		for n := len(code); n >= len(u.Code); n-- {
			if x, ok := byCode[code[:n]]; ok {
				f(x)
				return
			}
		}
	}
	lo, hi := unitScope.Args()
	q := s.db.R()
	err = eachRow(ctx, q, `SELECT t.unit_code, COUNT(*), COUNT(s.person_id) FROM campaign_targets t
		LEFT JOIN test_samples s ON s.campaign_id = t.campaign_id AND s.person_id = t.person_id
		WHERE t.campaign_id = $1 AND `+unitScope.Where("t.unit_code", 2)+` GROUP BY t.unit_code`, []any{c.ID, lo, hi},
		func(r *sql.Rows) error {
			var code string
			var target, tested int
			if err := r.Scan(&code, &target, &tested); err != nil {
				return err
			}
			add(code, func(x *UnitCoverage) { x.Target += target; x.Tested += tested })
			return nil
		})
	if err != nil {
		return out, fmt.Errorf("coverage: %w", err)
	}
	now := s.now().UnixMilli()
	err = eachRow(ctx, q, `SELECT unit_code, COUNT(*), MIN(sampled_at), SUM(CASE WHEN sampled_at >= $4 THEN 1 ELSE 0 END) FROM test_samples
		WHERE campaign_id = $1 AND `+unitScope.Where("unit_code", 2)+` GROUP BY unit_code`, []any{c.ID, lo, hi, now - 3_600_000},
		func(r *sql.Rows) error {
			var code string
			var n, last int
			var first int64
			if err := r.Scan(&code, &n, &first, &last); err != nil {
				return err
			}
			add(code, func(x *UnitCoverage) { x.Sampled += n })
			out.LastHour += last
			if out.FirstAt == 0 || first < out.FirstAt {
				out.FirstAt = first
			}
			return nil
		})
	if err != nil {
		return out, fmt.Errorf("coverage rate: %w", err)
	}
	err = eachRow(ctx, q, `SELECT unit_code, COUNT(*), SUM(CASE WHEN retest_at = 0 THEN 1 ELSE 0 END),
		SUM(CASE WHEN retest_result = 'positive' THEN 1 ELSE 0 END) FROM test_retests
		WHERE campaign_id = $1 AND `+unitScope.Where("unit_code", 2)+` GROUP BY unit_code`, []any{c.ID, lo, hi},
		func(r *sql.Rows) error {
			var code string
			var n, pending, pos int
			if err := r.Scan(&code, &n, &pending, &pos); err != nil {
				return err
			}
			add(code, func(x *UnitCoverage) { x.Retests += n; x.Pending += pending; x.Positive += pos })
			return nil
		})
	if err != nil {
		return out, fmt.Errorf("coverage retests: %w", err)
	}
	err = eachRow(ctx, q, `SELECT unit_code, COUNT(*) FROM test_walkins
		WHERE campaign_id = $1 AND `+unitScope.Where("unit_code", 2)+` GROUP BY unit_code`, []any{c.ID, lo, hi},
		func(r *sql.Rows) error {
			var code string
			var n int
			if err := r.Scan(&code, &n); err != nil {
				return err
			}
			add(code, func(x *UnitCoverage) { x.Walkins += n })
			return nil
		})
	if err != nil {
		return out, fmt.Errorf("coverage walk-ins: %w", err)
	}
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN result <> '' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN result IN ('positive', 'invalid') THEN 1 ELSE 0 END), 0) FROM test_tubes
		WHERE campaign_id = $1 AND `+unitScope.Where("unit_code", 2), c.ID, lo, hi).Scan(&out.Tubes, &out.Resulted, &out.PosTubes); err != nil {
		return out, fmt.Errorf("coverage tubes: %w", err)
	}
	out.PerHour = float64(out.LastHour)
	if out.PerHour == 0 && out.FirstAt > 0 && now > out.FirstAt {
		out.PerHour = float64(out.Total.Sampled) / (float64(now-out.FirstAt) / 3_600_000)
	}
	if left := out.Total.Untested(); left > 0 && out.PerHour > 0 && c.Status == StatusActive {
		hours := float64(left) / out.PerHour
		if hours > 72 {
			out.SlowDays = int(math.Ceil(hours / 24))
		} else {
			out.Projected = now + int64(hours*3_600_000)
		}
	}
	return out, nil
}

func eachRow(ctx context.Context, q interface {
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

// PersonRow is a person in the untested or retest lists; ID number and
// phone are masked.
type PersonRow struct {
	PersonID     int64
	Name         string
	IDMasked     string
	PhoneMasked  string
	UnitCode     string
	UnitName     string
	Address      string
	HouseholdNo  string
	Tube         string // retests: the pool's tube
	Reason       string // retests: positive or invalid
	RetestTube   string
	RetestResult string
}

// ReasonName is the Chinese label of a retest reason.
func (p PersonRow) ReasonName() string {
	if p.Reason == ResultInvalid {
		return "混管无效"
	}
	return "混管阳性"
}

// untestedWhere is the FROM and WHERE of the untested in an area ($1 the
// campaign, $2, $3 the area's Args).
func untestedWhere(area jurisdiction.Scope) string {
	return ` FROM campaign_targets t JOIN people p ON p.id = t.person_id
	LEFT JOIN households h ON h.id = p.household_id LEFT JOIN units u ON u.code = t.unit_code
	WHERE t.campaign_id = $1 AND ` + area.Where("t.unit_code", 2) + `
	AND NOT EXISTS (SELECT 1 FROM test_samples s WHERE s.campaign_id = t.campaign_id AND s.person_id = t.person_id)`
}

// Untested lists the targets without a sample (应检未检) in a unit, for
// door-to-door follow-up, ordered by unit and registration (an index
// order, so a page of a whole county is cheap); total is their count.
func (s *Service) Untested(ctx context.Context, scope jurisdiction.Scope, campaignID int64, unitCode string, limit, offset int) ([]PersonRow, int, error) {
	c, err := s.Campaign(ctx, scope, campaignID)
	if err != nil {
		return nil, 0, err
	}
	_, unitScope, err := s.area(ctx, scope, c, unitCode)
	if err != nil {
		return nil, 0, err
	}
	lo, hi := unitScope.Args()
	var total int
	if err := s.db.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM campaign_targets t
		WHERE t.campaign_id = $1 AND `+unitScope.Where("t.unit_code", 2)+`
		AND NOT EXISTS (SELECT 1 FROM test_samples s WHERE s.campaign_id = t.campaign_id AND s.person_id = t.person_id)`, c.ID, lo, hi).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("untested: %w", err)
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT p.id, p.name, COALESCE(p.id_number, ''), p.phone, t.unit_code, COALESCE(u.name, ''),
		COALESCE(h.address, ''), COALESCE(h.no, ''), COALESCE(h.phone, '')`+untestedWhere(unitScope)+
		" ORDER BY t.unit_code, t.person_id LIMIT $4 OFFSET $5", c.ID, lo, hi, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("untested: %w", err)
	}
	defer rows.Close()
	var out []PersonRow
	for rows.Next() {
		var r PersonRow
		var id, phone, hphone string
		if err := rows.Scan(&r.PersonID, &r.Name, &id, &phone, &r.UnitCode, &r.UnitName, &r.Address, &r.HouseholdNo, &hphone); err != nil {
			return nil, 0, err
		}
		if phone == "" {
			phone = hphone
		}
		r.IDMasked, r.PhoneMasked = personal.MaskID(id), personal.MaskPhone(phone)
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// UntestedHeaders are the columns of the untested export.
var UntestedHeaders = []string{"村(社区)/组", "单位代码", "户编号", "住址", "姓名", "身份证号", "联系电话"}

// ExportUntested writes the full untested list of a unit as XLSX (for
// door-to-door follow-up; full ID numbers and phones) and records the
// export in the audit log. It returns the number of people written.
func (s *Service) ExportUntested(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, campaignID int64, unitCode string, w io.Writer) (int, error) {
	c, err := s.Campaign(ctx, scope, campaignID)
	if err != nil {
		return 0, err
	}
	u, unitScope, err := s.area(ctx, scope, c, unitCode)
	if err != nil {
		return 0, err
	}
	_, total, err := s.Untested(ctx, scope, campaignID, unitCode, 0, 0) // the count, for the audit entry
	if err != nil {
		return 0, err
	}
	if err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionExport, "untested", fmt.Sprint(c.ID), u.Code,
			fmt.Sprintf("导出应检未检名单：%s %s（%d人）", c.Name, u.Name, total))
	}); err != nil {
		return 0, err
	}
	lo, hi := unitScope.Args()
	rows, err := s.db.R().QueryContext(ctx, `SELECT COALESCE(u.name, ''), t.unit_code, COALESCE(h.no, ''), COALESCE(h.address, ''), p.name,
		COALESCE(p.id_number, ''), CASE WHEN p.phone <> '' THEN p.phone ELSE COALESCE(h.phone, '') END`+untestedWhere(unitScope)+
		" ORDER BY t.unit_code, COALESCE(p.household_id, 0), p.id", c.ID, lo, hi)
	if err != nil {
		return 0, fmt.Errorf("export untested: %w", err)
	}
	defer rows.Close()
	sw, err := sheet.NewWriter(w, "应检未检", UntestedHeaders, []float64{18, 16, 20, 30, 10, 20, 14})
	if err != nil {
		return 0, err
	}
	n := 0
	cells := make([]string, len(UntestedHeaders))
	ptrs := make([]any, len(cells))
	for i := range cells {
		ptrs[i] = &cells[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		if err := sw.WriteRow(cells); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, sw.Close()
}

// Retests lists the people marked for single-tube retest in a unit, by
// village, with addresses and masked phones.
func (s *Service) Retests(ctx context.Context, scope jurisdiction.Scope, campaignID int64, unitCode string, limit, offset int) ([]PersonRow, int, error) {
	c, err := s.Campaign(ctx, scope, campaignID)
	if err != nil {
		return nil, 0, err
	}
	_, unitScope, err := s.area(ctx, scope, c, unitCode)
	if err != nil {
		return nil, 0, err
	}
	lo, hi := unitScope.Args()
	var total int
	if err := s.db.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM test_retests WHERE campaign_id = $1 AND `+unitScope.Where("unit_code", 2),
		c.ID, lo, hi).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("retests: %w", err)
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT p.id, p.name, COALESCE(p.id_number, ''), p.phone, r.unit_code, COALESCE(u.name, ''),
		COALESCE(h.address, ''), COALESCE(h.no, ''), COALESCE(h.phone, ''), t.barcode, r.reason, r.retest_tube, r.retest_result
		FROM test_retests r JOIN people p ON p.id = r.person_id JOIN test_tubes t ON t.id = r.tube_id
		LEFT JOIN households h ON h.id = p.household_id LEFT JOIN units u ON u.code = r.unit_code
		WHERE r.campaign_id = $1 AND `+unitScope.Where("r.unit_code", 2)+`
		ORDER BY r.unit_code, COALESCE(p.household_id, 0), p.id LIMIT $4 OFFSET $5`, c.ID, lo, hi, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("retests: %w", err)
	}
	defer rows.Close()
	var out []PersonRow
	for rows.Next() {
		var r PersonRow
		var id, phone, hphone string
		if err := rows.Scan(&r.PersonID, &r.Name, &id, &phone, &r.UnitCode, &r.UnitName, &r.Address, &r.HouseholdNo, &hphone,
			&r.Tube, &r.Reason, &r.RetestTube, &r.RetestResult); err != nil {
			return nil, 0, err
		}
		if phone == "" {
			phone = hphone
		}
		r.IDMasked, r.PhoneMasked = personal.MaskID(id), personal.MaskPhone(phone)
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// Turnaround is the time from sampling to result for one lab and one
// category (重点人群 or 一般人群) against its target.
type Turnaround struct {
	LabID       int64
	LabName     string
	Key         bool
	Samples     int
	AvgHours    float64
	MaxHours    float64
	TargetHours int
	Within      int // samples with a result within the target
}

// Category is the Chinese name of the category.
func (t Turnaround) Category() string {
	if t.Key {
		return "重点人群"
	}
	return "一般人群"
}

// WithinPercent is the share within target.
func (t Turnaround) WithinPercent() string {
	if t.Samples == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", float64(t.Within)*100/float64(t.Samples))
}

// Target turnaround times (national notice of January 2021): key groups
// within 6 hours (4–6), everyone else within 12.
const (
	TargetKeyHours   = 6
	TargetOtherHours = 12
)

// Turnarounds reports sampling-to-result times per lab and category for the
// samples inside the caller's part of the campaign.
func (s *Service) Turnarounds(ctx context.Context, scope jurisdiction.Scope, campaignID int64) ([]Turnaround, error) {
	c, err := s.Campaign(ctx, scope, campaignID)
	if err != nil {
		return nil, err
	}
	lo, hi := effective(scope, c.UnitCode).Args()
	var out []Turnaround
	err = eachRow(ctx, s.db.R(), fmt.Sprintf(`SELECT t.lab_id, COALESCE(l.name, ''), s.key_group, COUNT(*), AVG(t.result_at - s.sampled_at),
		MAX(t.result_at - s.sampled_at),
		SUM(CASE WHEN t.result_at - s.sampled_at <= CASE WHEN s.key_group = 1 THEN %d ELSE %d END THEN 1 ELSE 0 END)
		FROM test_samples s JOIN test_tubes t ON t.id = s.tube_id LEFT JOIN test_labs l ON l.id = t.lab_id
		WHERE s.campaign_id = $1 AND `+effective(scope, c.UnitCode).Where("s.unit_code", 2)+` AND t.result <> ''
		GROUP BY t.lab_id, l.name, s.key_group ORDER BY t.lab_id, s.key_group DESC`, TargetKeyHours*3_600_000, TargetOtherHours*3_600_000),
		[]any{c.ID, lo, hi}, func(r *sql.Rows) error {
			var t Turnaround
			var lab sql.NullInt64
			var key int
			var avg float64
			var mx int64
			if err := r.Scan(&lab, &t.LabName, &key, &t.Samples, &avg, &mx, &t.Within); err != nil {
				return err
			}
			t.LabID, t.Key = lab.Int64, key == 1
			t.AvgHours, t.MaxHours = avg/3_600_000, float64(mx)/3_600_000
			t.TargetHours = map[bool]int{true: TargetKeyHours, false: TargetOtherHours}[t.Key]
			out = append(out, t)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("turnaround: %w", err)
	}
	return out, nil
}

// PlanInput is a planning question: can this unit be tested within Days?
type PlanInput struct {
	UnitCode      string
	Days          float64
	HoursPerDay   float64 // sampling hours a day (default 12)
	Samplers      int     // sampling tables staffed (0 = the campaign's tables)
	PerSamplerDay int     // people per sampler-day (default 360, national guide)
	LabPerHour    int     // tubes per hour, all labs (0 = the campaign's labs)
	PoolSize      int     // 0 = the campaign's
}

// Plan is the answer.
type Plan struct {
	Input          PlanInput
	Unit           jurisdiction.Unit
	People         int     // still to test (untested targets, or residents without a campaign)
	Tubes          int     // pools needed
	SamplingDays   float64 // with the given samplers
	LabDays        float64 // labs work around the clock
	FinishDays     float64
	Feasible       bool
	SamplersNeeded int // to finish sampling within Days
	PointsAdvised  int // one point per 2,500 people
}

// Plan works out whether sampling teams and lab capacity can finish a unit
// within N days. With campaignID, people are that campaign's untested
// targets and the defaults come from its points and labs; without, people
// are the unit's present residents.
func (s *Service) Plan(ctx context.Context, scope jurisdiction.Scope, campaignID int64, in PlanInput) (Plan, error) {
	// Written so that NaN fails each test (every comparison with NaN is false).
	if !(in.Days > 0 && in.Days <= 60) {
		return Plan{}, errs.Invalidf("天数", "天数应在 0–60 之间")
	}
	if in.HoursPerDay == 0 {
		in.HoursPerDay = 12
	}
	if !(in.HoursPerDay > 0 && in.HoursPerDay <= 24) {
		return Plan{}, errs.Invalidf("每天采样小时数", "每天采样小时数应在 0–24 之间")
	}
	if in.PerSamplerDay == 0 {
		in.PerSamplerDay = 360
	}
	if in.PerSamplerDay < 0 || in.PerSamplerDay > 100_000 {
		return Plan{}, errs.Invalidf("每台每天采样人数", "每台每天采样人数无效")
	}
	if in.Samplers < 0 || in.LabPerHour < 0 || in.Samplers > 1_000_000 || in.LabPerHour > 100_000_000 {
		return Plan{}, errs.Invalidf("采样台", "采样台数或检测能力无效")
	}
	if in.PoolSize != 0 && !slices.Contains(PoolSizes, in.PoolSize) {
		return Plan{}, errs.Invalidf("混采比例", "混采比例只能是 1、5、10 或 20 人一管")
	}
	p := Plan{}
	if campaignID > 0 {
		c, err := s.Campaign(ctx, scope, campaignID)
		if err != nil {
			return p, err
		}
		cov, err := s.Coverage(ctx, scope, campaignID, in.UnitCode)
		if err != nil {
			return p, err
		}
		p.Unit, p.People = cov.Unit, cov.Total.Untested()
		if in.PoolSize == 0 {
			in.PoolSize = c.PoolSize
		}
		unitScope, err := scope.Narrow(p.Unit.Code) // Coverage resolved the unit inside scope
		if err != nil {
			return p, err
		}
		lo, hi := unitScope.Args()
		if in.Samplers == 0 {
			if err := s.db.R().QueryRowContext(ctx, "SELECT COALESCE(SUM(tables), 0) FROM test_points WHERE campaign_id = $1 AND "+unitScope.Where("unit_code", 2),
				c.ID, lo, hi).Scan(&in.Samplers); err != nil {
				return p, fmt.Errorf("plan: %w", err)
			}
		}
		if in.LabPerHour == 0 {
			if err := s.db.R().QueryRowContext(ctx, "SELECT COALESCE(SUM(capacity_per_hour), 0) FROM test_labs WHERE campaign_id = $1", c.ID).
				Scan(&in.LabPerHour); err != nil {
				return p, fmt.Errorf("plan: %w", err)
			}
		}
	} else {
		u, err := s.units.Get(ctx, scope, in.UnitCode)
		if err != nil {
			return p, err
		}
		p.Unit = u
		unitScope, err := scope.Narrow(u.Code) // Get checked it is inside scope
		if err != nil {
			return p, err
		}
		lo, hi := unitScope.Args()
		// The people on the register present (residence other than 外出务工
		// and 外出上学), per unit (resident_totals, kept by triggers).
		if err := s.db.R().QueryRowContext(ctx, `SELECT COALESCE(SUM(present), 0) FROM resident_totals WHERE `+unitScope.Where("unit_code", 1),
			lo, hi).Scan(&p.People); err != nil {
			return p, fmt.Errorf("plan: %w", err)
		}
	}
	if in.PoolSize <= 0 {
		in.PoolSize = 10
	}
	p.Input = in
	p.Tubes = (p.People + in.PoolSize - 1) / in.PoolSize
	perDay := float64(in.PerSamplerDay) * in.HoursPerDay / 8 // 360 a day is an 8-hour shift
	if in.Samplers > 0 {
		p.SamplingDays = float64(p.People) / (float64(in.Samplers) * perDay)
	} else if p.People > 0 {
		p.SamplingDays = math.Inf(1)
	}
	if in.LabPerHour > 0 {
		p.LabDays = float64(p.Tubes) / float64(in.LabPerHour) / 24
	} else if p.Tubes > 0 {
		p.LabDays = math.Inf(1)
	}
	// Lab work runs alongside sampling; the last tubes need a result after
	// the last sample (12 hours at most).
	p.FinishDays = math.Max(p.SamplingDays+0.5, p.LabDays)
	if p.People == 0 {
		p.FinishDays = 0
	}
	p.Feasible = p.FinishDays <= in.Days
	p.SamplersNeeded = int(math.Ceil(float64(p.People) / (perDay * in.Days)))
	p.PointsAdvised = (p.People + 2499) / 2500
	return p, nil
}

// Days renders a number of days for pages.
func Days(d float64) string {
	if math.IsInf(d, 0) {
		return "无法完成（缺少采样台或检测能力）"
	}
	if d < 1 {
		return fmt.Sprintf("%.1f 小时", d*24)
	}
	return fmt.Sprintf("%.1f 天", d)
}
