package sampling

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/registry"
)

// Campaign statuses.
const (
	StatusDraft  = "draft"
	StatusActive = "active"
	StatusClosed = "closed"
)

// StatusName is the Chinese label of a campaign status.
func StatusName(st string) string {
	switch st {
	case StatusDraft:
		return "未开始"
	case StatusActive:
		return "进行中"
	case StatusClosed:
		return "已结束"
	}
	return st
}

// PoolSizes are the allowed pooling ratios (N混1).
var PoolSizes = []int{1, 5, 10, 20}

// TargetFilter narrows the target population of a campaign. Empty means all
// residents present in the unit (not away for work or study). Units is a
// sealed area (封控区): only people in these sub-units; Groups keeps people
// with any of these special-group bits; Sources names registered
// TargetSources (e.g. people under control measures) whose people are kept.
// Conditions of different kinds combine with AND, values of one kind with OR.
type TargetFilter struct {
	Units   []string `json:"units,omitempty"`
	Groups  int64    `json:"groups,omitempty"`
	Sources []string `json:"sources,omitempty"`
}

// Empty reports a filter that keeps all residents.
func (f TargetFilter) Empty() bool { return len(f.Units) == 0 && f.Groups == 0 && len(f.Sources) == 0 }

// TargetSource is a population another module offers as a campaign target
// (people under measures, returnees…): SQL returning one column, person_id.
type TargetSource interface {
	Name() string  // stable key stored in the filter
	Label() string // Chinese label for forms
	PeopleSQL() string
}

// RegisterTargetSource makes a source available to campaign filters.
func (s *Service) RegisterTargetSource(src TargetSource) {
	if s.sources == nil {
		s.sources = map[string]TargetSource{}
	}
	s.sources[src.Name()] = src
}

// TargetSources lists the registered sources.
func (s *Service) TargetSources() []TargetSource {
	out := make([]TargetSource, 0, len(s.sources))
	for _, v := range s.sources {
		out = append(out, v)
	}
	return out
}

// Campaign is one testing round (检测轮次).
type Campaign struct {
	ID          int64
	UnitCode    string
	UnitName    string
	Name        string
	Filter      TargetFilter
	StartsOn    string
	EndsOn      string
	PoolSize    int
	Status      string
	TargetCount int // targets within the viewer's scope (the whole round for its managers)
	StartedAt   int64
	ClosedAt    int64
	Version     int64
	CreatedAt   int64
}

// StatusName is the Chinese label of the status.
func (c Campaign) StatusName() string { return StatusName(c.Status) }

// Started renders StartedAt.
func (c Campaign) Started() string {
	if c.StartedAt == 0 {
		return ""
	}
	return clock.Format(c.StartedAt)
}

// TargetLabel describes the target population in Chinese.
func (c Campaign) TargetLabel() string {
	if c.Filter.Empty() {
		return "全体在住居民"
	}
	var parts []string
	if len(c.Filter.Units) > 0 {
		parts = append(parts, "区域："+strings.Join(c.Filter.Units, "、"))
	}
	if c.Filter.Groups != 0 {
		parts = append(parts, "重点人群")
	}
	if len(c.Filter.Sources) > 0 {
		parts = append(parts, "来源："+strings.Join(c.Filter.Sources, "、"))
	}
	return strings.Join(parts, "；")
}

// Point is a sampling point (采样点).
type Point struct {
	ID         int64
	CampaignID int64
	UnitCode   string
	Name       string
	Address    string
	Hours      string
	Tables     int
	Teams      int
}

// Lab is a testing laboratory (检测机构) of a campaign.
type Lab struct {
	ID              int64
	CampaignID      int64
	Name            string
	CapacityPerHour int
}

const campaignColumns = `c.id, c.unit_code, COALESCE(u.name, ''), c.name, c.target_filter, c.starts_on, c.ends_on, c.pool_size,
	c.status, c.target_count, c.started_at, c.closed_at, c.version, c.created_at`

