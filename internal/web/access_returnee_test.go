package web_test

// Access matrix extension for returnees: risk areas, the returnee ledger,
// sweeps and self-reports. Each village gets one arrival (of its head), one
// sweep over the village with the household visited, and one pending
// self-report; the county gets one sweep over all of it. The public
// self-report pages (/r/{token}, no login) are outside the route tables and
// are checked by TestSelfReportPublic below.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
)

func init() {
	featureSeeds = append(featureSeeds, seedReturnees)
	featureSpecs = append(featureSpecs, returneeSpecs)
	fingerprintParts = append(fingerprintParts, "COUNT(*) FROM risk_areas", "SUM(version) FROM risk_areas",
		"COUNT(*) FROM returnees", "SUM(version) FROM returnees", "COUNT(*) FROM sweeps", "SUM(version) FROM sweeps",
		"COUNT(*) FROM sweep_visits", "SUM(version) FROM sweep_visits", "COUNT(*) FROM self_reports",
		"SUM(version) FROM self_reports", "SUM(version) FROM report_posters")
}

const seededArrival = "2021-12-25"

func seedReturnees(w *world) {
	ctx, all := context.Background(), jurisdiction.System("test")
	app := w.e.App
	must := func(err error) {
		w.t.Helper()
		if err != nil {
			w.t.Fatal(err)
		}
	}
	_, err := app.RiskAreas.Add(ctx, seedActor, riskarea.Entry{Code: "610113", PlaceName: "雁塔区", Level: "中", EffectiveFrom: "2021-12-20"})
	must(err)
	cs, err := app.Returnees.OpenSweep(ctx, seedActor, all, returnee.Sweep{Name: "全县排查", UnitCode: dbtest.County, StartsOn: "2021-12-20"})
	must(err)
	w.rec("A").extra["county_sweep"] = fmt.Sprint(cs.ID)
	for i, r := range w.recs {
		a, _, err := app.Returnees.Record(ctx, seedActor, all, returnee.Arrival{PersonID: r.head.ID, OriginCode: "610113",
			DepartedOn: "2021-12-24", ArrivedOn: seededArrival, Transport: "火车", TransportNo: "G" + r.key, Source: returnee.SourcePush})
		must(err)
		r.extra["returnee"] = fmt.Sprint(a.ID)
		// The member came back from a place whose name fits two places
		// (朝阳区, 北京 and 长春): pending, in the village's queue.
		pa, _, err := app.Returnees.Record(ctx, seedActor, all, returnee.Arrival{PersonID: r.member.ID, OriginText: "朝阳区",
			DepartedOn: "2021-12-24", ArrivedOn: seededArrival, Source: returnee.SourceSweep})
		must(err)
		r.extra["pending_place"] = fmt.Sprint(pa.ID)
		sw, err := app.Returnees.OpenSweep(ctx, seedActor, all, returnee.Sweep{Name: "排查轮次" + r.key + "号", UnitCode: r.unit, StartsOn: "2021-12-20"})
		must(err)
		r.extra["sweep"], r.extra["sweep_name"] = fmt.Sprint(sw.ID), sw.Name
		_, err = app.Returnees.MarkVisit(ctx, seedActor, all, returnee.Visit{SweepID: sw.ID, HouseholdID: r.hh.ID, Present: "户主"})
		must(err)
		p, err := app.Returnees.Poster(ctx, all, r.unit)
		must(err)
		r.extra["token"] = p.Token
		name, id := "自报人"+r.key+"甲", testID(100+i)
		sr, err := app.Returnees.SubmitSelfReport(ctx, p.Token, returnee.SelfReport{Name: name, IDNumber: id, Address: "自报住址" + r.key + "号",
			OriginCode: "610113", ArrivedOn: seededArrival, IP: "192.0.2." + strconv.Itoa(i+1)})
		must(err)
		r.extra["selfreport"], r.extra["sr_name"], r.extra["sr_id"] = fmt.Sprint(sr), name, id
		r.extraLeaks = append(r.extraLeaks, name, id, maskID(id), sw.Name, "自报住址"+r.key+"号")
	}
}

