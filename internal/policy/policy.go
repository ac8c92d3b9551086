// Package policy holds the prevention-and-control policy table (防控政策): the
// versioned, effective-dated rules that turn a person's category and
// circumstances into a measure plan (管控方案) — a sequence of phases
// (集中隔离, 居家隔离, 居家健康监测, 自我健康监测, each N days), the test days
// counted from a stated day zero, and the daily health-check frequency.
//
// The planner (Plan) is a pure function of a Rule and a day zero. Day numbers
// are Asia/Shanghai calendar days counted from day zero: "day 1" is the first
// calendar day after day zero, "day 0" is day zero itself. Phase test days
// count within their phase ("monitoring day 3" is the third day of the
// monitoring phase). Dates are 'YYYY-MM-DD' strings and all arithmetic is
// done on civil dates, so the server's time zone never moves a day.
//
// The binary ships three versions as embedded data (defaults.json): "2021
// 春节农村" (in force from 2021-01-20), "第九版" (in force from 2022-06-28),
// and "第八版" (reference only: no effective date, loadable by name or by
// copying it into a new version). Versions are never changed in place: the
// command centre copies one into a new version with its own effective date
// (Store.CreateVersion) and any two can be diffed (Diff).
package policy

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
)

// Phase types.
const (
	Central        = "central_quarantine" // 集中隔离
	HomeQuarantine = "home_quarantine"    // 居家隔离
	HomeMonitoring = "home_monitoring"    // 居家健康监测
	SelfMonitoring = "self_monitoring"    // 自我健康监测
)

// PhaseTypeName is the Chinese name of a phase type.
func PhaseTypeName(t string) string {
	switch t {
	case Central:
		return "集中隔离"
	case HomeQuarantine:
		return "居家隔离"
	case HomeMonitoring:
		return "居家健康监测"
	case SelfMonitoring:
		return "自我健康监测"
	}
	return t
}

// PhaseTypes lists the phase types in order of strictness.
var PhaseTypes = []string{Central, HomeQuarantine, HomeMonitoring, SelfMonitoring}

// Day-zero kinds.
const (
	ZeroExposure = "last_exposure" // 末次暴露
	ZeroArrival  = "arrival"       // 抵达
	ZeroLeaving  = "leaving"       // 离开风险区/岗位
	ZeroReport   = "report"        // 发现/报告
)

// ZeroName is the Chinese name of a day-zero kind.
func ZeroName(k string) string {
	switch k {
	case ZeroExposure:
		return "末次暴露日"
	case ZeroArrival:
		return "抵达日"
	case ZeroLeaving:
		return "离开日"
	case ZeroReport:
		return "发现日"
	}
	return k
}

// Category is a person category the policy knows.
type Category struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
}

// Categories is the fixed list of category codes; versions give them rules.
var Categories = []Category{
	{"confirmed", "确诊病例", []string{"确诊"}},
	{"asymptomatic", "无症状感染者", []string{"无症状"}},
	{"close_contact", "密切接触者", []string{"密接"}},
	{"secondary_contact", "密接的密接", []string{"次密接", "密接的密接者"}},
	{"inbound", "入境人员", []string{"境外来返人员", "入境"}},
	{"high_risk_area", "高风险区来返人员", []string{"高风险区外溢人员", "高风险区来(返)人员", "高风险地区来返人员"}},
	{"medium_risk_area", "中风险区来返人员", []string{"中风险区外溢人员", "中风险区来(返)人员", "中风险地区来返人员"}},
	{"low_risk_area", "低风险区来返人员", []string{"低风险区外溢人员", "低风险区来(返)人员", "低风险地区来返人员"}},
	{"high_risk_post", "高风险岗位人员", []string{"高风险岗位"}},
	{"imported_goods_post", "直接接触入境人员/物品岗位", []string{"直接接触入境人员/进口物品的岗位", "进口物品岗位"}},
	{"fever", "发热病人", []string{"发热", "发热患者"}},
	{"pool_positive", "混管阳性待复核", []string{"混管阳性"}},
}

