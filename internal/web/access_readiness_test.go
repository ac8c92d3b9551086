package web_test

// Access matrix of readiness (平急结合). Each village has a tracing team
// member whose name names the village; the roster is seen from the
// village's jurisdiction only.

import (
	"context"
	"fmt"

	"fangkong/internal/auth"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/readiness"
)

func init() {
	featureSeeds = append(featureSeeds, seedReadiness)
	fingerprintParts = append(fingerprintParts, "COUNT(*) FROM readiness_tracers", "COUNT(*) FROM readiness_plans", "COUNT(*) FROM readiness_samplers")
	featureSpecs = append(featureSpecs, readinessSpecs)
}

func tracerName(r *rec) []string { return []string{"队员" + r.key + "号"} }

func seedReadiness(w *world) {
	ctx, all := context.Background(), jurisdiction.System("test")
	for _, r := range w.recs {
		if _, err := w.e.App.Readiness.AddTracer(ctx, seedActor, all, readiness.Tracer{UnitCode: r.unit, Name: tracerName(r)[0], Kind: "公安"}); err != nil {
			w.t.Fatal(err)
		}
		r.extraLeaks = append(r.extraLeaks, tracerName(r)[0])
	}
}

func readinessSpecs(add adder, twin twinner) {
	const R, M = auth.CapReadinessRead, auth.CapReadinessManage
	twin("GET /readiness", "GET /api/v1/readiness", R, kGlobal, func(x *tc, pre string, api bool) []variant {
		return get(pre+"/readiness", ok(200, gather(x.scoped(true), tracerName)...).not(gather(x.scoped(false), tracerName)...), want{})
	})
	twin("GET /readiness", "GET /api/v1/readiness", R, kUnit, func(x *tc, pre string, api bool) []variant {
		under, rest := x.split(nil)
		return get(pre+"/readiness?unit="+x.code, ok(200, gather(under, tracerName)...).not(gather(rest, tracerName)...), x.notFound())
	})
	add("POST /readiness/tracers", M, kRecord, func(x *tc) []variant {
		return []variant{{path: "/readiness/tracers", body: m{"unit_code": x.r.unit, "name": "", "kind": "公安"},
			in: ok(400, "请填写"), out: x.invalid(400, "单位不在您的辖区内")}}
	})
	add("POST /readiness/tracers/{id}/delete", M, kRecord, func(x *tc) []variant {
		// A fresh member each time: a member is removed once.
		tr, err := x.w.e.App.Readiness.AddTracer(context.Background(), seedActor, jurisdiction.System("test"),
			readiness.Tracer{UnitCode: x.r.unit, Name: "待移出", Kind: "其他"})
		if err != nil {
			x.w.t.Fatal(err)
		}
		return []variant{{path: fmt.Sprintf("/readiness/tracers/%d/delete", tr.ID), in: ok(303), out: x.notFound(), after: func() error {
			if n := x.w.count("SELECT COUNT(*) FROM readiness_tracers WHERE id = $1", tr.ID); n != 0 {
				return fmt.Errorf("tracer %d not removed", tr.ID)
			}
			return nil
		}}}
	})
	add("POST /readiness/samplers", M, kRecord, func(x *tc) []variant {
		return []variant{{path: "/readiness/samplers", body: m{"unit_code": x.r.unit, "samplers": "-1"},
			in: ok(400, "请填写0至100000的人数"), out: x.invalid(400, "单位不在您的辖区内")}}
	})
	add("POST /readiness/plans", M, kRecord, func(x *tc) []variant {
		return []variant{{path: "/readiness/plans", body: m{"unit_code": x.r.unit, "kind": "演练", "title": "", "held_on": "2026-12-01"},
			in: ok(400, "请填写名称"), out: x.invalid(400, "单位不在您的辖区内")}}
	})
}