// pendingReport files a fresh self-report in the record's village.
func pendingReport(x *tc) int64 {
	ctx := context.Background()
	p, err := x.w.e.App.Returnees.Poster(ctx, jurisdiction.System("test"), x.r.unit)
	if err != nil {
		x.w.t.Fatal(err)
	}
	x.w.n++
	id, err := x.w.e.App.Returnees.SubmitSelfReport(ctx, p.Token, returnee.SelfReport{Name: x.w.uniq("待确认"), Address: "某住址",
		IDNumber: testID(1000 + x.w.n), OriginCode: "610113", ArrivedOn: seededArrival,
		IP: fmt.Sprintf("10.%d.%d.1", x.w.n/250, x.w.n%250)})
	if err != nil {
		x.w.t.Fatal(err)
	}
	return id
}

func returneeSpecs(add adder, twin twinner) {
	const R, W, RA, SM = auth.CapPeopleRead, auth.CapPeopleWrite, auth.CapRiskAreas, auth.CapSweepManage
	const notYours = "不在您的辖区内"
	returneeHeads := func(r *rec) []string { return []string{r.head.Name} }

	// --- Risk areas: one national list, read by everyone, kept by the centre.
	add("GET /riskareas", "", kGlobal, func(x *tc) []variant {
		return get("/riskareas?all=1&lookup=610113&day=2021-12-25", ok(200, "雁塔区", "<b>中风险</b>"), want{})
	})
	add("GET /api/v1/riskareas", "", kGlobal, func(x *tc) []variant {
		return get("/api/v1/riskareas", ok(200, `"code":"610113"`), want{})
	})
	add("GET /api/v1/riskareas/level", "", kGlobal, func(x *tc) []variant {
		return get("/api/v1/riskareas/level?code=610113001&date=2021-12-25", ok(200, `"level":"中风险"`), want{})
	})
	twin("POST /riskareas", "POST /api/v1/riskareas", RA, kGlobal, func(x *tc, pre string, api bool) []variant {
		return []variant{{path: pre + "/riskareas", body: m{"code": "610112", "level": "低", "effective_from": "2021-12-23"},
			in: ok(status(api, 303, 201))}}
	})
	twin("POST /riskareas/{id}/close", "POST /api/v1/riskareas/{id}/close", RA, kGlobal, func(x *tc, pre string, api bool) []variant {
		e, err := x.w.e.App.RiskAreas.Add(context.Background(), seedActor, riskarea.Entry{Code: "610116", Level: "高", EffectiveFrom: "2021-12-27"})
		if err != nil {
			x.w.t.Fatal(err)
		}
		return []variant{{path: fmt.Sprintf("%s/riskareas/%d/close", pre, e.ID), body: m{"effective_to": "2022-01-15"}, in: ok(status(api, 303, 200))}}
	})
	add("GET /riskareas/template", RA, kGlobal, func(x *tc) []variant {
		return get("/riskareas/template", xlsxWant([]string{"区划代码", "风险等级", "生效日期", "610113"}, nil), want{})
	})
	twin("POST /riskareas/import", "POST /api/v1/riskareas/import", RA, kGlobal, func(x *tc, pre string, api bool) []variant {
		in := map[bool]want{false: ok(200, "已导入 1 条"), true: ok(200, `"applied":true`)}[api]
		// A place of its own each time: an entry already listed is not added twice.
		return []variant{{path: pre + "/riskareas/import", file: []byte("区划代码,具体地点,风险等级,生效日期\n610104," + x.w.uniq("小区") + ",中,2021-12-28\n"), in: in}}
	})

	// --- The ledger: lists per unit and per record, one record, counts.
	twin("GET /returnees", "GET /api/v1/returnees", R, kUnit, func(x *tc, pre string, api bool) []variant {
		under, rest := x.split(nil)
		in := ok(200, gather(under, returneeHeads)...).not(gather(rest, returneeHeads)...).not(gather(x.w.recs, (*rec).fullIDs)...)
		return get(pre+"/returnees?limit=500&unit="+x.code, in, x.notFound())
	})
	// rank_eq: exactly one origin level (the heads came from a medium-risk
	// place; the members' place is pending, of no level).
	twin("GET /returnees", "GET /api/v1/returnees", R, kUnit, func(x *tc, pre string, api bool) []variant {
		under, rest := x.split(nil)
		members := func(r *rec) []string { return []string{r.member.Name} }
		in := ok(200, gather(under, returneeHeads)...).not(gather(rest, returneeHeads)...).not(gather(x.w.recs, members)...).
			not(gather(x.w.recs, (*rec).fullIDs)...)
		return get(pre+"/returnees?limit=500&rank_eq=2&unit="+x.code, in, x.notFound())
	})
	twin("GET /returnees", "GET /api/v1/returnees", R, kRecord, func(x *tc, pre string, api bool) []variant {
		r := x.r
		none := map[bool]string{false: "没有返乡记录", true: `"returnees":[]`}[api]
		vs := get(pre+"/returnees?limit=500", ok(200, r.head.Name, maskID(r.head.IDNumber)).not(r.fullIDs()...), ok(200).not(r.leaks()...))
		for _, q := range []string{"q=" + r.head.IDNumber, "q=" + r.head.Phone, "q=" + url.QueryEscape(r.head.Name)} {
			vs = append(vs, get(pre+"/returnees?"+q, ok(200, r.head.Name).not(r.fullIDs()...), ok(200, none).not(r.leaks()...))...)
		}
		return vs
	})
	add("GET /returnees/stats", R, kUnit, func(x *tc) []variant {
		under, _ := x.split(nil)
		return get("/returnees/stats?unit="+x.code, ok(200, fmt.Sprintf(`id="rt-total">%d<`, 2*len(under)),
			fmt.Sprintf(`id="rt-medium">%d<`, len(under)), fmt.Sprintf(`id="rt-place-pending">%d<`, len(under))), x.notFound().not(`id="rt-total"`))
	})
	add("GET /units/{code}", "", kUnit, func(x *tc) []variant { // the unit page's returnee and self-report counts
		under, _ := x.split(nil)
		in := ok(200, fmt.Sprintf(`id="fig-returnee.total">%d<`, 2*len(under)), fmt.Sprintf(`id="fig-returnee.selfreports">%d<`, len(under)),
			fmt.Sprintf(`id="fig-returnee.place_pending">%d<`, len(under)))
		if !x.p.user.Can(R) { // the summary cards are for those who browse the ledger
			in = ok(200).not(`id="fig-returnee.total"`)
		}
		return get("/units/"+x.code, in, x.notFound().not(`id="fig-returnee.total"`))
	})
	// 今日待办 of a unit: its own counts (the places to pick and the
	// self-reports to confirm of the villages under it), 404 outside.
	add("GET /today", auth.CapMeasuresWrite, kUnit, func(x *tc) []variant {
		under, _ := x.split(nil)
		in := ok(200, "今日待办", fmt.Sprintf(`id="n-todo.returnee.places">%d<`, len(under)),
			fmt.Sprintf(`id="n-todo.returnee.selfreports">%d<`, len(under)))
		return get("/today?unit="+x.code, in, x.notFound().not(`id="n-todo`))
	})
	add("GET /api/v1/today", auth.CapMeasuresWrite, kUnit, func(x *tc) []variant {
		under, _ := x.split(nil)
		in := ok(200, `"unit":"`+x.code+`"`).checked(func(body string) error {
			var out struct {
				Items []struct {
					Key   string
					Count int
				}
			}
			if err := json.Unmarshal([]byte(body), &out); err != nil {
				return err
			}
			for _, it := range out.Items {
				if (it.Key == "todo.returnee.places" || it.Key == "todo.returnee.selfreports") && it.Count != len(under) {
					return fmt.Errorf("%s: %d, want %d", it.Key, it.Count, len(under))
				}
			}
			if len(out.Items) < 8 {
				return fmt.Errorf("%d items, want 8", len(out.Items))
			}
			return nil
		})
		return get("/api/v1/today?unit="+x.code, in, x.notFound().not(`"items"`))
	})
	add("GET /api/v1/returnees/stats", R, kUnit, func(x *tc) []variant {
		under, _ := x.split(nil)
		in := want{status: 200, check: func(body string) error {
			var out struct {
				Counts struct {
					Total, Medium int
					PlacePending  int `json:"place_pending"`
				}
				Children []struct{ Code string }
			}
			if err := json.Unmarshal([]byte(body), &out); err != nil {
				return err
			}
			if out.Counts.Total != 2*len(under) || out.Counts.Medium != len(under) || out.Counts.PlacePending != len(under) {
				return fmt.Errorf("counts %+v, want %d", out.Counts, len(under))
			}
			for _, c := range out.Children {
				if !x.p.user.Scope().Contains(c.Code) {
					return fmt.Errorf("child %s outside", c.Code)
				}
			}
			return nil
		}}
		return get("/api/v1/returnees/stats?unit="+x.code, in, x.notFound())
	})
	// The export carries full ID numbers: only what the unit holds.
	headIDs := func(r *rec) []string { return []string{r.head.Name, r.head.IDNumber} }
	twin("GET /returnees/export", "GET /api/v1/returnees/export", auth.CapPeopleExport, kGlobal, func(x *tc, pre string, api bool) []variant {
		return get(pre+"/returnees/export", xlsxWant(gather(x.scoped(true), headIDs), gather(x.scoped(false), (*rec).leaks)), want{})
	})
	twin("GET /returnees/export", "GET /api/v1/returnees/export", auth.CapPeopleExport, kUnit, func(x *tc, pre string, api bool) []variant {
		under, rest := x.split(nil)
		return get(pre+"/returnees/export?unit="+x.code, xlsxWant(gather(under, headIDs), gather(rest, (*rec).leaks)), x.notFound())
	})
	twin("GET /returnees/{id}", "GET /api/v1/returnees/{id}", R, kRecord, func(x *tc, pre string, api bool) []variant {
		return get(pre+"/returnees/"+x.r.extra["returnee"], ok(200, x.r.head.Name, x.r.head.IDNumber, "G"+x.r.key), x.notFound())
	})
	add("GET /returnees/new", W, kRecord, func(x *tc) []variant {
		return get("/returnees/new?household="+x.r.householdID(), ok(200, x.r.hh.No), x.notFound())
	})
	twin("POST /returnees", "POST /api/v1/returnees", W, kRecord, func(x *tc, pre string, api bool) []variant {
		n := x.w.uniq("返乡新登记")
		dup := ok(409, registry.ElsewhereMessage).not(append(x.r.leaks(), x.r.unit, "人员编号")...)
		return []variant{
			{path: pre + "/returnees", body: m{"name": n, "sex": "男", "birth_date": "1990-01-01", "village_code": x.r.unit, "origin_code": "610113",
				"arrived_on": "2021-12-26", "source": "敲门排查"}, in: ok(status(api, 303, 201)), out: x.invalid(400, notYours),
				after: returneeLanded(x, "SELECT unit_code FROM returnees WHERE name = $1", n)},
			// The head again, a day later: merged into the seeded arrival.
			{path: pre + "/returnees", body: m{"id_number": x.r.head.IDNumber, "name": x.r.head.Name, "origin_code": "610113",
				"arrived_on": "2021-12-26", "source": "卡口移交"}, in: ok(status(api, 303, 200)), out: dup},
		}
	})
	// --- Origins whose place is pending (地点待核实): each village's queue is its own.
	members := func(r *rec) []string { return []string{r.member.Name} }
	add("GET /returnees/places", R, kUnit, func(x *tc) []variant {
		under, rest := x.split(nil)
		in := ok(200, gather(under, members)...).not(gather(rest, members)...).not(gather(x.w.recs, (*rec).fullIDs)...)
		if len(under) > 0 && apptest.Places() != nil { // the candidates, from the national files
			in.has = append(in.has, "朝阳区", "110105", "220104")
		}
		return get("/returnees/places?unit="+x.code, in, x.notFound())
	})
	add("GET /returnees/places", R, kRecord, func(x *tc) []variant {
		r := x.r
		return get("/returnees/places", ok(200, r.member.Name, maskID(r.member.IDNumber)).not(r.fullIDs()...), ok(200).not(r.leaks()...))
	})
	twin("POST /returnees/{id}/origin", "POST /api/v1/returnees/{id}/origin", W, kRecord, func(x *tc, pre string, api bool) []variant {
		id, _ := strconv.ParseInt(x.r.extra["pending_place"], 10, 64)
		return []variant{{path: pre + "/returnees/" + x.r.extra["pending_place"] + "/origin", in: ok(status(api, 303, 200)), out: x.notFound(),
			body: m{"origin_code": "220104", "version": x.w.version("returnees", id)}}}
	})
	add("GET /api/v1/places", "", kGlobal, func(x *tc) []variant {
		return get("/api/v1/places?q=610113", ok(200, `"code":"610113"`), want{})
	})
	add("GET /returnees/{id}/edit", W, kRecord, func(x *tc) []variant {
		return get("/returnees/"+x.r.extra["returnee"]+"/edit", ok(200, x.r.head.Name, maskID(x.r.head.IDNumber)).not(x.r.head.IDNumber), x.notFound())
	})
	twin("POST /returnees/{id}", "PUT /api/v1/returnees/{id}", W, kRecord, func(x *tc, pre string, api bool) []variant {
		id, _ := strconv.ParseInt(x.r.extra["returnee"], 10, 64)
		return []variant{{path: pre + "/returnees/" + x.r.extra["returnee"], in: ok(status(api, 303, 200)), out: x.notFound(),
			body: m{"origin_code": "610113", "departed_on": "2021-12-24", "arrived_on": seededArrival, "transport": "火车",
				"transport_no": "G" + x.r.key, "note": x.w.uniq("更正"), "version": x.w.version("returnees", id)}}}
	})
	twin("POST /returnees/{id}/status", "POST /api/v1/returnees/{id}/status", W, kRecord, func(x *tc, pre string, api bool) []variant {
		return []variant{{path: pre + "/returnees/" + x.r.extra["returnee"] + "/status", body: m{"status": "已核实", "note": x.w.uniq("核实")},
			in: ok(status(api, 303, 200)), out: x.notFound()}}
	})

	// --- Sweeps: a village's own sweep is invisible outside it; the
	// county's sweep is visible to all of the county, but only the caller's
	// households can be marked.
	sweepNames := func(r *rec) []string { return []string{r.extra["sweep_name"]} }
	twin("GET /sweeps", "GET /api/v1/sweeps", R, kGlobal, func(x *tc, pre string, api bool) []variant {
		return get(pre+"/sweeps", ok(200, gather(x.scoped(true), sweepNames)...).not(gather(x.scoped(false), sweepNames)...), want{})
	})
	twin("GET /sweeps/{id}", "GET /api/v1/sweeps/{id}", R, kRecord, func(x *tc, pre string, api bool) []variant {
		in := ok(200, x.r.extra["sweep_name"])
		if !api {
			in = ok(200, x.r.extra["sweep_name"], x.r.hh.No)
		}
		return get(pre+"/sweeps/"+x.r.extra["sweep"], in, x.notFound())
	})
	twin("POST /sweeps", "POST /api/v1/sweeps", SM, kRecord, func(x *tc, pre string, api bool) []variant {
		return []variant{{path: pre + "/sweeps", body: m{"name": x.w.uniq("新排查"), "unit_code": x.r.unit}, in: ok(status(api, 303, 201)),
			out: x.invalid(400, notYours)}}
	})
	twin("POST /sweeps/{id}/visits", "POST /api/v1/sweeps/{id}/visits", W, kRecord, func(x *tc, pre string, api bool) []variant {
		done := ok(status(api, 303, 200))
		return []variant{
			{path: pre + "/sweeps/" + x.r.extra["sweep"] + "/visits", body: m{"household_id": x.r.hh.ID, "present": x.w.uniq("在家")}, in: done, out: x.notFound()},
			{path: pre + "/sweeps/" + x.w.rec("A").extra["county_sweep"] + "/visits", body: m{"household_id": x.r.hh.ID, "present": "户主"},
				in: done, out: x.invalid(400, "户不存在")},
		}
	})
	add("POST /sweeps/{id}/close", SM, kRecord, func(x *tc) []variant {
		sw, err := x.w.e.App.Returnees.OpenSweep(context.Background(), seedActor, jurisdiction.System("test"), returnee.Sweep{Name: x.w.uniq("待结束"), UnitCode: x.r.unit})
		if err != nil {
			x.w.t.Fatal(err)
		}
		return []variant{{path: fmt.Sprintf("/sweeps/%d/close", sw.ID), in: ok(303), out: x.notFound()}}
	})

	// --- Self-reports: each village's queue is its own.
	twin("GET /selfreports", "GET /api/v1/selfreports", R, kRecord, func(x *tc, pre string, api bool) []variant {
		r := x.r
		return get(pre+"/selfreports", ok(200, r.extra["sr_name"], maskID(r.extra["sr_id"])).not(r.extra["sr_id"]), ok(200).not(r.leaks()...))
	})
	twin("POST /selfreports/{id}/confirm", "POST /api/v1/selfreports/{id}/confirm", W, kRecord, func(x *tc, pre string, api bool) []variant {
		done := ok(status(api, 303, 200))
		return []variant{{path: fmt.Sprintf("%s/selfreports/%d/confirm", pre, pendingReport(x)), in: done, out: x.notFound()},
			// Into the record's household, named by its 户编号.
			{path: fmt.Sprintf("%s/selfreports/%d/confirm", pre, pendingReport(x)), body: m{"household_no": x.r.hh.No}, in: done, out: x.notFound()}}
	})
	add("POST /selfreports/{id}/reject", W, kRecord, func(x *tc) []variant {
		return []variant{{path: fmt.Sprintf("/selfreports/%d/reject", pendingReport(x)), in: ok(303), out: x.notFound()}}
	})
	add("GET /units/{code}/poster", W, kUnit, func(x *tc) []variant {
		in := ok(404)
		if jurisdiction.LevelOfCode(x.code) == jurisdiction.LevelVillage {
			in = ok(200, "扫码报备", "<svg")
		}
		return get("/units/"+x.code+"/poster", in, x.notFound().not("<svg"))
	})
	add("POST /units/{code}/poster/rotate", W, kRecord, func(x *tc) []variant {
		return []variant{{path: "/units/" + x.r.unit + "/poster/rotate", in: ok(303), out: x.notFound()}}
	})
}