// CategoryByCode resolves a code (any case, "-" for "_") or a Chinese
// name/alias.
func CategoryByCode(s string) (Category, bool) {
	s = strings.TrimSpace(s)
	if low := strings.ToLower(strings.ReplaceAll(s, "-", "_")); low != s {
		if c, ok := CategoryByCode(low); ok {
			return c, true
		}
	}
	if c, ok := builtin(s); ok {
		return c, true
	}
	return definedCategory(s)
}

// CategoryName is the Chinese name of a category code.
func CategoryName(code string) string {
	if c, ok := CategoryByCode(code); ok {
		return c.Name
	}
	return code
}

// Choices of a county where a rule lets it choose (高风险岗位: 集中 or 居家).
const (
	ChoiceCentral = "central" // 集中
	ChoiceHome    = "home"    // 居家
)

// NormalizeChoice accepts a code or a Chinese word.
func NormalizeChoice(s string) (string, error) {
	switch strings.TrimSpace(s) {
	case "":
		return "", nil
	case ChoiceCentral, "集中", "集中隔离":
		return ChoiceCentral, nil
	case ChoiceHome, "居家", "居家隔离":
		return ChoiceHome, nil
	}
	return "", errs.Invalidf("choice", "选项“%s”无效，应为 集中(central) 或 居家(home)", s)
}

// ChoiceName is the Chinese name of a choice.
func ChoiceName(c string) string {
	switch c {
	case ChoiceCentral:
		return "集中"
	case ChoiceHome:
		return "居家"
	}
	return c
}

// PhaseRule is one phase of a rule: Days calendar days of one type, tests on
// the listed days counted within the phase (1 = the phase's first day).
type PhaseRule struct {
	Type        string `json:"type"`
	Name        string `json:"name,omitempty"` // e.g. 集中隔离医学观察; defaults to the type's name
	Days        int    `json:"days"`
	TestDays    []int  `json:"test_days,omitempty"`
	ChecksDaily int    `json:"checks_daily"` // health checks (temperature, symptoms) per day
}

// Rule maps a category (and, where the county chooses, a choice) to a plan.
type Rule struct {
	Category string `json:"category"`
	// CategoryName names a category the shipped list does not have (a new
	// disease's), which the version thereby defines (categories.go).
	CategoryName string      `json:"category_name,omitempty"`
	Choice       string      `json:"choice,omitempty"`  // "", central, home
	Default      bool        `json:"default,omitempty"` // the rule used when no choice is given
	DayZero      string      `json:"day_zero"`          // last_exposure, arrival, leaving, report
	Phases       []PhaseRule `json:"phases,omitempty"`
	// Tests are extra test days counted from day zero (0 = day zero itself),
	// for rules without phases (3天2检, 发热 test at once).
	Tests []int `json:"tests,omitempty"`
	// EveryDays > 0: a test every N days, open-ended (a post's routine).
	EveryDays int `json:"every_days,omitempty"`
	// WindowDays: the plan lasts at least this many days after day zero
	// (3天2检: 3) even without phases.
	WindowDays int `json:"window_days,omitempty"`
	// ReleaseOnNegative: eligible for release as soon as every scheduled test
	// is negative, without waiting for the phases to end (混管阳性 retest).
	ReleaseOnNegative bool `json:"release_on_negative,omitempty"`
	// HandOff: the person leaves the county's measures (确诊 → 定点医院).
	HandOff bool `json:"hand_off,omitempty"`
	// FeverTenths is the temperature at which a health check is abnormal,
	// in tenths of ℃ (0: DefaultFeverTenths, 37.3 ℃); Symptoms are the
	// symptoms a check records (empty: DefaultSymptoms) — a new disease's
	// (皮疹, 淋巴结肿大) are data of its version.
	FeverTenths int      `json:"fever_tenths,omitempty"`
	Symptoms    []string `json:"symptoms,omitempty"`
	Description string   `json:"description"` // the table row in words
	Source      string   `json:"source,omitempty"`
}

// Key identifies a rule within a version.
func (r Rule) Key() string {
	if r.Choice == "" {
		return r.Category
	}
	return r.Category + "/" + r.Choice
}

// Version is one immutable version of the policy table.
type Version struct {
	ID            int64  `json:"id,omitempty"`
	Name          string `json:"name"`
	EffectiveFrom string `json:"effective_from"` // YYYY-MM-DD; "" = reference only, never in force by date
	BasedOn       string `json:"based_on,omitempty"`
	Note          string `json:"note,omitempty"`
	Builtin       bool   `json:"builtin,omitempty"`
	CreatedBy     string `json:"created_by,omitempty"`
	CreatedAt     int64  `json:"created_at,omitempty"`
	Rules         []Rule `json:"rules"`
}

