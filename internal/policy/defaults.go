package policy

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"fangkong/internal/errs"
)

//go:embed defaults.json
var defaultsJSON []byte

// Default version names.
const (
	Spring2021 = "2021 春节农村"
	Ninth      = "第九版"
	Eighth     = "第八版"
)

// Defaults returns the versions shipped with the binary, freshly decoded.
func Defaults() []Version {
	var f struct {
		Versions []Version `json:"versions"`
	}
	if err := json.Unmarshal(defaultsJSON, &f); err != nil {
		panic(fmt.Sprintf("policy: embedded defaults.json: %v", err))
	}
	return f.Versions
}

// PlanDefault plans with the shipped versions, without a database: the
// version named, or the one in force on dayZero.
func PlanDefault(versionName, category, choice, dayZero string, c Circumstances) (Plan, error) {
	return PlanWith(Defaults(), versionName, category, choice, dayZero, c)
}

// The days zero a plan may count from: from the first cases (December
// 2019) to the end of the century; an assignment stops at today.
const (
	MinDayZero = "2019-12-01"
	MaxDayZero = "2099-12-31"
)

// CheckDayZero refuses a day zero (YYYY-MM-DD) before MinDayZero or after
// max.
func CheckDayZero(dayZero, max string) error {
	d := strings.TrimSpace(dayZero)
	if d < MinDayZero || d > max {
		return errs.Invalidf("day_zero", "起算日 %s 应在 %s 到 %s 之间", d, MinDayZero, max)
	}
	return nil
}

// PlanWith resolves category/choice/version among vs and computes the plan.
func PlanWith(vs []Version, versionName, category, choice, dayZero string, c Circumstances) (Plan, error) {
	cat, ok := CategoryByCode(category)
	if !ok {
		return Plan{}, errInvalidCategory(category)
	}
	ch, err := NormalizeChoice(choice)
	if err != nil {
		return Plan{}, err
	}
	if _, err := ParseDay(dayZero); err != nil {
		return Plan{}, err
	}
	if err := CheckDayZero(dayZero, MaxDayZero); err != nil {
		return Plan{}, err
	}
	var v *Version
	if versionName != "" {
		v, err = Find(vs, versionName)
	} else {
		v, err = InForce(vs, dayZero)
	}
	if err != nil {
		return Plan{}, err
	}
	r, err := v.Rule(cat.Code, ch)
	if err != nil {
		return Plan{}, err
	}
	c.Choice = ch
	return Compute(v, r, dayZero, c)
}
