package web_test

// Access matrix of the command centre (指挥部): the operating picture and
// the daily reports. Each village has submitted a report (its note names
// the village); a picture, a report status or a report of a unit outside
// the user's jurisdiction is not found, and no report of another village
// shows in a list.

import (
	"context"
	"fmt"

	"fangkong/internal/auth"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/report"
)

func init() {
	featureSeeds = append(featureSeeds, seedReports)
	fingerprintParts = append(fingerprintParts, "COUNT(*) FROM daily_reports", "COUNT(*) FROM report_templates")
	featureSpecs = append(featureSpecs, commandSpecs)
}

func seedReports(w *world) {
	ctx, all := context.Background(), jurisdiction.System("test")
	for _, r := range w.recs {
		d, err := w.e.App.Reports.Compile(ctx, all, r.unit)
		if err != nil {
			w.t.Fatal(err)
		}
		in := report.Input{Unit: r.unit, Seen: map[string]int{}, Zero: map[string]bool{}, Note: "村报备注" + r.key + "号", Confirmer: "确认人" + r.key + "号"}
		for _, l := range d.Lines {
			in.Seen[l.Key], in.Zero[l.Key] = l.Value, true
		}
		rep, _, err := w.e.App.Reports.Submit(ctx, seedActor, all, in)
		if err != nil {
			w.t.Fatal(err)
		}
		r.extra["report"] = fmt.Sprint(rep.ID)
		r.extraLeaks = append(r.extraLeaks, in.Note)
	}
}

func commandSpecs(add adder, twin twinner) {
	const P, RR, RS, RM = auth.CapPictureView, auth.CapReportsRead, auth.CapReportsSubmit, auth.CapReportsManage
	twin("GET /command", "GET /api/v1/command", P, kGlobal, func(x *tc, pre string, api bool) []variant {
		has := map[bool][]string{false: {"指挥部态势", `id="cards"`}, true: {`"cards":[{`, `"children":[`}}[api]
		return get(pre+"/command", ok(200, has...).not(gather(x.w.recs, (*rec).names)...), want{})
	})
	twin("GET /command", "GET /api/v1/command", P, kUnit, func(x *tc, pre string, api bool) []variant {
		has := map[bool][]string{false: {"指挥部态势"}, true: {`"unit_code":"` + x.code + `"`}}[api]
		return get(pre+"/command?unit="+x.code, ok(200, has...).not(gather(x.w.recs, (*rec).names)...), x.notFound())
	})

	notes := func(r *rec) []string { return []string{"确认人" + r.key + "号"} }
	twin("GET /reports", "GET /api/v1/reports", RR, kGlobal, func(x *tc, pre string, api bool) []variant {
		has := map[bool][]string{false: {"日报告", `id="missing"`}, true: {`"missing":`, `"rates":[`}}[api]
		return get(pre+"/reports", ok(200, has...).not(gather(x.scoped(false), notes)...), want{})
	})
	twin("GET /reports", "GET /api/v1/reports", RR, kUnit, func(x *tc, pre string, api bool) []variant {
		_, rest := x.split(nil)
		has := map[bool]string{false: `id="missing"`, true: `"missing":`}[api]
		return get(pre+"/reports?unit="+x.code, ok(200, has).not(gather(rest, notes)...), x.notFound())
	})
	twin("GET /reports/{id}", "GET /api/v1/reports/{id}", RR, kRecord, func(x *tc, pre string, api bool) []variant {
		has := map[bool]string{false: "第1版", true: `"version":1`}[api]
		return get(pre+"/reports/"+x.r.extra["report"], ok(200, has, "村报备注"+x.r.key+"号"), x.notFound())
	})
	add("GET /reports/{id}/export", RR, kRecord, func(x *tc) []variant {
		return get("/reports/"+x.r.extra["report"]+"/export", xlsxWant([]string{"村报备注" + x.r.key + "号", "截至"}, nil), x.notFound())
	})
	add("GET /reports/templates", RR, kGlobal, func(x *tc) []variant {
		return get("/reports/templates", ok(200, "日报告模板", "returnee.total"), want{})
	})
	add("GET /reports/new", RS, kGlobal, func(x *tc) []variant {
		return get("/reports/new", ok(200, "编制日报告", "确认并报送"), want{})
	})
	add("POST /reports", RS, kGlobal, func(x *tc) []variant {
		return []variant{{path: "/reports", body: m{"note": "x"}, in: ok(400, "请填写确认人姓名")}}
	})
	add("POST /reports/templates", RM, kGlobal, func(x *tc) []variant {
		return []variant{{path: "/reports/templates", body: m{"county": x.p.user.UnitCode, "level": "5", "items": "", "cutoff": "16:00", "deadline": "16:30"},
			in: ok(400, "至少填写一项指标")}}
	})
}
