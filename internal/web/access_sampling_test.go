package web_test

// Access-matrix extension for mass testing (全员核酸): campaigns, points,
// labs, scans, tubes, boxes, results, retests, coverage lists, planning and
// sampling codes.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sampling"
)

func init() {
	featureSeeds = append(featureSeeds, seedSampling)
	fingerprintParts = append(fingerprintParts, "COUNT(*) FROM test_campaigns", "SUM(version) FROM test_campaigns",
		"COUNT(*) FROM test_points", "COUNT(*) FROM test_labs", "COUNT(*) FROM test_samples", "COUNT(*) FROM test_tubes",
		"SUM(closed_at) FROM test_tubes", "COUNT(*) FROM test_tubes WHERE box_id IS NOT NULL", "COUNT(*) FROM test_boxes",
		"SUM(handed_at + received_at) FROM test_boxes", "COUNT(*) FROM test_tubes WHERE result <> ''", "SUM(result_at) FROM test_tubes",
		"COUNT(*) FROM test_retests", "SUM(retest_at) FROM test_retests", "COUNT(*) FROM test_walkins")
	featureSpecs = append(featureSpecs, samplingSpecs)
}

var all = jurisdiction.System("test")

// seedSampling gives each village its own active campaign over the village
// (so an outside village's campaign is not found) with a point, a lab, the
// head sampled into a tube that is boxed and came back positive (so the
// head is on the retest list and the member on the untested list), and the
// household's code. The fixture county has one more campaign over the whole
// county with a point in each of its villages.
func seedSampling(w *world) {
	ctx := context.Background()
	// The seed's positive pools are not handed to control measures: the
	// measure seeds (access_measure_test.go) fix each head's measures.
	svc := sampling.NewService(w.e.App.DB, w.e.App.Units, sampling.NoAssign, w.e.App.Config.Now)
	must := func(err error) {
		w.t.Helper()
		if err != nil {
			w.t.Fatal(err)
		}
	}
	county, err := svc.CreateCampaign(ctx, seedActor, all, sampling.CampaignInput{UnitCode: "610118", Name: "全区第一轮",
		StartsOn: "2026-11-20", EndsOn: "2026-11-21", PoolSize: 10})
	must(err)
	for _, r := range w.recs {
		c, err := svc.CreateCampaign(ctx, seedActor, all, sampling.CampaignInput{UnitCode: r.unit, Name: "村检测" + r.key + "轮",
			StartsOn: "2026-11-20", EndsOn: "2026-11-21", PoolSize: 5})
		must(err)
		p, err := svc.AddPoint(ctx, seedActor, all, sampling.Point{CampaignID: c.ID, UnitCode: r.unit, Name: "采样点" + r.key + "广场",
			Address: r.key + "村广场"})
		must(err)
		lab, err := svc.AddLab(ctx, seedActor, all, sampling.Lab{CampaignID: c.ID, Name: "实验室" + r.key + "号", CapacityPerHour: 100})
		must(err)
		_, err = svc.StartCampaign(ctx, seedActor, all, c.ID)
		must(err)
		tube, box := "TUBE-"+r.key+"-1", "BOX-"+r.key+"-1"
		_, err = svc.Scan(ctx, seedActor, all, sampling.ScanRequest{ScanID: "seed-" + r.key, CampaignID: c.ID, PointID: p.ID, Tube: tube, Code: r.head.IDNumber})
		must(err)
		_, err = svc.CloseTube(ctx, seedActor, all, c.ID, tube)
		must(err)
		_, err = svc.PackBox(ctx, seedActor, all, c.ID, p.ID, box, []string{tube})
		must(err)
		_, err = svc.RecordResults(ctx, seedActor, all, c.ID, lab.ID, []sampling.ResultRow{{Tube: tube, Result: "阳性"}}, false)
		must(err)
		hcode, err := svc.HouseholdCode(ctx, all, r.hh.ID)
		must(err)
		r.extra["campaign"], r.extra["point"], r.extra["lab"], r.extra["hcode"] = fmt.Sprint(c.ID), fmt.Sprint(p.ID), fmt.Sprint(lab.ID), hcode
		r.extraLeaks = append(r.extraLeaks, p.Name, lab.Name, tube, box, c.Name)
		if strings.HasPrefix(r.unit, "610118") {
			cp, err := svc.AddPoint(ctx, seedActor, all, sampling.Point{CampaignID: county.ID, UnitCode: r.unit, Name: "全区点" + r.key + "号"})
			must(err)
			r.extra["county_point"] = fmt.Sprint(cp.ID)
			r.extraLeaks = append(r.extraLeaks, cp.Name)
		}
		r.extra["county_campaign"] = fmt.Sprint(county.ID)
	}
	_, err = svc.StartCampaign(ctx, seedActor, all, county.ID)
	must(err)
}

