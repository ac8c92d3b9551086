package checkpoint

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/personal"
	"fangkong/internal/sheet"
)

// Outcomes of a check (查验结果).
const (
	Pass     = "放行"
	TurnBack = "劝返"
	HandOver = "移交属地"
	Hold     = "就地管控"
	Sample   = "现场采样"
)

// Outcomes lists the outcomes in display order.
var Outcomes = []string{Pass, TurnBack, HandOver, Hold, Sample}

// Health-code colours (健康码).
const (
	Green  = "green"
	Yellow = "yellow"
	Red    = "red"
)

// HealthCodes lists the colours in display order.
var HealthCodes = []string{Green, Yellow, Red}

// HealthCodeName is the Chinese name of a colour.
func HealthCodeName(c string) string {
	switch c {
	case Green:
		return "绿码"
	case Yellow:
		return "黄码"
	case Red:
		return "红码"
	}
	return c
}

// ParseHealthCode accepts a colour code or its Chinese name.
func ParseHealthCode(s string) (string, error) {
	switch strings.TrimSpace(s) {
	case Green, "绿", "绿码":
		return Green, nil
	case Yellow, "黄", "黄码":
		return Yellow, nil
	case Red, "红", "红码":
		return Red, nil
	}
	return "", errs.Invalidf("health_code", "请选择健康码颜色：绿码、黄码或红码")
}

// Condition values of a rule: "" matches anything.
const (
	Yes = "yes"
	No  = "no"
)

// Rule is one row of the checkpoint rules: the conditions it needs and the
// outcome. The first rule of a version whose conditions all hold decides.
type Rule struct {
	Key        string `json:"key"`
	Fever      string `json:"fever,omitempty"`       // yes: temperature at or above the version's fever line
	HealthCode string `json:"health_code,omitempty"` // green, yellow, red
	Star       string `json:"star,omitempty"`        // itinerary card with a star (行程卡带星)
	Tested     string `json:"tested,omitempty"`      // yes: a test sampled within TestHours before the check
	Resident   string `json:"resident,omitempty"`    // yes: bound for a village of the county (本县居民)
	// MinRisk: the origin's risk level today at least this rank (1 低, 2 中, 3 高).
	MinRisk     int    `json:"min_risk,omitempty"`
	Outcome     string `json:"outcome"`
	Description string `json:"description"`
}

// RuleSet is one version of the checkpoint rules (卡口查验规则版本). Versions
// are never changed: a new one is stored with its own effective date and
// takes over on that day.
type RuleSet struct {
	ID            int64  `json:"id,omitempty"`
	Name          string `json:"name"`
	EffectiveFrom string `json:"effective_from"` // YYYY-MM-DD
	BasedOn       string `json:"based_on,omitempty"`
	Note          string `json:"note,omitempty"`
	Builtin       bool   `json:"builtin,omitempty"`
	CreatedBy     string `json:"created_by,omitempty"`
	CreatedAt     int64  `json:"created_at,omitempty"`
	// TestHours: a test sampled at most this many hours before the check
	// counts (48 h 核酸阴性证明).
	TestHours int `json:"test_hours"`
	// FeverTenths: the fever line in tenths of °C (373 = 37.3 ℃).
	FeverTenths int `json:"fever_tenths"`
	// ReceiveHours: the destination village receives a hand-over within
	// this many hours, else it escalates.
	ReceiveHours int    `json:"receive_hours"`
	Rules        []Rule `json:"rules"`
}

// body is what the rules column stores.
type body struct {
	TestHours    int    `json:"test_hours"`
	FeverTenths  int    `json:"fever_tenths"`
	ReceiveHours int    `json:"receive_hours"`
	Rules        []Rule `json:"rules"`
}

//go:embed rules.json
var defaultsJSON []byte

// DefaultRules returns the versions shipped with the binary.
func DefaultRules() []RuleSet {
	var f struct {
		Versions []RuleSet `json:"versions"`
	}
	if err := json.Unmarshal(defaultsJSON, &f); err != nil {
		panic(fmt.Sprintf("checkpoint: embedded rules.json: %v", err))
	}
	return f.Versions
}

func validCond(v string) bool { return v == "" || v == Yes || v == No }

