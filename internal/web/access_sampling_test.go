package web_test

// Access-matrix extension for mass testing (全员核酸): campaigns, points,
// scans, tubes, boxes, results, retests and coverage.

import (
	"context"
	"fmt"
	"strings"

	"fangkong/internal/auth"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sampling"
)

// Seeds: each village has its own active campaign over the village (so a
// campaign of an outside village is not found), with a point; the fixture
// county has one more campaign over the whole county with a point in every
// village, kept on record A ("county_campaign") and on each record
// ("county_point").
func init() {
	featureSeeds = append(featureSeeds, seedSampling)
	fingerprintParts = append(fingerprintParts, "COUNT(*) FROM test_campaigns", "SUM(version) FROM test_campaigns",
		"COUNT(*) FROM test_points", "COUNT(*) FROM test_labs", "COUNT(*) FROM test_samples", "COUNT(*) FROM test_tubes",
		"SUM(closed_at) FROM test_tubes", "COUNT(*) FROM test_boxes", "SUM(handed_at + received_at) FROM test_boxes",
		"COUNT(*) FROM test_tubes WHERE result <> ''", "COUNT(*) FROM test_retests", "SUM(retest_at) FROM test_retests")
	featureSpecs = append(featureSpecs, samplingSpecs)
}

var samplingActor = seedActor

func seedSampling(w *world) {
	ctx, all := context.Background(), jurisdiction.Scope{}
	svc := w.e.App.Sampling
	must := func(err error) {
		w.t.Helper()
		if err != nil {
			w.t.Fatal(err)
		}
	}
	county, err := svc.CreateCampaign(ctx, samplingActor, all, sampling.CampaignInput{UnitCode: "610118", Name: "全区第一轮",
		StartsOn: "2026-11-20", EndsOn: "2026-11-21", PoolSize: 10})
	must(err)
	for _, r := range w.recs {
		c, err := svc.CreateCampaign(ctx, samplingActor, all, sampling.CampaignInput{UnitCode: r.unit, Name: "村检测" + r.key,
			StartsOn: "2026-11-20", EndsOn: "2026-11-21", PoolSize: 5})
		must(err)
		p, err := svc.AddPoint(ctx, samplingActor, all, sampling.Point{CampaignID: c.ID, UnitCode: r.unit, Name: "采样点" + r.key + "广场",
			Address: r.key + "村广场"})
		must(err)
		_, err = svc.StartCampaign(ctx, samplingActor, all, c.ID)
		must(err)
		r.extra["campaign"], r.extra["point"] = fmt.Sprint(c.ID), fmt.Sprint(p.ID)
		r.extraLeaks = append(r.extraLeaks, p.Name)
		if strings.HasPrefix(r.unit, "610118") {
			cp, err := svc.AddPoint(ctx, samplingActor, all, sampling.Point{CampaignID: county.ID, UnitCode: r.unit, Name: "全区点" + r.key + "号"})
			must(err)
			r.extra["county_point"] = fmt.Sprint(cp.ID)
			r.extraLeaks = append(r.extraLeaks, cp.Name)
		}
		r.extra["county_campaign"] = fmt.Sprint(county.ID)
	}
	_, err = svc.StartCampaign(ctx, samplingActor, all, county.ID)
	must(err)
}

// tube returns a fresh tube barcode.
func (w *world) tube() string { w.n++; return fmt.Sprintf("TB%07d", w.n) }

// tempCode registers a person in unit and returns their sampling code.
func (w *world) tempCode(unit string) string {
	id := w.tempPerson(unit)
	code, err := w.e.App.Sampling.PersonCode(context.Background(), jurisdiction.Scope{}, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return code
}

func samplingSpecs(add adder, twin twinner) {
	const SW = auth.CapSamplingWrite
	num := func(s string) int64 { var n int64; fmt.Sscan(s, &n); return n }
	homeRec := func(x *tc) *rec { return x.w.rec(x.p.home) }

	add("GET /sampling/campaigns/{id}/scan", SW, kRecord, func(x *tc) []variant {
		return get("/sampling/campaigns/"+x.r.extra["campaign"]+"/scan", ok(200, "采样点"+x.r.key+"广场"), x.notFound())
	})
	twin("POST /sampling/campaigns/{id}/scan", "POST /api/v1/sampling/scans", SW, kRecord, func(x *tc, pre string, api bool) []variant {
		post := func(campaign, point string, code string) variant {
			scan := m{"scan_id": x.w.uniq("scan-"), "campaign_id": num(campaign), "point_id": num(point), "tube": x.w.tube(), "code": code}
			if api {
				return variant{path: "/api/v1/sampling/scans", body: scan}
			}
			delete(scan, "campaign_id")
			return variant{path: "/sampling/campaigns/" + campaign + "/scan", body: scan}
		}
		made := status(api, 200, 201)
		// The village's own campaign and point: outside, the campaign is not found.
		v1 := post(x.r.extra["campaign"], x.r.extra["point"], x.w.tempCode(x.r.unit))
		v1.in, v1.out = ok(made, "已登记"), x.notFound()
		// The county campaign at the sampler's own point, a person of this
		// village: outside the sampler's scope it is refused, nothing written.
		v2 := post(x.r.extra["county_campaign"], homeRec(x).extra["county_point"], x.w.tempCode(x.r.unit))
		v2.in, v2.out = ok(made, "已登记"), x.invalid(400, "不在本辖区")
		return []variant{v1, v2}
	})
	add("POST /sampling/campaigns/{id}/tubes/close", SW, kRecord, func(x *tc) []variant {
		// Open a tube at the village's point of the county campaign, then close it.
		tube := x.w.tube()
		if p := num(x.r.extra["county_point"]); p != 0 {
			_, err := x.w.e.App.Sampling.Scan(context.Background(), samplingActor, jurisdiction.Scope{}, sampling.ScanRequest{
				ScanID: x.w.uniq("open-"), CampaignID: num(x.r.extra["county_campaign"]), PointID: p, Tube: tube})
			if err != nil {
				x.w.t.Fatal(err)
			}
		}
		return []variant{{path: "/sampling/campaigns/" + x.r.extra["county_campaign"] + "/tubes/close", body: m{"tube": tube},
			in: ok(303), out: x.notFound()}}
	})
}