func num(s string) int64 { var n int64; fmt.Sscan(s, &n); return n }

// targetsSeen counts the targets of a campaign inside p's scope.
func (w *world) targetsSeen(p *principal, campaign string) int {
	rows, err := w.d.R().Query("SELECT unit_code FROM campaign_targets WHERE campaign_id = $1", num(campaign))
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var unit string
		rows.Scan(&unit)
		if p.user.Scope().Contains(unit) {
			n++
		}
	}
	return n
}

// targetCount checks the target_count of campaign id in a list or a round.
func targetCount(id string, want int) func(body string) error {
	return func(body string) error {
		var out struct {
			Campaigns []struct {
				ID          int64 `json:"id"`
				TargetCount int   `json:"target_count"`
			} `json:"campaigns"`
			Campaign struct {
				ID          int64 `json:"id"`
				TargetCount int   `json:"target_count"`
			} `json:"campaign"`
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			return err
		}
		all := append(out.Campaigns, out.Campaign)
		for _, c := range all {
			if c.ID == num(id) {
				if c.TargetCount != want {
					return fmt.Errorf("campaign %s shows %d targets, want %d", id, c.TargetCount, want)
				}
				return nil
			}
		}
		return fmt.Errorf("campaign %s not in the answer", id)
	}
}

// tube returns a fresh tube barcode.
func (w *world) tube() string { w.n++; return fmt.Sprintf("TB%07d", w.n) }

// walkinID is a fresh valid ID number of nobody registered (a walk-in, 流动人员).
func (w *world) walkinID() string {
	w.n++
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, w.n)
	return dbtest.ID(fmt.Sprintf("410102%s%03d", birth.Format("20060102"), w.n%1000))
}

