package web_test

// TestAccessMatrix: every role × every page and API route (read from
// routes.go and api.go) × records and units inside and outside the user's
// jurisdiction. Inside: allowed, or 403 without the capability. Outside: 404
// for what is addressed by ID or code, 400 for a write naming it, and nothing
// of it in lists, search, counts, exports or the audit log. Writes that are
// refused change no row. The world is seeded in access_seed_test.go.

import (
	"os"
	"regexp"
	"slices"

	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

type kind int

const (
	kGlobal kind = iota // once per user
	kUnit               // per unit code of the tree
	kRecord             // per seeded village
)

// spec is one route of the route tables and how to exercise it.
type spec struct {
	pattern string          // exactly as in routes.go / api.go
	cap     auth.Capability // as the route table names it ("" = any user)
	need    auth.Capability // what the handler finally demands, when narrower
	kind    kind
	build   func(x *tc) []variant
}

func (s spec) method() string { m, _, _ := strings.Cut(s.pattern, " "); return m }

// tc is one target of a spec for one user.
type tc struct {
	w      *world
	p      *principal
	r      *rec
	code   string
	inside bool
}

func (x *tc) secret() []string {
	var out []string
	for _, r := range x.w.recs {
		if r == x.r || (x.code != "" && strings.HasPrefix(r.unit, x.code)) {
			out = append(append(out, r.leaks()...), r.unitData()...)
		}
	}
	return out
}

func (x *tc) notFound() want { return want{status: http.StatusNotFound}.not(x.secret()...) }

// invalid is the answer to a write naming an outside unit or household.
func (x *tc) invalid(status int, msg string) want { return ok(status, msg).not(x.r.leaks()...) }

func (x *tc) home() string { return x.w.rec(x.p.home).unit }

// scoped lists the records inside (or outside) the user's scope.
func (x *tc) scoped(inside bool) []*rec {
	return x.w.filter(func(r *rec) bool { return x.p.user.Scope().Contains(r.unit) == inside })
}

// split divides the records into those under the target unit and the rest.
func (x *tc) split(match func(r *rec) bool) (under, rest []*rec) {
	if match == nil {
		match = func(r *rec) bool { return strings.HasPrefix(r.unit, x.code) }
	}
	return x.w.filter(match), x.w.filter(func(r *rec) bool { return !match(r) })
}

func gather(rs []*rec, f func(*rec) []string) []string {
	var out []string
	for _, r := range rs {
		out = append(out, f(r)...)
	}
	return out
}

func heads(r *rec) []string    { return []string{r.head.Name} }
func grids(r *rec) []string    { return []string{r.grid.Name} }
func hhNos(r *rec) []string    { return []string{r.hh.No} }
func exported(r *rec) []string { return append(r.names(), r.head.IDNumber, r.member.IDNumber) }
func listed(r *rec) []string   { return append(r.names(), r.masked()...) }

func get(path string, in, out want) []variant { return []variant{{path: path, in: in, out: out}} }

func xlsxWant(has, hasNot []string) want {
	return want{status: 200, has: has, hasNot: hasNot, xlsx: true}
}

type m = map[string]any

func specs() []spec {
	const R, W, EX, IM, UW = auth.CapPeopleRead, auth.CapPeopleWrite, auth.CapPeopleExport, auth.CapPeopleImport, auth.CapUnitsWrite
	const AU, UM = auth.CapAuditRead, auth.CapUsersManage
	var s []spec
	add := func(pattern string, cap auth.Capability, k kind, build func(x *tc) []variant) {
		s = append(s, spec{pattern: pattern, cap: cap, kind: k, build: build})
	}
	// twin registers a page route and its API twin with one builder; a page
	// sends the body as a form.
	twin := func(page, api string, cap auth.Capability, k kind, build func(x *tc, pre string, api bool) []variant) {
		add(page, cap, k, func(x *tc) []variant { return build(x, "", false) })
		add(api, cap, k, func(x *tc) []variant { return build(x, "/api/v1", true) })
	}
	st := func(api bool, page, json int) int { return map[bool]int{false: page, true: json}[api] }

	// --- Audit first, while the seed's entries are among the newest 100.
	// A reader who may not read people (the administrator) sees the
	// entries about them with their summaries withheld: no name at all.
	auditSees := func(x *tc, recs []*rec) want {
		if x.p.user.Can(auth.CapPeopleRead) || len(recs) == 0 {
			return ok(200, gather(recs, heads)...)
		}
		return ok(200, "涉及个人信息").not(gather(recs, heads)...)
	}
	twin("GET /audit", "GET /api/v1/audit", AU, kGlobal, func(x *tc, pre string, api bool) []variant {
		return get(pre+"/audit", auditSees(x, x.scoped(true)).not(gather(x.scoped(false), (*rec).leaks)...), want{})
	})
	twin("GET /audit", "GET /api/v1/audit", AU, kUnit, func(x *tc, pre string, api bool) []variant {
		under, rest := x.split(nil)
		in := auditSees(x, under).not(gather(rest, (*rec).leaks)...)
		return get(pre+"/audit?unit="+x.code, in, ok(200).not(gather(x.scoped(false), (*rec).leaks)...))
	})
	twin("GET /audit", "GET /api/v1/audit", AU, kRecord, func(x *tc, pre string, api bool) []variant {
		none := map[bool]string{false: "没有记录", true: `"entries":[]`}[api]
		return get(pre+"/audit?entity=person&entity_id="+x.r.headID(), auditSees(x, []*rec{x.r}), ok(200, none).not(x.r.leaks()...))
	})

	// --- About oneself.
	add("GET /{$}", "", kGlobal, func(x *tc) []variant { // the day's work, the look-up, or one's unit
		home := `href="/units/` + x.p.user.UnitCode + `"`
		switch u := x.p.user; {
		case u.Role == auth.RoleVillage || u.Role == auth.RoleTownship:
			home = `href="/today"`
		case u.Role == auth.RoleCommand:
			home = `href="/command"`
		case u.Can(auth.CapSentinelReport):
			home = `href="/sentinel"`
		case u.Can(auth.CapCheckpointLog):
			home = `href="/checks"`
		case u.Role == auth.RoleTracing:
			home = `href="/tracing/cases"`
		case u.Role == auth.RoleSampling:
			home = `href="/sampling"`
		case u.Role == auth.RoleSite:
			home = `href="/sites"`
		case u.Role == auth.RoleInspector:
			home = `href="/inspections"`
		case !u.Can(R) && u.Can(auth.CapPeopleLookup):
			home = `href="/lookup"`
		}
		return get("/", ok(303, home), want{})
	})
	add("GET /account", "", kGlobal, func(x *tc) []variant { return get("/account", ok(200, x.p.username), want{}) })
	add("GET /password", "", kGlobal, func(x *tc) []variant { return get("/password", ok(200, "修改密码"), want{}) })
	add("GET /api/v1/me", "", kGlobal, func(x *tc) []variant {
		return get("/api/v1/me", ok(200, `"unit_code":"`+x.p.user.UnitCode+`"`, `"role":"`+string(x.p.user.Role)+`"`), want{})
	})
	add("GET /ledger/template", IM, kGlobal, func(x *tc) []variant {
		return get("/ledger/template", xlsxWant([]string{"身份证号", "户编号"}, gather(x.scoped(false), (*rec).names)), want{})
	})
	s = append(s, spec{pattern: "GET /ledger", need: EX, kind: kGlobal, build: func(x *tc) []variant {
		return get("/ledger", ok(200, "台账导入导出"), want{})
	}})
	add("POST /password", "", kGlobal, func(x *tc) []variant {
		f := url.Values{"current": {"Wrong-pass-1"}, "new": {"Other-pass-2027"}, "confirm": {"Other-pass-2027"}}
		return []variant{{path: "/password", form: f, in: ok(400, "原密码不正确")}}
	})
	add("POST /account/tokens", "", kGlobal, func(x *tc) []variant {
		return []variant{{path: "/account/tokens", body: m{"name": x.w.uniq("令牌")}, in: ok(200, "令牌已生成")}}
	})
	add("POST /account/tokens/{id}/revoke", "", kGlobal, func(x *tc) []variant {
		return []variant{{path: fmt.Sprintf("/account/tokens/%d/revoke", x.w.foreignToken), in: ok(404)}}
	})
	add("POST /logout", "", kGlobal, func(x *tc) []variant {
		c := x.w.e.Login(x.w.t, x.p.username, apptest.Password)
		return []variant{{path: "/logout", via: c, in: ok(303), pure: true, after: func() error {
			if st, _ := c.Get("/account"); st != http.StatusSeeOther {
				return fmt.Errorf("after logout /account answers %d, want 303", st)
			}
			return nil
		}}}
	})

	// --- Export of one's own unit, and of every unit of the tree.
	twin("GET /ledger/export", "GET /api/v1/ledger/export", EX, kGlobal, func(x *tc, pre string, api bool) []variant {
		return get(pre+"/ledger/export", xlsxWant(gather(x.scoped(true), exported), gather(x.scoped(false), (*rec).names)), want{})
	})
	twin("GET /ledger/export", "GET /api/v1/ledger/export", EX, kUnit, func(x *tc, pre string, api bool) []variant {
		under, rest := x.split(nil)
		return get(pre+"/ledger/export?unit="+x.code, xlsxWant(gather(under, exported), gather(rest, (*rec).names)), x.notFound())
	})

	// --- Units: counts, grids, responsible people; lists narrowed to a unit.
	add("GET /units/{code}", "", kUnit, func(x *tc) []variant {
		under, _ := x.split(nil)
		in := ok(200, fmt.Sprintf(`id="total-people">%d<`, 2*len(under)), fmt.Sprintf(`id="total-households">%d<`, len(under)))
		return get("/units/"+x.code, in, x.notFound().not(`id="total-people"`))
	})
	add("GET /api/v1/units/{code}", "", kUnit, func(x *tc) []variant {
		under, _ := x.split(nil)
		in := want{status: 200, check: func(body string) error {
			var out struct {
				Unit struct {
					Code               string
					People, Households int
				}
				Children []struct{ Code string }
			}
			if err := json.Unmarshal([]byte(body), &out); err != nil {
				return err
			}
			if out.Unit.Code != x.code || out.Unit.People != 2*len(under) || out.Unit.Households != len(under) {
				return fmt.Errorf("unit %+v, want %s with %d people, %d households", out.Unit, x.code, 2*len(under), len(under))
			}
			for _, c := range out.Children {
				if !strings.HasPrefix(c.Code, x.code) || !x.p.user.Scope().Contains(c.Code) {
					return fmt.Errorf("child %s outside", c.Code)
				}
			}
			return nil
		}}
		return get("/api/v1/units/"+x.code, in, x.notFound())
	})
	for _, sub := range []string{"grids", "responsibles"} {
		f := map[string]func(*rec) []string{"grids": grids, "responsibles": func(r *rec) []string { return r.unitData()[1:] }}[sub]
		add("GET /api/v1/units/{code}/"+sub, "", kUnit, func(x *tc) []variant {
			here, other := x.split(func(r *rec) bool { return r.unit == x.code })
			return get("/api/v1/units/"+x.code+"/"+sub, ok(200, gather(here, f)...).not(gather(other, f)...), x.notFound())
		})
	}
	twin("GET /people", "GET /api/v1/people", R, kUnit, func(x *tc, pre string, api bool) []variant {
		under, rest := x.split(nil)
		in := ok(200, gather(under, listed)...).not(gather(rest, (*rec).names)...).not(gather(x.w.recs, (*rec).fullIDs)...)
		return get(pre+"/people?limit=500&unit="+x.code, in, x.notFound())
	})
	twin("GET /households", "GET /api/v1/households", R, kUnit, func(x *tc, pre string, api bool) []variant {
		under, rest := x.split(nil)
		in := ok(200, gather(under, hhNos)...).not(gather(rest, hhNos)...).not(gather(x.w.recs, (*rec).fullIDs)...)
		return get(pre+"/households?limit=500&unit="+x.code, in, x.notFound())
	})
	add("GET /households/new", W, kUnit, func(x *tc) []variant {
		here, other := x.split(func(r *rec) bool { return r.unit == jurisdiction.VillageOf(x.code) })
		// The form for an outside unit only echoes the code the user typed.
		return get("/households/new?unit="+x.code, ok(200, gather(here, grids)...).not(gather(other, grids)...),
			ok(200).not(gather(here, grids)...))
	})

	// --- One record, addressed by its ID.
	twin("GET /people/{id}", "GET /api/v1/people/{id}", R, kRecord, func(x *tc, pre string, api bool) []variant {
		return get(pre+"/people/"+x.r.headID(), ok(200, x.r.head.Name, x.r.head.IDNumber, x.r.head.Phone), x.notFound())
	})
	add("GET /people/{id}/call", R, kRecord, func(x *tc) []variant {
		return get("/people/"+x.r.headID()+"/call", ok(200, x.r.head.Name, "tel:"+x.r.head.Phone), x.notFound())
	})
	twin("GET /households/{id}", "GET /api/v1/households/{id}", R, kRecord, func(x *tc, pre string, api bool) []variant {
		in := ok(200, append(listed(x.r), x.r.hh.No, maskPhone(x.r.hh.Phone))...).not(x.r.fullIDs()...)
		return get(pre+"/households/"+x.r.householdID(), in, x.notFound())
	})
	add("GET /people/{id}/edit", W, kRecord, func(x *tc) []variant {
		return get("/people/"+x.r.headID()+"/edit", ok(200, x.r.head.IDNumber), x.notFound())
	})
	add("GET /households/{id}/edit", W, kRecord, func(x *tc) []variant {
		return get("/households/"+x.r.householdID()+"/edit", ok(200, x.r.hh.Address, x.r.grid.Name), x.notFound())
	})
	add("GET /people/new", W, kRecord, func(x *tc) []variant {
		return get("/people/new?household="+x.r.householdID(), ok(200, x.r.hh.No), x.notFound())
	})

	// --- Whole-scope lists and searches: inside found and masked, outside absent.
	twin("GET /people", "GET /api/v1/people", R, kRecord, func(x *tc, pre string, api bool) []variant {
		r, none := x.r, map[bool]string{false: "没有找到人员", true: `"people":[]`}[api]
		vs := get(pre+"/people?limit=500", ok(200, listed(r)...).not(r.fullIDs()...), ok(200).not(r.leaks()...))
		for _, q := range []string{"q=" + r.head.IDNumber, "q=" + r.head.IDNumber[14:], "q=" + r.head.Phone,
			"q=" + url.QueryEscape(string([]rune(r.head.Name)[:2])), "household=" + r.householdID()} {
			vs = append(vs, get(pre+"/people?"+q, ok(200, r.head.Name, maskID(r.head.IDNumber)).not(r.fullIDs()...),
				ok(200, none).not(r.leaks()...))...)
		}
		return vs
	})
	twin("GET /households", "GET /api/v1/households", R, kRecord, func(x *tc, pre string, api bool) []variant {
		r, none := x.r, map[bool]string{false: "没有找到户", true: `"households":[]`}[api]
		vs := get(pre+"/households?limit=500", ok(200, r.hh.No, r.hh.Address, maskPhone(r.hh.Phone)).not(r.hh.Phone), ok(200).not(r.leaks()...))
		for _, q := range []string{"q=" + r.hh.No, "q=" + url.QueryEscape(r.hh.Address), "q=" + url.QueryEscape(string([]rune(r.head.Name)[:2])),
			fmt.Sprintf("grid=%d", r.grid.ID)} {
			vs = append(vs, get(pre+"/households?"+q, ok(200, r.hh.No, r.hh.Address, r.head.Name), ok(200, none).not(r.leaks()...))...)
		}
		return vs
	})
	twin("GET /admin/users", "GET /api/v1/users", UM, kRecord, func(x *tc, pre string, api bool) []variant {
		h := map[bool]string{false: x.r.holder.Username, true: `"username":"` + x.r.holder.Username + `"`}[api]
		return get(map[bool]string{false: "/admin/users", true: "/api/v1/users"}[api], ok(200, h), ok(200).not(h))
	})

	// --- Writes. Inside they succeed and land in the right unit; outside
	// they are refused and change no row (the runner compares fingerprints).
	landed := func(x *tc, query, key string) func() error {
		return func() error {
			var got string
			x.w.d.R().QueryRow(query, key).Scan(&got)
			if got != x.r.unit {
				return fmt.Errorf("%q is in %q, want %s", key, got, x.r.unit)
			}
			return nil
		}
	}
	const personAt, hhAt = "SELECT unit_code FROM people WHERE name = $1", "SELECT unit_code FROM households WHERE address = $1"
	const notYours, noHousehold, noGrid = "不在您的辖区内", "户不存在或不在您的辖区内", "网格不存在或不属于该村"
	twin("POST /people", "POST /api/v1/people", W, kRecord, func(x *tc, pre string, api bool) []variant {
		n1, n2, n3 := x.w.uniq("新登记"), x.w.uniq("新登记"), x.w.uniq("新登记")
		made := st(api, 303, 201)
		dup := ok(409, registry.ElsewhereMessage).not(append(x.r.names(), x.r.hh.No, x.r.hh.Address, x.r.unit, "人员编号 "+x.r.headID())...)
		return []variant{
			{path: pre + "/people", body: m{"name": n1, "sex": "男", "birth_date": "1990-01-01", "unit_code": x.r.unit},
				in: ok(made), out: x.invalid(400, notYours), after: landed(x, personAt, n1)},
			{path: pre + "/people", body: m{"name": n2, "sex": "女", "birth_date": "1991-02-03", "household_id": x.r.hh.ID, "relation": "子女"},
				in: ok(made), out: x.invalid(400, noHousehold), after: landed(x, personAt, n2)},
			// An ID number registered elsewhere: refused without saying where or who.
			{path: pre + "/people", body: m{"name": n3, "id_number": x.r.head.IDNumber, "unit_code": x.home()},
				in: ok(409, "人员编号 "+x.r.headID()), out: dup},
		}
	})
	twin("POST /people/{id}", "PUT /api/v1/people/{id}", W, kRecord, func(x *tc, pre string, api bool) []variant {
		h, t1, t2 := x.r.head, x.w.tempPerson(x.home()), x.w.tempPerson(x.home())
		moved := m{"name": x.w.uniq("迁入"), "sex": "男", "birth_date": "1990-01-01", "version": 1}
		joined := m{"name": x.w.uniq("入户"), "sex": "男", "birth_date": "1990-01-01", "version": 1, "household_id": x.r.hh.ID, "relation": "子女"}
		moved["unit_code"] = x.r.unit
		done := st(api, 303, 200)
		return []variant{
			{path: pre + "/people/" + x.r.headID(), in: ok(done), out: x.notFound(), body: m{"name": h.Name, "id_number": h.IDNumber, "phone": h.Phone,
				"household_id": h.HouseholdID, "relation": "户主", "unit_code": x.r.unit, "note": x.w.uniq("核对"), "version": x.w.version("people", h.ID)}},
			{path: fmt.Sprintf("%s/people/%d", pre, t1), body: moved, in: ok(done), out: x.invalid(400, notYours), after: landed(x, personAt, moved["name"].(string))},
			{path: fmt.Sprintf("%s/people/%d", pre, t2), body: joined, in: ok(done), out: x.invalid(400, noHousehold)},
		}
	})
	twin("POST /people/{id}/merge", "POST /api/v1/people/{id}/merge", W, kRecord, func(x *tc, pre string, api bool) []variant {
		here := func() int64 { return x.w.tempPerson(x.r.unit) }
		home := func() int64 { return x.w.tempPerson(x.home()) }
		var vs []variant
		for i, pr := range [][2]int64{{here(), here()}, {home(), here()}, {here(), home()}, {x.r.head.ID, home()}} {
			out := x.notFound()
			if i == 1 && !api { // the kept record is the user's own: the form again, the other number refused beside its field, nothing named
				out = x.invalid(400, "本辖区没有人员编号为")
			}
			vs = append(vs, variant{path: fmt.Sprintf("%s/people/%d/merge", pre, pr[0]), body: m{"other": pr[1]}, in: ok(st(api, 303, 200)), out: out})
		}
		return vs
	})
	twin("POST /people/{id}/deregister", "POST /api/v1/people/{id}/deregister", W, kRecord, func(x *tc, pre string, api bool) []variant {
		t := x.w.tempPerson(x.r.unit)
		return []variant{{path: fmt.Sprintf("%s/people/%d/deregister", pre, t), body: m{"reason": "迁出", "date": "2026-01-02"},
			in: ok(st(api, 303, 200)), out: x.notFound()}}
	})
	twin("POST /people/{id}/reinstate", "POST /api/v1/people/{id}/reinstate", W, kRecord, func(x *tc, pre string, api bool) []variant {
		t := x.w.tempPerson(x.r.unit)
		if _, err := x.w.e.App.Registry.Deregister(context.Background(), seedActor, jurisdiction.System("test"), t, "死亡", "2026-01-02"); err != nil {
			x.w.t.Fatal(err)
		}
		return []variant{{path: fmt.Sprintf("%s/people/%d/reinstate", pre, t), in: ok(st(api, 303, 200)), out: x.notFound()}}
	})
	twin("POST /households", "POST /api/v1/households", W, kRecord, func(x *tc, pre string, api bool) []variant {
		a := x.w.uniq("新户住址")
		return []variant{{path: pre + "/households", body: m{"unit_code": x.r.unit, "address": a}, in: ok(st(api, 303, 201)),
			out: x.invalid(400, notYours).not(x.r.grid.Name), after: landed(x, hhAt, a)}}
	})
	twin("POST /households/{id}", "PUT /api/v1/households/{id}", W, kRecord, func(x *tc, pre string, api bool) []variant {
		h, t1, t2, a := x.r.hh, x.w.tempHousehold(x.home()), x.w.tempHousehold(x.home()), x.w.uniq("迁入住址")
		done, gridOK := ok(st(api, 303, 200)), x.invalid(400, noGrid)
		if x.r.unit == x.home() {
			gridOK = ok(st(api, 303, 200))
		}
		return []variant{
			{path: pre + "/households/" + x.r.householdID(), in: done, out: x.notFound(), body: m{"no": h.No, "unit_code": h.UnitCode,
				"grid_id": h.GridID, "address": h.Address, "phone": h.Phone, "version": x.w.version("households", h.ID)}},
			{path: fmt.Sprintf("%s/households/%d", pre, t1), body: m{"no": fmt.Sprintf("%s-%04d", x.r.unit, 9000+x.w.n), "unit_code": x.r.unit, "address": a, "version": 1}, in: done,
				out: x.invalid(400, notYours), after: landed(x, hhAt, a)},
			{path: fmt.Sprintf("%s/households/%d", pre, t2), body: m{"unit_code": x.home(), "address": "网格调整", "grid_id": x.r.grid.ID, "version": 1},
				in: gridOK, out: x.invalid(400, noGrid)},
		}
	})
	for _, sub := range []string{"groups", "grids", "responsibles"} {
		query := map[string]string{"groups": "SELECT parent_code FROM units WHERE name = $1",
			"grids": "SELECT village_code FROM grids WHERE name = $1", "responsibles": "SELECT unit_code FROM responsibles WHERE name = $1"}[sub]
		twin("POST /units/{code}/"+sub, "POST /api/v1/units/{code}/"+sub, UW, kRecord, func(x *tc, pre string, api bool) []variant {
			n, made := x.w.uniq("新"+sub), st(api, 303, 201)
			vs := []variant{{path: pre + "/units/" + x.r.unit + "/" + sub, body: m{"name": n}, in: ok(made), out: x.notFound(), after: landed(x, query, n)}}
			if sub == "responsibles" {
				vs[0].body = m{"name": n, "duty": "网格员", "phone": "18800005555"}
				gridOK := x.invalid(400, noGrid) // a responsible of the home village for a grid of this one
				if x.r.unit == x.home() {
					gridOK = ok(made)
				}
				vs = append(vs, variant{path: pre + "/units/" + x.home() + "/responsibles", in: gridOK, out: x.invalid(400, noGrid),
					body: m{"name": x.w.uniq("网格责任人"), "duty": "网格员", "phone": "18800005555", "grid_id": x.r.grid.ID}})
			}
			return vs
		})
	}
	twin("POST /responsibles/{id}/delete", "DELETE /api/v1/responsibles/{id}", UW, kRecord, func(x *tc, pre string, api bool) []variant {
		id := x.w.tempResponsible(x.r.unit)
		path := map[bool]string{false: fmt.Sprintf("/responsibles/%d/delete", id), true: fmt.Sprintf("/api/v1/responsibles/%d", id)}[api]
		return []variant{{path: path, in: ok(st(api, 303, 204)), out: x.notFound(), after: func() error {
			if n := x.w.count("SELECT COUNT(*) FROM responsibles WHERE id = $1", id); n != 0 {
				return fmt.Errorf("responsible %d still there", id)
			}
			return nil
		}}}
	})
	twin("POST /ledger/import", "POST /api/v1/ledger/import", IM, kRecord, func(x *tc, pre string, api bool) []variant {
		n, r := x.w.uniq("导入人员"), x.r
		in := map[bool]want{false: ok(200, "已导入"), true: ok(200, `"applied":true`)}[api]
		csv := func(rows ...string) []byte {
			return []byte("村(社区)代码,户编号,姓名,身份证号,性别,出生日期,手机号,与户主关系\n" + strings.Join(rows, "\n"))
		}
		// Inside: the head's own row updates it in place. Outside: claiming the
		// outside head's ID number for one's own village is refused.
		claim := csv(r.unit + "," + r.hh.No + "," + r.head.Name + "," + r.head.IDNumber + ",,," + r.head.Phone + ",户主")
		if !x.inside {
			claim = csv(x.home() + ",," + x.w.uniq("冒名") + "," + r.head.IDNumber + ",,,,")
		}
		return []variant{
			{path: pre + "/ledger/import", file: csv(r.unit + ",," + n + ",,男,1990-01-01,,"), in: in, out: x.invalid(422, notYours).not(`"applied":true`),
				after: landed(x, personAt, n)},
			{path: pre + "/ledger/import", file: claim, in: in, out: x.invalid(422, registry.ElsewhereMessage).not(`"applied":true`),
				after: landed(x, "SELECT unit_code FROM people WHERE id_number = $1", r.head.IDNumber)},
		}
	})
	twin("POST /admin/users", "POST /api/v1/users", UM, kRecord, func(x *tc, pre string, api bool) []variant {
		n := x.w.uniq("new_user_")
		path := map[bool]string{false: "/admin/users", true: "/api/v1/users"}[api]
		return []variant{{path: path, body: m{"username": n, "display_name": "新账号", "role": "village", "unit_code": x.r.unit, "password": apptest.Password},
			in: ok(st(api, 303, 201)), out: x.invalid(400, notYours).not(x.r.holder.Username), after: landed(x, "SELECT unit_code FROM users WHERE username = $1", n)}}
	})
	add("POST /admin/users/import", UM, kRecord, func(x *tc) []variant {
		n := x.w.uniq("bulk_user_")
		file := []byte("批量开通账号\n姓名,手机号,角色,单位,用户名\n新网格员,,网格员," + x.r.unit + "," + n + "\n合计：1人\n")
		return []variant{{path: "/admin/users/import", file: file, in: ok(200, "已开通", n), out: x.invalid(422, "不在您的辖区内").not(n),
			after: landed(x, "SELECT unit_code FROM users WHERE username = $1", n)}}
	})
	for _, what := range []string{"password", "disable"} {
		body := map[string]m{"password": {"password": "Reset-pass-2026"}, "disable": {"disabled": "1"}}[what]
		add("POST /admin/users/{id}/"+what, UM, kRecord, func(x *tc) []variant {
			return []variant{{path: fmt.Sprintf("/admin/users/%d/%s", x.r.holder.ID, what), body: body, in: ok(303), out: x.notFound()}}
		})
	}
	add("POST /admin/users/{id}/password", UM, kGlobal, func(x *tc) []variant { // the county's account, above the admin
		return []variant{{path: fmt.Sprintf("/admin/users/%d/password", x.w.principal("command").user.ID), body: m{"password": "Reset-pass-2026"}, in: ok(404)}}
	})
	for _, f := range featureSpecs {
		f(add, twin)
	}
	return s
}

// Feature extensions: each feature's access_<feature>_test.go registers, in
// an init function, its specs (featureSpecs), what it seeds in each village
// (featureSeeds, run after the base world is seeded; keep the feature's IDs
// and secrets in rec.extra and rec.extraLeaks) and the aggregates its writes
// change (fingerprintParts, e.g. "COUNT(*) FROM returnees").
type (
	adder   func(pattern string, cap auth.Capability, k kind, build func(x *tc) []variant)
	twinner func(page, api string, cap auth.Capability, k kind, build func(x *tc, pre string, api bool) []variant)
)

var (
	featureSpecs     []func(add adder, twin twinner)
	featureSeeds     []func(w *world)
	fingerprintParts []string
	// lateSeeds run after every feature's seeds (a feature that settles
	// what others seeded).
	lateSeeds []func(w *world)
)

// status picks the page's or the API's status.
func status(api bool, page, json int) int {
	if api {
		return json
	}
	return page
}

func TestAccessMatrix(t *testing.T) {
	all := specs()
	declared := declaredRoutes(t)
	checkCoverage(t, declared, all)
	// FANGKONG_ACCESS_ONLY=regexp runs only the specs whose pattern matches
	// (a developer's quick loop; CI runs them all).
	if only := os.Getenv("FANGKONG_ACCESS_ONLY"); only != "" {
		re := regexp.MustCompile(only)
		all = slices.DeleteFunc(all, func(s spec) bool { return !re.MatchString(s.pattern) })
		t.Logf("FANGKONG_ACCESS_ONLY=%s: %d specs", only, len(all))
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		mx := &matrix{world: seedWorld(t, d), mux: http.NewServeMux()}
		for p := range declared {
			mx.mux.HandleFunc(p, func(http.ResponseWriter, *http.Request) {})
		}
		phases := []struct {
			name  string
			match func(s spec) bool
		}{
			{"global+unit reads", func(s spec) bool { return s.method() == "GET" && s.kind != kRecord }},
			{"record reads", func(s spec) bool { return s.method() == "GET" && s.kind == kRecord }},
			{"writes", func(s spec) bool { return s.method() != "GET" }}, // after the reads, which count rows
		}
		for _, ph := range phases {
			for _, s := range all {
				if ph.match(s) {
					mx.runSpec(ph.name, s)
				}
			}
		}
		mx.runAnonymous(all)
		total, parts := 0, []string{}
		for _, ph := range []string{"global+unit reads", "record reads", "writes", "anonymous"} {
			total += mx.counts[ph]
			parts = append(parts, fmt.Sprintf("%s %d", ph, mx.counts[ph]))
		}
		t.Logf("access matrix: %d scenarios (%s; by session %d, by token %d) over %d routes, %d users, %d records, %d units; %d failed",
			total, strings.Join(parts, ", "), mx.counts["session"], mx.counts["token"], len(declared), len(mx.principals), len(mx.recs), len(allUnits), mx.failed)
	})
}