// Validate checks a version: known outcomes and conditions, unique keys,
// and a last rule without conditions, so every check gets an outcome.
func (v *RuleSet) Validate() error {
	name, err := personal.Name(v.Name)
	if err != nil || name == "" || len([]rune(name)) > 40 {
		return errs.Invalidf("name", "请填写版本名称（40字以内）")
	}
	v.Name = name
	if _, err := time.Parse("2006-01-02", v.EffectiveFrom); err != nil {
		return errs.Invalidf("effective_from", "请填写施行日期，如2022-03-15")
	}
	if v.TestHours < 1 || v.TestHours > 168 {
		return errs.Invalidf("test_hours", "核酸证明时限应为1到168小时")
	}
	if v.FeverTenths < 370 || v.FeverTenths > 400 {
		return errs.Invalidf("fever_tenths", "发热标准应在37.0到40.0℃之间")
	}
	if v.ReceiveHours < 1 || v.ReceiveHours > 72 {
		return errs.Invalidf("receive_hours", "接收时限应为1到72小时")
	}
	if len(v.Rules) == 0 {
		return errs.Invalidf("rules", "至少需要一条规则")
	}
	seen := map[string]bool{}
	for i, r := range v.Rules {
		if r.Key == "" || seen[r.Key] {
			return errs.Invalidf("rules", "第%d条规则的编号为空或重复", i+1)
		}
		seen[r.Key] = true
		if !slices.Contains(Outcomes, r.Outcome) {
			return errs.Invalidf("rules", "规则“%s”的结果“%s”无效，应为：%s", r.Key, r.Outcome, strings.Join(Outcomes, "、"))
		}
		if !validCond(r.Fever) || !validCond(r.Star) || !validCond(r.Tested) || !validCond(r.Resident) ||
			(r.HealthCode != "" && !slices.Contains(HealthCodes, r.HealthCode)) || r.MinRisk < 0 || r.MinRisk > 3 {
			return errs.Invalidf("rules", "规则“%s”的条件无效", r.Key)
		}
	}
	if last := v.Rules[len(v.Rules)-1]; last.conditional() {
		return errs.Invalidf("rules", "最后一条规则应不带条件（其他情形）")
	}
	return nil
}

func (r Rule) conditional() bool {
	return r.Fever != "" || r.HealthCode != "" || r.Star != "" || r.Tested != "" || r.Resident != "" || r.MinRisk > 0
}

// Facts are what the rules look at, computed from one person's check.
type Facts struct {
	HealthCode string
	Star       bool
	Tested     bool // a test sampled within the version's TestHours
	Resident   bool
	Fever      bool
	RiskRank   int // the origin's risk level today (0 none, 1 低, 2 中, 3 高)
}

func cond(want string, got bool) bool {
	return want == "" || (want == Yes) == got
}

func (r Rule) matches(f Facts) bool {
	return cond(r.Fever, f.Fever) && (r.HealthCode == "" || r.HealthCode == f.HealthCode) && cond(r.Star, f.Star) &&
		cond(r.Tested, f.Tested) && cond(r.Resident, f.Resident) && f.RiskRank >= r.MinRisk
}

// Decide returns the first rule whose conditions hold.
func (v RuleSet) Decide(f Facts) Rule {
	for _, r := range v.Rules {
		if r.matches(f) {
			return r
		}
	}
	return v.Rules[len(v.Rules)-1] // Validate keeps the last one unconditional
}

// Tested reports whether a test sampled at sampledAt ('YYYY-MM-DD HH:MM',
// or a date: its start) lies within the version's window before at.
func (v RuleSet) Tested(sampledAt string, at time.Time) bool {
	t, ok := ParseSampled(sampledAt)
	if !ok {
		return false
	}
	return !t.After(at) && at.Sub(t) <= time.Duration(v.TestHours)*time.Hour
}

// ParseSampled reads a sampling time: 'YYYY-MM-DD HH:MM', 'YYYY-MM-DDTHH:MM'
// (a datetime-local input) or a date, Asia/Shanghai.
func ParseSampled(s string) (time.Time, bool) {
	s = strings.TrimSpace(strings.Replace(s, "T", " ", 1))
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, clock.Shanghai); err == nil {
			return t, true
		}
	}
	// As typed: 2021年12月10日5时34分, 2021/12/10 5:34.
	if t, _, ok := sheet.ParseDateTime(s, 0); ok {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, clock.Shanghai), true
	}
	return time.Time{}, false
}

// InForce is the version in force on day: the latest effective date not
// after it (the later stored on a tie).
func InForce(vs []RuleSet, day string) (RuleSet, error) {
	var best *RuleSet
	for i := range vs {
		v := &vs[i]
		if v.EffectiveFrom == "" || v.EffectiveFrom > day {
			continue
		}
		if best == nil || v.EffectiveFrom > best.EffectiveFrom || (v.EffectiveFrom == best.EffectiveFrom && v.ID > best.ID) {
			best = v
		}
	}
	if best == nil {
		return RuleSet{}, errs.Invalidf("rules", "%s 没有施行中的卡口查验规则", day)
	}
	return *best, nil
}
