package web_test

// Access matrix of the sentinels (哨点). Each village has a village clinic
// with a fever report, a registered drug buyer of the village and a
// sentinel account of its own; the matrix's sentinel account (TownshipA)
// is bound to VillageA's clinic. A sentinel account sees its own clinic's
// reports only (it does not browse: 403 on the lists); the lists, the
// day's returns and the reports are seen from the sentinel's jurisdiction;
// a village verifies its own buyers only.

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sentinel"
)

// sentinelSeed is what the sentinels feature seeds for one village.
type sentinelSeed struct {
	clinic   sentinel.Sentinel
	report   sentinel.Report
	buyer    sentinel.Buyer
	account  string // a sentinel account of the village, for binding
	reportID string
}

var sentinelSeeds = map[*rec]*sentinelSeed{}

func init() {
	featureSeeds = append(featureSeeds, seedSentinels)
	fingerprintParts = append(fingerprintParts, "COUNT(*) FROM sentinels", "COUNT(*) FROM sentinel_reports", "SUM(version) FROM sentinel_reports",
		"COUNT(*) FROM sentinel_returns", "SUM(revisions) FROM sentinel_returns", "COUNT(*) FROM sentinel_buyers", "SUM(version) FROM sentinel_buyers",
		"COUNT(*) FROM sentinel_users", "COUNT(*) FROM sentinel_checks", "COUNT(*) FROM sentinel_clocks", "COUNT(*) FROM audit_log WHERE entity = 'sentinel'")
	featureSpecs = append(featureSpecs, sentinelSpecs)
}

func seedSentinels(w *world) {
	ctx, all, svc := context.Background(), jurisdiction.System("test"), w.e.App.Sentinels
	must := func(err error) {
		if err != nil {
			w.t.Helper()
			w.t.Fatal(err)
		}
	}
	clear(sentinelSeeds)
	for i, r := range w.recs {
		sd := &sentinelSeed{}
		var err error
		sd.clinic, err = svc.CreateSentinel(ctx, seedActor, all, sentinel.Sentinel{UnitCode: r.unit, Name: "哨点卫生室" + r.key + "号", Kind: sentinel.KindVillageClinic,
			ContactName: "村医" + r.key, ContactPhone: fmt.Sprintf("1330000%04d", i)})
		must(err)
		sd.report, err = svc.ReportFever(ctx, seedActor, all, sd.clinic, sentinel.ReportInput{Name: "发热病人" + r.key + "号",
			IDNumber: idWithCheck(r.unit[:6] + "19900101" + fmt.Sprintf("%03d", 700+i)), Phone: fmt.Sprintf("1770000%04d", i),
			Temp: "38.5", Action: sentinel.ActionRefer})
		must(err)
		sd.reportID = fmt.Sprint(sd.report.ID)
		sd.buyer, err = svc.RegisterBuyer(ctx, seedActor, all, sd.clinic, sentinel.BuyerInput{Name: "购药人" + r.key + "号",
			Phone: fmt.Sprintf("1760000%04d", i), DrugClass: "退烧", VillageCode: r.unit})
		must(err)
		sd.account = "s_" + strings.ToLower(r.key)
		w.e.AddUser(w.t, sd.account, auth.RoleSentinel, r.unit)
		sentinelSeeds[r] = sd
		r.extraLeaks = append(r.extraLeaks, sd.clinic.Name, sd.report.Name, sd.report.IDNumber, maskID(sd.report.IDNumber), sd.report.Phone,
			sd.buyer.Name, sd.buyer.Phone)
	}
	// The matrix's sentinel account reports for VillageA's clinic.
	p := w.principal("sentinel")
	must(svc.Bind(ctx, seedActor, all, sentinelSeeds[w.rec("A")].clinic.ID, sentinel.Account{ID: p.user.ID, Username: p.user.Username,
		Role: string(p.user.Role), UnitCode: p.user.UnitCode}))
	_, err := svc.SubmitReturn(ctx, seedActor, all, sentinelSeeds[w.rec("A")].clinic, "", 1, "") // its one report above
	must(err)
}