type matrix struct {
	*world
	mux    *http.ServeMux
	failed int
}

func (mx *matrix) runSpec(phase string, s spec) {
	for _, p := range mx.principals {
		var targets []*tc
		switch s.kind {
		case kGlobal:
			targets = []*tc{{w: mx.world, p: p, inside: true}}
		case kUnit:
			for _, code := range allUnits {
				targets = append(targets, &tc{w: mx.world, p: p, code: code, inside: p.user.Scope().Contains(code)})
			}
		case kRecord:
			for _, r := range mx.recs {
				targets = append(targets, &tc{w: mx.world, p: p, r: r, inside: p.user.Scope().Contains(r.unit)})
			}
		}
		clients := map[string]*apptest.Client{"session": p.sess}
		if _, path, _ := strings.Cut(s.pattern, " "); isAPI(path) {
			clients["token"] = p.token // a token sees exactly what its user sees
		}
		for _, x := range targets {
			for _, via := range []string{"session", "token"} {
				if c := clients[via]; c != nil {
					for _, v := range s.build(x) {
						mx.exec(phase, via, s, x, c, v)
					}
				}
			}
		}
	}
}

// expect is the outcome for this user: 403 without the capability, else
// the variant's inside or outside outcome.
func (s spec) expect(x *tc, v variant) want {
	need := s.cap
	if s.need != "" {
		need = s.need
	}
	switch {
	case need != "" && !x.p.user.Can(need):
		return want{status: http.StatusForbidden}.not(x.secret()...)
	case x.inside:
		return v.in
	}
	return v.out
}

