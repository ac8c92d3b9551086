package web_test

// Access matrix of supervision (督查) and rectification (整改). Each
// village has an inspection with a finding (and its photo); they are seen
// from the village's jurisdiction only. Inspectors write findings and
// review; the cadres report progress.

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/inspect"
	"fangkong/internal/jurisdiction"
)

var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")

func init() {
	featureSeeds = append(featureSeeds, seedInspections)
	fingerprintParts = append(fingerprintParts, "COUNT(*) FROM inspections", "COUNT(*) FROM findings", "SUM(version) FROM findings")
	featureSpecs = append(featureSpecs, inspectSpecs)
}

func objName(r *rec) []string { return []string{"督查对象" + r.key + "号"} }
func problem(r *rec) []string { return []string{"督查问题" + r.key + "号"} }

func seedInspections(w *world) {
	ctx, all := context.Background(), jurisdiction.System("test")
	today := clock.Day(time.Now())
	for _, r := range w.recs {
		insp, err := w.e.App.Inspect.CreateInspection(ctx, seedActor, all, inspect.Inspection{UnitCode: r.unit, ObjectType: "village",
			ObjectName: objName(r)[0], Team: "督查组", VisitedOn: today}, nil)
		if err != nil {
			w.t.Fatal(err)
		}
		f, err := w.e.App.Inspect.AddFinding(ctx, seedActor, all, insp.ID, inspect.Finding{Problem: problem(r)[0], Leader: "领导",
			Person: "责任人", Measure: "立即整改", Deadline: today}, pngBytes)
		if err != nil {
			w.t.Fatal(err)
		}
		r.extra["inspection"], r.extra["finding"] = fmt.Sprint(insp.ID), fmt.Sprint(f.ID)
		r.extraLeaks = append(r.extraLeaks, objName(r)[0], problem(r)[0])
	}
}

func inspectSpecs(add adder, twin twinner) {
	const R, W, X = auth.CapInspectRead, auth.CapInspectWrite, auth.CapInspectRectify
	list := func(path string, names func(*rec) []string) func(x *tc) []variant {
		return func(x *tc) []variant {
			return get(path, ok(200, gather(x.scoped(true), names)...).not(gather(x.scoped(false), names)...), want{})
		}
	}
	unitList := func(path string, names func(*rec) []string) func(x *tc) []variant {
		return func(x *tc) []variant {
			under, rest := x.split(nil)
			return get(path+x.code, ok(200, gather(under, names)...).not(gather(rest, names)...), x.notFound())
		}
	}
	add("GET /inspections", R, kGlobal, list("/inspections", objName))
	add("GET /inspections", R, kUnit, unitList("/inspections?unit=", objName))
	add("GET /findings", R, kGlobal, list("/findings", problem))
	add("GET /findings", R, kUnit, unitList("/findings?unit=", problem))
	add("GET /findings/bulletin", R, kGlobal, list("/findings/bulletin", problem))
	add("GET /findings/bulletin", R, kUnit, unitList("/findings/bulletin?unit=", problem))
	add("GET /inspections/new", W, kGlobal, func(x *tc) []variant { return get("/inspections/new", ok(200, "新增督查", "检查清单"), want{}) })
	add("GET /inspections/{id}", R, kRecord, func(x *tc) []variant {
		return get("/inspections/"+x.r.extra["inspection"], ok(200, objName(x.r)[0], problem(x.r)[0]), x.notFound())
	})
	add("GET /findings/{id}", R, kRecord, func(x *tc) []variant {
		return get("/findings/"+x.r.extra["finding"], ok(200, problem(x.r)[0], "待整改"), x.notFound())
	})
	add("GET /findings/{id}/photo", R, kRecord, func(x *tc) []variant {
		return get("/findings/"+x.r.extra["finding"]+"/photo", ok(200, "PNG"), x.notFound())
	})
	add("POST /inspections", W, kRecord, func(x *tc) []variant {
		n := x.w.uniq("新督查对象")
		return []variant{{path: "/inspections", body: m{"unit_code": x.r.unit, "object_type": "checkpoint", "object_name": n, "team": "组",
			"visited_on": clock.Day(time.Now())}, in: ok(303), out: x.invalid(400, "不在您的辖区内"), after: func() error {
			if got := x.w.count("SELECT COUNT(*) FROM inspections WHERE object_name = $1 AND unit_code = $2", n, x.r.unit); got != 1 {
				return fmt.Errorf("inspection %s not created under %s", n, x.r.unit)
			}
			return nil
		}}}
	})
	add("POST /inspections/{id}/findings", W, kRecord, func(x *tc) []variant {
		return []variant{{path: "/inspections/" + x.r.extra["inspection"] + "/findings", body: m{"problem": ""}, in: ok(400, "请填写"), out: x.notFound()}}
	})
	add("POST /findings/{id}/progress", X, kRecord, func(x *tc) []variant {
		return []variant{{path: "/findings/" + x.r.extra["finding"] + "/progress", body: m{"status": "已销号"}, in: ok(400, "请选择整改中或已整改待复核"), out: x.notFound()}}
	})
	add("POST /findings/{id}/review", W, kRecord, func(x *tc) []variant {
		return []variant{{path: "/findings/" + x.r.extra["finding"] + "/review", body: m{"pass": "1", "version": "1"}, in: ok(409, "不能改为"), out: x.notFound()}}
	})
}
