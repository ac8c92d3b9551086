package policy

import (
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"
)

type wantPhase struct{ typ, start, end string }

type planCase struct {
	version, category, choice, dayZero string
	phases                             []wantPhase
	tests                              []string
	end                                string
}

// protocolCases are the rows of every shipped version, worked by hand from
// policy-defaults.md: day 1 is the day after day zero.
var protocolCases = []planCase{
	// 第九版
	{Ninth, "close_contact", "", "2022-07-01",
		[]wantPhase{{Central, "2022-07-02", "2022-07-08"}, {HomeMonitoring, "2022-07-09", "2022-07-11"}},
		[]string{"2022-07-02", "2022-07-03", "2022-07-04", "2022-07-06", "2022-07-08", "2022-07-11"}, "2022-07-11"},
	{Ninth, "密切接触者", "", "2022-12-30", // across a year end
		[]wantPhase{{Central, "2022-12-31", "2023-01-06"}, {HomeMonitoring, "2023-01-07", "2023-01-09"}},
		[]string{"2022-12-31", "2023-01-01", "2023-01-02", "2023-01-04", "2023-01-06", "2023-01-09"}, "2023-01-09"},
	{Ninth, "secondary_contact", "", "2022-07-01",
		[]wantPhase{{HomeQuarantine, "2022-07-02", "2022-07-08"}},
		[]string{"2022-07-02", "2022-07-05", "2022-07-08"}, "2022-07-08"},
	{Ninth, "inbound", "", "2022-08-28",
		[]wantPhase{{Central, "2022-08-29", "2022-09-04"}, {HomeMonitoring, "2022-09-05", "2022-09-07"}},
		[]string{"2022-08-29", "2022-08-30", "2022-08-31", "2022-09-02", "2022-09-04", "2022-09-07"}, "2022-09-07"},
	{Ninth, "high_risk_area", "", "2022-07-01",
		[]wantPhase{{Central, "2022-07-02", "2022-07-08"}},
		[]string{"2022-07-02", "2022-07-03", "2022-07-04", "2022-07-06", "2022-07-08"}, "2022-07-08"},
	{Ninth, "medium_risk_area", "", "2022-07-01",
		[]wantPhase{{HomeQuarantine, "2022-07-02", "2022-07-08"}},
		[]string{"2022-07-02", "2022-07-05", "2022-07-08"}, "2022-07-08"},
	{Ninth, "low_risk_area", "", "2022-07-01", // 3天2检: days 1 and 3
		nil, []string{"2022-07-02", "2022-07-04"}, "2022-07-04"},
	{Ninth, "high_risk_post", "", "2022-07-01", // default: 集中
		[]wantPhase{{Central, "2022-07-02", "2022-07-08"}},
		[]string{"2022-07-02", "2022-07-05", "2022-07-08"}, "2022-07-08"},
	{Ninth, "high_risk_post", "集中", "2022-07-01",
		[]wantPhase{{Central, "2022-07-02", "2022-07-08"}},
		[]string{"2022-07-02", "2022-07-05", "2022-07-08"}, "2022-07-08"},
	{Ninth, "high_risk_post", "home", "2022-07-01",
		[]wantPhase{{HomeQuarantine, "2022-07-02", "2022-07-08"}},
		[]string{"2022-07-02", "2022-07-05", "2022-07-08"}, "2022-07-08"},
	{Ninth, "fever", "", "2022-07-01", nil, []string{"2022-07-01"}, "2022-07-01"},
	{Ninth, "pool_positive", "", "2022-07-01",
		[]wantPhase{{HomeQuarantine, "2022-07-02", "2022-07-02"}}, []string{"2022-07-01"}, "2022-07-02"},
	{Ninth, "confirmed", "", "2022-07-01", nil, nil, ""},
	{Ninth, "asymptomatic", "", "2022-07-01", nil, nil, ""},
	// 2021 春节农村
	{Spring2021, "inbound", "", "2021-02-01",
		[]wantPhase{{Central, "2021-02-02", "2021-02-15"}}, []string{"2021-02-02", "2021-02-15"}, "2021-02-15"},
	{Spring2021, "high_risk_area", "", "2021-02-01",
		[]wantPhase{{Central, "2021-02-02", "2021-02-15"}}, []string{"2021-02-02", "2021-02-15"}, "2021-02-15"},
	{Spring2021, "medium_risk_area", "", "2021-02-01",
		[]wantPhase{{Central, "2021-02-02", "2021-02-15"}}, []string{"2021-02-02", "2021-02-15"}, "2021-02-15"},
	{Spring2021, "low_risk_area", "", "2021-02-01",
		[]wantPhase{{HomeMonitoring, "2021-02-02", "2021-02-15"}}, []string{"2021-02-08", "2021-02-15"}, "2021-02-15"},
	{Spring2021, "fever", "", "2021-02-01", nil, []string{"2021-02-01"}, "2021-02-01"},
	{Spring2021, "close_contact", "", "2021-02-01",
		[]wantPhase{{Central, "2021-02-02", "2021-02-15"}, {HomeMonitoring, "2021-02-16", "2021-02-22"}},
		[]string{"2021-02-02", "2021-02-05", "2021-02-08", "2021-02-15", "2021-02-17", "2021-02-22"}, "2021-02-22"},
	{Spring2021, "pool_positive", "", "2021-02-01",
		[]wantPhase{{HomeQuarantine, "2021-02-02", "2021-02-02"}}, []string{"2021-02-01"}, "2021-02-02"},
	{Spring2021, "confirmed", "", "2021-02-01", nil, nil, ""},
	{Spring2021, "asymptomatic", "", "2021-02-01", nil, nil, ""},
	// 第八版
	{Eighth, "close_contact", "", "2021-06-01",
		[]wantPhase{{Central, "2021-06-02", "2021-06-15"}, {HomeMonitoring, "2021-06-16", "2021-06-22"}},
		[]string{"2021-06-02", "2021-06-05", "2021-06-08", "2021-06-15", "2021-06-17", "2021-06-22"}, "2021-06-22"},
	{Eighth, "inbound", "", "2021-06-01",
		[]wantPhase{{Central, "2021-06-02", "2021-06-15"}, {HomeMonitoring, "2021-06-16", "2021-06-22"}},
		[]string{"2021-06-02", "2021-06-05", "2021-06-08", "2021-06-15", "2021-06-17", "2021-06-22"}, "2021-06-22"},
	{Eighth, "fever", "", "2021-06-01", nil, []string{"2021-06-01"}, "2021-06-01"},
	{Eighth, "pool_positive", "", "2021-06-01",
		[]wantPhase{{HomeQuarantine, "2021-06-02", "2021-06-02"}}, []string{"2021-06-01"}, "2021-06-02"},
	{Eighth, "confirmed", "", "2021-06-01", nil, nil, ""},
	{Eighth, "asymptomatic", "", "2021-06-01", nil, nil, ""},
}

