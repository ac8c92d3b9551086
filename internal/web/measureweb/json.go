package measureweb

import (
	"time"

	"fangkong/internal/measure"
)

// JSON shapes of the measures API. Lists and details mask ID numbers and
// phones.

type phaseJSON struct {
	Seq         int    `json:"seq"`
	Type        string `json:"type"`
	TypeName    string `json:"type_name"`
	Name        string `json:"name"`
	Start       string `json:"start"`
	End         string `json:"end"`
	Days        int    `json:"days"`
	ChecksDaily int    `json:"checks_daily"`
}

type testJSON struct {
	ID     int64  `json:"id"`
	Due    string `json:"due"`
	Day    int    `json:"day"`
	Result string `json:"result"`
	Sample bool   `json:"sampled"`
	// BeforeAssignment: due before the person was put under the measure.
	BeforeAssignment bool   `json:"before_assignment,omitempty"`
	Source           string `json:"source,omitempty"` // where the result came from (a testing round); "" by hand
	Waived           bool   `json:"waived,omitempty"`
	WaivedReason     string `json:"waived_reason,omitempty"`
	WaivedBy         string `json:"waived_by,omitempty"`
}

// testsOut are the tests of m.
func testsOut(m measure.Measure) []testJSON {
	out := make([]testJSON, 0, len(m.Tests))
	for _, t := range m.Tests {
		out = append(out, testJSON{ID: t.ID, Due: t.Due, Day: t.Day, Result: t.Result, Sample: t.SampledAt > 0 || t.Result != "",
			BeforeAssignment: m.BeforeAssignment(t), Source: t.Source, Waived: t.Waived(), WaivedReason: t.WaivedReason, WaivedBy: t.WaivedBy})
	}
	return out
}

type checkJSON struct {
	Day      string `json:"day"`
	At       string `json:"at"`
	Temp     string `json:"temp"`
	Symptoms string `json:"symptoms"`
	Abnormal bool   `json:"abnormal"`
	Via      string `json:"via"`
}

func checkOut(c measure.Check) checkJSON {
	return checkJSON{Day: c.Day, At: c.Time(), Temp: c.Temp(), Symptoms: c.Symptoms, Abnormal: c.Abnormal, Via: c.Via}
}

type measureJSON struct {
	ID            int64       `json:"id"`
	PersonID      int64       `json:"person_id"`
	Name          string      `json:"name"`
	IDMasked      string      `json:"id_masked"`
	PhoneMasked   string      `json:"phone_masked"`
	UnitCode      string      `json:"unit_code"`
	Category      string      `json:"category"`
	CategoryName  string      `json:"category_name"`
	Choice        string      `json:"choice,omitempty"`
	DayZero       string      `json:"day_zero"`
	Place         string      `json:"place,omitempty"`
	RiskLevel     string      `json:"risk_level,omitempty"`
	PolicyVersion string      `json:"policy_version"`
	Status        string      `json:"status"`
	EndDate       string      `json:"end_date"`
	Explanation   string      `json:"explanation"`
	Source        string      `json:"source"`
	Phases        []phaseJSON `json:"phases"`
	Tests         []testJSON  `json:"tests,omitempty"`
	Checks        []checkJSON `json:"checks,omitempty"`
	Eligible      *bool       `json:"eligible,omitempty"`
	Why           string      `json:"eligibility,omitempty"`
	SelfLink      string      `json:"self_link,omitempty"`
}

func measureOut(m measure.Measure) measureJSON {
	out := measureJSON{ID: m.ID, PersonID: m.PersonID, Name: m.PersonName, IDMasked: m.MaskedID(), PhoneMasked: m.MaskedPhone(),
		UnitCode: m.UnitCode, Category: m.Category, CategoryName: m.CategoryName(), Choice: m.Choice, DayZero: m.DayZero,
		Place: m.Place, RiskLevel: m.RiskLevel, PolicyVersion: m.PolicyVersion, Status: m.Status, EndDate: m.EndDate,
		Explanation: m.Explanation, Source: m.Source, Phases: []phaseJSON{}}
	for _, p := range m.Phases {
		out.Phases = append(out.Phases, phaseJSON{Seq: p.Seq, Type: p.Type, TypeName: p.TypeName(), Name: p.Name, Start: p.Start,
			End: p.End, Days: p.Days(), ChecksDaily: p.ChecksDaily})
	}
	return out
}

func measuresOut(list []measure.Measure) []measureJSON {
	out := make([]measureJSON, 0, len(list))
	for _, m := range list {
		out = append(out, measureOut(m))
	}
	return out
}

