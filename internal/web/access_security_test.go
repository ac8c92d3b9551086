package web_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fangkong/internal/auth"
)

// The retention page (保存期限) and break-the-glass reads (跨辖区查看).

func init() {
	featureSpecs = append(featureSpecs, securitySpecs)
}

func securitySpecs(add adder, twin twinner) {
	// Retention: the rules and a dry run inside the caller's scope; the
	// matrix seeds nothing past its period, so nothing is due, and no
	// personal data is on the page.
	twin("GET /retention", "GET /api/v1/retention", auth.CapRetentionView, kGlobal, func(x *tc, pre string, api bool) []variant {
		has := map[bool][]string{false: {"保存期限", `id="due-measure_details">0<`}, true: {`"kind":"measure_details"`, `"due":0`}}[api]
		return get(pre+"/retention", ok(200, has...).not(gather(x.w.recs, (*rec).leaks)...), want{})
	})

	// Break-the-glass: for a person outside the scope a stated reason buys
	// one grant (the grants and the audit log are outside the fingerprint,
	// so the request is "pure"; after checks the grant); inside there is
	// nothing to grant and the answer is the person's own page.
	add("POST /breakglass", auth.CapPeopleBreakGlass, kRecord, func(x *tc) []variant {
		why := x.w.uniq("协查函第") + "号，核实密接"
		return []variant{{path: "/breakglass", body: m{"id_number": x.r.head.IDNumber, "kind": "协查", "reason": why},
			in: ok(303), out: ok(303), pure: true, after: func() error {
				want, grants := "/breakglass/", 1
				if x.inside {
					want, grants = "/people/"+x.r.headID(), 0
				}
				if loc := x.p.sess.Location; !strings.HasPrefix(loc, want) {
					return fmt.Errorf("redirected to %q, want %s…", loc, want)
				}
				if n := x.w.count("SELECT COUNT(*) FROM break_glass_grants WHERE reason = $1 AND person_id = $2", why, x.r.head.ID); n != grants {
					return fmt.Errorf("%d grants, want %d", n, grants)
				}
				return nil
			}}}
	})
	// A grant opens once, for the one who asked: someone else's grant
	// never opens; one's own shows the person in full, then is gone.
	add("GET /breakglass/{id}", auth.CapPeopleBreakGlass, kRecord, func(x *tc) []variant {
		now := time.Now().UnixMilli()
		var foreign int64
		if err := x.w.d.W().QueryRow(`INSERT INTO break_glass_grants (user_id, person_id, unit_code, kind, reason, created_at, expires_at)
			VALUES ($1, $2, $3, '协查', '别人的授权', $4, $5) RETURNING id`, x.r.holder.ID, x.r.head.ID, x.r.unit, now, now+600_000).Scan(&foreign); err != nil {
			x.w.t.Fatal(err)
		}
		vs := []variant{{path: fmt.Sprintf("/breakglass/%d", foreign), in: x.notFound(), out: x.notFound()}}
		if !x.inside && x.p.user.Can(auth.CapPeopleBreakGlass) {
			g, _, err := x.w.e.App.Registry.RequestBreakGlass(context.Background(), x.p.user.Actor("", ""), x.p.user.Scope(),
				x.r.head.IDNumber, "协查", "访问矩阵：协查核实")
			if err != nil {
				x.w.t.Fatal(err)
			}
			own := fmt.Sprintf("/breakglass/%d", g.ID)
			vs = append(vs, variant{path: own, out: ok(200, x.r.head.Name, x.r.head.IDNumber, x.r.head.Phone)},
				variant{path: own, out: x.notFound()})
		}
		return vs
	})
}