func (mx *matrix) exec(phase, via string, s spec, x *tc, c *apptest.Client, v variant) {
	if v.method == "" {
		v.method = s.method()
	}
	if v.via != nil {
		c = v.via
	}
	exp := s.expect(x, v)
	var bad []string
	if req, err := http.NewRequest(v.method, v.path, nil); err != nil {
		bad = append(bad, err.Error())
	} else if _, pat := mx.mux.Handler(req); pat != s.pattern {
		bad = append(bad, fmt.Sprintf("request routes to %q, not %q", pat, s.pattern))
	}
	write, before := v.method != http.MethodGet, ""
	if write {
		before = mx.fingerprint()
	}
	status, body := send(c, v)
	bad = append(bad, verify(v, exp, status, body)...)
	if write {
		if changed, wantChange := mx.fingerprint() != before, exp.status < 400 && !v.pure; changed != wantChange {
			bad = append(bad, fmt.Sprintf("data changed: %v, want %v", changed, wantChange))
		}
	}
	if v.after != nil && len(bad) == 0 && exp.status < 400 {
		if err := v.after(); err != nil {
			bad = append(bad, err.Error())
		}
	}
	mx.counts[phase]++
	mx.counts[via]++
	if len(bad) > 0 {
		where := "own"
		if x.r != nil {
			where = "record " + x.r.key
		} else if x.code != "" {
			where = "unit " + x.code
		}
		mx.fail(fmt.Sprintf("%s/%s %s %s [%s, inside=%v]", x.p.name, via, v.method, v.path, where, x.inside), bad, body)
	}
}