func sentinelSpecs(add adder, twin twinner) {
	const REP, R, RCV, M, V = auth.CapSentinelReport, auth.CapSentinelRead, auth.CapSentinelReceive, auth.CapSentinelManage, auth.CapSentinelVerify
	seedOf := func(x *tc) *sentinelSeed { return sentinelSeeds[x.r] }
	either := func(path string, w want) []variant { return []variant{{path: path, in: w, out: w}} }
	// others are the strings of every village but A (the bound clinic's).
	others := func(x *tc) []string {
		var out []string
		for r, sd := range sentinelSeeds {
			if r.key != "A" {
				out = append(out, sd.clinic.Name, sd.report.Name, sd.buyer.Name)
			}
		}
		return out
	}
	mineA := func(x *tc) *sentinelSeed { return sentinelSeeds[x.w.rec("A")] }

	// --- A sentinel account's own work (kGlobal: its bound clinic).
	add("GET /sentinel", REP, kGlobal, func(x *tc) []variant {
		a := mineA(x)
		return get("/sentinel", ok(200, a.clinic.Name, a.report.Name, maskID(a.report.IDNumber), "零报告").not(a.report.IDNumber).not(others(x)...), want{})
	})
	add("GET /sentinel/report", REP, kGlobal, func(x *tc) []variant {
		return get("/sentinel/report", ok(200, "报告发热病人", mineA(x).clinic.Name).not(others(x)...), want{})
	})
	add("POST /sentinel/reports", REP, kGlobal, func(x *tc) []variant {
		n := x.w.uniq("新发热")
		return []variant{
			{path: "/sentinel/reports", form: formOf(m{"name": n, "phone": "13712345678", "temp": "38.1", "action": sentinel.ActionRefer}), in: ok(303),
				after: func() error {
					if x.w.count("SELECT COUNT(*) FROM sentinel_reports WHERE name = $1 AND sentinel_id = $2", n, mineA(x).clinic.ID) != 1 {
						return fmt.Errorf("report %s not at VillageA's clinic", n)
					}
					return nil
				}},
			// The typed values come back with the message beside the field.
			{path: "/sentinel/reports", form: formOf(m{"name": n, "phone": "13712345678", "temp": "NaN", "action": sentinel.ActionRefer}),
				in: ok(400, n, `id="err-temp"`)},
		}
	})
	add("POST /sentinel/returns", REP, kGlobal, func(x *tc) []variant {
		// 9: at least the reports the matrix files at this clinic today.
		return []variant{{path: "/sentinel/returns", form: formOf(m{"fevers": "9"}), in: ok(303), after: func() error {
			if x.w.count("SELECT COUNT(*) FROM sentinel_returns WHERE sentinel_id = $1", mineA(x).clinic.ID) != 1 {
				return fmt.Errorf("a resubmitted return counted twice")
			}
			return nil
		}}}
	})
	add("GET /sentinel/buyers", REP, kGlobal, func(x *tc) []variant {
		a := mineA(x)
		return get("/sentinel/buyers", ok(200, "登记购药人员", a.buyer.Name, maskPhone(a.buyer.Phone)).not(a.buyer.Phone).not(others(x)...), want{})
	})
	add("POST /sentinel/buyers", REP, kGlobal, func(x *tc) []variant {
		n := x.w.uniq("购药")
		return []variant{
			{path: "/sentinel/buyers", form: formOf(m{"name": n, "phone": "13612345678", "drug_class": "止咳", "village_code": x.w.rec("A").unit}), in: ok(303)},
			{path: "/sentinel/buyers", form: formOf(m{"name": n, "phone": "13612345678", "drug_class": "止咳", "village_code": x.w.rec("B").unit}),
				in: ok(400, n, "辖区内").not(x.w.rec("B").unit)},
		}
	})
	add("POST /sentinel/buyers/import", REP, kGlobal, func(x *tc) []variant {
		n := x.w.uniq("导入购药")
		return []variant{{path: "/sentinel/buyers/import", file: []byte("姓名,手机号,药品类别,药品名称\n" + n + ",13512345678,抗病毒,奥司他韦\n"),
			in: ok(200, "新增 1")}}
	})
	add("POST /sentinel/referrals/{id}/arrived", REP, kGlobal, func(x *tc) []variant {
		// VillageA's clinic is no fever clinic: nothing was referred to it.
		return []variant{{path: fmt.Sprintf("/sentinel/referrals/%d/arrived", mineA(x).report.ID), in: want{status: 404}}}
	})

	add("POST /sentinel/checks", REP, kGlobal, func(x *tc) []variant {
		// 晨午检 are a school's or care home's: a village clinic is refused.
		return []variant{{path: "/sentinel/checks", form: formOf(m{"grp": "一班", "present": "30"}), in: ok(409, "晨午检由学校和养老机构填报")}}
	})

	// --- The jurisdiction's sentinels and the day's returns.
	add("GET /sentinels", R, kUnit, func(x *tc) []variant {
		var in, out []string
		for r, sd := range sentinelSeeds {
			if x.seesUnit(r.unit) && strings.HasPrefix(r.unit, x.code) {
				in = append(in, sd.clinic.Name)
			} else if !x.seesUnit(r.unit) {
				out = append(out, sd.clinic.Name)
			}
		}
		return get("/sentinels?unit="+x.code, ok(200, in...).not(out...), x.notFound())
	})
	add("GET /sentinels/new", M, kGlobal, func(x *tc) []variant { return get("/sentinels/new", ok(200, "新增哨点"), want{}) })
	add("POST /sentinels", M, kRecord, func(x *tc) []variant {
		n := x.w.uniq("新药店")
		return []variant{{path: "/sentinels", form: formOf(m{"name": n, "unit_code": x.r.unit, "kind": sentinel.KindPharmacy}),
			in: ok(303), out: x.invalid(400, "不在您的辖区内")}}
	})
	add("POST /sentinels/{id}/accounts", M, kRecord, func(x *tc) []variant {
		sd := seedOf(x)
		return []variant{{path: fmt.Sprintf("/sentinels/%d/accounts", sd.clinic.ID), form: formOf(m{"username": sd.account}), in: ok(303),
			out: x.notFound(), after: func() error {
				if x.w.count("SELECT COUNT(*) FROM sentinel_users WHERE sentinel_id = $1", sd.clinic.ID) < 1 {
					return fmt.Errorf("%s not bound", sd.account)
				}
				return nil
			}}}
	})

	// --- Fever reports: seen from the clinic's jurisdiction; full values on the report's page only.
	twin("GET /sentinel-reports", "GET /api/v1/sentinel-reports", R, kRecord, func(x *tc, pre string, api bool) []variant {
		sd := seedOf(x)
		w := ok(200).not(sd.report.Name, sd.report.IDNumber)
		if x.inside {
			w = ok(200, sd.report.Name, maskID(sd.report.IDNumber)).not(sd.report.IDNumber, sd.report.Phone)
		}
		return either(pre+"/sentinel-reports", w)
	})
	twin("GET /sentinel-reports/{id}", "GET /api/v1/sentinel-reports/{id}", R, kRecord, func(x *tc, pre string, api bool) []variant {
		sd := seedOf(x)
		return get(pre+"/sentinel-reports/"+sd.reportID, ok(200, sd.report.Name, sd.report.IDNumber, sd.clinic.Name), x.notFound())
	})
	add("POST /sentinel-reports/{id}/advance", RCV, kRecord, func(x *tc) []variant {
		sd := seedOf(x)
		fresh, err := x.w.e.App.Sentinels.ReportFever(context.Background(), seedActor, jurisdiction.System("test"), sd.clinic,
			sentinel.ReportInput{Name: "待接收" + x.r.key, Phone: "13412345678", Temp: "38", Action: sentinel.ActionSample})
		if err != nil {
			x.w.t.Fatal(err)
		}
		return []variant{{path: fmt.Sprintf("/sentinel-reports/%d/advance", fresh.ID), form: formOf(m{"to": sentinel.StatusAcked}),
			in: ok(303), out: x.notFound()}}
	})

	// --- The clocks (policy data): seen by every reader, a new version by the policy keepers.
	add("GET /sentinel-clocks", R, kGlobal, func(x *tc) []variant { return get("/sentinel-clocks", ok(200, "哨点时限", "16:00"), want{}) })
	add("POST /sentinel-clocks", auth.CapPolicyManage, kGlobal, func(x *tc) []variant {
		x.w.n++
		day := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, x.w.n).Format("2006-01-02") // a new version each time
		return []variant{
			{path: "/sentinel-clocks", form: formOf(m{"effective_from": day, "ack_hours": "3", "return_cutoff": "17:00", "buyer_test_hours": "48"}), in: ok(303)},
			{path: "/sentinel-clocks", form: formOf(m{"effective_from": "2032-01-01", "ack_hours": "3", "return_cutoff": "25:00", "buyer_test_hours": "48"}),
				in: ok(400, `id="err-return_cutoff"`, "25:00")},
		}
	})

	// --- Drug buyers: a village verifies its own.
	add("GET /sentinel-buyers", R, kRecord, func(x *tc) []variant {
		sd := seedOf(x)
		w := ok(200).not(sd.buyer.Name)
		if x.inside {
			w = ok(200, sd.buyer.Name, maskPhone(sd.buyer.Phone)).not(sd.buyer.Phone)
		}
		return either("/sentinel-buyers", w)
	})
	add("POST /sentinel-buyers/{id}/answer", V, kRecord, func(x *tc) []variant {
		sd := seedOf(x)
		return []variant{{path: fmt.Sprintf("/sentinel-buyers/%d/answer", sd.buyer.ID), form: formOf(m{"answer": "已检测"}),
			in: ok(303), out: x.notFound()}}
	})
}

// formOf is a page form.
func formOf(v m) url.Values {
	f := url.Values{}
	for k, x := range v {
		f.Set(k, fmt.Sprint(x))
	}
	return f
}