func checkCase(t *testing.T, c planCase) {
	t.Helper()
	p, err := PlanDefault(c.version, c.category, c.choice, c.dayZero, Circumstances{})
	if err != nil {
		t.Fatalf("%s %s %s: %v", c.version, c.category, c.dayZero, err)
	}
	var got []wantPhase
	for _, ph := range p.Phases {
		got = append(got, wantPhase{ph.Type, ph.Start, ph.End})
		if DaysBetween(ph.Start, ph.End)+1 != ph.Days {
			t.Errorf("%s %s: phase %s has %d days but runs %s..%s", c.version, c.category, ph.Name, ph.Days, ph.Start, ph.End)
		}
	}
	if !reflect.DeepEqual(got, c.phases) {
		t.Errorf("%s %s %s: phases %v, want %v", c.version, c.category, c.dayZero, got, c.phases)
	}
	tests := p.TestDates
	if len(tests) == 0 {
		tests = nil
	}
	if !reflect.DeepEqual(tests, c.tests) {
		t.Errorf("%s %s %s: tests %v, want %v", c.version, c.category, c.dayZero, tests, c.tests)
	}
	if p.End != c.end {
		t.Errorf("%s %s %s: end %q, want %q", c.version, c.category, c.dayZero, p.End, c.end)
	}
	if !strings.Contains(p.Explanation, c.dayZero) || !strings.Contains(p.Explanation, p.Version) {
		t.Errorf("explanation lacks day zero or version: %s", p.Explanation)
	}
}

func TestProtocolTable(t *testing.T) {
	for _, c := range protocolCases {
		checkCase(t, c)
	}
}

// Every rule of every shipped version has at least one case above.
func TestEveryRuleCovered(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range protocolCases {
		ch, _ := NormalizeChoice(c.choice)
		cat, _ := CategoryByCode(c.category)
		k := c.version + "|" + cat.Code + "|" + ch
		covered[k] = true
		covered[c.version+"|"+cat.Code+"|"] = true
	}
	covered[Ninth+"|imported_goods_post|"] = true // TestImportedGoodsPostDaily
	for _, v := range Defaults() {
		if err := v.Validate(); err != nil {
			t.Errorf("version %s: %v", v.Name, err)
		}
		for _, r := range v.Rules {
			if !covered[v.Name+"|"+r.Category+"|"+r.Choice] {
				t.Errorf("no test case for %s %s %s", v.Name, r.Category, r.Choice)
			}
		}
	}
}

func TestImportedGoodsPostDaily(t *testing.T) {
	p, err := PlanDefault(Ninth, "imported_goods_post", "", "2022-07-01", Circumstances{})
	if err != nil {
		t.Fatal(err)
	}
	if !p.OpenEnded || p.End != "" || len(p.Phases) != 0 || p.TestDates[0] != "2022-07-02" || p.TestDates[1] != "2022-07-03" || len(p.TestDates) != openEndedHorizon {
		t.Fatalf("imported goods post plan: %+v", p)
	}
}