// noRule is the error of a version without a rule for a category: an
// *errs.Invalid to a person choosing the category, and to a hook (a
// returnee from a risk area under a new disease's version) the sign that
// the policy in force asks nothing of the category (IsNoRule).
type noRule struct{ inv error }

func (e noRule) Error() string { return e.inv.Error() }
func (e noRule) Unwrap() error { return e.inv }

// IsNoRule reports whether err says the version in force has no rule for
// the category.
func IsNoRule(err error) bool {
	var n noRule
	return errors.As(err, &n)
}

// Rule finds the rule for a category and choice in v. With an empty choice
// it takes the rule marked default (or the only one).
func (v *Version) Rule(category, choice string) (Rule, error) {
	var cands []Rule
	for _, r := range v.Rules {
		if r.Category == category {
			cands = append(cands, r)
		}
	}
	if len(cands) == 0 {
		return Rule{}, noRule{errs.Invalidf("category", "政策版本“%s”没有“%s”的规则", v.Name, CategoryName(category))}
	}
	for _, r := range cands {
		if r.Choice == choice {
			return r, nil
		}
	}
	if choice == "" {
		for _, r := range cands {
			if r.Default {
				return r, nil
			}
		}
		return cands[0], nil
	}
	return Rule{}, errs.Invalidf("choice", "政策版本“%s”中“%s”没有“%s”选项", v.Name, CategoryName(category), ChoiceName(choice))
}

// InForce returns the version in force on day (YYYY-MM-DD): the one with the
// latest effective date not after day; before all of them, the earliest.
// Versions without an effective date are never chosen by date.
func InForce(vs []Version, day string) (*Version, error) {
	var best, first *Version
	for i := range vs {
		v := &vs[i]
		if v.EffectiveFrom == "" {
			continue
		}
		if first == nil || v.EffectiveFrom < first.EffectiveFrom {
			first = v
		}
		if v.EffectiveFrom <= day && (best == nil || v.EffectiveFrom > best.EffectiveFrom ||
			(v.EffectiveFrom == best.EffectiveFrom && v.ID > best.ID)) {
			best = v
		}
	}
	if best != nil {
		return best, nil
	}
	if first != nil {
		return first, nil
	}
	return nil, errs.Invalidf("version", "没有生效的防控政策版本")
}

// versionAliases are other spellings of the shipped versions' names.
var versionAliases = map[string]string{
	"9": Ninth, "第9版": Ninth, "ninth": Ninth, "9th": Ninth,
	"8": Eighth, "第8版": Eighth, "eighth": Eighth, "8th": Eighth,
	"2021": Spring2021, "2021春节农村": Spring2021, "春节农村": Spring2021,
}

// CanonicalName maps an alias of a shipped version ("9", "第9版", "ninth",
// "2021春节农村") to its name; other names are returned trimmed.
func CanonicalName(name string) string {
	name = strings.TrimSpace(name)
	if n, ok := versionAliases[strings.ToLower(strings.ReplaceAll(name, " ", ""))]; ok {
		return n
	}
	return name
}

// Find returns the version named name (or a shipped version's alias).
func Find(vs []Version, name string) (*Version, error) {
	for _, n := range []string{strings.TrimSpace(name), CanonicalName(name)} {
		for i := range vs {
			if vs[i].Name == n {
				return &vs[i], nil
			}
		}
	}
	return nil, errs.Invalidf("version", "没有名为“%s”的政策版本", name)
}

// ---- dates ----

// ParseDay parses YYYY-MM-DD as a civil date.
func ParseDay(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), time.UTC)
	if err != nil {
		return time.Time{}, errs.Invalidf("day_zero", "日期“%s”无效，应为 YYYY-MM-DD", s)
	}
	return t, nil
}

// AddDays returns the civil date n days after day (YYYY-MM-DD).
func AddDays(day string, n int) string {
	t, err := time.ParseInLocation("2006-01-02", day, time.UTC)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, n).Format("2006-01-02")
}