// tempCode registers a person in unit and returns their sampling code.
func (w *world) tempCode(unit string) string {
	id := w.tempPerson(unit)
	code, err := w.e.App.Sampling.PersonCode(context.Background(), all, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return code
}

// closedTube samples a new person of the village into a new tube at the
// village campaign's point and closes it.
func (w *world) closedTube(r *rec) string {
	ctx, svc, tube := context.Background(), w.e.App.Sampling, w.tube()
	c := num(r.extra["campaign"])
	if _, err := svc.Scan(ctx, seedActor, all, sampling.ScanRequest{ScanID: w.uniq("tmp-"), CampaignID: c, PointID: num(r.extra["point"]),
		Tube: tube, Code: w.tempCode(r.unit)}); err != nil {
		w.t.Fatal(err)
	}
	if _, err := svc.CloseTube(ctx, seedActor, all, c, tube); err != nil {
		w.t.Fatal(err)
	}
	return tube
}

// tempBox packs a new closed tube of the village into a new box, handed over when asked.
func (w *world) tempBox(r *rec, handed bool) int64 {
	ctx, svc := context.Background(), w.e.App.Sampling
	b, err := svc.PackBox(ctx, seedActor, all, num(r.extra["campaign"]), num(r.extra["point"]), "", []string{w.closedTube(r)})
	if err != nil {
		w.t.Fatal(err)
	}
	if handed {
		if _, err := svc.HandOver(ctx, seedActor, all, b.ID, num(r.extra["lab"])); err != nil {
			w.t.Fatal(err)
		}
	}
	return b.ID
}

// tempRetest makes a new person of the village a member of a positive pool.
func (w *world) tempRetest(r *rec) int64 {
	ctx, svc := context.Background(), w.e.App.Sampling
	c := num(r.extra["campaign"])
	tube := w.closedTube(r)
	if _, err := svc.RecordResults(ctx, seedActor, all, c, num(r.extra["lab"]), []sampling.ResultRow{{Tube: tube, Result: "阳性"}}, false); err != nil {
		w.t.Fatal(err)
	}
	var id int64
	w.d.R().QueryRow("SELECT s.person_id FROM test_samples s JOIN test_tubes t ON t.id = s.tube_id WHERE t.barcode = $1", tube).Scan(&id)
	return id
}

// draftCampaign opens a new campaign over the village, started when asked.
func (w *world) draftCampaign(r *rec, start bool) int64 {
	ctx, svc := context.Background(), w.e.App.Sampling
	c, err := svc.CreateCampaign(ctx, seedActor, all, sampling.CampaignInput{UnitCode: r.unit, Name: w.uniq("临时轮次"), StartsOn: "2026-11-22", PoolSize: 10})
	if err != nil {
		w.t.Fatal(err)
	}
	if start {
		if _, err := svc.StartCampaign(ctx, seedActor, all, c.ID); err != nil {
			w.t.Fatal(err)
		}
	}
	return c.ID
}

func samplingSpecs(add adder, twin twinner) {
	const SW, RU, CM, PR, PE = auth.CapSamplingWrite, auth.CapResultsUpload, auth.CapCampaignsManage, auth.CapPeopleRead, auth.CapPeopleExport
	const CR = auth.CapCampaignsRead
	homeRec := func(x *tc) *rec { return x.w.rec(x.p.home) }
	camp := func(x *tc, sub string) string { return "/sampling/campaigns/" + x.r.extra["campaign"] + sub }
	countyCamp := func(x *tc, sub string) string { return "/sampling/campaigns/" + x.r.extra["county_campaign"] + sub }
	pick := func(api bool, page, json string) string { return map[bool]string{false: page, true: json}[api] }

	// --- Reads.
	twin("GET /sampling", "GET /api/v1/sampling/campaigns", CR, kRecord, func(x *tc, pre string, api bool) []variant {
		name := "村检测" + x.r.key + "轮"
		return get(pick(api, "/sampling", "/api/v1/sampling/campaigns"), ok(200, name), ok(200).not(x.r.leaks()...))
	})
	// The county round's target count is the viewer's own part of it,
	// in the list and on the round (counts are scoped like rows).
	twin("GET /sampling", "GET /api/v1/sampling/campaigns", CR, kGlobal, func(x *tc, pre string, api bool) []variant {
		id := x.w.rec("A").extra["county_campaign"]
		n := x.w.targetsSeen(x.p, id)
		if api {
			return get("/api/v1/sampling/campaigns", ok(200, fmt.Sprintf(`"id":%s,`, id)).checked(targetCount(id, n)), want{})
		}
		return get("/sampling", ok(200, fmt.Sprintf(`/sampling/campaigns/%s">全区第一轮</a>`, id)).checked(func(body string) error {
			m := regexp.MustCompile(`全区第一轮</a>.*?10合1</td><td class="num"[^>]*>([0-9,]+)</td>`).FindStringSubmatch(strings.ReplaceAll(body, "\n", ""))
			if m == nil || m[1] != fmt.Sprint(n) {
				return fmt.Errorf("the county round shows %v targets, want %d", m, n)
			}
			return nil
		}), want{})
	})
	twin("GET /sampling/campaigns/{id}", "GET /api/v1/sampling/campaigns/{id}", CR, kRecord, func(x *tc, pre string, api bool) []variant {
		vs := get(pre+camp(x, ""), ok(200, "采样点"+x.r.key+"广场", "实验室"+x.r.key+"号"), x.notFound())
		// The county campaign seen from this village; its target count is the viewer's.
		in := ok(200, x.r.unit)
		if api {
			in = in.checked(targetCount(x.r.extra["county_campaign"], x.w.targetsSeen(x.p, x.r.extra["county_campaign"])))
		}
		return append(vs, get(pre+countyCamp(x, "?unit="+x.r.unit), in, x.notFound())...)
	})
	twin("GET /sampling/campaigns/{id}/untested", "GET /api/v1/sampling/campaigns/{id}/untested", PR, kRecord, func(x *tc, pre string, api bool) []variant {
		r := x.r
		in := ok(200, r.member.Name, maskID(r.member.IDNumber)).not(r.head.Name).not(r.fullIDs()...)
		vs := get(pre+camp(x, "/untested"), in, x.notFound())
		return append(vs, get(pre+countyCamp(x, "/untested?limit=500&unit="+r.unit), ok(200, r.head.Name, r.member.Name).not(r.fullIDs()...), x.notFound())...)
	})
	add("GET /sampling/campaigns/{id}/untested.xlsx", PE, kRecord, func(x *tc) []variant {
		r := x.r
		return get(camp(x, "/untested.xlsx"), xlsxWant([]string{r.member.Name, r.member.IDNumber}, []string{r.head.Name}), x.notFound())
	})
	twin("GET /sampling/campaigns/{id}/retests", "GET /api/v1/sampling/campaigns/{id}/retests", CR, kRecord, func(x *tc, pre string, api bool) []variant {
		r := x.r
		return get(pre+camp(x, "/retests"), ok(200, r.head.Name, maskID(r.head.IDNumber), "TUBE-"+r.key+"-1").not(r.member.Name).not(r.fullIDs()...), x.notFound())
	})
	add("GET /sampling/campaigns/{id}/scan", SW, kRecord, func(x *tc) []variant {
		return get(camp(x, "/scan"), ok(200, "采样点"+x.r.key+"广场"), x.notFound())
	})
	add("GET /sampling/campaigns/{id}/household", SW, kRecord, func(x *tc) []variant {
		r := x.r
		in := ok(200, r.hh.No, sampling.MaskName(r.member.Name), "TUBE-"+r.key+"-1").not(r.names()...)
		vs := get(camp(x, "/household?code="+r.extra["hcode"]), in, x.notFound())
		return append(vs, get(countyCamp(x, "/household?code="+r.extra["hcode"]), ok(200, r.hh.No).not(r.names()...), x.notFound())...)
	})
	add("GET /sampling/campaigns/{id}/boxes", SW, kRecord, func(x *tc) []variant {
		return get(camp(x, "/boxes"), ok(200, "BOX-"+x.r.key+"-1", "实验室"+x.r.key+"号"), x.notFound())
	})
	add("GET /sampling/campaigns/{id}/results", RU, kRecord, func(x *tc) []variant {
		return get(camp(x, "/results"), ok(200, "实验室"+x.r.key+"号"), x.notFound())
	})
	add("GET /sampling/plan", CM, kUnit, func(x *tc) []variant {
		return get("/sampling/plan?days=2&unit="+x.code, ok(200, "检测能力测算"), x.notFound())
	})
	add("GET /people/{id}/sampling-code", PR, kRecord, func(x *tc) []variant {
		return get("/people/"+x.r.headID()+"/sampling-code", ok(200, sampling.MaskName(x.r.head.Name), "<svg").not(x.r.head.Name), x.notFound())
	})
	add("GET /households/{id}/sampling-codes", PR, kRecord, func(x *tc) []variant {
		return get("/households/"+x.r.householdID()+"/sampling-codes", ok(200, x.r.hh.No, x.r.extra["hcode"]).not(x.r.names()...), x.notFound())
	})

	// --- Campaign management.
	twin("POST /sampling/campaigns", "POST /api/v1/sampling/campaigns", CM, kRecord, func(x *tc, pre string, api bool) []variant {
		return []variant{{path: pre + "/sampling/campaigns", body: m{"unit_code": x.r.unit, "name": x.w.uniq("新轮次"), "starts_on": "2026-11-23", "pool_size": 10},
			in: ok(status(api, 303, 201)), out: x.invalid(400, "不在您的辖区内")}}
	})
	twin("POST /sampling/campaigns/{id}/start", "POST /api/v1/sampling/campaigns/{id}/start", CM, kRecord, func(x *tc, pre string, api bool) []variant {
		return []variant{{path: fmt.Sprintf("%s/sampling/campaigns/%d/start", pre, x.w.draftCampaign(x.r, false)), in: ok(status(api, 303, 200)), out: x.notFound()}}
	})
	add("POST /sampling/campaigns/{id}/close", CM, kRecord, func(x *tc) []variant {
		return []variant{{path: fmt.Sprintf("/sampling/campaigns/%d/close", x.w.draftCampaign(x.r, true)), in: ok(303), out: x.notFound()}}
	})
	twin("POST /sampling/campaigns/{id}/points", "POST /api/v1/sampling/campaigns/{id}/points", CM, kRecord, func(x *tc, pre string, api bool) []variant {
		made := status(api, 303, 201)
		return []variant{
			{path: pre + camp(x, "/points"), body: m{"unit_code": x.r.unit, "name": x.w.uniq("新采样点"), "tables": 3}, in: ok(made), out: x.notFound()},
			{path: pre + countyCamp(x, "/points"), body: m{"unit_code": x.r.unit, "name": x.w.uniq("新采样点")}, in: ok(made),
				out: x.invalid(400, "不在本轮检测范围或您的辖区内")},
		}
	})
	twin("POST /sampling/campaigns/{id}/labs", "POST /api/v1/sampling/campaigns/{id}/labs", CM, kRecord, func(x *tc, pre string, api bool) []variant {
		return []variant{{path: pre + camp(x, "/labs"), body: m{"name": x.w.uniq("新实验室"), "capacity_per_hour": 500}, in: ok(status(api, 303, 201)), out: x.notFound()}}
	})

	// --- Sampling.
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
	// Walk-ins (流动人员): the village's own campaign and point, someone not
	// registered; outside, the campaign is not found and nothing is written.
	twin("POST /sampling/campaigns/{id}/walkins", "POST /api/v1/sampling/walkins", SW, kRecord, func(x *tc, pre string, api bool) []variant {
		campaign := x.r.extra["campaign"]
		body := m{"scan_id": x.w.uniq("walk-"), "campaign_id": num(campaign), "point_id": num(x.r.extra["point"]), "tube": x.w.tube(),
			"id_number": x.w.walkinID(), "name": "过路人", "phone": "13700000000"}
		path := "/api/v1/sampling/walkins"
		if !api {
			delete(body, "campaign_id")
			path = "/sampling/campaigns/" + campaign + "/walkins"
		}
		return []variant{{path: path, body: body, in: ok(status(api, 200, 201), "已登记"), out: x.notFound()}}
	})
	add("POST /sampling/campaigns/{id}/household", SW, kRecord, func(x *tc) []variant {
		form := func(point, code string) m {
			return m{"scan_id": x.w.uniq("hh-"), "point_id": point, "tube": x.w.tube(), "member": code}
		}
		return []variant{
			{path: camp(x, "/household"), body: form(x.r.extra["point"], x.w.tempCode(x.r.unit)), in: ok(303), out: x.notFound()},
			{path: countyCamp(x, "/household"), body: form(homeRec(x).extra["county_point"], x.w.tempCode(x.r.unit)), in: ok(303), out: x.invalid(400, "不在本辖区")},
		}
	})
	openTube := func(x *tc) string {
		tube := x.w.tube()
		if p := num(x.r.extra["county_point"]); p != 0 {
			if _, err := x.w.e.App.Sampling.Scan(context.Background(), seedActor, all, sampling.ScanRequest{
				ScanID: x.w.uniq("open-"), CampaignID: num(x.r.extra["county_campaign"]), PointID: p, Tube: tube}); err != nil {
				x.w.t.Fatal(err)
			}
		}
		return tube
	}
	add("POST /sampling/campaigns/{id}/tubes/close", SW, kRecord, func(x *tc) []variant {
		return []variant{{path: countyCamp(x, "/tubes/close"), body: m{"tube": openTube(x)}, in: ok(303), out: x.notFound()}}
	})
	add("POST /api/v1/sampling/campaigns/{id}/tubes/{tube}/close", SW, kRecord, func(x *tc) []variant {
		return []variant{{path: "/api/v1" + countyCamp(x, "/tubes/"+openTube(x)+"/close"), in: ok(200, "已封管"), out: x.notFound()}}
	})
	twin("POST /sampling/campaigns/{id}/boxes", "POST /api/v1/sampling/campaigns/{id}/boxes", SW, kRecord, func(x *tc, pre string, api bool) []variant {
		tube := x.w.closedTube(x.r)
		var tubes any = tube
		if api {
			tubes = []string{tube}
		}
		return []variant{{path: pre + camp(x, "/boxes"), body: m{"point_id": num(x.r.extra["point"]), "tubes": tubes}, in: ok(status(api, 303, 201)), out: x.notFound()}}
	})
	twin("POST /sampling/boxes/{id}/handover", "POST /api/v1/sampling/boxes/{id}/handover", SW, kRecord, func(x *tc, pre string, api bool) []variant {
		return []variant{{path: fmt.Sprintf("%s/sampling/boxes/%d/handover", pre, x.w.tempBox(x.r, false)), body: m{"lab_id": num(x.r.extra["lab"])},
			in: ok(status(api, 303, 200)), out: x.notFound()}}
	})
	twin("POST /sampling/boxes/{id}/receive", "POST /api/v1/sampling/boxes/{id}/receive", RU, kRecord, func(x *tc, pre string, api bool) []variant {
		return []variant{{path: fmt.Sprintf("%s/sampling/boxes/%d/receive", pre, x.w.tempBox(x.r, true)), in: ok(status(api, 303, 200)), out: x.notFound()}}
	})

	// --- Results.
	twin("POST /sampling/campaigns/{id}/results", "POST /api/v1/sampling/campaigns/{id}/results", RU, kRecord, func(x *tc, pre string, api bool) []variant {
		tube := x.w.closedTube(x.r)
		if api {
			return []variant{{path: "/api/v1" + camp(x, "/results"), body: m{"lab_id": num(x.r.extra["lab"]), "results": []m{{"tube": tube, "result": "阴性"}}},
				in: ok(200, `"applied":true`), out: x.notFound()}}
		}
		return []variant{{path: camp(x, "/results?lab_id="+x.r.extra["lab"]), file: []byte("试管条码,检测结果\n" + tube + ",阴性\n"),
			in: ok(200, "已登记 1 管"), out: x.notFound()}}
	})
	add("POST /sampling/campaigns/{id}/retests/{person}", RU, kRecord, func(x *tc) []variant {
		return []variant{{path: camp(x, fmt.Sprintf("/retests/%d", x.w.tempRetest(x.r))), body: m{"tube": x.w.tube(), "result": "阴性"},
			in: ok(303), out: x.notFound()}}
	})
	_ = http.StatusOK
}
