package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"fangkong/internal/auth"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/pushlist"
)

// Push lists: each village's county imports a list naming the village's head
// (a task in the village) and a person nobody registered whose address names
// only the township (a task in the township's queue). Queue tasks are seen
// by the township and above, never by the village.

func init() {
	featureSeeds = append(featureSeeds, seedPushLists)
	fingerprintParts = append(fingerprintParts, "COUNT(*) FROM push_lists", "COUNT(*) FROM push_tasks", "SUM(version) FROM push_tasks",
		"COUNT(*) FROM push_mappings")
	featureSpecs = append(featureSpecs, pushSpecs)
}

var townshipNames = map[string]string{"610118001": "甘亭街道", "610118100": "余下镇", farTownship: "哑柏镇"}

// importPush imports a CSV list for the county of unit and returns the
// list and its task IDs in row order.
func (w *world) importPush(unit, name string, rows ...string) (pushlist.List, []int64) {
	ctx := context.Background()
	b := []byte("姓名,身份证号,现住址\n" + strings.Join(rows, "\n"))
	l, err := w.e.App.PushLists.Import(ctx, seedActor, jurisdiction.Grant(unit[:6]), bytes.NewReader(b), int64(len(b)),
		pushlist.ImportOptions{Source: "公安", Name: name})
	if err != nil {
		w.t.Fatal(err)
	}
	var ids []int64
	rs, err := w.d.R().Query("SELECT id FROM push_tasks WHERE list_id = $1 ORDER BY row_no", l.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rs.Close()
	for rs.Next() {
		var id int64
		rs.Scan(&id)
		ids = append(ids, id)
	}
	return l, ids
}

func seedPushLists(w *world) {
	for _, r := range w.recs {
		listName, queued := "推送名单"+r.key, "推送未登记"+r.key
		l, ids := w.importPush(r.unit, listName, r.head.Name+","+r.head.IDNumber+",",
			queued+",,"+townshipNames[r.unit[:9]]+"某处")
		r.extra["pushlist"] = fmt.Sprint(l.ID)
		r.extra["pushtask"] = fmt.Sprint(ids[0])
		r.extra["pushqueue"] = fmt.Sprint(ids[1])
		r.extraLeaks = append(r.extraLeaks, listName, queued)
	}
}

// seesQueue reports whether the user sees the township queue of r.
func seesQueue(x *tc) bool { return x.p.user.Scope().Contains(x.r.unit[:9]) }

func pushSpecs(add adder, twin twinner) {
	const R, W, PI = auth.CapPeopleRead, auth.CapPeopleWrite, auth.CapPushImport
	st := func(api bool, page, json int) int { return status(api, page, json) }

	// --- Lists (the command centre).
	twin("GET /pushlists", "GET /api/v1/pushlists", PI, kGlobal, func(x *tc, pre string, api bool) []variant {
		var has, hasNot []string
		for _, r := range x.w.recs {
			if x.p.user.Scope().Contains(r.unit) {
				has = append(has, "推送名单"+r.key)
			} else {
				hasNot = append(hasNot, r.leaks()...)
			}
		}
		return get(pre+"/pushlists", ok(200, has...).not(hasNot...), want{})
	})
	twin("GET /pushlists/{id}", "GET /api/v1/pushlists/{id}", PI, kRecord, func(x *tc, pre string, api bool) []variant {
		return get(pre+"/pushlists/"+x.r.extra["pushlist"], ok(200, "推送名单"+x.r.key).not(x.r.fullIDs()...), x.notFound())
	})
	twin("GET /pushlists/{id}/feedback", "GET /api/v1/pushlists/{id}/feedback", PI, kRecord, func(x *tc, pre string, api bool) []variant {
		return get(pre+"/pushlists/"+x.r.extra["pushlist"]+"/feedback", xlsxWant([]string{x.r.head.Name, x.r.head.IDNumber, "核查结果", "推送未登记" + x.r.key}, nil), x.notFound())
	})
	// Withdrawal (撤回): each case withdraws a list of its own, inside the
	// scope only.
	twin("POST /pushlists/{id}/withdraw", "POST /api/v1/pushlists/{id}/withdraw", PI, kRecord, func(x *tc, pre string, api bool) []variant {
		key := x.w.uniq("")
		l, _ := x.w.importPush(x.r.unit, "撤回名单"+key, "撤回人"+key+",,")
		in := ok(st(api, 303, 200))
		if api {
			in = ok(200, `"cancelled":1`)
		}
		return []variant{{path: fmt.Sprintf("%s/pushlists/%d/withdraw", pre, l.ID), body: m{"confirm": "1"}, in: in, out: x.notFound(),
			after: func() error {
				var at int64
				var st string
				x.w.d.R().QueryRow("SELECT withdrawn_at FROM push_lists WHERE id = $1", l.ID).Scan(&at)
				x.w.d.R().QueryRow("SELECT status FROM push_tasks WHERE list_id = $1", l.ID).Scan(&st)
				if x.inside != (at != 0) || x.inside != (st == pushlist.StatusCancelled) {
					return fmt.Errorf("list %d withdrawn at %d, task %s; inside %v", l.ID, at, st, x.inside)
				}
				return nil
			}}}
	})
	add("POST /pushlists/upload", PI, kGlobal, func(x *tc) []variant {
		return []variant{{path: "/pushlists/upload?source=" + x.w.uniq("来源"), file: []byte("人员姓名,证件号码\n某人,\n"), in: ok(200, "对应表头", "证件号码"), pure: true}}
	})
	// The import names the record's head: matched inside the scope, never
	// matched (nor revealed) outside it.
	importVariant := func(x *tc, path string, file []byte, in want) variant {
		return variant{path: path, file: file, in: in, out: in, after: func() error {
			var pid int64
			x.w.d.R().QueryRow("SELECT person_id FROM push_tasks WHERE id_number = $1 ORDER BY id DESC LIMIT 1", x.r.head.IDNumber).Scan(&pid)
			if want := map[bool]int64{true: x.r.head.ID, false: 0}[x.inside]; pid != want {
				return fmt.Errorf("pushed head matched person %d, want %d", pid, want)
			}
			return nil
		}}
	}
	add("POST /pushlists", PI, kRecord, func(x *tc) []variant {
		token := fmt.Sprintf("%032x", x.w.n+1000)
		x.w.uniq("")
		path := filepath.Join(os.TempDir(), fmt.Sprintf("fangkong-push-%d-%s", x.p.user.ID, token))
		if err := os.WriteFile(path, []byte("姓名,身份证号\n"+x.r.head.Name+","+x.r.head.IDNumber+"\n"), 0o600); err != nil {
			x.w.t.Fatal(err)
		}
		v := importVariant(x, "/pushlists", nil, ok(303).not(x.r.leaks()...))
		v.body = m{"token": token, "source": "公安", "map_name": "姓名", "map_id_number": "身份证号"}
		return []variant{v}
	})
	add("POST /api/v1/pushlists", PI, kRecord, func(x *tc) []variant {
		in := ok(201, `"rows":1`).not(x.r.leaks()...)
		return []variant{importVariant(x, "/api/v1/pushlists?source="+x.w.uniq("接口"), []byte("姓名,身份证号\n"+x.r.head.Name+","+x.r.head.IDNumber+"\n"), in)}
	})

	// --- Tasks: the village's own and the township queue.
	twin("GET /pushtasks", "GET /api/v1/pushtasks", R, kRecord, func(x *tc, pre string, api bool) []variant {
		in := ok(200, x.r.head.Name).not(x.r.fullIDs()...)
		queue := "推送未登记" + x.r.key
		if seesQueue(x) {
			in.has = append(in.has, queue)
		} else {
			in = in.not(queue)
		}
		vs := get(pre+"/pushtasks?status=all", in, ok(200).not(x.r.leaks()...))
		qw := ok(200).not(x.r.leaks()...)
		if seesQueue(x) {
			qw = ok(200, queue)
		}
		return append(vs, get(pre+"/pushtasks?status=queue", qw, qw)...)
	})
	twin("GET /pushtasks", "GET /api/v1/pushtasks", R, kUnit, func(x *tc, pre string, api bool) []variant {
		under, rest := x.split(nil)
		return get(pre+"/pushtasks?status=all&unit="+x.code, ok(200, gather(under, heads)...).not(gather(rest, (*rec).leaks)...), x.notFound())
	})
	twin("GET /pushtasks/stats", "GET /api/v1/pushtasks/stats", R, kGlobal, func(x *tc, pre string, api bool) []variant {
		return get(pre+"/pushtasks/stats", ok(200).not(gather(x.scoped(false), (*rec).leaks)...), want{})
	})
	// ?unit=: that unit's rows and its total (合计); 404 outside the scope.
	twin("GET /pushtasks/stats", "GET /api/v1/pushtasks/stats", R, kUnit, func(x *tc, pre string, api bool) []variant {
		_, rest := x.split(nil)
		total := map[bool]string{false: `id="pushstats-total"`, true: `"total":{`}[api]
		return get(pre+"/pushtasks/stats?unit="+x.code, ok(200, total).not(gather(rest, (*rec).leaks)...), x.notFound())
	})
	twin("GET /pushtasks/{id}", "GET /api/v1/pushtasks/{id}", R, kRecord, func(x *tc, pre string, api bool) []variant {
		vs := get(pre+"/pushtasks/"+x.r.extra["pushtask"], ok(200, x.r.head.Name, x.r.head.IDNumber), x.notFound())
		qw := x.notFound()
		if seesQueue(x) {
			qw = ok(200, "推送未登记"+x.r.key)
		}
		return append(vs, get(pre+"/pushtasks/"+x.r.extra["pushqueue"], qw, qw)...)
	})
	twin("POST /pushtasks/{id}/answer", "POST /api/v1/pushtasks/{id}/answer", W, kRecord, func(x *tc, pre string, api bool) []variant {
		return []variant{{path: pre + "/pushtasks/" + x.r.extra["pushtask"] + "/answer", body: m{"result": "已返回原地", "note": "核实"},
			in: ok(st(api, 303, 200)), out: x.notFound()}}
	})
	twin("POST /pushtasks/{id}/route", "POST /api/v1/pushtasks/{id}/route", W, kRecord, func(x *tc, pre string, api bool) []variant {
		_, ids := x.w.importPush(x.r.unit, x.w.uniq("分派名单"), x.w.uniq("待分派")+",,"+townshipNames[x.r.unit[:9]]+"某处")
		_, ids2 := x.w.importPush(x.r.unit, x.w.uniq("分派名单"), x.w.uniq("待分派")+",,"+townshipNames[x.r.unit[:9]]+"某处")
		path, path2 := fmt.Sprintf("%s/pushtasks/%d/route", pre, ids[0]), fmt.Sprintf("%s/pushtasks/%d/route", pre, ids2[0])
		routed, far := x.notFound(), x.notFound()
		if seesQueue(x) {
			routed, far = ok(st(api, 303, 200)), ok(400, "不可用")
		}
		return []variant{
			{path: path, body: m{"unit_code": x.r.unit}, in: routed, out: routed, after: func() error {
				var u string
				x.w.d.R().QueryRow("SELECT unit_code FROM push_tasks WHERE id = $1", ids[0]).Scan(&u)
				if u != x.r.unit {
					return fmt.Errorf("routed task is in %s, want %s", u, x.r.unit)
				}
				return nil
			}},
			{path: path2, body: m{"unit_code": farVillage}, in: far, out: far},
		}
	})
	_ = http.StatusOK
}