// testID is a valid ID number, distinct for each n, born after 1990.
func testID(n int) string {
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n) // room for the matrix's many cases
	return dbtest.ID(fmt.Sprintf("610118%s%03d", birth.Format("20060102"), n%1000))
}

func returneeLanded(x *tc, query, key string) func() error {
	return func() error {
		var got string
		x.w.d.R().QueryRow(query, key).Scan(&got)
		if got != x.r.unit {
			return fmt.Errorf("%q is in %q, want %s", key, got, x.r.unit)
		}
		return nil
	}
}

// TestSelfReportPublic: the public self-report page needs no login, is
// reached only through a village's poster token, lands in that village's
// queue alone, echoes nothing of anyone else, and is rate- and size-limited.
func TestSelfReportPublic(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := seedWorld(t, d)
		a, b := w.rec("A"), w.rec("B")
		anyLeaks := gather(w.recs, (*rec).leaks)
		send := func(method, path, ip string, form url.Values) (int, string, http.Header) {
			var body *strings.Reader
			if form != nil {
				body = strings.NewReader(form.Encode())
			} else {
				body = strings.NewReader("")
			}
			req, _ := http.NewRequest(method, w.e.Server.URL+path, body)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", ip)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var sb strings.Builder
			buf := make([]byte, 32<<10)
			for {
				n, err := resp.Body.Read(buf)
				sb.Write(buf[:n])
				if err != nil {
					break
				}
			}
			return resp.StatusCode, sb.String(), resp.Header
		}
		check := func(what string, status int, body string, want int, has ...string) {
			t.Helper()
			if status != want {
				t.Errorf("%s: status %d, want %d: %.300s", what, status, want, body)
			}
			for _, h := range has {
				if !strings.Contains(body, h) {
					t.Errorf("%s: missing %q", what, h)
				}
			}
			for _, l := range anyLeaks {
				if strings.Contains(body, l) {
					t.Errorf("%s: leaks %q", what, l)
				}
			}
		}
		st, body, _ := send("GET", "/r/"+a.extra["token"], "198.51.100.1", nil)
		check("form", st, body, 200, "西街社区居委会", "自主报备")
		st, body, _ = send("GET", "/r/not-a-token-at-all-00000", "198.51.100.1", nil)
		check("unknown token", st, body, 404, "二维码无效")
		if strings.Contains(body, `href="/"`) { // / sends a villager to the login
			t.Error("the public error page links to /")
		}
		st, body, _ = send("GET", "/r/"+a.extra["token"]+"x", "198.51.100.1", nil)
		check("altered token", st, body, 404)

		report := func(token, ip, name string, n int) (int, string, http.Header) {
			return send("POST", "/r/"+token, ip, url.Values{"name": {name}, "id_number": {testID(5000 + n)},
				"address": {"西街11号"}, "origin_detail": {"西安市雁塔区"}, "origin_code": {"610113"}, "arrived_on": {seededArrival}})
		}
		before := w.count("SELECT COUNT(*) FROM self_reports WHERE village_code = $1", a.unit)
		// Someone else's ID number (village A's head): accepted into the
		// queue, but nothing of the registry comes back.
		st, body, _ = send("POST", "/r/"+a.extra["token"], "198.51.100.2", url.Values{"name": {"冒名者"}, "id_number": {a.head.IDNumber},
			"address": {"西街11号"}, "origin_code": {"610113"}, "arrived_on": {seededArrival}})
		if st != 200 || !strings.Contains(body, "报备已提交") || strings.Contains(body, a.head.Name) || strings.Contains(body, a.head.Phone) {
			t.Errorf("report with a registered ID number: %d %.300s", st, body)
		}
		for i := 0; i < returnee.SelfReportsPerIP; i++ {
			st, body, _ = report(a.extra["token"], "198.51.100.3", fmt.Sprintf("扫码人%d", i), i)
			check(fmt.Sprintf("report %d", i), st, body, 200, "报备已提交")
		}
		st, body, hdr := report(a.extra["token"], "198.51.100.3", "扫码人多", 9)
		check("over the rate limit", st, body, 429, "提交过于频繁")
		if hdr.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		if got := w.count("SELECT COUNT(*) FROM self_reports WHERE village_code = $1", a.unit); got != before+1+returnee.SelfReportsPerIP {
			t.Errorf("village A queue grew by %d", got-before)
		}
		// A 20,000-character paste reaches validation: the form again with
		// the message, not a bare 413; a body past the route's bound is 413.
		st, body, _ = send("POST", "/r/"+a.extra["token"], "198.51.100.4", url.Values{"name": {strings.Repeat("长", 20000)}})
		if st != http.StatusBadRequest || !strings.Contains(body, "姓名") {
			t.Errorf("20,000-character name: status %d", st)
		}
		st, _, _ = send("POST", "/r/"+a.extra["token"], "198.51.100.4", url.Values{"name": {strings.Repeat("长", 200000)}})
		if st != http.StatusRequestEntityTooLarge {
			t.Errorf("600 KB body: status %d", st)
		}
		st, body, _ = send("POST", "/r/"+a.extra["token"], "198.51.100.5", url.Values{"name": {"缺证号"}, "address": {"x"}, "arrived_on": {seededArrival}, "origin_code": {"610113"}})
		check("no ID number", st, body, 400, "身份证号")

		// A report to village B's poster is in B's queue only: village A's
		// worker never sees it and cannot confirm it.
		st, _, _ = report(b.extra["token"], "198.51.100.6", "余下扫码人", 50)
		if st != 200 {
			t.Fatalf("report to B: %d", st)
		}
		var bid int64
		if err := d.R().QueryRow("SELECT id FROM self_reports WHERE name = $1", "余下扫码人").Scan(&bid); err != nil {
			t.Fatal(err)
		}
		va := w.principal("village")
		for _, path := range []string{"/selfreports", "/selfreports?status=待确认", "/api/v1/selfreports"} {
			c := va.sess
			if strings.HasPrefix(path, "/api/") {
				c = va.token
			}
			if st, body := c.Get(path); st != 200 || strings.Contains(body, "余下扫码人") || strings.Contains(body, b.extra["sr_name"]) {
				t.Errorf("village A %s: %d, shows B's report: %v", path, st, strings.Contains(body, "余下扫码人"))
			}
		}
		if st, _ := va.sess.Post(fmt.Sprintf("/selfreports/%d/confirm", bid), nil); st != 404 {
			t.Errorf("village A confirming B's report: %d", st)
		}
		cmd := w.principal("command")
		if st, body := cmd.sess.Get("/selfreports"); st != 200 || !strings.Contains(body, "余下扫码人") {
			t.Errorf("county queue misses B's report: %d", st)
		}
	})
}
