package web_test

// Access matrix of cases and contact tracing (病例与流调). Each village has a
// place, a case (its member), the member's scans and one co-present person
// not in the registry, who is the case's contact. A case is seen from the
// jurisdiction holding the case's person, a contact from the jurisdiction
// holding the contact's unit (a person not in the registry belongs to the
// case's unit): a village user never sees a case, trajectory, place or
// contact outside its village.

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/tracing"
)

type tracingSeed struct {
	place   tracing.Place
	kase    tracing.Case
	contact string // the co-present person's name (not in the registry)
	contID  string // and ID number
}

var tracingSeeds = map[*rec]*tracingSeed{}

func init() {
	featureSeeds = append(featureSeeds, seedTracing)
	fingerprintParts = append(fingerprintParts, "COUNT(*) FROM tracing_cases", "SUM(version) FROM tracing_cases",
		"COUNT(*) FROM tracing_contacts", "SUM(version) FROM tracing_contacts", "COUNT(*) FROM tracing_places",
		"COUNT(*) FROM tracing_scans", "COUNT(*) FROM tracing_trajectory", "COUNT(*) FROM tracing_clusters",
		"COUNT(*) FROM tracing_case_classes", "COUNT(*) FROM audit_log WHERE entity LIKE 'tracing_%' AND action <> 'view'")
	featureSpecs = append(featureSpecs, tracingSpecs)
}

func seedTracing(w *world) {
	ctx, svc := context.Background(), w.e.App.Tracing
	must := func(err error) {
		if err != nil {
			w.t.Helper()
			w.t.Fatal(err)
		}
	}
	clear(tracingSeeds)
	now := time.Now()
	t0 := now.Add(-48 * time.Hour).UnixMilli()
	for i, r := range w.recs {
		sd := &tracingSeed{contact: "同场" + r.key + "丙", contID: idWithCheck(fmt.Sprintf("61012419880808%03d", 100+i))}
		var err error
		sd.place, err = svc.CreatePlace(ctx, seedActor, all, tracing.Place{Name: "集市" + r.key + "摊位", UnitCode: r.unit, Kind: "农贸市场"})
		must(err)
		for _, s := range []struct {
			pid       any
			name, idn string
			at        int64
		}{{r.member.ID, r.member.Name, r.member.IDNumber, t0}, {nil, sd.contact, sd.contID, t0 + 5*60000}} {
			_, err := w.d.W().Exec(`INSERT INTO tracing_scans (place_id, scanned_at, person_id, name, id_number, phone, source)
				VALUES ($1, $2, $3, $4, $5, '', 'seed')`, sd.place.ID, s.at, s.pid, s.name, s.idn)
			must(err)
		}
		sd.kase, err = svc.CreateCase(ctx, seedActor, all, tracing.CaseInput{PersonID: r.member.ID, Classification: "确诊", FoundVia: "哨点",
			FoundAt: now.Add(-time.Hour).UnixMilli(), OnsetDate: clock.Day(now.Add(-24 * time.Hour))})
		must(err)
		_, err = svc.Refresh(ctx, seedActor, all, sd.kase.ID)
		must(err)
		tracingSeeds[r] = sd
		r.extraLeaks = append(r.extraLeaks, sd.contact, sd.contID, sd.place.Name)
	}
}

// tempContact adds a registered person of the record's village as a
// contact of its case, judged close when judged is set.
func (w *world) tempContact(r *rec, judged bool) int64 {
	pid := w.tempPerson(r.unit)
	cat, status := "", tracing.StatusPending
	if judged {
		cat, status = tracing.CatClose, tracing.StatusJudged
	}
	var id int64
	last := time.Now().Add(-24 * time.Hour).UnixMilli()
	if err := w.d.W().QueryRow(`INSERT INTO tracing_contacts (case_id, person_key, person_id, name, unit_code, sources, evidence,
		last_exposure, category, status, created_at, updated_at) VALUES ($1, $2, $3, '临时接触', $4, 'manual', '[]', $5, $6, $7, 0, 0) RETURNING id`,
		tracingSeeds[r].kase.ID, fmt.Sprintf("p:%d", pid), pid, r.unit, last, cat, status).Scan(&id); err != nil {
		w.t.Fatal(err)
	}
	return id
}

