package web_test

// Access matrix of special reports (特报). Each village has an open report
// whose title names the village; reports are seen from the village's
// jurisdiction only.

import (
	"context"
	"fmt"

	"fangkong/internal/auth"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/special"
)

func init() {
	featureSeeds = append(featureSeeds, seedSpecial)
	fingerprintParts = append(fingerprintParts, "COUNT(*) FROM special_reports", "SUM(closed_at) FROM special_reports", "SUM(acked_at) FROM special_acks")
	featureSpecs = append(featureSpecs, specialSpecs)
}

func specialTitle(r *rec) []string { return []string{"特报村" + r.key + "号"} }

func seedSpecial(w *world) {
	ctx, all := context.Background(), jurisdiction.System("test")
	for _, r := range w.recs {
		rep, err := w.e.App.Special.Open(ctx, seedActor, all, special.Trigger{Kind: "positive", Unit: r.unit, Title: specialTitle(r)[0]})
		if err != nil {
			w.t.Fatal(err)
		}
		r.extra["special"] = fmt.Sprint(rep.ID)
		r.extraLeaks = append(r.extraLeaks, specialTitle(r)[0])
	}
}

func specialSpecs(add adder, twin twinner) {
	const R, W = auth.CapSpecialRead, auth.CapSpecialWrite
	twin("GET /special", "GET /api/v1/special", R, kGlobal, func(x *tc, pre string, api bool) []variant {
		return get(pre+"/special", ok(200, gather(x.scoped(true), specialTitle)...).not(gather(x.scoped(false), specialTitle)...), want{})
	})
	twin("GET /special", "GET /api/v1/special", R, kUnit, func(x *tc, pre string, api bool) []variant {
		under, rest := x.split(nil)
		// late=1 (特报逾期未确认): the seeded reports are within their
		// clocks, so none is listed, inside the unit or out.
		return append(get(pre+"/special?unit="+x.code, ok(200, gather(under, specialTitle)...).not(gather(rest, specialTitle)...), x.notFound()),
			get(pre+"/special?late=1&unit="+x.code, ok(200).not(gather(x.w.recs, specialTitle)...), x.notFound())...)
	})
	add("GET /special/new", W, kGlobal, func(x *tc) []variant { return get("/special/new", ok(200, "新增特报"), want{}) })
	add("POST /special", W, kRecord, func(x *tc) []variant {
		return []variant{{path: "/special", body: m{"unit_code": x.r.unit, "kind": "positive", "title": ""},
			in: ok(400, "请填写"), out: x.invalid(400, "不在您的辖区内")}}
	})
	twin("GET /special/{id}", "GET /api/v1/special/{id}", R, kRecord, func(x *tc, pre string, api bool) []variant {
		return get(pre+"/special/"+x.r.extra["special"], ok(200, specialTitle(x.r)...), x.notFound())
	})
	add("POST /special/{id}/ack", W, kRecord, func(x *tc) []variant {
		return []variant{{path: "/special/" + x.r.extra["special"] + "/ack", body: m{"cadre": ""}, in: ok(400, "请填写确认干部姓名"), out: x.notFound()}}
	})
	add("POST /special/{id}/close", W, kRecord, func(x *tc) []variant {
		return []variant{{path: "/special/" + x.r.extra["special"] + "/close", body: m{"note": ""}, in: ok(400, "请填写"), out: x.notFound()}}
	})
}
