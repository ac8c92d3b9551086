package web_test

// Access matrix of the policy table and control measures (防控政策, 管控措施).
// Each village's member is a close contact (day zero two days ago) with a
// health check, an open alert and a released measure of a third person; a
// village sees its own measures, checks, alerts and work list only.

import (
	"context"
	"fmt"
	"net/url"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/policy"
)

func init() {
	featureSeeds = append(featureSeeds, seedMeasures)
	lateSeeds = append(lateSeeds, settleEarlyTests)
	fingerprintParts = append(fingerprintParts, "COUNT(*) FROM measures", "SUM(version) FROM measures", "COUNT(*) FROM measure_checks",
		"COUNT(*) FROM measure_tests WHERE result <> ''", "COUNT(*) FROM measure_tests WHERE sampled_at <> 0",
		"COUNT(*) FROM measure_tests WHERE waived_at <> 0",
		"COUNT(*) FROM measure_alerts WHERE handled_at <> 0", "COUNT(*) FROM measure_alerts", "COUNT(*) FROM policy_versions")
	featureSpecs = append(featureSpecs, measureSpecs)
}

func (w *world) today() string { return clock.Day(w.e.App.Config.Now()) }

// tempMeasure puts a new person of unit under a measure and returns it.
func (w *world) tempMeasure(unit, category, dayZero string) measure.Measure {
	ctx := context.Background()
	p := w.tempPerson(unit)
	m, err := w.e.App.Measures.Assign(ctx, seedActor, jurisdiction.System("test"), measure.AssignInput{PersonID: p, Category: category, DayZero: dayZero})
	if err != nil {
		w.t.Fatal(err)
	}
	return m
}

// eligibleMeasure is a new pool-positive person whose retest came back negative.
func (w *world) eligibleMeasure(unit string) measure.Measure {
	return w.negativePool(w.tempPerson(unit), w.today())
}

func (w *world) negativePool(person int64, dayZero string) measure.Measure {
	m, err := w.e.App.Measures.Assign(context.Background(), seedActor, jurisdiction.System("test"), measure.AssignInput{PersonID: person,
		Category: "pool_positive", DayZero: dayZero})
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.e.App.Measures.RecordTestResult(context.Background(), seedActor, jurisdiction.System("test"), m.Tests[0].ID, "negative"); err != nil {
		w.t.Fatal(err)
	}
	return m
}

func (w *world) openAlert(unit string) int64 {
	m := w.tempMeasure(unit, "secondary_contact", policy.AddDays(w.today(), -1))
	if _, err := w.e.App.Measures.RecordCheck(context.Background(), seedActor, jurisdiction.System("test"), m.ID, measure.CheckInput{Temp: "38.2"}); err != nil {
		w.t.Fatal(err)
	}
	var id int64
	if err := w.d.R().QueryRow("SELECT id FROM measure_alerts WHERE measure_id = $1", m.ID).Scan(&id); err != nil {
		w.t.Fatal(err)
	}
	return id
}

func seedMeasures(w *world) {
	ctx, all, svc := context.Background(), jurisdiction.System("test"), w.e.App.Measures
	// The member is a close contact the tracing team handed over: in the
	// tracing accounts' workflow (access_lookup_test.go).
	tracer := audit.Actor{Username: "seed-tracer", Role: string(auth.RoleTracing)}
	for _, r := range w.recs {
		m, err := svc.Assign(ctx, tracer, all, measure.AssignInput{PersonID: r.member.ID, Category: "close_contact",
			DayZero: policy.AddDays(w.today(), -2), Place: "外省" + r.key + "市", RiskLevel: "高"})
		if err != nil {
			w.t.Fatal(err)
		}
		if _, err := svc.RecordCheck(ctx, seedActor, all, m.ID, measure.CheckInput{Temp: "37.6", Symptoms: []string{"干咳"}}); err != nil {
			w.t.Fatal(err)
		}
		// The head: a pool-positive retest released, then another one
		// negative and waiting for release (no extra people: the
		// foundation's specs count them).
		rel := w.negativePool(r.head.ID, policy.AddDays(w.today(), -1))
		if _, err := svc.Release(ctx, seedActor, all, rel.ID, "复核阴性"); err != nil {
			w.t.Fatal(err)
		}
		el := w.negativePool(r.head.ID, w.today())
		r.extra["measure"] = fmt.Sprint(m.ID)
		r.extra["released"] = fmt.Sprint(rel.ID)
		r.extra["eligible"] = fmt.Sprint(el.ID)
		r.extra["eligibleName"] = el.PersonName
		r.extraLeaks = append(r.extraLeaks, m.Token, "外省"+r.key+"市")
	}
}