// DaysBetween returns to − from in calendar days.
func DaysBetween(from, to string) int {
	a, err1 := time.ParseInLocation("2006-01-02", from, time.UTC)
	b, err2 := time.ParseInLocation("2006-01-02", to, time.UTC)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(b.Sub(a).Hours() / 24)
}

// ---- the plan ----

// PlanPhase is one phase of a computed plan.
type PlanPhase struct {
	Type        string `json:"type"`
	TypeName    string `json:"type_name"`
	Name        string `json:"name"`
	Start       string `json:"start"`
	End         string `json:"end"` // inclusive
	Days        int    `json:"days"`
	FromDay     int    `json:"from_day"` // day numbers from day zero
	ToDay       int    `json:"to_day"`
	ChecksDaily int    `json:"checks_daily"`
}

// PlanTest is one scheduled test.
type PlanTest struct {
	Date  string `json:"date"`
	Day   int    `json:"day"`   // from day zero
	Phase int    `json:"phase"` // index into Phases, -1 when outside phases
	// PhaseDay is the day within the phase (1-based), 0 outside phases.
	PhaseDay int `json:"phase_day,omitempty"`
}

// Circumstances are what the explanation mentions beyond category and day zero.
type Circumstances struct {
	Choice    string // central/home where the rule lets the county choose
	Place     string // 来自何地
	RiskLevel string // 高/中/低 of that place
}

// Plan is the computed measure plan of one person.
type Plan struct {
	Version      string      `json:"version"`
	Category     string      `json:"category"`
	CategoryName string      `json:"category_name"`
	Choice       string      `json:"choice,omitempty"`
	DayZero      string      `json:"day_zero"`
	DayZeroKind  string      `json:"day_zero_kind"`
	DayZeroName  string      `json:"day_zero_name"`
	Phases       []PlanPhase `json:"phases"`
	Tests        []PlanTest  `json:"tests"`
	TestDates    []string    `json:"test_dates"`
	// End is the last day of the plan (inclusive); "" when open-ended.
	End               string `json:"end"`
	OpenEnded         bool   `json:"open_ended,omitempty"`
	EveryDays         int    `json:"every_days,omitempty"`
	ReleaseOnNegative bool   `json:"release_on_negative,omitempty"`
	HandOff           bool   `json:"hand_off,omitempty"`
	Rule              string `json:"rule"`
	Explanation       string `json:"explanation"`
}

// openEndedHorizon is how many days of an open-ended routine are scheduled
// ahead (tests every N days at a post); the sweep never needs more.
const openEndedHorizon = 14

// Compute plans rule r of version v for a day zero. It is a pure function.
func Compute(v *Version, r Rule, dayZero string, c Circumstances) (Plan, error) {
	if _, err := ParseDay(dayZero); err != nil {
		return Plan{}, err
	}
	p := Plan{
		Version: v.Name, Category: r.Category, CategoryName: CategoryName(r.Category), Choice: r.Choice,
		DayZero: dayZero, DayZeroKind: r.DayZero, DayZeroName: ZeroName(r.DayZero),
		Phases: []PlanPhase{}, Tests: []PlanTest{}, TestDates: []string{},
		EveryDays: r.EveryDays, ReleaseOnNegative: r.ReleaseOnNegative, HandOff: r.HandOff,
		Rule: r.Description,
	}
	day := 0 // last day number used by phases
	for i, ph := range r.Phases {
		if ph.Days <= 0 {
			return Plan{}, fmt.Errorf("policy %s rule %s: phase %d has %d days", v.Name, r.Key(), i+1, ph.Days)
		}
		from, to := day+1, day+ph.Days
		name := ph.Name
		if name == "" {
			name = PhaseTypeName(ph.Type)
		}
		p.Phases = append(p.Phases, PlanPhase{
			Type: ph.Type, TypeName: PhaseTypeName(ph.Type), Name: name,
			Start: AddDays(dayZero, from), End: AddDays(dayZero, to), Days: ph.Days,
			FromDay: from, ToDay: to, ChecksDaily: ph.ChecksDaily,
		})
		for _, td := range ph.TestDays {
			if td < 1 || td > ph.Days {
				return Plan{}, fmt.Errorf("policy %s rule %s: test day %d outside phase %d", v.Name, r.Key(), td, i+1)
			}
			p.Tests = append(p.Tests, PlanTest{Date: AddDays(dayZero, day+td), Day: day + td, Phase: i, PhaseDay: td})
		}
		day = to
	}
	for _, td := range r.Tests {
		p.Tests = append(p.Tests, p.testOn(dayZero, td))
	}
	last := day
	if r.WindowDays > last {
		last = r.WindowDays
	}
	if r.EveryDays > 0 {
		p.OpenEnded = true
		for d := 1; d <= openEndedHorizon; d += r.EveryDays {
			p.Tests = append(p.Tests, p.testOn(dayZero, d))
		}
	}
	sort.SliceStable(p.Tests, func(i, j int) bool { return p.Tests[i].Day < p.Tests[j].Day })
	// drop duplicate days (a rule listing a day twice)
	out := p.Tests[:0]
	for i, t := range p.Tests {
		if i > 0 && t.Day == out[len(out)-1].Day {
			continue
		}
		out = append(out, t)
		if t.Day > last {
			last = t.Day
		}
	}
	p.Tests = out
	for _, t := range p.Tests {
		p.TestDates = append(p.TestDates, t.Date)
	}
	if !p.OpenEnded && !p.HandOff {
		p.End = AddDays(dayZero, last)
	}
	p.Explanation = explain(v, r, p, c)
	return p, nil
}

