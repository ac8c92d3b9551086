package web_test

// Access matrix of the checkpoints (卡口). Each village has a checkpoint
// with one check of a person (放行) whose hand-over awaits the village's
// receipt, and one outgoing 协查 (a destination outside the county). The
// register, the check log and the outgoing list are seen from the
// checkpoint's jurisdiction; a hand-over from the destination village's.
// The checkpoint account of TownshipA logs at its own checkpoints only.

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/checkpoint"
	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
)

func init() {
	featureSeeds = append(featureSeeds, seedCheckpoints)
	fingerprintParts = append(fingerprintParts, "COUNT(*) FROM checkpoints", "SUM(version) FROM checkpoints",
		"COUNT(*) FROM checkpoint_statuses", "COUNT(*) FROM checkpoint_checks", "COUNT(*) FROM checkpoint_shift_members",
		"COUNT(*) FROM checkpoint_handovers", "SUM(received_at) FROM checkpoint_handovers", "COUNT(*) FROM checkpoint_rule_versions", "COUNT(*) FROM checkpoint_incidents")
	featureSpecs = append(featureSpecs, checkpointSpecs)
}

// cpSeed is what the checkpoints feature seeds for one village.
type cpSeed struct {
	cp              checkpoint.Checkpoint
	check           checkpoint.Check // 放行, with a hand-over row awaiting receipt
	name, id, phone string
	outName, outID  string // the outgoing 协查
	incident        string // an incident's description
}

var cpSeeds = map[*rec]*cpSeed{}

func seedCheckpoints(w *world) {
	ctx, all, svc := context.Background(), jurisdiction.System("test"), w.e.App.Checkpoints
	must := func(err error) {
		if err != nil {
			w.t.Helper()
			w.t.Fatal(err)
		}
	}
	clear(cpSeeds)
	for i, r := range w.recs {
		sd := &cpSeed{name: "查验人" + r.key + "号", id: testID(1900 + i), phone: fmt.Sprintf("1370900%04d", i),
			outName: "外发人" + r.key + "号", outID: testID(1950 + i)}
		var err error
		sd.cp, err = svc.CreateCheckpoint(ctx, seedActor, all, checkpoint.Checkpoint{UnitCode: r.unit, Name: "卡口" + r.key + "号",
			Kind: "村口主路", StaffPerShift: 2})
		must(err)
		res, err := svc.Log(ctx, seedActor, all, checkpoint.VehicleIn{CheckpointID: sd.cp.ID, ClientID: "seed-" + r.key, Plate: "陕A0000" + fmt.Sprint(i),
			People: []checkpoint.PersonIn{{Name: sd.name, IDNumber: sd.id, Phone: sd.phone, HealthCode: "green"},
				{Name: sd.outName, IDNumber: sd.outID, To: "郑州金水", HealthCode: "green", Override: checkpoint.HandOver, OverrideReason: "外地协查"}}})
		must(err)
		sd.check = res.Checks[0]
		// A hand-over awaiting the village's receipt, without an arrival
		// (the ledger's seeded counts stay as they are).
		_, err = w.d.W().Exec(`INSERT INTO checkpoint_handovers (check_id, checkpoint_id, from_unit, village_code, status, due_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6)`, sd.check.ID, sd.cp.ID, sd.cp.UnitCode, r.unit, checkpoint.AwaitReceipt, time.Now().UnixMilli())
		must(err)
		sd.incident = "冲卡人员" + r.key + "号辱骂值守人员"
		_, err = svc.ReportIncident(ctx, seedActor, all, checkpoint.Incident{CheckpointID: sd.cp.ID, Kind: "强行冲卡", Description: sd.incident,
			PoliceCase: "JQ2022" + r.key})
		must(err)
		cpSeeds[r] = sd
		r.extraLeaks = append(r.extraLeaks, sd.incident, sd.cp.Name, sd.name, sd.id, maskID(sd.id), sd.phone, sd.outName, sd.outID, maskID(sd.outID))
	}
}