// settleEarlyTests: the returnee seeds put each head under a risk-area
// measure (superseding the pool-positive one) whose tests fell due long
// before the assignment; a cadre waives them, so the head is releasable.
func settleEarlyTests(w *world) {
	ctx, all, svc := context.Background(), jurisdiction.System("test"), w.e.App.Measures
	for _, r := range w.recs {
		m, err := svc.Active(ctx, all, r.head.ID)
		if err != nil {
			w.t.Fatal(err)
		}
		if ok, _ := m.Eligibility(w.today()); !ok {
			if _, err := svc.Waive(ctx, seedActor, all, m.ID, nil, "列管时已过应检日"); err != nil {
				w.t.Fatal(err)
			}
		}
		if m, _ = svc.Get(ctx, all, m.ID); !m.ReleaseOnNegative {
			if ok, why := m.Eligibility(w.today()); !ok {
				w.t.Fatalf("%s's measure not releasable: %s", r.head.Name, why)
			}
		}
		r.extra["eligible"], r.extra["eligibleName"] = fmt.Sprint(m.ID), m.PersonName
	}
}

func measureSpecs(add adder, twin twinner) {
	const R, MW, MR, PM, MA = auth.CapPeopleRead, auth.CapMeasuresWrite, auth.CapMeasuresRelease, auth.CapPolicyManage, auth.CapMeasuresAssign
	nine := func(x *tc) int64 {
		v, err := x.w.e.App.Policy.ByName(context.Background(), policy.Ninth)
		if err != nil {
			x.w.t.Fatal(err)
		}
		return v.ID
	}
	outside := func(x *tc) []string { return gather(x.scoped(false), (*rec).leaks) }

	// --- The policy table: public knowledge for every user.
	twin("GET /policy", "GET /api/v1/policy/versions", "", kGlobal, func(x *tc, pre string, api bool) []variant {
		return get(map[bool]string{false: "/policy?category=close_contact&day_zero=2022-07-01", true: "/api/v1/policy/versions"}[api],
			map[bool]want{false: ok(200, "第九版", "2022-07-11"), true: ok(200, "第九版", "close_contact")}[api], want{})
	})
	twin("GET /policy/versions/{id}", "GET /api/v1/policy/versions/{id}", "", kGlobal, func(x *tc, pre string, api bool) []variant {
		return get(fmt.Sprintf("%s/policy/versions/%d", pre, nine(x)), ok(200, "密切接触者"), want{})
	})
	twin("GET /policy/diff", "GET /api/v1/policy/diff", "", kGlobal, func(x *tc, pre string, api bool) []variant {
		return get(pre+"/policy/diff?a="+url.QueryEscape(policy.Spring2021)+"&b="+url.QueryEscape(policy.Ninth), ok(200, "secondary_contact"), want{})
	})
	add("GET /policy/versions/{id}/copy", PM, kGlobal, func(x *tc) []variant {
		return get(fmt.Sprintf("/policy/versions/%d/copy", nine(x)), ok(200, "r2_p0_days"), want{})
	})
	twin("POST /policy/versions", "POST /api/v1/policy/versions", PM, kGlobal, func(x *tc, pre string, api bool) []variant {
		return []variant{{path: pre + "/policy/versions", body: m{"name": x.w.uniq("县版本"), "based_on": fmt.Sprint(nine(x)), "effective_from": "2099-01-01"},
			in: ok(status(api, 303, 201))}}
	})
	twin("GET /policy/versions/{id}/replan", "GET /api/v1/policy/versions/{id}/replan", PM, kGlobal, func(x *tc, pre string, api bool) []variant {
		return get(fmt.Sprintf("%s/policy/versions/%d/replan", pre, nine(x)), ok(200).not(outside(x)...), want{})
	})
	twin("POST /policy/versions/{id}/replan", "POST /api/v1/policy/versions/{id}/replan", PM, kGlobal, func(x *tc, pre string, api bool) []variant {
		far := x.w.rec("F").extra["measure"]
		before := x.w.count("SELECT version FROM measures WHERE id = $1", far)
		return []variant{{path: fmt.Sprintf("%s/policy/versions/%d/replan", pre, nine(x)), in: ok(status(api, 303, 200)).not(outside(x)...),
			after: func() error {
				if v := x.w.count("SELECT version FROM measures WHERE id = $1", far); v != before {
					return fmt.Errorf("a re-plan from %s touched the far county's measure", x.p.user.UnitCode)
				}
				return nil
			}}}
	})

	// --- Views per unit: inside the unit's records only, outside 404.
	members := func(r *rec) []string { return []string{r.member.Name} }
	perUnit := func(path string, f func(*rec) []string) func(x *tc, pre string, api bool) []variant {
		return func(x *tc, pre string, api bool) []variant {
			under, rest := x.split(nil)
			in := ok(200, gather(under, f)...).not(gather(rest, (*rec).leaks)...).not(gather(x.w.recs, (*rec).fullIDs)...)
			return get(pre+path+"?unit="+x.code, in, x.notFound())
		}
	}
	twin("GET /measures/list", "GET /api/v1/measures", R, kUnit, func(x *tc, pre string, api bool) []variant {
		path := map[bool]string{false: "/measures/list", true: "/measures"}[api]
		return perUnit(path, members)(x, pre, api)
	})
	twin("GET /measures/work", "GET /api/v1/measures/work", MW, kUnit, perUnit("/measures/work", members))
	twin("GET /measures/alerts", "GET /api/v1/measures/alerts", R, kUnit, perUnit("/measures/alerts", members))
	twin("GET /measures/release", "GET /api/v1/measures/release", MR, kUnit, perUnit("/measures/release", func(r *rec) []string {
		return []string{r.extra["eligibleName"]}
	}))
	twin("GET /measures", "GET /api/v1/measures/overview", R, kUnit, func(x *tc, pre string, api bool) []variant {
		under, rest := x.split(nil)
		n := len(under) * 2 // the member and the head waiting for release
		in := ok(200, map[bool]string{false: fmt.Sprintf(`id="total-active">%d<`, n), true: fmt.Sprintf(`"active":%d`, n)}[api]).not(gather(rest, (*rec).leaks)...)
		return get(map[bool]string{false: "/measures", true: "/api/v1/measures/overview"}[api]+"?unit="+x.code, in, x.notFound())
	})

	// --- One measure, addressed by its ID.
	twin("GET /measures/{id}", "GET /api/v1/measures/{id}", R, kRecord, func(x *tc, pre string, api bool) []variant {
		in := ok(200, x.r.member.Name, "外省"+x.r.key+"市")
		if !api {
			in = ok(200, x.r.member.Name, x.r.member.IDNumber, "外省"+x.r.key+"市")
		}
		return get(pre+"/measures/"+x.r.extra["measure"], in, x.notFound())
	})
	add("GET /measures/{id}/notice", MR, kRecord, func(x *tc) []variant {
		return get("/measures/"+x.r.extra["released"]+"/notice", ok(200, "解除", "告知书"), x.notFound())
	})
	add("GET /measures/{id}/waivers", MR, kRecord, func(x *tc) []variant {
		return get("/measures/"+x.r.extra["measure"]+"/waivers", ok(200, x.r.member.Name, "列管之前的检测", policy.AddDays(x.w.today(), -1)), x.notFound())
	})
	// Addressed by registry id: anyone of the jurisdiction for those who
	// browse the ledger; for the look-up roles only a person they looked up
	// or whose work it is (the member: the tracing team's close contact, at
	// the township's site), so that ids cannot be walked.
	add("GET /people/{id}/measure", MA, kRecord, func(x *tc) []variant {
		// Never looked up: only those who browse.
		fresh := x.w.idPerson(x.r.unit)
		vs := get(fmt.Sprintf("/people/%d/measure", fresh.ID), x.reachable(ok(200, fresh.Name, "密切接触者")), x.notFound())
		// Handed over by the tracing team: also its work.
		traced := x.w.idPerson(x.r.unit)
		if _, err := x.w.e.App.Measures.Assign(context.Background(), audit.Actor{Username: "seed-tracer", Role: string(auth.RoleTracing)},
			jurisdiction.System("test"), measure.AssignInput{PersonID: traced.ID, Category: "close_contact", DayZero: x.w.today()}); err != nil {
			x.w.t.Fatal(err)
		}
		tracing := x.reachable(ok(200, traced.Name))
		if x.p.user.Role == auth.RoleTracing {
			tracing = ok(200, traced.Name)
		}
		vs = append(vs, get(fmt.Sprintf("/people/%d/measure", traced.ID), tracing, x.notFound())...)
		// Looked up by the caller: everyone who may assign.
		return append(vs, get(fmt.Sprintf("/people/%d/measure", x.lookedUp()), ok(200, "列为管控对象"), x.notFound())...)
	})

	// --- Writes: inside they succeed, outside they are 404 and change nothing.
	twin("POST /people/{id}/measure", "POST /api/v1/people/{id}/measure", MA, kRecord, func(x *tc, pre string, api bool) []variant {
		body := m{"category": "secondary_contact", "day_zero": policy.AddDays(x.w.today(), -1)}
		return []variant{
			{path: fmt.Sprintf("%s/people/%d/measure", pre, x.w.tempPerson(x.r.unit)), body: body, in: x.reachable(ok(status(api, 303, 201))), out: x.notFound()},
			{path: fmt.Sprintf("%s/people/%d/measure", pre, x.lookedUp()), body: body, in: ok(status(api, 303, 201)), out: x.notFound()},
		}
	})
	twin("POST /measures/{id}/checks", "POST /api/v1/measures/{id}/checks", MW, kRecord, func(x *tc, pre string, api bool) []variant {
		return []variant{{path: pre + "/measures/" + x.r.extra["measure"] + "/checks", body: m{"temp": "36.5"},
			in: ok(status(api, 303, 201)), out: x.notFound()}}
	})
	twin("POST /measure-tests/{id}", "POST /api/v1/measure-tests/{id}", MW, kRecord, func(x *tc, pre string, api bool) []variant {
		mm := x.w.tempMeasure(x.r.unit, "secondary_contact", policy.AddDays(x.w.today(), -1))
		return []variant{{path: fmt.Sprintf("%s/measure-tests/%d", pre, mm.Tests[0].ID), body: m{"result": "negative"},
			in: ok(status(api, 303, 200)), out: x.notFound()}}
	})
	twin("POST /measure-alerts/{id}/handle", "POST /api/v1/measure-alerts/{id}/handle", MW, kRecord, func(x *tc, pre string, api bool) []variant {
		id := x.w.openAlert(x.r.unit)
		return []variant{{path: fmt.Sprintf("%s/measure-alerts/%d/handle", pre, id), body: m{"handling": "已上门复测"},
			in: ok(status(api, 303, 200)), out: x.notFound()}}
	})
	// Tests due before the assignment: waived with a reason.
	twin("POST /measures/{id}/waivers", "POST /api/v1/measures/{id}/waivers", MR, kRecord, func(x *tc, pre string, api bool) []variant {
		mm := x.w.tempMeasure(x.r.unit, "close_contact", policy.AddDays(x.w.today(), -3))
		body := m{"test_id": mm.Tests[0].ID, "reason": "列管时已过应检日"}
		if api {
			body = m{"test_ids": []int64{mm.Tests[0].ID}, "reason": "列管时已过应检日"}
		}
		return []variant{{path: fmt.Sprintf("%s/measures/%d/waivers", pre, mm.ID), body: body,
			in: ok(status(api, 303, 200)), out: x.notFound().not(mm.PersonName)}}
	})
	twin("POST /measures/{id}/release", "POST /api/v1/measures/{id}/release", MR, kRecord, func(x *tc, pre string, api bool) []variant {
		mm := x.w.eligibleMeasure(x.r.unit)
		return []variant{{path: fmt.Sprintf("%s/measures/%d/release", pre, mm.ID), body: m{"note": "解除"},
			in: ok(status(api, 303, 200)), out: x.notFound()}}
	})
}