func (p *Plan) testOn(dayZero string, d int) PlanTest {
	t := PlanTest{Date: AddDays(dayZero, d), Day: d, Phase: -1}
	for i, ph := range p.Phases {
		if d >= ph.FromDay && d <= ph.ToDay {
			t.Phase, t.PhaseDay = i, d-ph.FromDay+1
		}
	}
	return t
}

// Summary is the plan in a few words: "集中隔离7天（07-02至07-08）+ 居家健康监测3天…".
func (p Plan) Summary() string {
	var parts []string
	for _, ph := range p.Phases {
		parts = append(parts, fmt.Sprintf("%s%d天（%s至%s）", ph.Name, ph.Days, ph.Start, ph.End))
	}
	s := strings.Join(parts, "，再")
	if p.HandOff {
		return "移交定点医疗机构，不在本系统管控"
	}
	if s == "" {
		s = "不设隔离或健康监测期"
	}
	if len(p.TestDates) > 0 {
		if p.OpenEnded {
			s += fmt.Sprintf("；每%d天核酸检测一次（在岗期间持续）", p.EveryDays)
		} else {
			s += "；核酸检测日期：" + strings.Join(p.TestDates, "、")
		}
	}
	return s
}

func explain(v *Version, r Rule, p Plan, c Circumstances) string {
	var b strings.Builder
	b.WriteString("因其为")
	b.WriteString(CategoryName(r.Category))
	if c.Place != "" || c.RiskLevel != "" {
		b.WriteString("（")
		if c.Place != "" {
			b.WriteString("来自" + c.Place)
		}
		if c.RiskLevel != "" {
			if c.Place != "" {
				b.WriteString("，")
			}
			b.WriteString(c.RiskLevel + "风险")
		}
		b.WriteString("）")
	}
	fmt.Fprintf(&b, "，%s为%s", ZeroName(r.DayZero), p.DayZero)
	if r.Choice != "" {
		fmt.Fprintf(&b, "，县级选择%s方式", ChoiceName(r.Choice))
	}
	fmt.Fprintf(&b, "，按防控政策“%s”（", v.Name)
	if v.EffectiveFrom != "" {
		fmt.Fprintf(&b, "%s起施行", v.EffectiveFrom)
	} else {
		b.WriteString("参考版本")
	}
	fmt.Fprintf(&b, "）“%s”的规定：%s", r.Description, p.Summary())
	if p.End != "" && !p.HandOff {
		fmt.Fprintf(&b, "，%s期满", p.End)
	}
	if r.ReleaseOnNegative {
		b.WriteString("，检测结果阴性即可解除")
	}
	b.WriteString("。")
	return b.String()
}

// DefaultFeverTenths is the fever line of health checks, 37.3 ℃.
const DefaultFeverTenths = 373