func checkpointSpecs(add adder, twin twinner) {
	const R, M, L, Rcv = auth.CapCheckpointsRead, auth.CapCheckpointsManage, auth.CapCheckpointLog, auth.CapHandoversReceive
	seedOf := func(x *tc) *cpSeed { return cpSeeds[x.r] }
	either := func(path string, w want) []variant { return []variant{{path: path, in: w, out: w}} }
	ctx, all := context.Background(), jurisdiction.System("test")
	underCode := func(x *tc) (in, out []string) {
		for r, sd := range cpSeeds {
			if x.seesUnit(r.unit) && len(r.unit) >= len(x.code) && r.unit[:len(x.code)] == x.code {
				in = append(in, sd.cp.Name)
			} else {
				out = append(out, sd.cp.Name)
			}
		}
		return in, out
	}

	// --- The check log page: the checkpoint's own checkpoints only.
	add("GET /checks", L, kGlobal, func(x *tc) []variant {
		var out []string
		for r, sd := range cpSeeds {
			if !x.seesUnit(r.unit) {
				out = append(out, sd.cp.Name)
			}
		}
		return get("/checks", ok(200, "查验登记", "提交查验").not(out...), want{})
	})
	twin("POST /checks", "POST /api/v1/checks", L, kRecord, func(x *tc, pre string, api bool) []variant {
		x.w.n++
		cid := fmt.Sprintf("m%d", x.w.n)
		body := m{"checkpoint_id": seedOf(x).cp.ID, "client_id": cid, "plate": "陕A9", "people": []m{{"name": "过客", "health_code": "green"}}}
		if !api {
			body = m{"checkpoint_id": seedOf(x).cp.ID, "client_id": cid, "plate": "陕A9", "people.0.name": "过客", "people.0.health_code": "green"}
		}
		return []variant{{path: pre + "/checks", body: body, in: ok(status(api, 303, 201)), out: x.notFound()}}
	})
	twin("GET /checks/log", "GET /api/v1/checks", R, kRecord, func(x *tc, pre string, api bool) []variant {
		sd := seedOf(x)
		w := ok(200).not(sd.name, maskID(sd.id))
		if x.seesUnit(x.r.unit) {
			w = ok(200, sd.name, maskID(sd.id)).not(sd.id, sd.phone)
		}
		path := pre + "/checks/log?page=1"
		if api {
			path = pre + "/checks?limit=500"
		}
		return either(path, w)
	})
	add("GET /checks/{id}", R, kRecord, func(x *tc) []variant {
		sd := seedOf(x)
		return get(fmt.Sprintf("/checks/%d", sd.check.ID), ok(200, sd.name, sd.id), x.notFound())
	})

	// --- The register.
	twin("GET /checkpoints", "GET /api/v1/checkpoints", R, kUnit, func(x *tc, pre string, api bool) []variant {
		in, out := underCode(x)
		return get(pre+"/checkpoints?unit="+x.code, ok(200, in...).not(out...), x.notFound())
	})
	add("GET /checkpoints/figures", R, kUnit, func(x *tc) []variant {
		in, out := underCode(x)
		return get("/checkpoints/figures?unit="+x.code, ok(200, in...).not(out...), x.notFound())
	})
	add("GET /checkpoints/new", M, kGlobal, func(x *tc) []variant { return get("/checkpoints/new", ok(200, "登记卡口"), want{}) })
	add("GET /checkpoint-rules", R, kGlobal, func(x *tc) []variant {
		return get("/checkpoint-rules", ok(200, "2021 双逢查验", "移交属地"), want{})
	})
	add("POST /checkpoint-rules", auth.CapPolicyManage, kGlobal, func(x *tc) []variant {
		x.w.n++
		return []variant{{path: "/checkpoint-rules", body: m{"based_on": 1, "name": fmt.Sprintf("矩阵版本%d", x.w.n),
			"effective_from": "2030-01-01", "outcome.yellow": checkpoint.TurnBack}, in: ok(303)}}
	})
	add("GET /checkpoints/{id}", R, kRecord, func(x *tc) []variant {
		sd := seedOf(x)
		return get(fmt.Sprintf("/checkpoints/%d", sd.cp.ID), ok(200, sd.cp.Name, "夜班"), x.notFound())
	})
	add("GET /checkpoints/{id}/edit", M, kRecord, func(x *tc) []variant {
		sd := seedOf(x)
		return get(fmt.Sprintf("/checkpoints/%d/edit", sd.cp.ID), ok(200, sd.cp.Name), x.notFound())
	})
	add("POST /checkpoints", M, kRecord, func(x *tc) []variant {
		x.w.n++
		return []variant{{path: "/checkpoints", body: m{"unit_code": x.r.unit, "name": fmt.Sprintf("新卡口%d", x.w.n), "kind": "村口小路",
			"staff_per_shift": 2}, in: ok(303), out: x.invalid(400, "不在您的辖区内")}}
	})
	add("POST /checkpoints/{id}", M, kRecord, func(x *tc) []variant {
		cp, err := x.w.e.App.Checkpoints.Checkpoint(ctx, all, seedOf(x).cp.ID)
		if err != nil {
			x.w.t.Fatal(err)
		}
		return []variant{{path: fmt.Sprintf("/checkpoints/%d", cp.ID), body: m{"name": cp.Name, "kind": cp.Kind, "staff_per_shift": 3,
			"version": cp.Version}, in: ok(303), out: x.notFound()}}
	})
	add("POST /checkpoints/{id}/status", M, kRecord, func(x *tc) []variant {
		return []variant{{path: fmt.Sprintf("/checkpoints/%d/status", seedOf(x).cp.ID), body: m{"status": "值守", "note": "复核"},
			in: ok(303), out: x.notFound()}}
	})
	add("POST /checkpoints/{id}/roster", M, kRecord, func(x *tc) []variant {
		return []variant{{path: fmt.Sprintf("/checkpoints/%d/roster", seedOf(x).cp.ID), body: m{"day": clock.Day(time.Now()), "slot": 1,
			"name": "民兵丙", "category": "民兵"}, in: ok(303), out: x.notFound()}}
	})
	add("POST /checkpoint-members/{id}/delete", M, kRecord, func(x *tc) []variant {
		if err := x.w.e.App.Checkpoints.AddMember(ctx, seedActor, all, seedOf(x).cp.ID, clock.Day(time.Now()), 0,
			checkpoint.Member{Name: "志愿者丁", Category: "志愿者"}); err != nil {
			x.w.t.Fatal(err)
		}
		var id int64
		if err := x.w.d.R().QueryRow("SELECT MAX(id) FROM checkpoint_shift_members").Scan(&id); err != nil {
			x.w.t.Fatal(err)
		}
		return []variant{{path: fmt.Sprintf("/checkpoint-members/%d/delete", id), in: ok(303), out: x.notFound()}}
	})

	// --- Incidents: seen from the checkpoint's jurisdiction; reported by its account.
	add("GET /incidents", R, kRecord, func(x *tc) []variant {
		sd := seedOf(x)
		w := ok(200).not(sd.incident)
		if x.seesUnit(x.r.unit) {
			w = ok(200, sd.incident, "JQ2022"+x.r.key)
		}
		return either("/incidents", w)
	})
	add("POST /incidents", L, kRecord, func(x *tc) []variant {
		return []variant{{path: "/incidents", body: m{"checkpoint_id": seedOf(x).cp.ID, "kind": "辱骂工作人员", "description": "司机辱骂值守人员"},
			in: ok(303), out: x.notFound()}}
	})

	// --- Hand-overs: the destination village's; the outgoing 协查 the checkpoint's.
	twin("GET /handovers", "GET /api/v1/handovers", Rcv, kRecord, func(x *tc, pre string, api bool) []variant {
		sd := seedOf(x)
		w := ok(200).not(sd.name, maskID(sd.id))
		if x.seesUnit(x.r.unit) {
			w = ok(200, sd.name, maskID(sd.id)).not(sd.id, sd.phone)
		}
		return either(pre+"/handovers?limit=500", w)
	})
	add("GET /handovers/outgoing", R, kRecord, func(x *tc) []variant {
		sd := seedOf(x)
		w := ok(200).not(sd.outName, maskID(sd.outID))
		if x.seesUnit(x.r.unit) {
			w = ok(200, sd.outName, maskID(sd.outID), "郑州").not(sd.outID)
		}
		return either("/handovers/outgoing", w)
	})
	twin("POST /handovers/{id}/receive", "POST /api/v1/handovers/{id}/receive", Rcv, kRecord, func(x *tc, pre string, api bool) []variant {
		x.w.n++
		res, err := x.w.e.App.Checkpoints.Log(ctx, seedActor, all, checkpoint.VehicleIn{CheckpointID: seedOf(x).cp.ID,
			ClientID: fmt.Sprintf("h%d", x.w.n), Plate: "陕A7", People: []checkpoint.PersonIn{{Name: fmt.Sprintf("带星%d", x.w.n),
				IDNumber: testID(5000 + x.w.n), To: x.r.unit, HealthCode: "green", Star: true}}})
		if err != nil || res.Checks[0].HandoverID == 0 {
			x.w.t.Fatalf("hand-over for the matrix: %+v, %v", res, err)
		}
		return []variant{{path: fmt.Sprintf("%s/handovers/%d/receive", pre, res.Checks[0].HandoverID), body: m{"note": "已签接收承诺书"},
			in: ok(status(api, 303, 200)), out: x.notFound()}}
	})
}
