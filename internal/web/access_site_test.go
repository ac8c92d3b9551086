package web_test

// Access matrix of the quarantine sites (集中隔离点). Each village's township
// runs a site with rooms, staff and a stay of the village's member; VillageB
// also has a villager staying at TownshipA's site (a site receives people
// from anywhere in its county). A site is seen by those whose jurisdiction
// holds its township; a stay also by those whose jurisdiction holds the
// person: a village sees its own villagers' stays and nothing else.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/site"
)

// siteSeed is what the sites feature seeds for one village.
type siteSeed struct {
	site       site.Site
	staff      site.Staff
	stays      []seededStay // the member's stay; for B also the cross stay at A's site
	freeRoomNo string
}

type seededStay struct {
	id                   int64
	name, idNumber       string
	siteUnit, personUnit string
	siteName             string
}

var siteSeeds = map[*rec]*siteSeed{}

func townshipOf(r *rec) string { return r.unit[:9] }

func (x *tc) seesUnit(code string) bool { return x.p.user.Scope().Contains(code) }

// seesStay: a stay is seen from its site's jurisdiction, and by those who
// browse the ledger also from the person's (a site account sees its sites).
func (x *tc) seesStay(st seededStay) bool {
	return x.seesUnit(st.siteUnit) || (x.seesUnit(st.personUnit) && x.p.user.Can(auth.CapPeopleRead))
}

func init() {
	featureSeeds = append(featureSeeds, seedSites)
	fingerprintParts = append(fingerprintParts, "COUNT(*) FROM sites", "SUM(version) FROM sites", "COUNT(*) FROM site_rooms",
		"SUM(version) FROM site_rooms", "COUNT(*) FROM site_staff", "SUM(version) FROM site_staff", "COUNT(*) FROM site_stays",
		"SUM(version) FROM site_stays", "COUNT(*) FROM site_checks", "COUNT(*) FROM audit_log WHERE entity = 'site'")
	featureSpecs = append(featureSpecs, siteSpecs)
}

func seedSites(w *world) {
	ctx, all, svc := context.Background(), jurisdiction.System("test"), w.e.App.Sites
	must := func(err error) {
		if err != nil {
			w.t.Helper()
			w.t.Fatal(err)
		}
	}
	clear(siteSeeds)
	staffIDs := map[string]string{"A": "61011819850303011", "A2": "61011819850303022", "B": "61011819850303033", "F": "61012419850303044"}
	for i, r := range w.recs {
		sd := &siteSeed{}
		var err error
		sd.site, err = svc.CreateSite(ctx, seedActor, all, site.Site{UnitCode: townshipOf(r), Name: "隔离酒店" + r.key + "号楼",
			ContactName: "点长" + r.key, ContactPhone: fmt.Sprintf("1350000%04d", i)})
		must(err)
		_, _, err = svc.AddRooms(ctx, seedActor, all, sd.site.ID, site.RoomBatch{FloorFrom: 1, FloorTo: 2, RoomFrom: 1, RoomTo: 3, Bathroom: true})
		must(err)
		sd.freeRoomNo = "203"
		sd.staff, err = svc.AddStaff(ctx, seedActor, all, sd.site.ID, site.Staff{Name: "医护" + r.key + "员", Post: "医护",
			Phone: fmt.Sprintf("1360000%04d", i), IDNumber: idWithCheck(staffIDs[r.key]), LastTestOn: "2026-01-02", Doses: 3})
		must(err)
		siteSeeds[r] = sd
		r.extraLeaks = append(r.extraLeaks, sd.site.Name, sd.staff.Name, sd.staff.IDNumber, sd.staff.Phone)
	}
	stayAt := func(r *rec, at *siteSeed, p registry.Person, room string) {
		rooms, err := svc.Rooms(ctx, all, at.site.ID)
		must(err)
		var roomID int64
		for _, rm := range rooms {
			if rm.No == room {
				roomID = rm.ID
			}
		}
		st, err := svc.Transfer(ctx, seedActor, all, at.site.ID, site.TransferInput{IDNumber: p.IDNumber, Reason: "密切接触者", RoomID: roomID})
		must(err)
		siteSeeds[r].stays = append(siteSeeds[r].stays, seededStay{id: st.ID, name: p.Name, idNumber: p.IDNumber,
			siteUnit: at.site.UnitCode, personUnit: p.UnitCode, siteName: at.site.Name})
	}
	for _, r := range w.recs {
		stayAt(r, siteSeeds[r], r.member, "101")
	}
	// A VillageB villager (the head) at TownshipA's site.
	b := w.rec("B")
	stayAt(b, siteSeeds[w.rec("A")], b.head, "102")
}

