package web_test

// Access matrix of the duty rosters (值班值守). Each village has a shift
// under way (its person on duty names the village); rosters are seen from
// the village's jurisdiction only.

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/duty"
	"fangkong/internal/jurisdiction"
)

func init() {
	featureSeeds = append(featureSeeds, seedDuty)
	fingerprintParts = append(fingerprintParts, "COUNT(*) FROM duty_shifts", "SUM(checked_in_at) FROM duty_shifts", "COUNT(*) FROM duty_checks")
	featureSpecs = append(featureSpecs, dutySpecs)
}

func dutyPerson(r *rec) []string { return []string{"值班员" + r.key + "号"} }

func seedDuty(w *world) {
	ctx, all := context.Background(), jurisdiction.System("test")
	now := time.Now().In(clock.Shanghai)
	for _, r := range w.recs {
		sh, err := w.e.App.Duty.AddShift(ctx, seedActor, all, duty.Input{UnitCode: r.unit, Day: clock.Day(now), Start: "00:00", Hours: 24,
			Leader: "带班" + r.key + "号", Person: dutyPerson(r)[0]})
		if err != nil {
			w.t.Fatal(err)
		}
		r.extra["shift"] = fmt.Sprint(sh.ID)
		r.extraLeaks = append(r.extraLeaks, dutyPerson(r)[0])
	}
}

func dutySpecs(add adder, twin twinner) {
	const R, M, C = auth.CapDutyRead, auth.CapDutyManage, auth.CapDutyCheck
	add("GET /duty", R, kGlobal, func(x *tc) []variant {
		return get("/duty", ok(200, gather(x.scoped(true), dutyPerson)...).not(gather(x.scoped(false), dutyPerson)...), want{})
	})
	add("GET /duty", R, kUnit, func(x *tc) []variant {
		under, rest := x.split(nil)
		return get("/duty?unit="+x.code, ok(200, gather(under, dutyPerson)...).not(gather(rest, dutyPerson)...), x.notFound())
	})
	add("POST /duty", M, kRecord, func(x *tc) []variant {
		return []variant{{path: "/duty", body: m{"unit_code": x.r.unit, "day": "2026-12-06", "start": "08:00", "hours": "0"},
			in: ok(400, "班次时长为1至24小时"), out: x.invalid(400, "单位不在您的辖区内")}}
	})
	add("POST /duty/{id}/checkin", M, kRecord, func(x *tc) []variant {
		// A fresh shift each time: a shift is checked in once.
		sh, err := x.w.e.App.Duty.AddShift(context.Background(), seedActor, jurisdiction.System("test"), duty.Input{UnitCode: x.r.unit,
			Day: clock.Day(time.Now()), Start: "00:00", Hours: 24, Leader: "带班", Person: "签到人"})
		if err != nil {
			x.w.t.Fatal(err)
		}
		return []variant{{path: fmt.Sprintf("/duty/%d/checkin", sh.ID), in: ok(303), out: x.notFound(), after: func() error {
			if n := x.w.count("SELECT COUNT(*) FROM duty_shifts WHERE id = $1 AND checked_in_at > 0", sh.ID); n != 1 {
				return fmt.Errorf("shift %d not checked in", sh.ID)
			}
			return nil
		}}}
	})
	add("POST /duty/{id}/check", C, kRecord, func(x *tc) []variant {
		return []variant{{path: "/duty/" + x.r.extra["shift"] + "/check", body: m{"answered": "1", "answerer": ""}, in: ok(400, "请填写"), out: x.notFound()}}
	})
}