func tracingSpecs(add adder, twin twinner) {
	const R, W = auth.CapTracingRead, auth.CapTracingWrite
	sd := func(x *tc) *tracingSeed { return tracingSeeds[x.r] }
	casePath := func(x *tc, sub string) string { return fmt.Sprintf("/tracing/cases/%d%s", sd(x).kase.ID, sub) }
	mask := func(s string) string { return string([]rune(s)[0]) + "*" }

	// --- Reads.
	twin("GET /tracing/cases", "GET /api/v1/tracing/cases", R, kRecord, func(x *tc, pre string, api bool) []variant {
		// day= (当日新增病例): the day the seeded case was found.
		day := clock.Day(time.UnixMilli(sd(x).kase.FoundAt))
		return append(get(pre+"/tracing/cases", ok(200, x.r.member.Name, maskID(x.r.member.IDNumber)).not(x.r.member.IDNumber),
			ok(200).not(x.r.leaks()...)),
			get(pre+"/tracing/cases?day="+day, ok(200, x.r.member.Name, maskID(x.r.member.IDNumber)).not(x.r.member.IDNumber),
				ok(200).not(x.r.leaks()...))...)
	})
	twin("GET /tracing/cases/{id}", "GET /api/v1/tracing/cases/{id}", R, kRecord, func(x *tc, pre string, api bool) []variant {
		return get(pre+casePath(x, ""), ok(200, x.r.member.Name, sd(x).contact, maskID(sd(x).contID)).not(sd(x).contID), x.notFound())
	})
	add("GET /tracing/cases/{id}/trajectory", R, kRecord, func(x *tc) []variant {
		return get(casePath(x, "/trajectory"), ok(200, "活动轨迹", x.r.member.Name), x.notFound())
	})
	add("GET /tracing/contacts", R, kRecord, func(x *tc) []variant {
		return get("/tracing/contacts", ok(200, sd(x).contact).not(sd(x).contID), ok(200).not(x.r.leaks()...))
	})
	add("GET /tracing/places", R, kRecord, func(x *tc) []variant {
		return get("/tracing/places", ok(200, sd(x).place.Name), ok(200).not(x.r.leaks()...))
	})
	add("GET /tracing/places/{id}/poster", R, kRecord, func(x *tc) []variant {
		return get(fmt.Sprintf("/tracing/places/%d/poster", sd(x).place.ID), ok(200, sd(x).place.Name, "/s/"+sd(x).place.Token), x.notFound())
	})
	add("GET /tracing/chain", R, kRecord, func(x *tc) []variant {
		node := fmt.Sprintf("#%d %s", sd(x).kase.ID, mask(x.r.member.Name))
		return get("/tracing/chain", ok(200, node).not(x.r.member.Name), ok(200).not(node).not(x.r.leaks()...))
	})
	add("GET /tracing/indicators", R, kGlobal, func(x *tc) []variant { return get("/tracing/indicators", ok(200, "流调指标"), want{}) })
	add("GET /tracing/cases/new", W, kGlobal, func(x *tc) []variant { return get("/tracing/cases/new", ok(200, "登记病例"), want{}) })
	add("GET /tracing/scans/import", W, kGlobal, func(x *tc) []variant {
		return get("/tracing/scans/import", ok(200, "导入扫码记录"), want{})
	})
	add("GET /tracing/xiecha", W, kRecord, func(x *tc) []variant {
		return get("/tracing/xiecha", xlsxWant(nil, []string{sd(x).contID}), xlsxWant(nil, []string{sd(x).contact, sd(x).contID}))
	})

	// --- Writes: inside they succeed; outside the case (or unit) is not
	// found and nothing changes.
	post := func(path string, body m, x *tc) []variant {
		return []variant{{path: path, body: body, in: ok(303), out: x.notFound()}}
	}
	add("POST /tracing/cases", W, kRecord, func(x *tc) []variant {
		x.w.n++
		birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, x.w.n).Format("20060102")
		id := idWithCheck("610118" + birth + "773")
		return []variant{{path: "/tracing/cases", body: m{"id_number": id, "name": x.w.uniq("新病例"), "unit_code": x.r.unit,
			"classification": "确诊", "found_via": "筛查"}, in: ok(303), out: x.invalid(400, "不在您的辖区内")}}
	})
	add("POST /tracing/cases/{id}/clocks", W, kRecord, func(x *tc) []variant {
		return post(casePath(x, "/clocks"), m{"clock": "trajectory"}, x)
	})
	add("POST /tracing/cases/{id}/reclassify", W, kRecord, func(x *tc) []variant {
		return post(casePath(x, "/reclassify"), m{"classification": "确诊", "note": x.w.uniq("订正")}, x)
	})
	add("POST /tracing/cases/{id}/cluster", W, kRecord, func(x *tc) []variant {
		return post(casePath(x, "/cluster"), m{"cluster_id": "0"}, x)
	})
	add("POST /tracing/cases/{id}/candidates", W, kRecord, func(x *tc) []variant {
		return post(casePath(x, "/candidates"), nil, x)
	})
	add("POST /tracing/cases/{id}/contacts", W, kRecord, func(x *tc) []variant {
		return post(casePath(x, "/contacts"), m{"name": x.w.uniq("同餐"), "kind": "同餐", "at": time.Now().Add(-time.Hour).In(clock.Shanghai).Format("2006-01-02T15:04")}, x)
	})
	add("POST /tracing/cases/{id}/judge", W, kRecord, func(x *tc) []variant {
		return post(casePath(x, "/judge"), m{"contact": x.w.tempContact(x.r, false), "category": "close"}, x)
	})
	add("POST /tracing/cases/{id}/handoff", W, kRecord, func(x *tc) []variant {
		return post(casePath(x, "/handoff"), m{"contact": x.w.tempContact(x.r, true), "site_id": "0"}, x)
	})
	add("POST /tracing/cases/{id}/trajectory", W, kRecord, func(x *tc) []variant {
		return post(casePath(x, "/trajectory"), m{"place": x.w.uniq("超市"), "starts_at": "2026-01-02T08:00"}, x)
	})
	add("POST /tracing/contacts/{id}/convert", W, kRecord, func(x *tc) []variant {
		return post(fmt.Sprintf("/tracing/contacts/%d/convert", x.w.tempContact(x.r, true)), nil, x)
	})
	add("POST /tracing/retests/convert", W, kRecord, func(x *tc) []variant {
		pid := x.w.tempRetest(x.r)
		c := num(x.r.extra["campaign"])
		if err := x.w.e.App.Sampling.RecordRetest(context.Background(), seedActor, all, c, pid, x.w.tube(), "阳性"); err != nil {
			x.w.t.Fatal(err)
		}
		return post("/tracing/retests/convert", m{"campaign_id": c, "person_id": pid}, x)
	})
	add("POST /tracing/clusters", W, kRecord, func(x *tc) []variant {
		return []variant{{path: "/tracing/clusters", body: m{"name": x.w.uniq("聚集"), "unit_code": x.r.unit}, in: ok(303),
			out: x.invalid(400, "不在您的辖区内")}}
	})
	add("POST /tracing/places", W, kRecord, func(x *tc) []variant {
		return []variant{{path: "/tracing/places", body: m{"name": x.w.uniq("卫生室"), "unit_code": x.r.unit, "kind": "村卫生室"}, in: ok(303),
			out: x.invalid(400, "不在您的辖区内")}}
	})
	add("POST /tracing/scans/import", W, kRecord, func(x *tc) []variant {
		csv := "姓名,身份证号,手机号,场所码,扫码时间\n" + x.w.uniq("赶集") + ",," + fmt.Sprintf("138%08d", x.w.n) + "," + sd(x).place.Code + ",2026年1月2日9时30分\n"
		return []variant{{path: "/tracing/scans/import", file: []byte(csv), in: ok(200, "导入 1 行"), out: ok(422, "导入 0 行").not(x.r.leaks()...)}}
	})
}
