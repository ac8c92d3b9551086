package report

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// Item is one line of a template: a summary figure's key and the wording
// the county reports it under.
type Item struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// Template is what a level of a county reports and when.
type Template struct {
	County    string
	Level     int
	Items     []Item
	Cutoff    string // HH:MM: figures are compiled as of this time (截至)
	Deadline  string // HH:MM: a report not in by then is late, and missing ones raise an alert
	Default   bool   // the shipped default (the county saved none)
	UpdatedBy string
}

// Levels are the reporting levels, lowest first.
var Levels = []int{jurisdiction.LevelVillage, jurisdiction.LevelTownship, jurisdiction.LevelCounty, 2}

// defaultItems is the shipped template: the figures of the seeds' daily
// report (arrivals by origin level, push tasks, measures, alerts,
// quarantine). Keys are summary figure keys; a key no source reports is
// shown as 无此项 and never blocks a report.
var defaultItems = []Item{
	{"returnee.total", "返乡人员总数"},
	{"returnee.high", "来自高风险地区"},
	{"returnee.medium", "来自中风险地区"},
	{"returnee.pending", "返乡人员待核实"},
	{"push.pushed", "推送核查任务"},
	{"push.verified", "已核查"},
	{"push.overdue", "核查逾期"},
	{"measure.active", "在管控人员"},
	{"measure.alerts", "未处理预警（含脱管）"},
	{"site.in", "集中隔离在住"},
	{"site.free", "隔离点空闲房间"},
}

// defaultTimes are the shipped cut-off and deadline per level: villages
// report first, each level above half an hour later.
var defaultTimes = map[int][2]string{
	jurisdiction.LevelVillage:  {"16:00", "16:30"},
	jurisdiction.LevelTownship: {"16:00", "17:00"},
	jurisdiction.LevelCounty:   {"16:00", "17:30"},
	2:                          {"16:00", "18:00"},
}

// DefaultTemplate is the shipped template of a level.
func DefaultTemplate(county string, level int) Template {
	t := defaultTimes[level]
	return Template{County: county, Level: level, Items: append([]Item(nil), defaultItems...), Cutoff: t[0], Deadline: t[1], Default: true}
}

// countyOf is the county a unit reports under ("" above county level: a
// city uses its own code).
func countyOf(code string) string {
	if len(code) >= 6 {
		return code[:6]
	}
	return code
}

// Template returns the template of a level for the county of unit (inside scope).
func (s *Service) Template(ctx context.Context, scope jurisdiction.Scope, unit string, level int) (Template, error) {
	u, err := s.units.Get(ctx, scope, unit)
	if err != nil {
		return Template{}, err
	}
	return s.template(ctx, countyOf(u.Code), level)
}

func (s *Service) template(ctx context.Context, county string, level int) (Template, error) {
	var items string
	t := Template{County: county, Level: level}
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT items, cutoff, deadline, updated_by FROM report_templates
		WHERE county_code = $1 AND level = $2`, county, level).Scan(&items, &t.Cutoff, &t.Deadline, &t.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultTemplate(county, level), nil
	}
	if err != nil {
		return t, err
	}
	t.Items, err = ParseItems(items)
	return t, err
}

// Templates returns the county's templates, one per level, village first:
// those of a county inside scope or above it (a township reads its
// county's templates); another county's are not found.
func (s *Service) Templates(ctx context.Context, scope jurisdiction.Scope, county string) ([]Template, error) {
	if len(county) != 6 || !(scope.Contains(county) || (scope.Code() != "" && strings.HasPrefix(scope.Code(), county))) {
		return nil, errs.ErrNotFound
	}
	if _, err := s.units.Get(ctx, jurisdiction.System("report-templates"), county); err != nil {
		return nil, err
	}
	var out []Template
	for _, l := range Levels {
		t, err := s.template(ctx, countyOf(county), l)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

var (
	keyRE  = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)
	timeRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$`)
)

// ParseItems reads a template's lines: "key 标签" (or "key"), one a line.
func ParseItems(text string) ([]Item, error) {
	var out []Item
	seen := map[string]bool{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		key, label, _ := strings.Cut(line, " ")
		key, label = strings.TrimSpace(key), strings.TrimSpace(label)
		if !keyRE.MatchString(key) {
			return nil, errs.Invalidf("items", "第%d行：“%s”不是指标代码（如 returnee.total）", i+1, key)
		}
		if seen[key] {
			return nil, errs.Invalidf("items", "第%d行：指标 %s 重复", i+1, key)
		}
		seen[key] = true
		if label != "" {
			var err error
			if label, err = cleanText("items", label, 40); err != nil {
				return nil, err
			}
		}
		out = append(out, Item{Key: key, Label: label})
	}
	if len(out) == 0 {
		return nil, errs.Invalidf("items", "至少填写一项指标")
	}
	return out, nil
}

// ItemsText writes items as ParseItems reads them.
func ItemsText(items []Item) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(it.Key)
		if it.Label != "" {
			b.WriteString(" " + it.Label)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// SaveTemplate stores a level's template for a county inside scope.
func (s *Service) SaveTemplate(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, t Template) (Template, error) {
	u, err := s.units.Get(ctx, scope, t.County)
	if err != nil {
		return t, err
	}
	if u.Level != jurisdiction.LevelCounty {
		return t, errs.Invalidf("county", "报表模板按县（区）设置")
	}
	if !validLevel(t.Level) {
		return t, errs.Invalidf("level", "层级有误")
	}
	if !timeRE.MatchString(t.Cutoff) {
		return t, errs.Invalidf("cutoff", "截止时间格式为 HH:MM，如 16:00")
	}
	if !timeRE.MatchString(t.Deadline) {
		return t, errs.Invalidf("deadline", "报送时限格式为 HH:MM，如 16:30")
	}
	if t.Deadline < t.Cutoff {
		return t, errs.Invalidf("deadline", "报送时限不能早于统计截止时间")
	}
	if len(t.Items) == 0 {
		return t, errs.Invalidf("items", "至少填写一项指标")
	}
	now := s.now().UnixMilli()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_templates (county_code, level, items, cutoff, deadline, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (county_code, level) DO UPDATE SET items = excluded.items, cutoff = excluded.cutoff,
				deadline = excluded.deadline, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			u.Code, t.Level, ItemsText(t.Items), t.Cutoff, t.Deadline, who.Username, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), who, "update", "report_template", u.Code+"/"+jurisdiction.LevelName(t.Level), u.Code,
			"日报告模板："+jurisdiction.LevelName(t.Level))
	})
	if err != nil {
		return t, err
	}
	return s.template(ctx, u.Code, t.Level)
}

func validLevel(l int) bool {
	for _, x := range Levels {
		if x == l {
			return true
		}
	}
	return false
}