func scanCampaign(row interface{ Scan(...any) error }) (Campaign, error) {
	var c Campaign
	var filter string
	err := row.Scan(&c.ID, &c.UnitCode, &c.UnitName, &c.Name, &filter, &c.StartsOn, &c.EndsOn, &c.PoolSize,
		&c.Status, &c.TargetCount, &c.StartedAt, &c.ClosedAt, &c.Version, &c.CreatedAt)
	if err != nil {
		return c, err
	}
	if filter != "" {
		if err := json.Unmarshal([]byte(filter), &c.Filter); err != nil {
			return c, fmt.Errorf("campaign %d filter: %w", c.ID, err)
		}
	}
	return c, nil
}

// CampaignInput is what a manager fills in.
type CampaignInput struct {
	UnitCode string
	Name     string
	Filter   TargetFilter
	StartsOn string
	EndsOn   string
	PoolSize int
}

// CreateCampaign adds a campaign in draft over a unit inside the scope.
func (s *Service) CreateCampaign(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, in CampaignInput) (Campaign, error) {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || !validText(in.Name, 100) {
		return Campaign{}, errs.Invalidf("名称", "请填写轮次名称（不超过100字）")
	}
	u, err := s.units.Get(ctx, scope, in.UnitCode)
	if errors.Is(err, errs.ErrNotFound) {
		return Campaign{}, errs.Invalidf("检测范围", "%s 不存在或不在您的辖区内", in.UnitCode)
	}
	if err != nil {
		return Campaign{}, err
	}
	if u.Level > jurisdiction.LevelVillage {
		return Campaign{}, errs.Invalidf("检测范围", "检测范围须是县(区)、镇(街道)或村(社区)")
	}
	okSize := false
	for _, n := range PoolSizes {
		okSize = okSize || n == in.PoolSize
	}
	if !okSize {
		return Campaign{}, errs.Invalidf("混采比例", "混采比例只能是 1、5、10 或 20 人一管")
	}
	if _, err := personal.ParseDate(in.StartsOn); err != nil {
		return Campaign{}, errs.Invalidf("开始日期", "日期格式应为 2022-01-05")
	}
	if in.EndsOn == "" {
		in.EndsOn = in.StartsOn
	}
	if _, err := personal.ParseDate(in.EndsOn); err != nil || in.EndsOn < in.StartsOn {
		return Campaign{}, errs.Invalidf("结束日期", "结束日期格式应为 2022-01-05，且不早于开始日期")
	}
	if err := s.checkFilter(ctx, scope, u.Code, &in.Filter); err != nil {
		return Campaign{}, err
	}
	filter := ""
	if !in.Filter.Empty() {
		b, _ := json.Marshal(in.Filter)
		filter = string(b)
	}
	now := s.now().UnixMilli()
	var id int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO test_campaigns (unit_code, name, target_kind, target_filter, starts_on, ends_on,
			pool_size, status, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $9) RETURNING id`,
			u.Code, in.Name, map[bool]string{true: "all", false: "filter"}[filter == ""], filter, in.StartsOn, in.EndsOn,
			in.PoolSize, actor.UserID, now).Scan(&id); err != nil {
			return fmt.Errorf("create campaign: %w", err)
		}
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionCreate, "campaign", fmt.Sprint(id), u.Code, "新建检测轮次 "+in.Name)
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.Campaign(ctx, scope, id)
}

func (s *Service) checkFilter(ctx context.Context, scope jurisdiction.Scope, unit string, f *TargetFilter) error {
	seen := map[string]bool{}
	var units []string
	for _, code := range f.Units {
		code = strings.TrimSpace(code)
		if code == "" || seen[code] {
			continue
		}
		seen[code] = true
		if !strings.HasPrefix(code, unit) || !scope.Contains(code) {
			return errs.Invalidf("封控区域", "%s 不在本轮检测范围内", code)
		}
		if _, err := s.units.Get(ctx, scope, code); err != nil {
			return errs.Invalidf("封控区域", "%s 不存在或不在您的辖区内", code)
		}
		units = append(units, code)
	}
	f.Units = units
	for _, name := range f.Sources {
		if _, ok := s.sources[name]; !ok {
			return errs.Invalidf("目标人群", "未知的人群来源 %s", name)
		}
	}
	return nil
}

// Campaign returns a campaign visible from the scope.
func (s *Service) Campaign(ctx context.Context, scope jurisdiction.Scope, id int64) (Campaign, error) {
	c, err := scanCampaign(s.db.R().QueryRowContext(ctx, "SELECT "+campaignColumns+
		" FROM test_campaigns c LEFT JOIN units u ON u.code = c.unit_code WHERE c.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !visible(scope, c.UnitCode)) {
		return Campaign{}, fmt.Errorf("campaign %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Campaign{}, fmt.Errorf("campaign %d: %w", id, err)
	}
	if err := s.countSeen(ctx, scope, &c); err != nil {
		return Campaign{}, err
	}
	return c, nil
}

// countSeen makes a round's target count the viewer's: counts are scoped
// like rows, so a village sees how many of its own people a county round
// targets, not the county's total.
func (s *Service) countSeen(ctx context.Context, scope jurisdiction.Scope, c *Campaign) error {
	if scope.Contains(c.UnitCode) || c.Status == StatusDraft {
		return nil
	}
	lo, hi := scope.Args()
	if err := s.db.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM campaign_targets t WHERE t.campaign_id = $1 AND `+
		scope.Where("t.unit_code", 2), c.ID, lo, hi).Scan(&c.TargetCount); err != nil {
		return fmt.Errorf("campaign %d targets: %w", c.ID, err)
	}
	return nil
}