// idPerson registers a person of unit with a new, valid ID number.
func (w *world) idPerson(unit string) registry.Person {
	w.n++
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, w.n)
	p, err := w.e.App.Registry.CreatePerson(context.Background(), seedActor, jurisdiction.System("test"), registry.Person{
		Name: fmt.Sprintf("有证%d", w.n), IDNumber: idWithCheck(unit[:6] + birth.Format("20060102") + "551"), UnitCode: unit})
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func idWithCheck(first17 string) string {
	sum, weights := 0, []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	for i, c := range first17 {
		sum += int(c-'0') * weights[i]
	}
	return first17 + string("10X98765432"[sum%11])
}

func siteSpecs(add adder, twin twinner) {
	const R, M = auth.CapSitesRead, auth.CapSitesManage
	st := func(api bool, page, json int) int { return status(api, page, json) }
	seedOf := func(x *tc) *siteSeed { return siteSeeds[x.r] }
	// either is the outcome when the route's visibility rule is not the
	// record's village: the same want whether the village is inside or not.
	either := func(path string, w want) []variant { return []variant{{path: path, in: w, out: w}} }
	allSites := func(x *tc) (in, out []string) {
		for _, sd := range siteSeeds {
			if x.seesUnit(sd.site.UnitCode) && (x.code == "" || strings.HasPrefix(sd.site.UnitCode, x.code)) {
				in = append(in, sd.site.Name)
			} else if !x.seesUnit(sd.site.UnitCode) {
				out = append(out, sd.site.Name)
			}
		}
		return in, out
	}

	// --- Lists and the dashboard.
	twin("GET /sites", "GET /api/v1/sites", R, kGlobal, func(x *tc, pre string, api bool) []variant {
		in, out := allSites(x)
		return get(pre+"/sites", ok(200, in...).not(out...), want{})
	})
	twin("GET /sites/occupancy", "GET /api/v1/sites/occupancy", R, kUnit, func(x *tc, pre string, api bool) []variant {
		in, out := allSites(x)
		return get(pre+"/sites/occupancy?unit="+x.code, ok(200, in...).not(out...), x.notFound())
	})
	twin("GET /site-stays", "GET /api/v1/site-stays", R, kRecord, func(x *tc, pre string, api bool) []variant {
		var vs []variant
		for _, s := range seedOf(x).stays {
			w := ok(200).not(s.name, maskID(s.idNumber))
			if x.seesStay(s) {
				w = ok(200, s.name, maskID(s.idNumber)).not(s.idNumber)
			}
			vs = append(vs, either(pre+"/site-stays?limit=500", w)...)
			vs = append(vs, either(pre+"/site-stays?q="+s.idNumber, w)...)
			// at=sites (the day's work on /sites) keeps the stays at the
			// sites in scope, whoever may browse the ledger; due= narrows
			// further, never past them (whether a seeded stay is due
			// depends on its measure's dates).
			at, due := ok(200).not(s.name, maskID(s.idNumber)), ok(200).not(s.name, maskID(s.idNumber))
			if x.seesUnit(s.siteUnit) {
				at, due = ok(200, s.name, maskID(s.idNumber)).not(s.idNumber), ok(200).not(s.idNumber)
			}
			vs = append(vs, either(pre+"/site-stays?at=sites&limit=500", at)...)
			vs = append(vs, either(pre+"/site-stays?at=sites&due=release", due)...)
			vs = append(vs, either(pre+"/site-stays?at=sites&due=test", due)...)
		}
		return vs
	})
	// The staff of every site in scope; due=1 those due for a test (the
	// seeded staff last tested on 2026-01-02, daily: overdue).
	add("GET /site-staff", R, kRecord, func(x *tc) []variant {
		sd := seedOf(x)
		w := ok(200).not(sd.staff.Name, sd.staff.IDNumber, sd.staff.Phone)
		if x.seesUnit(sd.site.UnitCode) {
			w = ok(200, sd.staff.Name, sd.site.Name, maskPhone(sd.staff.Phone)).not(sd.staff.IDNumber, sd.staff.Phone)
		}
		return append(either("/site-staff", w), either("/site-staff?due=1", w)...)
	})
	add("GET /sites/new", M, kGlobal, func(x *tc) []variant { return get("/sites/new", ok(200, "新增隔离点"), want{}) })

	// --- One site, addressed by its id: seen by its township's jurisdiction.
	siteRead := func(path func(sd *siteSeed) string, has func(sd *siteSeed, api bool) []string) func(x *tc, pre string, api bool) []variant {
		return func(x *tc, pre string, api bool) []variant {
			sd := seedOf(x)
			w := x.notFound().not(sd.site.Name)
			if x.seesUnit(sd.site.UnitCode) {
				w = ok(200, has(sd, api)...).not(sd.staff.IDNumber, sd.staff.Phone)
			}
			return either(pre+path(sd), w)
		}
	}
	twin("GET /sites/{id}", "GET /api/v1/sites/{id}", R, kRecord, siteRead(func(sd *siteSeed) string { return fmt.Sprintf("/sites/%d", sd.site.ID) },
		func(sd *siteSeed, api bool) []string {
			if api {
				return []string{sd.site.Name, `"no":"203"`}
			}
			return []string{sd.site.Name, sd.stays[0].name}
		}))
	twin("GET /sites/{id}/checklist", "GET /api/v1/sites/{id}/checklist", R, kRecord, siteRead(func(sd *siteSeed) string { return fmt.Sprintf("/sites/%d/checklist", sd.site.ID) },
		func(sd *siteSeed, api bool) []string { return []string{"医废处置"} }))
	twin("GET /sites/{id}/staff", "GET /api/v1/sites/{id}/staff", R, kRecord, siteRead(func(sd *siteSeed) string { return fmt.Sprintf("/sites/%d/staff", sd.site.ID) },
		func(sd *siteSeed, api bool) []string {
			return []string{sd.staff.Name, maskID(sd.staff.IDNumber), maskPhone(sd.staff.Phone)}
		}))
	add("GET /sites/{id}/edit", M, kRecord, func(x *tc) []variant {
		sd := seedOf(x)
		return get(fmt.Sprintf("/sites/%d/edit", sd.site.ID), ok(200, sd.site.Name), x.notFound())
	})
	add("GET /sites/{id}/transfer", M, kRecord, func(x *tc) []variant {
		sd := seedOf(x)
		return get(fmt.Sprintf("/sites/%d/transfer", sd.site.ID), ok(200, sd.site.Name, "转运登记"), x.notFound())
	})

	// --- One stay: seen by the site's or the person's jurisdiction; full ID only there.
	twin("GET /site-stays/{id}", "GET /api/v1/site-stays/{id}", R, kRecord, func(x *tc, pre string, api bool) []variant {
		var vs []variant
		for _, s := range seedOf(x).stays {
			w := x.notFound()
			if x.seesStay(s) {
				w = ok(200, s.name, s.idNumber, s.siteName)
			}
			vs = append(vs, either(fmt.Sprintf("%s/site-stays/%d", pre, s.id), w)...)
		}
		return vs
	})

	// --- Writes (only the command post and site accounts may; both sit at a
	// county or township, so the record's village decides inside/outside).
	twin("POST /sites", "POST /api/v1/sites", M, kRecord, func(x *tc, pre string, api bool) []variant {
		n := x.w.uniq("新隔离点")
		return []variant{{path: pre + "/sites", body: m{"name": n, "unit_code": townshipOf(x.r), "status": "备用"},
			in: ok(st(api, 303, 201)), out: x.invalid(400, "不在您的辖区内"), after: func() error {
				if got := x.w.count("SELECT COUNT(*) FROM sites WHERE name = $1 AND unit_code = $2", n, townshipOf(x.r)); got != 1 {
					return fmt.Errorf("site %s not created under %s", n, townshipOf(x.r))
				}
				return nil
			}}}
	})
	twin("POST /sites/{id}", "PUT /api/v1/sites/{id}", M, kRecord, func(x *tc, pre string, api bool) []variant {
		sd := seedOf(x)
		return []variant{{path: fmt.Sprintf("%s/sites/%d", pre, sd.site.ID), body: m{"name": sd.site.Name, "unit_code": sd.site.UnitCode,
			"contact_name": x.w.uniq("点长"), "status": "启用", "staff_test_every": 2, "version": x.w.version("sites", sd.site.ID)},
			in: ok(st(api, 303, 200)), out: x.notFound()}}
	})
	twin("POST /sites/{id}/rooms", "POST /api/v1/sites/{id}/rooms", M, kRecord, func(x *tc, pre string, api bool) []variant {
		sd := seedOf(x)
		return []variant{{path: fmt.Sprintf("%s/sites/%d/rooms", pre, sd.site.ID), body: m{"no": x.w.uniq("R"), "floor_from": 9},
			in: ok(st(api, 303, 201)), out: x.notFound()}}
	})
	twin("POST /site-rooms/{id}", "PUT /api/v1/site-rooms/{id}", M, kRecord, func(x *tc, pre string, api bool) []variant {
		sd := seedOf(x)
		no := x.w.uniq("T")
		svc := x.w.e.App.Sites
		if _, _, err := svc.AddRooms(context.Background(), seedActor, jurisdiction.System("test"), sd.site.ID, site.RoomBatch{No: no, FloorFrom: 9}); err != nil {
			x.w.t.Fatal(err)
		}
		id := int64(x.w.count("SELECT id FROM site_rooms WHERE site_id = $1 AND no = $2", sd.site.ID, no))
		return []variant{{path: fmt.Sprintf("%s/site-rooms/%d", pre, id), body: m{"status": "停用", "version": 1},
			in: ok(st(api, 303, 200)), out: x.notFound()}}
	})
	twin("POST /sites/{id}/checklist", "PUT /api/v1/sites/{id}/checklist", M, kRecord, func(x *tc, pre string, api bool) []variant {
		sd := seedOf(x)
		var body any = m{"result_0": "pass", "result_3": "fail", "note_3": "通道交叉"}
		if api {
			body = m{"items": []m{{"item": "生活区", "result": "pass"}, {"item": "工作人员通道", "result": "fail", "note": "通道交叉"}}}
		}
		return []variant{{path: fmt.Sprintf("%s/sites/%d/checklist", pre, sd.site.ID), body: body, in: ok(st(api, 303, 200)), out: x.notFound()}}
	})
	twin("POST /sites/{id}/staff", "POST /api/v1/sites/{id}/staff", M, kRecord, func(x *tc, pre string, api bool) []variant {
		sd := seedOf(x)
		return []variant{{path: fmt.Sprintf("%s/sites/%d/staff", pre, sd.site.ID), body: m{"name": x.w.uniq("保洁"), "post": "保洁", "doses": 2},
			in: ok(st(api, 303, 201)), out: x.notFound()}}
	})
	twin("POST /site-staff/{id}", "PUT /api/v1/site-staff/{id}", M, kRecord, func(x *tc, pre string, api bool) []variant {
		sd := seedOf(x)
		return []variant{{path: fmt.Sprintf("%s/site-staff/%d", pre, sd.staff.ID), body: m{"last_test_on": clock.Day(time.Now()), "doses": 3,
			"version": x.w.version("site_staff", sd.staff.ID)}, in: ok(st(api, 303, 200)).not(sd.staff.IDNumber), out: x.notFound()}}
	})
	// A transfer names a person registered in the record's village.
	transfer := func(x *tc) (int64, registry.Person) {
		p, err := x.w.e.App.Registry.CreatePerson(context.Background(), seedActor, jurisdiction.System("test"), registry.Person{
			Name: x.w.uniq("转运"), Sex: "男", BirthDate: "1990-01-01", UnitCode: x.r.unit})
		if err != nil {
			x.w.t.Fatal(err)
		}
		return seedOf(x).site.ID, p
	}
	twin("POST /sites/{id}/stays", "POST /api/v1/sites/{id}/stays", M, kRecord, func(x *tc, pre string, api bool) []variant {
		siteID, p := transfer(x)
		// The caller's own site: a registry id names only people the caller
		// sees (outside: 404, nothing written, so ids cannot be walked);
		// an ID number reaches the people the caller sees, and in the
		// site's county those ordered into central quarantine (none here):
		// anyone else is answered as not found.
		home := siteSeeds[x.w.rec(x.p.home)].site
		_, q := transfer(x)
		byID := ok(st(api, 303, 201))
		if !strings.HasPrefix(x.r.unit, home.UnitCode[:6]) || !x.p.user.Scope().Contains(x.r.unit) {
			byID = x.invalid(400, "没有找到可转运的该人员")
		}
		return []variant{{path: fmt.Sprintf("%s/sites/%d/stays", pre, siteID), body: m{"person_id": p.ID, "reason": "密切接触者",
			"vehicle": "陕A" + x.w.uniq("")}, in: ok(st(api, 303, 201)), out: x.notFound().not(p.Name)},
			{path: fmt.Sprintf("%s/sites/%d/stays", pre, home.ID), body: m{"person_id": q.ID, "reason": "密切接触者"},
				in: ok(st(api, 303, 201)), out: x.notFound().not(q.Name)},
			{path: fmt.Sprintf("%s/sites/%d/stays", pre, home.ID), body: m{"id_number": x.w.idPerson(x.r.unit).IDNumber, "reason": "密切接触者"},
				in: byID, out: byID},
		}
	})
	openStay := func(x *tc) (int64, int64) {
		siteID, p := transfer(x)
		svc := x.w.e.App.Sites
		stay, err := svc.Transfer(context.Background(), seedActor, jurisdiction.System("test"), siteID, site.TransferInput{PersonID: p.ID})
		if err != nil {
			x.w.t.Fatal(err)
		}
		no := x.w.uniq("C")
		if _, _, err := svc.AddRooms(context.Background(), seedActor, jurisdiction.System("test"), siteID, site.RoomBatch{No: no, FloorFrom: 8}); err != nil {
			x.w.t.Fatal(err)
		}
		return stay.ID, int64(x.w.count("SELECT id FROM site_rooms WHERE site_id = $1 AND no = $2", siteID, no))
	}
	twin("POST /site-stays/{id}/checkin", "POST /api/v1/site-stays/{id}/checkin", M, kRecord, func(x *tc, pre string, api bool) []variant {
		stayID, roomID := openStay(x)
		return []variant{{path: fmt.Sprintf("%s/site-stays/%d/checkin", pre, stayID), body: m{"room_id": roomID, "version": 1},
			in: ok(st(api, 303, 200)), out: x.notFound()}}
	})
	twin("POST /site-stays/{id}/checkout", "POST /api/v1/site-stays/{id}/checkout", M, kRecord, func(x *tc, pre string, api bool) []variant {
		stayID, _ := openStay(x)
		return []variant{{path: fmt.Sprintf("%s/site-stays/%d/checkout", pre, stayID), body: m{"outcome": "解除隔离", "version": 1},
			in: ok(st(api, 303, 200)), out: x.notFound()}}
	})
}