func TestVersionInForce(t *testing.T) {
	vs := Defaults()
	for day, want := range map[string]string{
		"2020-12-01": Spring2021, "2021-01-20": Spring2021, "2022-06-27": Spring2021,
		"2022-06-28": Ninth, "2023-01-01": Ninth,
	} {
		v, err := InForce(vs, day)
		if err != nil || v.Name != want {
			t.Errorf("in force on %s: %v %v, want %s", day, v, err, want)
		}
	}
	// No version given: the day zero picks it.
	p, _ := PlanDefault("", "close_contact", "", "2022-06-27", Circumstances{})
	if p.Version != Spring2021 || len(p.Phases) != 2 || p.Phases[0].Days != 14 {
		t.Errorf("2022-06-27 close contact: %+v", p)
	}
	p, _ = PlanDefault("", "close_contact", "", "2022-06-28", Circumstances{})
	if p.Version != Ninth || p.Phases[0].End != "2022-07-05" {
		t.Errorf("2022-06-28 close contact: %+v", p)
	}
}

func TestAliases(t *testing.T) {
	for _, c := range [][3]string{{"9", "Close-Contact", Ninth}, {"第8版", "密接", Eighth}, {"2021春节农村", "入境", Spring2021}, {"ninth", "次密接", Ninth}} {
		p, err := PlanDefault(c[0], c[1], "", "2022-07-01", Circumstances{})
		if err != nil || p.Version != c[2] {
			t.Errorf("%v: %s %v", c, p.Version, err)
		}
	}
}

func TestBadInput(t *testing.T) {
	for _, c := range [][4]string{
		{"", "nobody", "", "2022-07-01"},
		{"", "close_contact", "", "2022-13-01"},
		{"", "close_contact", "", "07/01/2022"},
		{"第十版", "close_contact", "", "2022-07-01"},
		{Ninth, "high_risk_post", "hotel", "2022-07-01"},
		{Eighth, "secondary_contact", "", "2022-07-01"},
	} {
		if _, err := PlanDefault(c[0], c[1], c[2], c[3], Circumstances{}); err == nil {
			t.Errorf("%v: no error", c)
		}
	}
}

func TestExplanation(t *testing.T) {
	p, err := PlanDefault("", "high_risk_area", "", "2022-07-01", Circumstances{Place: "西安市雁塔区", RiskLevel: "高"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"高风险区来返人员", "西安市雁塔区", "高风险", "离开日为2022-07-01", "第九版", "集中隔离7天", "2022-07-08"} {
		if !strings.Contains(p.Explanation, s) {
			t.Errorf("explanation lacks %q: %s", s, p.Explanation)
		}
	}
}

// The planner's dates do not depend on the process's time zone. The child
// processes run the same cases with TZ set; in this process time.Local is
// also switched for good measure.
func TestTimeZoneIndependent(t *testing.T) {
	if tz := os.Getenv("FANGKONG_TZ_CHILD"); tz != "" {
		if time.Local.String() != tz && !(tz == "UTC" && time.Local.String() == "UTC") {
			t.Logf("local zone %s", time.Local)
		}
		TestProtocolTable(t)
		return
	}
	for _, tz := range []string{"America/Los_Angeles", "UTC", "Pacific/Kiritimati"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTimeZoneIndependent$", "-test.count=1")
		cmd.Env = append(os.Environ(), "TZ="+tz, "FANGKONG_TZ_CHILD="+tz)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("TZ=%s: %v\n%s", tz, err, out)
		}
	}
	saved := time.Local
	defer func() { time.Local = saved }()
	for _, tz := range []string{"America/Los_Angeles", "UTC"} {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			t.Fatal(err)
		}
		time.Local = loc
		TestProtocolTable(t)
		// Around midnight Shanghai: 23:59 and 00:01 Shanghai are different
		// day zeros however the instant is written.
		before := time.Date(2022, 7, 1, 23, 59, 0, 0, clockShanghai()).In(loc)
		after := time.Date(2022, 7, 2, 0, 1, 0, 0, clockShanghai()).In(loc)
		p1, _ := PlanDefault("", "close_contact", "", DayOf(before), Circumstances{})
		p2, _ := PlanDefault("", "close_contact", "", DayOf(after), Circumstances{})
		if p1.DayZero != "2022-07-01" || p1.Phases[0].Start != "2022-07-02" || p1.End != "2022-07-11" {
			t.Errorf("TZ %s, 23:59 Shanghai: %+v", tz, p1)
		}
		if p2.DayZero != "2022-07-02" || p2.Phases[0].Start != "2022-07-03" || p2.End != "2022-07-12" {
			t.Errorf("TZ %s, 00:01 Shanghai: %+v", tz, p2)
		}
	}
}

func TestDiff(t *testing.T) {
	vs := Defaults()
	a, _ := Find(vs, Spring2021)
	b, _ := Find(vs, Ninth)
	d := Diff(a, b)
	kinds := map[string]string{}
	for _, c := range d {
		kinds[c.Key] = c.Kind
	}
	if kinds["close_contact"] != "changed" || kinds["secondary_contact"] != "added" || kinds["high_risk_post/home"] != "added" {
		t.Errorf("diff: %v", kinds)
	}
	if _, ok := kinds["fever"]; ok && kinds["fever"] != "changed" {
		t.Errorf("fever: %v", kinds["fever"])
	}
	if len(Diff(b, b)) != 0 {
		t.Error("a version differs from itself")
	}
}