// Campaigns lists the campaigns visible from the scope, newest first.
func (s *Service) Campaigns(ctx context.Context, scope jurisdiction.Scope) ([]Campaign, error) {
	lo, hi := scope.Args()
	args := []any{lo, hi}
	var in []string
	for _, a := range ancestors(scope.Code()) {
		args = append(args, a)
		in = append(in, fmt.Sprintf("$%d", len(args)))
	}
	where := "(" + scope.Where("c.unit_code", 1) + ")"
	if len(in) > 0 {
		where += " OR c.unit_code IN (" + strings.Join(in, ", ") + ")"
	}
	rows, err := s.db.R().QueryContext(ctx, "SELECT "+campaignColumns+
		" FROM test_campaigns c LEFT JOIN units u ON u.code = c.unit_code WHERE "+where+" ORDER BY c.id DESC LIMIT 200", args...)
	if err != nil {
		return nil, fmt.Errorf("campaigns: %w", err)
	}
	defer rows.Close()
	var out []Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i := range out {
		if err := s.countSeen(ctx, scope, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// managed loads a campaign the caller may manage: its unit must lie inside
// the caller's scope.
func (s *Service) managed(ctx context.Context, scope jurisdiction.Scope, id int64) (Campaign, error) {
	c, err := s.Campaign(ctx, scope, id)
	if err != nil {
		return c, err
	}
	if !scope.Contains(c.UnitCode) {
		return c, errs.ErrForbidden
	}
	return c, nil
}

// StartCampaign snapshots the target population (one INSERT…SELECT), gives
// every target a sampling code, and opens the campaign to scanning.
func (s *Service) StartCampaign(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, id int64) (Campaign, error) {
	c, err := s.managed(ctx, scope, id)
	if err != nil {
		return c, err
	}
	if c.Status != StatusDraft {
		return c, &errs.Conflict{Message: "本轮检测已开始或已结束"}
	}
	where, args, err := s.targetWhere(scope, c)
	if err != nil {
		return c, err
	}
	now := s.now().UnixMilli()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE test_campaigns SET status = 'active', started_at = $1, updated_at = $1,
			version = version + 1 WHERE id = $2 AND status = 'draft'`, now, c.ID)
		if err != nil {
			return fmt.Errorf("start campaign: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &errs.Conflict{Message: "本轮检测已开始或已结束"}
		}
		args := append([]any{c.ID}, args...)
		res, err = tx.ExecContext(ctx, `INSERT INTO campaign_targets (campaign_id, person_id, unit_code, key_group)
			SELECT $1, p.id, p.unit_code, CASE WHEN p.groups <> 0 THEN 1 ELSE 0 END FROM people p WHERE `+where, args...)
		if err != nil {
			return fmt.Errorf("snapshot targets: %w", err)
		}
		n, _ := res.RowsAffected()
		if _, err := tx.ExecContext(ctx, "UPDATE test_campaigns SET target_count = $1 WHERE id = $2", n, c.ID); err != nil {
			return fmt.Errorf("start campaign: %w", err)
		}
		if err := s.ensureCodes(ctx, tx, c.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionUpdate, "campaign", fmt.Sprint(c.ID), c.UnitCode,
			fmt.Sprintf("开始检测轮次 %s，应检 %d 人", c.Name, n))
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.Campaign(ctx, scope, id)
}

// targetWhere builds the predicate on people p selecting the targets of a
// campaign the scope manages; its placeholders start at $2 ($1 is the
// campaign id).
func (s *Service) targetWhere(scope jurisdiction.Scope, c Campaign) (string, []any, error) {
	area, err := scope.Narrow(c.UnitCode)
	if err != nil {
		return "", nil, err
	}
	lo, hi := area.Args()
	args := []any{lo, hi}
	where := []string{registry.PeopleInScope("p", area, 2), "p.residence NOT IN ('外出务工', '外出上学')"}
	if len(c.Filter.Units) > 0 {
		var or []string
		for _, u := range c.Filter.Units {
			unit, err := area.Narrow(u) // checkFilter accepted it inside the campaign
			if err != nil {
				return "", nil, fmt.Errorf("campaign %d unit %s: %w", c.ID, u, err)
			}
			l, h := unit.Args()
			args = append(args, l, h)
			or = append(or, "("+unit.Where("p.unit_code", len(args))+")")
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	if c.Filter.Groups != 0 {
		args = append(args, c.Filter.Groups)
		where = append(where, fmt.Sprintf("(p.groups & $%d) <> 0", len(args)+1))
	}
	if len(c.Filter.Sources) > 0 {
		var or []string
		for _, name := range c.Filter.Sources {
			if src, ok := s.sources[name]; ok {
				or = append(or, "p.id IN ("+src.PeopleSQL()+")")
			}
		}
		if len(or) > 0 {
			where = append(where, "("+strings.Join(or, " OR ")+")")
		}
	}
	return strings.Join(where, " AND "), args, nil
}

// CloseCampaign ends scanning in a campaign.
func (s *Service) CloseCampaign(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, id int64) error {
	c, err := s.managed(ctx, scope, id)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := s.now().UnixMilli()
		res, err := tx.ExecContext(ctx, `UPDATE test_campaigns SET status = 'closed', closed_at = $1, updated_at = $1,
			version = version + 1 WHERE id = $2 AND status = 'active'`, now, c.ID)
		if err != nil {
			return fmt.Errorf("close campaign: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &errs.Conflict{Message: "本轮检测未在进行中"}
		}
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionUpdate, "campaign", fmt.Sprint(c.ID), c.UnitCode, "结束检测轮次 "+c.Name)
	})
}

// AddPoint adds a sampling point in a unit inside both the campaign and the scope.
func (s *Service) AddPoint(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, p Point) (Point, error) {
	c, err := s.Campaign(ctx, scope, p.CampaignID)
	if err != nil {
		return p, err
	}
	p.Name, p.Address, p.Hours = strings.TrimSpace(p.Name), strings.TrimSpace(p.Address), strings.TrimSpace(p.Hours)
	if p.Name == "" || !validText(p.Name, 100) || !validText(p.Address, 200) || !validText(p.Hours, 100) {
		return p, errs.Invalidf("采样点", "请填写采样点名称（不超过100字）、地址和开放时间")
	}
	if !strings.HasPrefix(p.UnitCode, c.UnitCode) || !scope.Contains(p.UnitCode) {
		return p, errs.Invalidf("所在村(社区)", "%s 不在本轮检测范围或您的辖区内", p.UnitCode)
	}
	if _, err := s.units.Get(ctx, scope, p.UnitCode); err != nil {
		return p, errs.Invalidf("所在村(社区)", "%s 不存在或不在您的辖区内", p.UnitCode)
	}
	if p.Tables == 0 {
		p.Tables = 1
	}
	if p.Teams == 0 {
		p.Teams = 1
	}
	if p.Tables < 0 || p.Teams < 0 || p.Tables > 1000 || p.Teams > 1000 {
		return p, errs.Invalidf("采样台", "采样台或采样队数量应在1到1000之间")
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO test_points (campaign_id, unit_code, name, address, hours, tables, teams, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, c.ID, p.UnitCode, p.Name, p.Address, p.Hours, p.Tables, p.Teams,
			s.now().UnixMilli()).Scan(&p.ID); err != nil {
			return fmt.Errorf("add point: %w", err)
		}
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionCreate, "sampling_point", fmt.Sprint(p.ID), p.UnitCode, "新增采样点 "+p.Name)
	})
	return p, err
}

// Points lists a campaign's sampling points inside the scope.
func (s *Service) Points(ctx context.Context, scope jurisdiction.Scope, campaignID int64) ([]Point, error) {
	lo, hi := scope.Args()
	rows, err := s.db.R().QueryContext(ctx, `SELECT id, campaign_id, unit_code, name, address, hours, tables, teams FROM test_points
		WHERE campaign_id = $1 AND `+scope.Where("unit_code", 2)+` ORDER BY unit_code, id`, campaignID, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("points: %w", err)
	}
	defer rows.Close()
	var out []Point
	for rows.Next() {
		var p Point
		if err := rows.Scan(&p.ID, &p.CampaignID, &p.UnitCode, &p.Name, &p.Address, &p.Hours, &p.Tables, &p.Teams); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddLab adds a lab to a campaign the caller manages.
func (s *Service) AddLab(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, l Lab) (Lab, error) {
	c, err := s.managed(ctx, scope, l.CampaignID)
	if err != nil {
		return l, err
	}
	l.Name = strings.TrimSpace(l.Name)
	if l.Name == "" || !validText(l.Name, 100) {
		return l, errs.Invalidf("检测机构", "请填写检测机构名称（不超过100字）")
	}
	if l.CapacityPerHour < 0 || l.CapacityPerHour > 10_000_000 {
		return l, errs.Invalidf("检测能力", "每小时检测管数应在 0–10000000 之间")
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO test_labs (campaign_id, name, capacity_per_hour, created_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (campaign_id, name) DO NOTHING RETURNING id`, c.ID, l.Name, l.CapacityPerHour,
			s.now().UnixMilli()).Scan(&l.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return &errs.Conflict{Message: "本轮已有同名检测机构"}
		}
		if err != nil {
			return fmt.Errorf("add lab: %w", err)
		}
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionCreate, "lab", fmt.Sprint(l.ID), c.UnitCode, "新增检测机构 "+l.Name)
	})
	return l, err
}

// Labs lists a campaign's labs (visible to anyone who sees the campaign).
func (s *Service) Labs(ctx context.Context, scope jurisdiction.Scope, campaignID int64) ([]Lab, error) {
	if _, err := s.Campaign(ctx, scope, campaignID); err != nil {
		return nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT id, campaign_id, name, capacity_per_hour FROM test_labs WHERE campaign_id = $1 ORDER BY id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("labs: %w", err)
	}
	defer rows.Close()
	var out []Lab
	for rows.Next() {
		var l Lab
		if err := rows.Scan(&l.ID, &l.CampaignID, &l.Name, &l.CapacityPerHour); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