// DefaultSymptoms are the symptoms a health check records (新冠相关症状)
// when a rule names none.
var DefaultSymptoms = []string{"发热", "干咳", "乏力", "咽痛", "嗅(味)觉减退", "鼻塞", "流涕", "结膜炎", "肌痛", "腹泻"}

// FeverLine is the rule's fever line in tenths of ℃.
func (r Rule) FeverLine() int {
	if r.FeverTenths > 0 {
		return r.FeverTenths
	}
	return DefaultFeverTenths
}

// SymptomList is the symptoms a check under the rule records.
func (r Rule) SymptomList() []string {
	if len(r.Symptoms) > 0 {
		return r.Symptoms
	}
	return DefaultSymptoms
}

// Validate checks a version's rules before it is stored.
func (v *Version) Validate() error {
	if strings.TrimSpace(v.Name) == "" {
		return errs.Invalidf("name", "版本名称不能为空")
	}
	if v.EffectiveFrom != "" {
		if _, err := ParseDay(v.EffectiveFrom); err != nil {
			return errs.Invalidf("effective_from", "生效日期“%s”无效，应为 YYYY-MM-DD", v.EffectiveFrom)
		}
	}
	seen := map[string]bool{}
	for _, r := range v.Rules {
		if _, ok := builtin(r.Category); !ok {
			if err := checkDefined(r); err != nil {
				return err
			}
		}
		if seen[r.Key()] {
			return errs.Invalidf("rules", "类别“%s”的规则重复", CategoryName(r.Category))
		}
		seen[r.Key()] = true
		switch r.DayZero {
		case ZeroExposure, ZeroArrival, ZeroLeaving, ZeroReport:
		default:
			return errs.Invalidf("day_zero", "“%s”的起算日类型“%s”无效", CategoryName(r.Category), r.DayZero)
		}
		for i, ph := range r.Phases {
			if PhaseTypeName(ph.Type) == ph.Type {
				return errs.Invalidf("phases", "“%s”第%d阶段类型“%s”无效", CategoryName(r.Category), i+1, ph.Type)
			}
			if ph.Days < 1 || ph.Days > 60 {
				return errs.Invalidf("phases", "“%s”第%d阶段天数应在1到60之间", CategoryName(r.Category), i+1)
			}
			if ph.ChecksDaily < 0 || ph.ChecksDaily > 6 {
				return errs.Invalidf("phases", "“%s”第%d阶段每日健康监测次数应在0到6之间", CategoryName(r.Category), i+1)
			}
			for _, d := range ph.TestDays {
				if d < 1 || d > ph.Days {
					return errs.Invalidf("phases", "“%s”第%d阶段检测日%d超出阶段天数%d", CategoryName(r.Category), i+1, d, ph.Days)
				}
			}
		}
		for _, d := range r.Tests {
			if d < 0 || d > 60 {
				return errs.Invalidf("tests", "“%s”检测日%d无效", CategoryName(r.Category), d)
			}
		}
		if r.FeverTenths != 0 && (r.FeverTenths < 370 || r.FeverTenths > 400) {
			return errs.Invalidf("fever_tenths", "“%s”的发热标准应在37.0到40.0℃之间", CategoryName(r.Category))
		}
		if len(r.Symptoms) > 20 {
			return errs.Invalidf("symptoms", "“%s”的症状最多20项", CategoryName(r.Category))
		}
		for _, sym := range r.Symptoms {
			if n := utf8.RuneCountInString(strings.TrimSpace(sym)); n == 0 || n > 10 {
				return errs.Invalidf("symptoms", "“%s”的症状“%s”应为1到10个字", CategoryName(r.Category), sym)
			}
		}
		if r.EveryDays < 0 || r.EveryDays > 30 || r.WindowDays < 0 || r.WindowDays > 60 {
			return errs.Invalidf("rules", "“%s”的检测间隔或期限无效", CategoryName(r.Category))
		}
	}
	return nil
}

func errInvalidCategory(s string) error {
	return errs.Invalidf("category", "未知人员类别“%s”（可用 fangkong policy list 查看类别代码）", s)
}

// DayOf is the Asia/Shanghai calendar day of an instant: the day zero of an
// exposure, arrival or departure known by its time.
func DayOf(t time.Time) string { return clock.Day(t) }

func clockShanghai() *time.Location { return clock.Shanghai }