// unitStatJSON is one row of the overview (or its total).
type unitStatJSON struct {
	Code       string         `json:"code"`
	Name       string         `json:"name"`
	ByType     map[string]int `json:"by_type"`
	Active     int            `json:"active"`
	OpenAlerts int            `json:"open_alerts"`
	OldestAgeH int            `json:"oldest_open_alert_hours"`
}

type trendDayJSON struct {
	Day      string         `json:"day"`
	ByType   map[string]int `json:"by_type"`
	Total    int            `json:"total"`
	Assigned int            `json:"assigned"`
	Released int            `json:"released"`
}

type overviewJSON struct {
	Unit  string         `json:"unit"`
	Day   string         `json:"day"`
	Total unitStatJSON   `json:"total"`
	Units []unitStatJSON `json:"units"`
	Trend []trendDayJSON `json:"trend"`
}

func overviewOut(ov measure.Overview, tr []measure.TrendDay, now time.Time) overviewJSON {
	conv := func(u measure.UnitStat) unitStatJSON {
		return unitStatJSON{Code: u.Code, Name: u.Name, ByType: u.ByType, Active: u.Active, OpenAlerts: u.OpenAlerts,
			OldestAgeH: u.OldestAgeHours(now)}
	}
	out := overviewJSON{Unit: ov.Unit, Day: ov.Day, Total: conv(ov.Total), Units: []unitStatJSON{}, Trend: []trendDayJSON{}}
	for _, u := range ov.Rows {
		out.Units = append(out.Units, conv(u))
	}
	for _, t := range tr {
		out.Trend = append(out.Trend, trendDayJSON{t.Day, t.ByType, t.Total, t.Assigned, t.Released})
	}
	return out
}

type workItemJSON struct {
	MeasureID   int64  `json:"measure_id"`
	PersonID    int64  `json:"person_id"`
	Name        string `json:"name"`
	PhoneMasked string `json:"phone_masked"`
	UnitCode    string `json:"unit_code"`
	Category    string `json:"category"`
	Phase       string `json:"phase,omitempty"`
	PhaseEnd    string `json:"phase_end,omitempty"`
	ChecksDaily int    `json:"checks_daily,omitempty"`
	ChecksDone  int    `json:"checks_done"`
	TestID      int64  `json:"test_id,omitempty"`
	Sampled     bool   `json:"sampled,omitempty"`
	Result      string `json:"result,omitempty"`
}

type workJSON struct {
	Unit         string         `json:"unit"`
	Day          string         `json:"day"`
	Checks       []workItemJSON `json:"checks"`
	Tests        []workItemJSON `json:"tests"`
	PhasesEnding []workItemJSON `json:"phases_ending"`
	ChecksDue    int            `json:"checks_due"`
	ChecksDone   int            `json:"checks_done"`
	TestsDue     int            `json:"tests_due"`
	TestsDone    int            `json:"tests_done"`
}

func workOut(wl measure.WorkList) workJSON {
	conv := func(in []measure.WorkItem) []workItemJSON {
		out := []workItemJSON{}
		for _, x := range in {
			out = append(out, workItemJSON{x.MeasureID, x.PersonID, x.Name, x.Phone, x.UnitCode, x.Category, x.PhaseName, x.PhaseEnd,
				x.ChecksDaily, x.ChecksDone, x.TestID, x.TestSampled, x.TestResult})
		}
		return out
	}
	return workJSON{Unit: wl.Unit, Day: wl.Day, Checks: conv(wl.Checks), Tests: conv(wl.Tests), PhasesEnding: conv(wl.PhasesEnd),
		ChecksDue: wl.ChecksDue, ChecksDone: wl.ChecksDone, TestsDue: wl.TestsDue, TestsDone: wl.TestsDone}
}

type alertJSON struct {
	ID        int64  `json:"id"`
	MeasureID int64  `json:"measure_id"`
	Name      string `json:"name"`
	UnitCode  string `json:"unit_code"`
	Kind      string `json:"kind"`
	KindName  string `json:"kind_name"`
	Day       string `json:"day"`
	Detail    string `json:"detail"`
	Level     string `json:"level"`
	Opened    string `json:"opened_at"`
	AgeHours  int    `json:"age_hours"`
	Handled   string `json:"handled_at,omitempty"`
	Handling  string `json:"handling,omitempty"`
}

func alertsOut(list []measure.Alert, now time.Time) []alertJSON {
	out := []alertJSON{}
	for _, a := range list {
		out = append(out, alertJSON{a.ID, a.MeasureID, a.PersonName, a.UnitCode, a.Kind, a.KindName(), a.Day, a.Detail, a.LevelName(),
			a.Opened(), a.AgeHours(now), a.Handled(), a.Handling})
	}
	return out
}