func (mx *matrix) fail(what string, bad []string, body string) {
	if mx.failed++; mx.failed > 60 {
		return
	}
	if strings.HasPrefix(body, "PK") {
		body = fmt.Sprintf("(%d bytes of XLSX)", len(body))
	} else if len(body) > 600 {
		body = body[:600] + "…"
	}
	mx.t.Errorf("%s: %s\n\t%s", what, strings.Join(bad, "; "), body)
}

// runAnonymous sends one instance of every route without credentials.
func (mx *matrix) runAnonymous(all []spec) {
	p, r := mx.principal("village"), mx.rec("A")
	for _, s := range all {
		for _, v := range s.build(&tc{w: mx.world, p: p, r: r, code: r.unit, inside: true}) {
			if v.method == "" {
				v.method = s.method()
			}
			before := mx.fingerprint()
			bad := mx.anonymous(v)
			if mx.fingerprint() != before {
				bad = append(bad, "data changed")
			}
			mx.counts["anonymous"]++
			if len(bad) > 0 {
				mx.fail(fmt.Sprintf("anonymous %s %s", v.method, v.path), bad, "")
			}
		}
	}
}

// checkCoverage ties the matrix to the route tables: every route is
// exercised, with the capability the table names, and nothing else is.
func checkCoverage(t *testing.T, declared map[string]auth.Capability, all []spec) {
	have := map[string]auth.Capability{}
	for _, s := range all {
		if c, dup := have[s.pattern]; dup && c != s.cap {
			t.Errorf("matrix: %q listed with capabilities %q and %q", s.pattern, c, s.cap)
		}
		have[s.pattern] = s.cap
		if _, ok := declared[s.pattern]; !ok {
			t.Errorf("matrix: %q is not a declared route", s.pattern)
		}
	}
	for pat, c := range declared {
		got, ok := have[pat]
		switch {
		case !ok:
			t.Errorf("route %q is not covered by the access matrix", pat)
		case got != c:
			t.Errorf("route %q needs %q, the matrix expects %q", pat, c, got)
		}
	}
}
